import { types } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import {
  Bus,
  Device,
  DoubleReleaseError,
  I2cAdapter,
  Kobject,
  NotBoundError,
  SanitizerError,
  UseAfterFreeError,
  cdevDeviceAdd,
  Cdev,
  defineDriver,
  devmAddAction,
  devmIoremap,
  devmKfree,
  devmKzalloc,
  devmRequestIrq,
  deviceRegister,
  freeIrq,
  i2cAddAdapter,
  kfree,
  kobjectInitAndAdd,
  kzalloc,
  openCdev,
  putDevice,
  requestIrq,
  sanitizer,
  type Bound,
  type Irq,
  type Mmio,
  type Devres,
} from "@devbound/runtime";
import { plug, tick } from "./helpers.js";

afterEach(() => {
  sanitizer.disable();
  sanitizer.clearReports();
});

function on() {
  sanitizer.enable();
  sanitizer.clearReports();
}

describe("off by default: nothing proxied or recorded when off", () => {
  test("disabled at import; allocations are the raw objects; no reports are recorded", async () => {
    expect(sanitizer.enabled).toBe(false);
    let p: object | undefined;
    const { bus, dev } = await plug(defineDriver({ name: "off", probe: (dev) => void (p = devmKzalloc(dev, () => ({ a: 1 }))) , remove() {} }));
    expect(types.isProxy(p)).toBe(false);
    expect(types.isProxy(dev)).toBe(false);
    expect(types.isProxy(kzalloc(() => ({})))).toBe(false);
    await bus.unplug(dev);
    expect((p as { a: number }).a).toBe(1); // not poisoned: like C without KASAN
    expect(sanitizer.reports).toEqual([]);
  });

  test("always-on bad-input errors work with the sanitizer off", async () => {
    const bus = new Bus("off2");
    const dev = await bus.addDevice({ name: "unbound0", compatible: "none" });
    expect(() => devmKzalloc(dev as unknown as Device<Bound>, () => ({}))).toThrow(/devmKzalloc\(\) on device "unbound0": no driver is bound to it/);
    expect(() => devmKzalloc(dev as unknown as Device<Bound>, () => ({}))).toThrow(NotBoundError);
    const p = kzalloc(() => ({}));
    kfree(p);
    expect(() => kfree(p)).toThrow(DoubleReleaseError);
    const a = await plug(defineDriver({ name: "owner", probe: (d) => devmIoremap(d) }));
    let proof: Device<Bound> | undefined;
    const b = await plug(defineDriver({ name: "other", probe: (d) => void (proof = d) }));
    const regs = a.bus.driverData<Devres<Mmio>>(a.dev)!;
    expect(() => regs.access(proof!)).toThrow(/another device's proof: "other\d+" is not the owner/);
    await a.bus.unplug(a.dev);
    await b.bus.unplug(b.dev);
    await bus.unplug(dev);
  });
});

describe("poisoning: touching released things throws, naming resource, device and release site", () => {
  test("a devm allocation and its members after unbind", async () => {
    on();
    const { bus, dev } = await plug(defineDriver({ name: "poison", probe: (dev) => devmKzalloc(dev, () => ({ ring: { head: 0 }, list: [1] })) }));
    const priv = bus.driverData<{ ring: { head: number }; list: number[] }>(dev)!;
    const ring = priv.ring;
    expect(priv.ring).toBe(ring); // stable identity through the proxy
    await bus.unplug(dev);
    expect(() => priv.list).toThrow(/use after free: read of list in devmKzalloc allocation of device "poison\d+", released by devres when "poison\d+" unbound at .*sanitizer\.test\.ts:\d+/);
    expect(() => (ring.head = 1)).toThrow(/use after free: write of ring.head in devmKzalloc allocation/);
    expect(() => Object.keys(ring)).toThrow(UseAfterFreeError);
    expect(() => "head" in ring).toThrow(UseAfterFreeError);
    expect(sanitizer.reports.filter((r) => r.check === "use-after-free")).toHaveLength(4);
  });

  test("a mapping, an IRQ and an object after release", async () => {
    on();
    let mapping: Mmio | undefined;
    let irq: Irq | undefined;
    const { bus, dev } = await plug(
      defineDriver({
        name: "hw",
        probe(dev) {
          mapping = devmIoremap(dev).access(dev);
          irq = requestIrq(dev, 0, () => {});
          return {};
        },
        remove() {
          freeIrq(irq!);
        },
      }),
    );
    await bus.unplug(dev);
    expect(() => mapping!.readl(0)).toThrow(/use after free: call of readl\(\) in MMIO mapping \[0, \+4096\) of device "hw\d+", released by devres when "hw\d+" unbound at/);
    expect(() => irq!.line).toThrow(/use after free: read of line in IRQ 0 of device "hw\d+", released by freeIrq\(\) at .*sanitizer\.test\.ts/);
    expect(() => dev.name).toThrow(/use after free: read of name in device "hw\d+", released by its last putDevice\(\)/);
    const k = new Kobject("obj");
    k.put();
    expect(() => k.refcount).toThrow(/Kobject "obj", released by its last put\(\) at .*sanitizer\.test\.ts/);
  });

  test("a devm IRQ handler using what remove() freed fails at unbind (DEBUG_SHIRQ), naming the manual free", async () => {
    on();
    const drv = defineDriver({
      name: "mixed",
      probe(dev) {
        const ring = kzalloc(() => ({ items: [] as number[] }));
        devmRequestIrq(dev, 0, () => void ring.items.push(1));
        return { ring };
      },
      remove(_dev, { ring }) {
        kfree(ring);
      },
    });
    const { bus, dev } = await plug(drv);
    bus.raiseIrq(dev, 0); // fine while bound
    await expect(bus.unbind(dev)).rejects.toThrow(/use after free: read of items in kzalloc allocation, released by kfree\(\) at .*sanitizer\.test\.ts/);
    expect(dev.isBound).toBe(false); // teardown completed anyway
    await bus.unplug(dev);
  });
});

describe("the four debug checks", () => {
  test("(1) devres registered while the device is not bound: error", async () => {
    on();
    let kept: Device<Bound> | undefined;
    const { bus, dev } = await plug(defineDriver({ name: "c1", probe: (d) => void (kept = d) }));
    await bus.unbind(dev);
    expect(() => devmAddAction(kept!, () => {})).toThrow(NotBoundError);
    expect(sanitizer.reports).toEqual([
      expect.objectContaining({ check: "devres-while-unbound", debugCheck: 1, severity: "error", device: expect.stringMatching(/^c1\d+$/), at: expect.stringMatching(/sanitizer\.test\.ts/) }),
    ]);
    await bus.unplug(dev);
  });

  test("(2) devres registered by a driver that has remove(): a warning, once per driver and call; none without remove()", async () => {
    on();
    const withRemove = await plug(
      defineDriver({
        name: "c2",
        probe(dev) {
          devmKzalloc(dev, () => ({}));
          devmKzalloc(dev, () => ({}));
          devmAddAction(dev, () => {});
          return {};
        },
        remove() {},
      }),
    );
    const without = await plug(defineDriver({ name: "c2-clean", probe: (dev) => devmKzalloc(dev, () => ({})) }));
    const warnings = sanitizer.reports.filter((r) => r.debugCheck === 2);
    expect(warnings.map((w) => [w.severity, w.message])).toEqual([
      ["warning", expect.stringMatching(/^devmKzalloc\(\) in driver "c2", which has remove\(\): devres is released after remove\(\) returns/)],
      ["warning", expect.stringMatching(/^devmAddAction\(\) in driver "c2"/)],
    ]);
    expect(sanitizer.errors()).toEqual([]);
    await withRemove.bus.unplug(withRemove.dev);
    await without.bus.unplug(without.dev);
  });

  test("(3) a devres allocation or a member of one passed to a kobject API: error report (and SanitizerError with panic)", async () => {
    on();
    const { bus, dev } = await plug(
      defineDriver({
        name: "c3",
        probe(dev) {
          const priv = devmKzalloc(dev, () => ({ child: new Device({ name: "c3-child" }), kobj: new Kobject("c3-k"), adap: new I2cAdapter("c3-a") }));
          deviceRegister(priv.child);
          kobjectInitAndAdd(priv.kobj);
          i2cAddAdapter(priv.adap);
          const whole = devmKzalloc(dev, () => new Kobject("whole"));
          kobjectInitAndAdd(whole);
          // Not devres memory: not reported.
          kobjectInitAndAdd(new Kobject("fine"));
          return {};
        },
      }),
    );
    const r = sanitizer.reports.filter((x) => x.debugCheck === 3);
    expect(r.map((x) => x.message)).toEqual([
      expect.stringMatching(/^deviceRegister\(\): dev `child` \(a member of devmKzalloc allocation of device "c3\d+"\) is freed by devres/),
      expect.stringMatching(/^kobjectInitAndAdd\(\): kobj `kobj`/),
      expect.stringMatching(/^i2cAddAdapter\(\): adap `adap`/),
      expect.stringMatching(/^kobjectInitAndAdd\(\): kobj devmKzalloc allocation \(Kobject\) of device "c3\d+" is freed by devres/),
    ]);
    expect(r.every((x) => x.severity === "error")).toBe(true);
    sanitizer.enable({ panic: true });
    let thrown: unknown;
    const p2 = await plug(
      defineDriver({
        name: "c3-panic",
        probe(dev) {
          const priv = devmKzalloc(dev, () => ({ cdev: new Cdev("x", {}) }));
          try {
            cdevDeviceAdd(priv.cdev, new Device({ name: "c3-chr" }));
          } catch (e) {
            thrown = e;
          }
          return {};
        },
      }),
    );
    expect(thrown).toBeInstanceOf(SanitizerError);
    void bus;
    void dev;
    void p2;
  });

  test("(4) devres release from a kobject release callback or a file release(): error", async () => {
    on();
    const { bus, dev } = await plug(
      defineDriver({
        name: "c4",
        async probe(dev) {
          const buf = devmKzalloc(dev, () => ({ data: 1 }));
          const k = new Kobject("c4-k", () => devmKfree(dev, buf)); // wrong: devres from a kobject release
          k.put(); // last put while still bound
          const buf2 = devmKzalloc(dev, () => ({ data: 2 }));
          const cdev = new Cdev("c4-cdev", {
            release: async () => {
              await tick(); // the release context survives an await
              devmKfree(dev, buf2);
            },
          });
          const chr = new Device({ name: "c4-chr" });
          cdevDeviceAdd(cdev, chr);
          const f = await openCdev(cdev);
          await f.close();
          return {};
        },
      }),
    );
    const r = sanitizer.reports.filter((x) => x.debugCheck === 4);
    expect(r.map((x) => [x.severity, x.message])).toEqual([
      ["error", expect.stringMatching(/^devmKfree\(\) on device "c4\d+" called from the release callback of Kobject "c4-k": a release callback may run long after "c4\d+" unbound/)],
      ["error", expect.stringMatching(/^devmKfree\(\) on device "c4\d+" called from the file release\(\) of cdev "c4-cdev"/)],
    ]);
    await bus.unplug(dev);
  });
});

describe("live()", () => {
  test("counts devres entries, objects and allocations until they are released", async () => {
    on();
    const base = sanitizer.live();
    const { bus, dev } = await plug(
      defineDriver({
        name: "live",
        probe(dev) {
          devmKzalloc(dev, () => ({}));
          devmAddAction(dev, () => {});
          return { k: new Kobject("live-k"), raw: kzalloc(() => ({})) };
        },
      }),
    );
    const now = sanitizer.live();
    expect(now.devres - base.devres).toBe(2);
    expect(now.objects - base.objects).toBe(2); // the device and the kobject
    expect(now.allocations - base.allocations).toBe(2);
    const { k, raw } = bus.driverData<{ k: Kobject; raw: object }>(dev)!;
    await bus.unplug(dev);
    k.put();
    kfree(raw);
    expect(sanitizer.live()).toEqual(base);
    void putDevice;
  });
});
