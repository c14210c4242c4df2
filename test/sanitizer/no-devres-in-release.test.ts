// no-devres-in-release on the runtime: every devres call the rule reports inside a release
// callback is debug check 4 at run time (naming the devres call and the release it ran from);
// the file release() that user space triggers after unbind also hits devres on an unbound
// device (debug check 1). The good fixture's release callbacks free only what they own: clean.
import { describe, expect, it } from "vitest";
import { NotBoundError, openCdev, sanitizer, type Cdev, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/no-devres-in-release/bad.js";
import * as good from "../../fixtures/no-devres-in-release/good.js";
import { plug, useSanitizer } from "./harness.js";


useSanitizer();

const check4 = () => sanitizer.errors().filter((r) => r.check === "devres-in-release");

describe("no-devres-in-release under the sanitizer", () => {
  it("bad: a child device's release callback releases a devres group (debug check 4)", async () => {
    const { bus, dev } = await plug(bad.driver as DriverOps<unknown>);
    await bus.unbind(dev);
    expect(check4()).toHaveLength(1);
    expect(check4()[0]!.message).toMatch(/devresReleaseGroup\(\) .* called from the release callback of device "child-group\.0"/);
    expect(check4()[0]!.at).toContain("no-devres-in-release/bad.ts");
  });

  it("bad: a kobject release frees devres memory through a helper in another module (debug check 4)", async () => {
    const { bus, dev } = await plug(bad.statsDriver as DriverOps<unknown>);
    await bus.unbind(dev);
    expect(check4()).toHaveLength(1);
    expect(check4()[0]!.message).toMatch(/devmKfree\(\) .* called from the release callback of Kobject "stats"/);
    expect(check4()[0]!.at).toContain("no-devres-in-release/stats.ts");
  });

  it("bad: a file release() after unbind calls devres on a device with no driver", async () => {
    const { bus, dev } = await plug(bad.ctlDriver as DriverOps<unknown>);
    const file = await openCdev(bus.driverData<{ cdev: Cdev }>(dev)!.cdev); // user space keeps it open
    await bus.unbind(dev);
    expect(sanitizer.errors()).toEqual([]);
    await expect(file.close()).rejects.toThrow(NotBoundError);
    expect(check4()).toHaveLength(1);
    expect(check4()[0]!.message).toMatch(/devmKfree\(\) .* called from the file release\(\) of cdev "ctl"/);
    expect(sanitizer.errors().some((r) => r.check === "devres-while-unbound")).toBe(true);
  });

  it("good: the same sequences are clean", async () => {
    for (const drv of [good.driver, good.statsDriver] as DriverOps<unknown>[]) {
      const { bus, dev } = await plug(drv);
      await bus.unbind(dev);
    }
    const { bus, dev } = await plug(good.ctlDriver as DriverOps<unknown>);
    const file = await openCdev(bus.driverData<{ cdev: Cdev }>(dev)!.cdev);
    await bus.unbind(dev);
    await file.close();
    expect(sanitizer.errors()).toEqual([]);
  });
});
