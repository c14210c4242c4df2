// no-devres-to-kobject on the runtime: the bad fixture hands an adapter embedded in devres
// memory to i2cAddAdapter (debug check 3 at registration); user space keeps it open across the
// unbind and touches freed memory when it closes the file. The good fixture's adapter lives on
// its own and the same sequence is clean.
import { describe, expect, it } from "vitest";
import { UseAfterFreeError, i2cGetAdapter, i2cOpen, sanitizer, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/no-devres-to-kobject/bad.js";
import * as good from "../../fixtures/no-devres-to-kobject/good.js";
import { plug, useSanitizer } from "./harness.js";


useSanitizer();

describe("no-devres-to-kobject under the sanitizer", () => {
  it("bad: debug check 3 at i2cAddAdapter, then a use after free when user space closes after unbind", async () => {
    const { bus, dev } = await plug(bad.driver as DriverOps<{ adapter: { nr: number } }>);
    const reports = sanitizer.errors().filter((r) => r.check === "devres-to-kobject");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toContain("i2cAddAdapter");
    expect(reports[0]!.message).toContain("adapter");

    const nr = bus.driverData<{ adapter: { nr: number } }>(dev)!.adapter.nr;
    const file = i2cOpen(i2cGetAdapter(nr)!); // user space opens /dev/i2c-N
    await bus.unbind(dev);
    expect(() => file.close()).toThrow(UseAfterFreeError);
  });

  it("bad: the class driver's child device embedded in devres memory, registered by a helper module (debug check 3)", async () => {
    const { bus, dev } = await plug(new bad.FooHubDriver());
    const reports = sanitizer.errors().filter((r) => r.check === "devres-to-kobject");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.message).toContain("deviceRegister");
    expect(reports[0]!.message).toContain("child");
    await bus.unbind(dev);
  });

  it("good: the class driver's child device has its own lifetime; probe and unbind are clean", async () => {
    const { bus, dev } = await plug(new good.FooHubDriver());
    await bus.unbind(dev);
    await bus.idle();
    expect(sanitizer.errors()).toEqual([]);
  });

  it("good: the adapter outlives the unbind while user space holds it; closing is clean", async () => {
    const { bus, dev } = await plug(good.driver as DriverOps<{ adapter: { nr: number } }>);
    const nr = bus.driverData<{ adapter: { nr: number } }>(dev)!.adapter.nr;
    const file = i2cOpen(i2cGetAdapter(nr)!);
    await bus.unbind(dev);
    expect(() => file.close()).not.toThrow();
    expect(sanitizer.errors()).toEqual([]);
  });
});
