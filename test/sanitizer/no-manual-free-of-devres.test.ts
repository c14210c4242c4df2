// no-manual-free-of-devres on the runtime: every manual release the rule reports in the bad
// fixture is a double release at unbind (the runtime names the resource and the devm call that
// made it); the good fixture, which lets devres release what it manages, unbinds clean.
import { describe, expect, it } from "vitest";
import { DoubleReleaseError, sanitizer, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/no-manual-free-of-devres/bad.js";
import * as good from "../../fixtures/no-manual-free-of-devres/good.js";
import { plug, useSanitizer } from "./harness.js";


useSanitizer();

const cases: Array<[string, DriverOps<unknown>, RegExp]> = [
  ["kfree() of devmKzalloc memory", bad.driver as DriverOps<unknown>, /kfree\(\) of devmKzalloc allocation/],
  ["freeIrq() of a devm IRQ", bad.irqDriver as DriverOps<unknown>, /freeIrq\(\) of IRQ 0 .*requested with devmRequestIrq/],
  ["iounmap() of a devm mapping", bad.mmioDriver as DriverOps<unknown>, /iounmap\(\).*devmIoremap/],
  ["kfree() through an interface and a helper's return (class driver)", new bad.BufferDriver() as DriverOps<unknown>, /kfree\(\) of devmKzalloc allocation/],
  ["kfree() inside a helper in another module", bad.txDriver as DriverOps<unknown>, /kfree\(\) of devmKzalloc allocation/],
  ["a conditional kfree() (the condition holds)", bad.condDriver as DriverOps<unknown>, /kfree\(\) of devmKzalloc allocation/],
];

describe("no-manual-free-of-devres under the sanitizer", () => {
  for (const [what, drv, message] of cases) {
    it(`bad: ${what} is a double release at unbind`, async () => {
      const { bus, dev } = await plug(drv);
      const unbind = bus.unbind(dev);
      await expect(unbind).rejects.toThrow(DoubleReleaseError);
      await expect(unbind).rejects.toThrow(message);
      const reports = sanitizer.errors().filter((r) => r.check === "double-release");
      expect(reports).toHaveLength(1);
      expect(reports[0]!.device).toBe(dev.name);
      expect(reports[0]!.at).toContain("no-manual-free-of-devres/");
    });
  }

  it("good: devres releases what it manages, remove() frees only manual allocations; clean", async () => {
    const base = sanitizer.live();
    for (const drv of [good.driver as DriverOps<unknown>, new good.BufferDriver() as DriverOps<unknown>]) {
      const { bus, dev } = await plug(drv);
      bus.raiseIrq(dev, 0);
      await bus.unbind(dev);
    }
    expect(sanitizer.errors()).toEqual([]);
    const live = sanitizer.live();
    expect(live.devres).toBe(base.devres);
    expect(live.allocations).toBe(base.allocations);
  });
});
