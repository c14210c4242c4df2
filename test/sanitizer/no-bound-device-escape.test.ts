// no-bound-device-escape on the runtime: the Device<Core> the bad fixture keeps still
// type-checks as a proof after unbind, and the runtime shows what it is worth then: a
// use-after-free of the MMIO mapping devres released, and a devres registration on an unbound
// device (debug check 1). The good fixture keeps dev.get() and runs clean.
import { describe, expect, it } from "vitest";
import { NotBoundError, UseAfterFreeError, sanitizer, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/no-bound-device-escape/bad.js";
import * as good from "../../fixtures/no-bound-device-escape/good.js";
import { knownDevices } from "../../fixtures/no-bound-device-escape/registry.js";
import { plug as plugDriver, useSanitizer } from "./harness.js";

const plug = <D>(drv: DriverOps<D>) => plugDriver(drv, { mmioSize: 0x100 });

useSanitizer(() => knownDevices.clear());

describe("no-bound-device-escape under the sanitizer", () => {
  it("bad: the Device<Core> kept in driver data proves nothing after unbind: use-after-free of the mapping", async () => {
    const { bus, dev } = await plug(bad.driver);
    const data = bus.driverData<bad.UartData>(dev)!;
    expect(() => bad.readStatus(data)).not.toThrow(); // while bound the stored proof happens to hold
    await bus.unbind(dev);
    let error: unknown;
    try {
      bad.readStatus(data);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UseAfterFreeError);
    expect(String(error)).toMatch(/Devres<Mmio> of device "foo-uart\.\d+"/);
    expect(String(error)).toMatch(/stale/);
    const uaf = sanitizer.errors().filter((r) => r.check === "use-after-free");
    expect(uaf).toHaveLength(1);
    expect(uaf[0]!.device).toBe(dev.name);
  });

  it("bad: the Device<Core> kept in a module variable registers devres on an unbound device (debug check 1)", async () => {
    const { bus, dev } = await plug(bad.driver);
    await bus.unbind(dev);
    expect(() => bad.enableStats()).toThrow(NotBoundError);
    const reports = sanitizer.errors().filter((r) => r.check === "devres-while-unbound");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.debugCheck).toBe(1);
    expect(reports[0]!.message).toContain(dev.name);
  });

  it("bad: the class driver's field and the registry keep the device after unbind", async () => {
    const wdt = new bad.FooWatchdog();
    const { bus, dev } = await plug(wdt);
    expect(() => wdt.kick()).not.toThrow();
    await bus.unbind(dev);
    expect(() => wdt.kick()).toThrow(UseAfterFreeError);
    expect(sanitizer.errors().map((r) => r.check)).toContain("use-after-free");
    expect(knownDevices.size).toBe(1); // the registry still holds the unbound device, without a reference
  });

  it("good: dev.get() is kept and put in remove(); after unbind the status read fails cleanly", async () => {
    const base = sanitizer.live();
    const { bus, dev } = await plug(good.driver);
    const data = bus.driverData<good.UartData>(dev)!;
    expect(good.readStatus(data)).not.toBe(-19);
    await bus.unbind(dev);
    expect(good.readStatus(data)).toBe(-19);

    const wdt = new good.FooWatchdog();
    const w = await plug(wdt);
    expect(wdt.kick()).toBe(true);
    expect(knownDevices.size).toBe(1);
    await w.bus.unbind(w.dev);
    expect(wdt.kick()).toBe(false);
    expect(knownDevices.size).toBe(0);
    await bus.idle();
    await w.bus.idle();
    expect(sanitizer.errors()).toEqual([]);
    expect(sanitizer.live().devres).toBe(base.devres);
  });
});
