// Hot-plug stress: 10,000 plug/unplug cycles of a driver with file operations in flight, IRQs
// firing and work queued, under the sanitizer. Asserts no use after free (no sanitizer error,
// no unexpected exception), every unbind completing (each raced against a timeout: a hang
// fails, slowness does not), and live devres entries, objects and allocations back to zero.
import { afterAll, beforeAll, expect, test } from "vitest";
import {
  Bus,
  Cdev,
  Device,
  ErrnoError,
  UseAfterFreeError,
  WaitQueue,
  cdevDeviceAdd,
  cdevDeviceDel,
  cdevUnregisterBegin,
  cdevUnregisterFinish,
  defineDriver,
  devmAllocWorkqueue,
  devmIoremap,
  devmKzalloc,
  devmRequestIrq,
  kfree,
  kzalloc,
  openCdev,
  putDevice,
  sanitizer,
  type Core,
  type File,
} from "@devbound/runtime";
import { tick, within } from "./helpers.js";

const CYCLES = Number(process.env.STRESS_CYCLES ?? 10_000);
const PARALLEL = 25;

beforeAll(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterAll(() => sanitizer.disable());

/** Deterministic PRNG (mulberry32) so a failure replays. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Shared {
  queue: number[];
  removed: boolean;
  openFiles: number;
  freed: boolean;
  readonly wq: WaitQueue;
}

interface Priv {
  irqs: number;
  works: number;
  cdev: Cdev;
  chr: Device;
  shared: Shared;
}

const stats = { probes: 0, removes: 0, irqs: 0, works: 0, reads: 0, enodev: 0, releasesAfterRemove: 0, probeAborted: 0 };

function freeShared(s: Shared): void {
  s.freed = true;
  kfree(s);
}

/** `buggy`: remove() frees the file state even while files are open (release() after unbind then touches freed memory). */
const makeDriver = (name: string, buggy: boolean) => defineDriver<Priv>({
  name,
  async probe(dev: Device<Core>) {
    stats.probes++;
    const regs = devmIoremap(dev);
    const priv = devmKzalloc(dev, () => ({ irqs: 0, works: 0 }) as Priv);
    const wq = devmAllocWorkqueue(dev, `${dev.name}-wq`);
    // Probe sleeps mid-way sometimes: an unplug can land here.
    if (regs.access(dev).readl(0) === 0) await tick();
    devmRequestIrq(dev, 0, (d) => {
      priv.irqs++;
      stats.irqs++;
      regs.access(d).writel(priv.irqs, 4);
      wq.queue(async (wd) => {
        if (priv.works % 3 === 0) await tick();
        priv.works++;
        stats.works++;
        regs.access(wd).readl(4);
      });
    });
    // File state may outlive the binding (open files): kzalloc, freed by the last of remove()/release().
    const shared = kzalloc((): Shared => ({ queue: [], removed: false, openFiles: 0, freed: false, wq: new WaitQueue() }));
    const cdev = new Cdev(`${dev.name}-cdev`, {
      open: () => {
        shared.openFiles++;
      },
      read: async () => {
        await shared.wq.waitEvent(() => shared.queue.length > 0 || shared.removed);
        if (shared.removed) throw new ErrnoError("ENODEV", "removed while sleeping");
        return shared.queue.shift();
      },
      ioctl: (_f: File, cmd: number) => cmd + shared.queue.length,
      write: (_f: File, v: unknown) => {
        shared.queue.push(v as number);
        shared.wq.wakeUpAll();
      },
      release: () => {
        if (--shared.openFiles === 0 && shared.removed) {
          stats.releasesAfterRemove++;
          freeShared(shared);
        }
      },
    });
    const chr = new Device({ name: `${dev.name}-chr` });
    cdevDeviceAdd(cdev, chr);
    priv.cdev = cdev;
    priv.chr = chr;
    priv.shared = shared;
    return priv;
  },
  async remove(_dev, priv) {
    stats.removes++;
    const { cdev, chr, shared } = priv;
    cdevUnregisterBegin(cdev);
    shared.removed = true;
    shared.wq.wakeUpAll();
    await cdevUnregisterFinish(cdev);
    cdevDeviceDel(cdev, chr);
    putDevice(chr);
    if (buggy || shared.openFiles === 0) freeShared(shared);
  },
});

const unexpected: unknown[] = [];
function expectErrno(err: unknown): void {
  if (err instanceof ErrnoError && (err.code === "ENODEV" || err.code === "EBADF")) {
    stats.enodev++;
    return;
  }
  unexpected.push(err);
}

async function cycle(bus: Bus, compatible: string, i: number, rand: () => number): Promise<void> {
  const adding = bus.addDevice({ name: `stress${i}`, compatible, irqs: 1, mmioSize: 64 });
  let dev: Device | undefined;
  if (rand() < 0.2) {
    // Unplug while probe may still be suspended at its await.
    await tick();
    dev = bus.present.find((d) => d.name === `stress${i}`);
    if (dev !== undefined) {
      const unplugging = bus.unplug(dev);
      await adding.catch(expectErrno);
      await within(unplugging, 5000, `unplug of stress${i} during probe`);
      stats.probeAborted++;
      return;
    }
  }
  dev = await adding;
  const priv = bus.driverData<Priv>(dev)!;
  const files: File[] = [];
  const ops: Promise<unknown>[] = [];
  const nfiles = 1 + Math.floor(rand() * 3);
  for (let f = 0; f < nfiles; f++) files.push(await openCdev(priv.cdev));
  for (const f of files) {
    ops.push(f.read().then(() => void stats.reads++, expectErrno)); // sleeps until a write or removal
    if (rand() < 0.5) ops.push(f.write(i).catch(expectErrno));
  }
  const fires = Math.floor(rand() * 4);
  for (let k = 0; k < fires; k++) bus.raiseIrq(dev, 0);
  if (rand() < 0.5) await tick(); // let some work run, or not
  const unplugging = bus.unplug(dev);
  bus.raiseIrq(dev, 0); // the hardware is gone: ignored
  // New calls during removal fail cleanly; close some files before, some after the unbind.
  ops.push(files[0]!.ioctl(1).catch(expectErrno));
  const early = rand() < 0.5 ? files.splice(0, 1) : [];
  await Promise.all(early.map((f) => f.close()));
  await within(unplugging, 5000, `unplug of stress${i}`);
  await within(Promise.all(ops), 5000, `file operations of stress${i}`);
  await within(Promise.all(files.map((f) => f.close())), 5000, `close of stress${i}'s files`); // release() after unbind
}

async function run(bus: Bus, compatible: string, cycles: number): Promise<void> {
  const rand = rng(0x5eed);
  let next = 0;
  const lanes = Array.from({ length: PARALLEL }, async () => {
    while (next < cycles) {
      const i = next++;
      await cycle(bus, compatible, i, rand).catch((err: unknown) => void unexpected.push(err));
    }
  });
  await Promise.all(lanes);
}

test(`hot-plug stress: ${CYCLES} plug/unplug cycles with fops in flight, IRQs and work`, async () => {
  const base = sanitizer.live();
  const bus = new Bus("stress");
  bus.registerDriver(makeDriver("stress", false));
  await run(bus, "stress", CYCLES);
  expect(unexpected).toEqual([]);
  expect(sanitizer.errors()).toEqual([]);
  expect(bus.present).toEqual([]);
  expect(sanitizer.live()).toEqual(base);
  // The run exercised what it claims to.
  expect(stats.probes).toBe(CYCLES);
  expect(stats.removes).toBe(CYCLES); // an unplug during probe unbinds after probe settles
  expect(stats.irqs).toBeGreaterThan(CYCLES);
  expect(stats.works).toBeGreaterThan(0);
  expect(stats.enodev).toBeGreaterThan(CYCLES / 5);
  expect(stats.releasesAfterRemove).toBeGreaterThan(0);
  expect(stats.probeAborted).toBeGreaterThan(0);
  console.log("stress:", JSON.stringify(stats));
});

test("the same harness fails a driver whose release() after unbind touches memory remove() freed", async () => {
  unexpected.length = 0;
  sanitizer.clearReports();
  const bus = new Bus("stress-buggy");
  bus.registerDriver(makeDriver("stress-buggy", true));
  await run(bus, "stress-buggy", 300);
  expect(unexpected.length).toBeGreaterThan(0);
  expect(unexpected.every((e) => e instanceof UseAfterFreeError)).toBe(true);
  expect(String(unexpected[0])).toMatch(/use after free: .* in kzalloc allocation, released by kfree\(\) at freeShared/);
  expect(sanitizer.errors().length).toBeGreaterThan(0);
});
