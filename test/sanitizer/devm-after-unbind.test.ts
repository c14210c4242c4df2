// devm-after-unbind on the runtime: the bad fixture's flagged registrations really run after
// unbind, where the sanitizer reports debug check 1 and the runtime refuses them; the good
// fixture binds and unbinds clean.
import { describe, expect, it } from "vitest";
import { ErrnoError, NotBoundError, openCdev, sanitizer, type Cdev, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/devm-after-unbind/bad.js";
import * as good from "../../fixtures/devm-after-unbind/good.js";
import { plug, useSanitizer } from "./harness.js";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

useSanitizer();

describe("devm-after-unbind under the sanitizer", () => {
  it("bad: the promise continuation registers devres after an unbind (debug check 1)", async () => {
    const { bus, dev } = await plug(bad.driver);
    const data = bus.driverData<{ ready: Promise<unknown> }>(dev)!;
    await bus.unbind(dev); // before the continuation ran
    await expect(data.ready).rejects.toBeInstanceOf(NotBoundError);
    const reports = sanitizer.errors().filter((r) => r.check === "devres-while-unbound");
    expect(reports).toHaveLength(1);
    expect(reports[0]!.debugCheck).toBe(1);
    expect(reports[0]!.message).toContain("devmKzalloc()");
    expect(reports[0]!.message).toContain(dev.name);
  });

  it("bad: the device read back from the module variable is no longer bound", async () => {
    const { bus, dev } = await plug(bad.resetDriver);
    expect(() => bad.resetLater()).not.toThrow(); // while bound it happens to work...
    await bus.unbind(dev);
    expect(() => bad.resetLater()).toThrow(NotBoundError); // ...the stored Device<Bound> proves nothing later
    expect(sanitizer.errors().map((r) => r.check)).toEqual(["devres-while-unbound"]);
  });

  it("bad: the ioctl (a file operation) registers devres through a helper after unbind", async () => {
    const { bus, dev } = await plug(bad.ctlDriver);
    const file = await openCdev(bus.driverData<{ cdev: Cdev }>(dev)!.cdev);
    await expect(file.ioctl(1)).resolves.toBe(256); // while bound
    await bus.unbind(dev);
    await expect(file.ioctl(1)).rejects.toBeInstanceOf(NotBoundError); // user space did not go away
    expect(sanitizer.errors().map((r) => r.check)).toEqual(["devres-while-unbound"]);
    await file.close();
  });

  it("good: the ioctl only uses what probe allocated; after unbind it fails with ENODEV, nothing is registered", async () => {
    const { bus, dev } = await plug(good.ctlDriver);
    const file = await openCdev(bus.driverData<{ cdev: Cdev }>(dev)!.cdev);
    await expect(file.ioctl(1)).resolves.toBe(256);
    await bus.unbind(dev);
    await expect(file.ioctl(1)).rejects.toBeInstanceOf(ErrnoError);
    await file.close();
    expect(sanitizer.errors()).toEqual([]);
  });

  it("good: registrations in async probe and in a devm work item; unbind is clean", async () => {
    for (const drv of [good.driver, good.resetDriver] as DriverOps<unknown>[]) {
      const { bus, dev } = await plug(drv);
      await sleep(10);
      await bus.unbind(dev);
      await bus.idle();
    }
    expect(sanitizer.errors()).toEqual([]);
  });
});
