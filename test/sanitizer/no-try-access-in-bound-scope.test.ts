// no-try-access-in-bound-scope on the runtime. The rule's prediction for the bad fixture: in
// probe(), remove() and a devm IRQ handler, tryAccess()/tryAccessWith() cannot fail, so every
// "device gone" fallback is dead code and each call opens a read-side section for nothing.
// Hammering the fixture with IRQs, unbinds and unplugs never reaches a fallback, while the same
// Devres read from outside a bound scope after unbind does fail (tryAccess is for THAT). The
// good fixture (access(dev) in bound scopes, tryAccess in a timer) runs clean.
import { describe, expect, it } from "vitest";
import { sanitizer, type Devres, type DriverOps, type Mmio } from "@devbound/runtime";
import * as bad from "../../fixtures/no-try-access-in-bound-scope/bad.js";
import * as good from "../../fixtures/no-try-access-in-bound-scope/good.js";
import { plug as plugDriver, useSanitizer } from "./harness.js";

const plug = <D>(drv: DriverOps<D>) => plugDriver(drv, { mmioSize: 64 });
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

useSanitizer();

describe("no-try-access-in-bound-scope under the sanitizer", () => {
  it("bad: the fallbacks in bound scopes never run, across IRQs, unbind and unplug", async () => {
    bad.fallbacks.count = 0;
    for (let round = 0; round < 20; round++) {
      const { bus, dev } = await plug(bad.driver as DriverOps<{ regs: Devres<Mmio> }>);
      const { regs } = bus.driverData<{ regs: Devres<Mmio> }>(dev)!;
      for (let i = 0; i < 5; i++) bus.raiseIrq(dev, 0);
      if (round % 2) await bus.unplug(dev);
      else await bus.unbind(dev);
      await bus.idle();
      // Outside a bound scope, after unbind, the same Devres is gone: there tryAccess is needed.
      expect(regs.tryAccess()).toBeNull();
    }
    expect(bad.fallbacks.count).toBe(0);
    expect(sanitizer.errors()).toEqual([]);
  });

  it("bad: the class driver's `tryAccess()?.value` opens a section nobody closes: unbind hangs on it; good: access(dev) unbinds at once", async () => {
    bad.fallbacks.count = 0;
    const hung = await plug(new bad.FooCtlDriver());
    const unbind = hung.bus.unbind(hung.dev).then(() => "unbound");
    const timeout = sleep(300).then(() => "still waiting");
    expect(await Promise.race([unbind, timeout])).toBe("still waiting"); // revoke() waits for the leaked reader
    expect(bad.fallbacks.count).toBe(0);

    const fine = await plug(new good.FooCtlDriver());
    await fine.bus.unbind(fine.dev);
    expect(sanitizer.errors()).toEqual([]);
  });

  it("good: access(dev) in bound scopes, tryAccess only in the timer; IRQs and unbind are clean", async () => {
    good.missed.count = 0;
    const { bus, dev } = await plug(good.driver as DriverOps<unknown>);
    for (let i = 0; i < 5; i++) bus.raiseIrq(dev, 0);
    await sleep(5);
    await bus.unbind(dev);
    await bus.idle();
    expect(sanitizer.errors()).toEqual([]);
  });
});
