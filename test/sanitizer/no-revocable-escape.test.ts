// no-revocable-escape on the runtime: the mappings the bad fixture lets out of their access
// sections are unmapped by devres at unbind, and the next touch is a use-after-free naming
// the mapping and its device. The good fixture's later calls open new sections and fail
// cleanly.
import { describe, expect, it } from "vitest";
import { UseAfterFreeError, sanitizer, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/no-revocable-escape/bad.js";
import * as good from "../../fixtures/no-revocable-escape/good.js";
import { plug as plugDriver, useSanitizer } from "./harness.js";

const plug = <D>(drv: DriverOps<D>) => plugDriver(drv, { mmioSize: 0x40 });

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  return undefined;
}

useSanitizer();

describe("no-revocable-escape under the sanitizer", () => {
  it("bad: the mapping cached from a guard is used after unbind unmapped it", async () => {
    const { bus, dev } = await plug(bad.driver);
    const { chr } = bus.driverData<{ chr: bad.FooAdcChar }>(dev)!;
    expect(chr.sample()).toBe(0); // caches g.value
    await bus.unbind(dev);
    const error = thrown(() => chr.sample());
    expect(error).toBeInstanceOf(UseAfterFreeError);
    expect(String(error)).toMatch(/MMIO mapping/);
    expect(String(error)).toContain(dev.name);
  });

  it("bad: the guard kept past its section is dead even while the device is bound", async () => {
    const { bus, dev } = await plug(bad.driver);
    const { chr } = bus.driverData<{ chr: bad.FooAdcChar }>(dev)!;
    chr.open();
    const error = thrown(() => chr.peek());
    expect(error).toBeInstanceOf(UseAfterFreeError);
    expect(String(error)).toMatch(/escaped the section/);
    expect(String(error)).toContain(dev.name);
    await bus.unbind(dev); // and unbind is not held up by it: the section did end
  });

  it("bad: the mapping returned by tryAccessWith((m) => m) outlives the section", async () => {
    const { bus, dev } = await plug(bad.driver);
    const { chr } = bus.driverData<{ chr: bad.FooAdcChar }>(dev)!;
    const m = chr.mapping()!;
    await bus.unbind(dev);
    expect(() => m.readl(0)).toThrow(UseAfterFreeError);
  });

  it("bad: the stored idle callback writes through access(dev)'s result after unbind", async () => {
    const { bus, dev } = await plug(bad.driver);
    const { chr } = bus.driverData<{ chr: bad.FooAdcChar }>(dev)!;
    expect(() => chr.onIdle!()).not.toThrow(); // while bound
    await bus.unbind(dev);
    const error = thrown(() => chr.onIdle!());
    expect(error).toBeInstanceOf(UseAfterFreeError);
    expect(String(error)).toContain(dev.name);
  });

  it("good: every later call opens its own section and fails cleanly after unbind", async () => {
    const { bus, dev } = await plug(good.driver);
    const { chr } = bus.driverData<{ chr: good.FooAdcChar }>(dev)!;
    expect(chr.sample()).toBe(0);
    expect(chr.snapshot()).toEqual([1, 0, 0]);
    await bus.unbind(dev);
    expect(chr.sample()).toBe(-19);
    expect(chr.snapshot()).toBeUndefined();
    expect(() => chr.onIdle!()).not.toThrow();
    await bus.idle();
    expect(sanitizer.errors()).toEqual([]);
  });
});
