import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  Bus,
  Device,
  DoubleReleaseError,
  NotBoundError,
  allocWorkqueue,
  cancelWorkSync,
  defineDriver,
  destroyWorkqueue,
  devmAddAction,
  devmAddActionOrReset,
  devmAllocWorkqueue,
  devmIoremap,
  devmKfree,
  devmKzalloc,
  devmReleaseAction,
  devmRemoveAction,
  devmRequestIrq,
  devresCloseGroup,
  devresOpenGroup,
  devresReleaseGroup,
  devresRemoveGroup,
  freeIrq,
  ioremap,
  iounmap,
  kfree,
  kzalloc,
  putDevice,
  requestIrq,
  sanitizer,
  UseAfterFreeError,
  type Bound,
  type Core,
} from "@devbound/runtime";
import { deferred, liveSince, plug, tick } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

describe("devres release order", () => {
  test("every kind is released last-in first-out, after remove() returns", async () => {
    const base = sanitizer.live();
    const log: string[] = [];
    let removeDone = false;
    const drv = defineDriver({
      name: "lifo",
      probe(dev) {
        devmAddAction(dev, () => log.push(`action1 (remove done: ${removeDone})`));
        const priv = devmKzalloc(dev, () => ({ n: 1 }));
        devmAddAction(dev, () => log.push(`action2 sees priv.n=${priv.n}`));
        devmRequestIrq(dev, 0, () => log.push("irq handler"));
        devmIoremap(dev);
        const wq = devmAllocWorkqueue(dev, "lifo-wq");
        wq.queue(async () => {
          await tick();
          log.push("work item");
        });
        devmAddAction(dev, () => log.push("action3"));
        return priv;
      },
      async remove() {
        await tick();
        log.push("remove");
        removeDone = true;
      },
    });
    const { bus, dev } = await plug(drv);
    expect(sanitizer.live().devres - base.devres).toBe(7);
    await bus.unplug(dev);
    // The work item ran during the drain at its own slot; the IRQ handler fired once at free (DEBUG_SHIRQ).
    expect(log).toEqual(["remove", "action3", "work item", "irq handler", "action2 sees priv.n=1", "action1 (remove done: true)"]);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
  });

  test("devmAddActionOrReset runs the action when registration fails", async () => {
    const ran: string[] = [];
    const drv = defineDriver({ name: "orreset", probe: () => ({}) });
    const { bus, dev } = await plug(drv);
    await bus.unbind(dev);
    const stale = dev as unknown as Device<Bound>;
    expect(() => devmAddActionOrReset(stale, () => ran.push("reset"))).toThrow(NotBoundError);
    expect(ran).toEqual(["reset"]);
    expect(() => devmAddAction(stale, () => ran.push("never"))).toThrow(NotBoundError);
    expect(ran).toEqual(["reset"]);
    await bus.unplug(dev);
  });

  test("devmRemoveAction unregisters without running; devmReleaseAction runs now; a second time is a double release", async () => {
    const ran: string[] = [];
    const drv = defineDriver({
      name: "rmaction",
      probe(dev) {
        const a = devmAddAction(dev, () => ran.push("a"));
        const b = devmAddAction(dev, () => ran.push("b"));
        devmAddAction(dev, () => ran.push("c"));
        devmRemoveAction(dev, a);
        devmReleaseAction(dev, b);
        expect(ran).toEqual(["b"]);
        expect(() => devmRemoveAction(dev, a)).toThrow(DoubleReleaseError);
        expect(() => devmReleaseAction(dev, b)).toThrow(DoubleReleaseError);
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    await bus.unplug(dev);
    expect(ran).toEqual(["b", "c"]);
  });

  test("devmKfree frees now and poisons; twice is a double release naming where", async () => {
    let caught: unknown;
    const drv = defineDriver({
      name: "kfree",
      probe(dev) {
        const p = devmKzalloc(dev, () => ({ buf: [1, 2, 3] }));
        devmKfree(dev, p);
        expect(() => p.buf).toThrow(UseAfterFreeError);
        try {
          devmKfree(dev, p);
        } catch (e) {
          caught = e;
        }
        return {};
      },
    });
    const base = sanitizer.live();
    const { bus, dev } = await plug(drv);
    expect(caught).toBeInstanceOf(DoubleReleaseError);
    expect(String(caught)).toMatch(/double release: devmKfree\(\) on devmKzalloc allocation of device "kfree\d+", already released by devmKfree\(\) at .*devres\.test\.ts/);
    await bus.unplug(dev);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
  });

  test("groups: release a group's entries LIFO now; remove a group keeps them; nested and closed groups", async () => {
    const log: string[] = [];
    const drv = defineDriver({
      name: "groups",
      probe(dev) {
        devmAddAction(dev, () => log.push("outside-1"));
        const g = devresOpenGroup(dev);
        devmAddAction(dev, () => log.push("g-1"));
        const inner = devresOpenGroup(dev);
        devmAddAction(dev, () => log.push("inner-1"));
        devresCloseGroup(dev, inner);
        devmAddAction(dev, () => log.push("g-2"));
        devresCloseGroup(dev, g);
        devmAddAction(dev, () => log.push("outside-2"));
        devresReleaseGroup(dev, g);
        expect(log).toEqual(["g-2", "inner-1", "g-1"]);
        expect(() => devresReleaseGroup(dev, g)).toThrow(DoubleReleaseError);
        const kept = devresOpenGroup(dev);
        devmAddAction(dev, () => log.push("kept"));
        devresRemoveGroup(dev, kept);
        return {};
      },
    });
    const base = sanitizer.live();
    const { bus, dev } = await plug(drv);
    await bus.unplug(dev);
    expect(log).toEqual(["g-2", "inner-1", "g-1", "kept", "outside-2", "outside-1"]);
    expect(liveSince(base).devres).toBe(0);
  });

  test("a group holding a managed workqueue: release drains it, and unbind waits for that", async () => {
    const gate = deferred();
    const log: string[] = [];
    const drv = defineDriver({
      name: "groupwq",
      probe(dev) {
        const g = devresOpenGroup(dev);
        const wq = devmAllocWorkqueue(dev, "g-wq");
        wq.queue(async () => {
          await gate.promise;
          log.push("work");
        });
        devresReleaseGroup(dev, g); // drains in the background
        return { wq };
      },
    });
    const { bus, dev } = await plug(drv);
    const { wq } = bus.driverData<{ wq: { queue(f: () => void): unknown } }>(dev)!;
    const unplugging = bus.unplug(dev);
    await tick();
    await tick();
    expect(log).toEqual([]); // unbind is waiting for the group's drain
    gate.resolve();
    await unplugging;
    expect(log).toEqual(["work"]);
    expect(() => wq.queue(() => {})).toThrow(/use after free: call of queue\(\) in workqueue "g-wq" of device "groupwq\d+", released by devresReleaseGroup\(\)/);
  });
});

describe("devres needs a bound device (always on, and debug check 1)", () => {
  test("a devm call on an unbound device names the device and the call", async () => {
    const bus = new Bus("unbound");
    const dev = await bus.addDevice({ name: "lonely0", compatible: "nobody" });
    const asBound = dev as unknown as Device<Core>;
    expect(() => devmKzalloc(asBound, () => ({}))).toThrow(/devmKzalloc\(\) on device "lonely0": no driver is bound to it/);
    expect(() => devmRequestIrq(asBound, 0, () => {})).toThrow(/devmRequestIrq\(\) on device "lonely0"/);
    expect(() => devmIoremap(asBound)).toThrow(/devmIoremap\(\) on device "lonely0"/);
    expect(() => devmAllocWorkqueue(asBound, "x")).toThrow(/devmAllocWorkqueue\(\) on device "lonely0"/);
    expect(() => devresOpenGroup(asBound)).toThrow(/devresOpenGroup\(\) on device "lonely0"/);
    const reports = sanitizer.reports.filter((r) => r.debugCheck === 1);
    expect(reports).toHaveLength(5);
    expect(reports[0]).toMatchObject({ severity: "error", device: "lonely0" });
    // @ts-expect-error not a device at all
    expect(() => devmKzalloc({}, () => ({}))).toThrow(/devmKzalloc\(\): expected a Device, got a plain object/);
    await bus.unplug(dev);
  });

  test("a Device<Bound> kept after unbind (a timer) registering devres: refused, even once the device is bound again", async () => {
    let kept: Device<Bound> | undefined;
    let probes = 0;
    const drv = defineDriver({
      name: "keeper",
      probe(dev) {
        if (probes++ === 0) kept = dev;
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    await bus.unbind(dev);
    const stale = /devmAddAction\(\) on device "keeper\d+" with the Device<Bound> of its binding to driver "keeper", which ended at .*devres\.test\.ts:\d+:\d+: the proof outlived its bound scope/;
    expect(() => devmAddAction(kept!, () => {})).toThrow(stale);
    await bus.bind(dev); // a new binding: the old proof still proves nothing
    expect(dev.isBound).toBe(true);
    expect(() => devmAddAction(kept!, () => {})).toThrow(stale);
    expect(sanitizer.reports.filter((r) => r.check === "devres-while-unbound")).toHaveLength(2);
    await bus.unplug(dev);
  });

  test("devres registered while its own devres is being released", async () => {
    let err: unknown;
    const drv = defineDriver({
      name: "latereg",
      probe(dev) {
        devmAddAction(dev, () => {
          try {
            devmAddAction(dev, () => {});
          } catch (e) {
            err = e;
          }
        });
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    await bus.unplug(dev);
    expect(String(err)).toMatch(/its devres is being released/);
  });
});

describe("unmanaged counterparts", () => {
  test("kzalloc/kfree: poisoned after kfree, double kfree names the first, kfree of devm memory refused", async () => {
    const base = sanitizer.live();
    const p = kzalloc(() => ({ ring: [0, 0] }));
    const ring = p.ring;
    kfree(p);
    expect(() => ring[0]).toThrow(/use after free: read of ring.0 in kzalloc allocation, released by kfree\(\) at .*devres\.test\.ts/);
    expect(() => kfree(p)).toThrow(/double release: kfree\(\) on kzalloc allocation, already released by kfree\(\) at .*devres\.test\.ts/);
    kfree(null as never); // kfree(NULL) is fine
    expect(() => kfree({} as never)).toThrow(/not an allocation from kzalloc/);
    let managed: object | undefined;
    const drv = defineDriver({
      name: "mixed",
      probe(dev) {
        managed = devmKzalloc(dev, () => ({}));
        expect(() => kfree(managed!)).toThrow(/^double release: kfree\(\) of devmKzalloc allocation of device "mixed\d+", which was allocated with devmKzalloc\(\): devres frees it again when "mixed\d+" unbinds; free it now with devmKfree\(dev, p\), or allocate it with kzalloc\(\) to free it by hand$/);
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    await bus.unplug(dev);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
  });

  test("requestIrq/freeIrq, ioremap/iounmap, allocWorkqueue/destroyWorkqueue/cancelWorkSync", async () => {
    const log: string[] = [];
    const drv = defineDriver({
      name: "manual",
      probe(dev) {
        const irq = requestIrq(dev, 1, (line) => log.push(`irq ${line}`));
        const regs = ioremap(dev, { offset: 8, size: 8 });
        const wq = allocWorkqueue("manual-wq");
        return { irq, regs, wq };
      },
      async remove(_dev, { irq, regs, wq }) {
        freeIrq(irq);
        const pending = wq.queue(() => void log.push("never runs"));
        const runs = wq.queue(() => void log.push("runs"));
        await cancelWorkSync(pending);
        await destroyWorkqueue(wq);
        expect(runs.pending).toBe(false);
        regs.writel(7, 0);
        log.push(`reg ${regs.readl(0)}`);
        iounmap(regs);
        expect(() => regs.readl(0)).toThrow(/use after free: call of readl\(\) in MMIO mapping \[8, \+8\) of device "manual\d+", released by iounmap\(\)/);
        expect(() => iounmap(regs)).toThrow(DoubleReleaseError);
        expect(() => freeIrq(irq)).toThrow(DoubleReleaseError);
        await expect(destroyWorkqueue(wq)).rejects.toThrow(DoubleReleaseError);
        expect(() => wq.queue(() => {})).toThrow(UseAfterFreeError);
      },
    });
    const { bus, dev } = await plug(drv, { irqs: 2 });
    bus.raiseIrq(dev, 1);
    await bus.unbind(dev); // sysfs unbind: the hardware is still there
    await bus.unplug(dev);
    expect(log).toEqual(["irq 1", "irq 1", "runs", "reg 7"]); // second "irq 1": DEBUG_SHIRQ at freeIrq
  });

  test("manual release of a devm resource is refused (it would be released twice)", async () => {
    const drv = defineDriver({
      name: "manfree",
      async probe(dev) {
        const irq = devmRequestIrq(dev, 0, () => {});
        expect(() => freeIrq(irq)).toThrow(/^double release: freeIrq\(\) of IRQ 0 of device "manfree\d+", which was requested with devmRequestIrq\(\): devres frees it again when "manfree\d+" unbinds; leave it to devres, or request it with requestIrq\(\) to free it by hand$/);
        const regs = devmIoremap(dev);
        expect(() => iounmap(regs.access(dev))).toThrow(/^double release: iounmap\(\) of MMIO mapping \[0, \+4096\) of device "manfree\d+", which was mapped with devmIoremap\(\): devres unmaps it again when "manfree\d+" unbinds; leave it to devres, or map it with ioremap\(\) to unmap it by hand$/);
        const wq = devmAllocWorkqueue(dev, "w");
        await expect(destroyWorkqueue(wq)).rejects.toThrow(/^double release: destroyWorkqueue\(\) of workqueue "w" of device "manfree\d+", which was allocated with devmAllocWorkqueue\(\): devres destroys it again when "manfree\d+" unbinds; leave it to devres, or allocate it with allocWorkqueue\(\) to destroy it by hand$/);
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    const name = dev.name;
    await bus.unplug(dev);
    // One report each, naming the device (the workqueue's named none before the four checks became one).
    expect(sanitizer.reports.filter((r) => r.check === "double-release").map((r) => r.device)).toEqual([name, name, name]);
  });
});

describe("managed workqueue", () => {
  test("items receive the device's Device<Bound>, may register devres, and are drained before release", async () => {
    const log: string[] = [];
    let seenDev: unknown;
    let proof: unknown;
    const drv = defineDriver({
      name: "mwq",
      probe(dev) {
        proof = dev;
        const priv = devmKzalloc(dev, () => ({ count: 0 }));
        const wq = devmAllocWorkqueue(dev, "mwq");
        for (let i = 0; i < 3; i++) {
          wq.queue(async (d) => {
            seenDev = d;
            await tick();
            priv.count++;
            if (i === 0) devmAddAction(d, () => log.push(`devres from work, count=${priv.count}`));
          });
        }
        return { wq };
      },
    });
    const { bus, dev } = await plug(drv);
    const { wq } = bus.driverData<{ wq: { queue(f: (d: Device<Bound>) => void): unknown; flush(): Promise<void> } }>(dev)!;
    await wq.flush();
    expect(seenDev).toBe(proof); // the binding's own Device<Bound>
    expect((seenDev as Device).get()).toBe(dev); // whose storable handle is the device
    putDevice(dev);
    // Queued now, it runs in the drain at unbind: registering devres from there is refused (and reported).
    wq.queue((d) => void devmAddAction(d, () => log.push("never")));
    await bus.unplug(dev);
    expect(log).toEqual(["devres from work, count=3"]);
    expect(sanitizer.reports.filter((r) => r.check === "oops").map((r) => r.message)).toEqual([
      expect.stringMatching(/a work item on workqueue "mwq" of device "mwq\d+" threw: devmAddAction\(\) on device "mwq\d+": its devres is being released/),
    ]);
    expect(() => wq.queue(() => {})).toThrow(/use after free: call of queue\(\) in workqueue "mwq" of device "mwq\d+", released by devres when "mwq\d+" unbound/);
  });
});
