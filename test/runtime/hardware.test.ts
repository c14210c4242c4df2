// Simulated hardware and the unmanaged primitives: MMIO, IRQ lines, workqueues.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  Bus,
  UseAfterFreeError,
  allocWorkqueue,
  cancelWorkSync,
  defineDriver,
  destroyWorkqueue,
  devmIoremap,
  freeIrq,
  ioremap,
  iounmap,
  requestIrq,
  sanitizer,
  type Device,
} from "@devbound/runtime";
import { deferred, plug, tick } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

async function bareDevice(opts: { irqs?: number; mmioSize?: number } = {}): Promise<{ bus: Bus; dev: Device }> {
  const bus = new Bus("hw");
  const dev = await bus.addDevice({ name: "hw0", compatible: "none", ...opts });
  return { bus, dev };
}

describe("MMIO", () => {
  test("the driver sees what the hardware holds, and the hardware what the driver writes", async () => {
    const { bus, dev } = await bareDevice({ mmioSize: 16 });
    const m = ioremap(dev, { offset: 4, size: 8 });
    bus.registers(dev).setUint32(4, 0xdeadbeef, true);
    expect(m.readl(0)).toBe(0xdeadbeef);
    m.writel(0x12345678, 4);
    expect(bus.registers(dev).getUint32(8, true)).toBe(0x12345678);
    expect(() => m.readl(8)).toThrow(/offset number 8 is outside the 8-byte mapping of device "hw0"/);
    expect(() => m.readl(2)).toThrow(/not 4-byte aligned/);
    expect(() => ioremap(dev, { offset: 12, size: 8 })).toThrow(/outside the 16-byte MMIO region of device "hw0"/);
    const plain = new (await import("@devbound/runtime")).Device({ name: "nohw" });
    expect(() => ioremap(plain)).toThrow(/device "nohw" has no MMIO region/);
    // Gone hardware: reads are all ones, writes are dropped.
    const unplugging = bus.unplug(dev);
    expect(m.readl(0)).toBe(0xffffffff);
    m.writel(1, 0);
    iounmap(m);
    await unplugging;
  });

  test("a Devres<Mmio> read through tryAccessWith after unbind yields nothing; the mapping itself is unmapped", async () => {
    const { bus, dev } = await plug(defineDriver({ name: "mm", probe: (d) => ({ regs: devmIoremap(d, { size: 8 }), m: devmIoremap(d).access(d) }) }));
    const { regs, m } = bus.driverData<{ regs: ReturnType<typeof devmIoremap>; m: ReturnType<ReturnType<typeof devmIoremap>["access"]> }>(dev)!;
    expect(regs.tryAccessWith((x) => x.size)).toBe(8);
    await bus.unbind(dev);
    expect(regs.tryAccessWith((x) => x.size)).toBeUndefined();
    expect(() => m.readl(0)).toThrow(UseAfterFreeError);
    sanitizer.disable();
    // Without the sanitizer the mapping check is still there (an unmapped access is a fault, not a finding).
    expect(() => m.readl(0)).toThrow(/use after free: .*MMIO mapping \[0, \+4096\) of device "mm\d+"/);
    await bus.unplug(dev);
  });
});

describe("IRQ lines", () => {
  test("shared lines run every handler; spurious interrupts are counted, not fatal; a handler's exception reaches the hardware side", async () => {
    const { bus, dev } = await bareDevice({ irqs: 2 });
    const log: string[] = [];
    const a = requestIrq(dev, 1, (l) => void log.push(`a${l}`));
    const b = requestIrq(dev, 1, () => void log.push("b"));
    expect(bus.raiseIrq(dev, 1)).toBe(2);
    expect(bus.raiseIrq(dev, 0)).toBe(0);
    expect(log).toEqual(["a1", "b"]);
    freeIrq(a);
    freeIrq(b);
    expect(log).toEqual(["a1", "b", "a1", "b"]); // DEBUG_SHIRQ fired each once at free
    const c = requestIrq(dev, 0, () => {
      throw new Error("handler crashed");
    });
    expect(() => bus.raiseIrq(dev, 0)).toThrow("handler crashed");
    sanitizer.enable({ debugShirq: false });
    freeIrq(c);
    expect(() => requestIrq(dev, 2, () => {})).toThrow(/has IRQ lines 0..1, got number 2/);
    expect(() => requestIrq(dev, 0, 5 as never)).toThrow(/handler must be a function, got number 5/);
    await bus.unplug(dev);
  });
});

describe("workqueues", () => {
  test("items run later, in order, one at a time; flush waits; cancelWorkSync waits for a running item", async () => {
    const wq = allocWorkqueue("ordered");
    const log: string[] = [];
    const gate = deferred();
    const w1 = wq.queue(async () => {
      log.push("1:start");
      await gate.promise;
      log.push("1:end");
    });
    const w2 = wq.queue(() => void log.push("2"));
    expect(log).toEqual([]); // not run synchronously
    await tick();
    expect(w1.running).toBe(true);
    expect(w2.pending).toBe(true);
    let cancelled = false;
    const cancelling = cancelWorkSync(w1).then(() => (cancelled = true));
    await tick();
    expect(cancelled).toBe(false);
    gate.resolve();
    await cancelling;
    await wq.flush();
    expect(log).toEqual(["1:start", "1:end", "2"]);
    await destroyWorkqueue(wq);
  });

  test("an item that throws is recorded on the Work and reported as an oops; the queue goes on", async () => {
    const wq = allocWorkqueue("oops");
    const bad = wq.queue(() => {
      throw new Error("bug in work");
    });
    const good = wq.queue(() => {});
    await good.done;
    expect(String(bad.error)).toMatch(/bug in work/);
    expect(sanitizer.reports.map((r) => r.check)).toEqual(["oops"]);
    await destroyWorkqueue(wq);
  });

  test("destroy drains items queued by items; queue after destroy is refused", async () => {
    const wq = allocWorkqueue("chain");
    const log: number[] = [];
    const step = (n: number) => () => {
      log.push(n);
      if (n < 5) wq.queue(step(n + 1));
    };
    wq.queue(step(1));
    await destroyWorkqueue(wq);
    expect(log).toEqual([1, 2, 3, 4, 5]);
    expect(() => wq.queue(() => {})).toThrow(UseAfterFreeError);
  });
});

describe("drivers", () => {
  test("unregisterDriver unbinds every device it drives", async () => {
    const removed: string[] = [];
    const drv = defineDriver({ name: "gone", probe: () => ({}), remove: (dev) => void removed.push(dev.name) });
    const bus = new Bus("unreg");
    bus.registerDriver(drv);
    const a = await bus.addDevice({ name: "g0", compatible: "gone" });
    const b = await bus.addDevice({ name: "g1", compatible: "gone" });
    await bus.unregisterDriver(drv);
    expect(removed.sort()).toEqual(["g0", "g1"]);
    expect(a.isBound || b.isBound).toBe(false);
    await expect(bus.bind(a)).rejects.toThrow(/no driver for "gone"/);
    await Promise.all([bus.unplug(a), bus.unplug(b)]);
  });
});
