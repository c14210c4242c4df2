import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  Bus,
  Device,
  ErrnoError,
  ProbeError,
  defineDriver,
  devmAddAction,
  devmIoremap,
  devmKzalloc,
  sanitizer,
  type Core,
} from "@devbound/runtime";
import { deferred, liveSince, plug, tick, within } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

describe("bus: add, bind, unbind, unplug", () => {
  test("addDevice binds the driver whose name matches `compatible`; driverData is what probe returned", async () => {
    const drv = defineDriver({ name: "foo", probe: () => ({ hello: 1 }) });
    const { bus, dev } = await plug(drv);
    expect(dev.isBound).toBe(true);
    expect(bus.driverData<{ hello: number }>(dev)?.hello).toBe(1);
    const other = await bus.addDevice({ name: "other0", compatible: "nobody" });
    expect(other.isBound).toBe(false);
    await expect(bus.bind(other)).rejects.toThrow(/no driver for "nobody"/);
  });

  test("registerDriver binds devices that were already present", async () => {
    const bus = new Bus("late");
    const dev = await bus.addDevice({ name: "late0", compatible: "late" });
    expect(dev.isBound).toBe(false);
    bus.registerDriver(defineDriver({ name: "late", probe: async () => "ok" }));
    await bus.idle();
    expect(bus.driverData(dev)).toBe("ok");
  });

  test("sysfs unbind runs remove(), then devres; bind probes again", async () => {
    const base = sanitizer.live();
    const log: string[] = [];
    const drv = defineDriver({
      name: "rebind",
      probe(dev) {
        log.push("probe");
        devmAddAction(dev, () => log.push("devres"));
        return {};
      },
      remove() {
        log.push("remove");
      },
    });
    const { bus, dev } = await plug(drv);
    await bus.unbind(dev);
    expect(dev.isBound).toBe(false);
    await bus.unbind(dev); // nothing bound: nothing to do
    await bus.bind(dev);
    await bus.bind(dev); // already bound: nothing to do
    expect(log).toEqual(["probe", "remove", "devres", "probe"]);
    await bus.unplug(dev);
    expect(log.slice(4)).toEqual(["remove", "devres"]);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
  });

  test("probe and remove are serialised per device: unbind during an awaiting probe waits for it", async () => {
    const gate = deferred();
    const log: string[] = [];
    const drv = defineDriver({
      name: "slowprobe",
      async probe(dev: Device<Core>) {
        log.push("probe:start");
        devmAddAction(dev, () => log.push("devres"));
        await gate.promise;
        log.push("probe:end");
        return {};
      },
      async remove() {
        log.push("remove");
      },
    });
    const bus = new Bus("serial");
    bus.registerDriver(drv);
    const adding = bus.addDevice({ name: "s0", compatible: "slowprobe" });
    await tick();
    const dev = bus.present[0]!;
    const unbinding = bus.unbind(dev);
    await tick();
    expect(log).toEqual(["probe:start"]);
    gate.resolve();
    await adding;
    await unbinding;
    expect(log).toEqual(["probe:start", "probe:end", "remove", "devres"]);
  });

  test("unplug during an awaiting probe: the hardware is gone at once, unbind after probe settles", async () => {
    const base = sanitizer.live();
    const gate = deferred();
    const seen: number[] = [];
    const log: string[] = [];
    const drv = defineDriver({
      name: "hotplug",
      async probe(dev) {
        const regs = devmIoremap(dev);
        regs.access(dev).writel(0x1234, 0);
        seen.push(regs.access(dev).readl(0));
        await gate.promise; // unplugged here
        seen.push(regs.access(dev).readl(0)); // all ones: the hardware is gone
        devmAddAction(dev, () => log.push("devres"));
        return {};
      },
      remove: () => void log.push("remove"),
    });
    const bus = new Bus("hp");
    bus.registerDriver(drv);
    const adding = bus.addDevice({ name: "hp0", compatible: "hotplug" });
    await tick();
    const dev = bus.present[0]!;
    const unplugging = bus.unplug(dev);
    expect(bus.present).toHaveLength(0);
    expect(bus.raiseIrq(dev, 0)).toBe(0); // no interrupts from gone hardware
    gate.resolve();
    await adding;
    await within(unplugging, 2000, "unplug");
    expect(seen).toEqual([0x1234, 0xffffffff]);
    expect(log).toEqual(["remove", "devres"]);
    await expect(bus.bind(dev)).rejects.toThrow(ErrnoError);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
  });

  test("unplug while remove() is suspended at an await: hardware gone at once, del after remove and devres finish", async () => {
    const gate = deferred();
    const log: string[] = [];
    let regsSeen = 0;
    const drv = defineDriver({
      name: "slowremove",
      probe(dev) {
        devmAddAction(dev, () => log.push("devres"));
        return { regs: devmIoremap(dev) };
      },
      async remove(dev, { regs }) {
        log.push("remove:start");
        await gate.promise;
        regsSeen = regs.access(dev).readl(0);
        log.push("remove:end");
      },
    });
    const { bus, dev } = await plug(drv);
    const unbinding = bus.unbind(dev);
    await tick();
    const rebinding = bus.bind(dev); // queued behind the unbind
    const unplugging = bus.unplug(dev); // queued behind both; the hardware is gone now
    expect(bus.unplug(dev)).toBe(unplugging); // a second unplug is the same operation
    gate.resolve();
    await unbinding;
    await expect(rebinding).rejects.toThrow(/ENODEV: bind of device "slowremove\d+": the hardware is gone/);
    await within(unplugging, 2000, "unplug");
    expect(regsSeen).toBe(0xffffffff);
    expect(log).toEqual(["remove:start", "remove:end", "devres"]);
  });

  test("concurrent unbinds run remove() once", async () => {
    let removes = 0;
    const drv = defineDriver({
      name: "twice",
      probe: () => ({}),
      async remove() {
        await tick();
        removes++;
      },
    });
    const { bus, dev } = await plug(drv);
    await Promise.all([bus.unbind(dev), bus.unbind(dev), bus.unbind(dev)]);
    expect(removes).toBe(1);
    await bus.unplug(dev);
    expect(removes).toBe(1);
  });

  test("probe failure unwinds devres LIFO and leaves the device unbound", async () => {
    const log: string[] = [];
    const drv = defineDriver({
      name: "failing",
      async probe(dev) {
        const p = devmKzalloc(dev, () => ({ v: 1 }));
        devmAddAction(dev, () => log.push("a1"));
        devmAddAction(dev, () => log.push(`a2 sees v=${p.v}`));
        await tick();
        throw new Error("no such chip");
      },
    });
    const bus = new Bus("fail");
    bus.registerDriver(drv);
    const err = await bus.addDevice({ name: "f0", compatible: "failing" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProbeError);
    expect((err as ProbeError).message).toMatch(/probe of device "f0" by driver "failing" failed: no such chip/);
    expect(log).toEqual(["a2 sees v=1", "a1"]);
    const dev = (err as ProbeError).device;
    expect(dev.isBound).toBe(false);
    expect(sanitizer.live().devres).toBe(0);
    await bus.unplug(dev);
  });

  test("remove() throwing still releases devres, and unbind reports the error", async () => {
    const log: string[] = [];
    const drv = defineDriver({
      name: "badremove",
      probe(dev) {
        devmAddAction(dev, () => log.push("devres"));
        return {};
      },
      remove() {
        throw new Error("oops in remove");
      },
    });
    const { bus, dev } = await plug(drv);
    await expect(bus.unbind(dev)).rejects.toThrow("oops in remove");
    expect(log).toEqual(["devres"]);
    expect(dev.isBound).toBe(false);
    await bus.unplug(dev);
  });

  test("class drivers keep `this`", async () => {
    class FooDriver {
      name = "classy";
      calls = 0;
      probe(_dev: Device<Core>) {
        this.calls++;
        return this.calls;
      }
      remove(_dev: Device<Core>, data: number) {
        this.calls += data * 10;
      }
    }
    const drv = new FooDriver();
    const { bus, dev } = await plug(drv);
    await bus.unplug(dev);
    expect(drv.calls).toBe(11);
  });

  test("bad input: clear errors", async () => {
    const bus = new Bus("bad");
    // @ts-expect-error not a driver
    expect(() => bus.registerDriver({ name: "x" })).toThrow(/driver "x" needs a probe\(dev\) function/);
    // @ts-expect-error not a driver
    expect(() => defineDriver(null)).toThrow(/expected a driver/);
    await expect(bus.addDevice({ name: "", compatible: "x" })).rejects.toThrow(/name must be a non-empty string/);
    const d = await bus.addDevice({ name: "d0", compatible: "x" });
    await expect(bus.addDevice({ name: "d0", compatible: "x" })).rejects.toThrow(/already present/);
    // @ts-expect-error not a device
    expect(() => bus.unbind({})).toThrow(/expected a Device, got a plain object/);
    const other = new Bus("other");
    expect(() => other.unbind(d)).toThrow(/device "d0" is not on this bus/);
    expect(() => bus.raiseIrq(d, 7)).toThrow(/IRQ lines 0..0, got number 7/);
    await bus.unplug(d);
  });
});
