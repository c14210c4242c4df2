import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
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
  devmKzalloc,
  kfree,
  kzalloc,
  openCdev,
  putDevice,
  sanitizer,
  type Core,
  type File,
} from "@devbound/runtime";
import { deferred, liveSince, plug, tick, within } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

/** A driver written to the seven-step protocol: reads sleep until data arrives or removal. */
function fifoDriver(log: string[]) {
  interface Priv {
    state: { queue: number[]; removed: boolean; wq: WaitQueue };
    cdev: Cdev;
    chr: Device;
  }
  return defineDriver<Priv>({
    name: "fifo",
    probe(dev: Device<Core>) {
      // Shared with file operations, which may outlive the binding: not devres memory.
      const state = kzalloc(() => ({ queue: [] as number[], removed: false, wq: new WaitQueue() }));
      const cdev = new Cdev("fifo", {
        open: (file: File) => {
          file.privateData = state;
        },
        read: async () => {
          await state.wq.waitEvent(() => state.queue.length > 0 || state.removed);
          if (state.removed) throw new ErrnoError("ENODEV", "fifo removed while sleeping");
          return state.queue.shift();
        },
        write: (_f: File, v: unknown) => {
          state.queue.push(v as number);
          state.wq.wakeUpAll();
        },
        release: () => {
          // Runs on close, possibly after remove(): skip what remove() already did.
          log.push(cdev.removing ? "release after remove: nothing to undo" : "release: flush");
        },
      });
      const chr = new Device({ name: `${dev.name}-chr`, parent: dev.get(), release: () => log.push("chr released") });
      putDevice(dev); // the child holds the parent now (constructor + deviceAdd)
      cdevDeviceAdd(cdev, chr);
      return { state, cdev, chr };
    },
    async remove(_dev, { state, cdev, chr }) {
      cdevUnregisterBegin(cdev); // steps 1-2
      state.removed = true;
      state.wq.wakeUpAll(); // step 4
      await cdevUnregisterFinish(cdev); // step 6
      log.push(`remove: ${cdev.inFlight} in flight`);
      cdevDeviceDel(cdev, chr);
      putDevice(chr);
      kfree(state); // step 7: nothing can reach it now
    },
  });
}

describe("cdev sync-unregister protocol", () => {
  test("sleepers are woken, remove waits for fops in flight, new calls fail ENODEV, release after unbind works", async () => {
    const base = sanitizer.live();
    const log: string[] = [];
    const { bus, dev } = await plug(fifoDriver(log));
    const { cdev } = bus.driverData<{ cdev: Cdev }>(dev)!;
    const f1 = await openCdev(cdev);
    const f2 = await openCdev(cdev);
    await f1.write(1);
    expect(await f2.read()).toBe(1);
    const sleeping = f1.read(); // sleeps: queue empty
    const sleeping2 = f2.read();
    await tick();
    expect(cdev.inFlight).toBe(2);
    const unbinding = bus.unbind(dev);
    await expect(sleeping).rejects.toThrow(/ENODEV: fifo removed while sleeping/);
    await expect(sleeping2).rejects.toThrow(ErrnoError);
    await within(unbinding, 1000, "unbind");
    expect(log).toEqual(["remove: 0 in flight"]);
    // After unbind: the files are still open and keep the cdev (and the class device) alive.
    await expect(f1.read()).rejects.toThrow(/ENODEV: read\(\) on cdev "fifo": the device is being removed/);
    await expect(openCdev(cdev)).rejects.toThrow(/ENODEV/);
    expect(cdev.openFiles).toBe(2);
    await f1.close();
    await expect(f1.close()).rejects.toThrow(/EBADF/);
    await expect(f1.read()).rejects.toThrow(/EBADF/);
    expect(log).toEqual(["remove: 0 in flight", "release after remove: nothing to undo"]);
    await f2.close();
    expect(log.slice(2)).toEqual(["release after remove: nothing to undo", "chr released"]);
    await bus.unplug(dev);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
  });

  test("an fop suspended at an await holds remove() at step 6 until it returns", async () => {
    const gate = deferred();
    const log: string[] = [];
    const cdev = new Cdev("slow", {
      ioctl: async (_f, cmd) => {
        await gate.promise;
        log.push(`ioctl ${cmd} done`);
        return cmd;
      },
    });
    const chr = new Device({ name: "slow-chr" });
    cdevDeviceAdd(cdev, chr);
    const f = await openCdev(cdev);
    const call = f.ioctl(7);
    await tick();
    cdevUnregisterBegin(cdev);
    let finished = false;
    const finishing = cdevUnregisterFinish(cdev).then(() => (finished = true));
    await expect(f.ioctl(8)).rejects.toThrow(/ENODEV/); // step 2: no new calls
    await tick();
    expect(finished).toBe(false);
    gate.resolve();
    expect(await call).toBe(7);
    await finishing;
    expect(log).toEqual(["ioctl 7 done"]);
    cdevDeviceDel(cdev, chr);
    putDevice(chr);
    await f.close();
  });

  test("bad input and misuse", async () => {
    const cdev = new Cdev("c", {});
    await expect(cdevUnregisterFinish(cdev)).rejects.toThrow(/call cdevUnregisterBegin\("c"\) first/);
    await expect(openCdev(cdev)).rejects.toThrow(/not added/);
    // @ts-expect-error not fops
    expect(() => new Cdev("d", { read: 3 })).toThrow(/fops.read must be a function, got number 3/);
    const chr = new Device({ name: "c-chr" });
    cdevDeviceAdd(cdev, chr);
    const f = await openCdev(cdev);
    await expect(f.read()).rejects.toThrow(/EINVAL: cdev "c" has no read\(\)/);
    await expect(f.ioctl(1)).rejects.toThrow(/ENOTTY/);
    expect(() => cdevDeviceAdd(cdev, chr)).toThrow(/already added/);
    cdevDeviceDel(cdev, chr);
    expect(() => cdevDeviceDel(cdev, chr)).toThrow(/not added/);
    putDevice(chr);
    await f.close();
  });

  test("without the protocol: a cdev embedded in devres memory is a use after free at close", async () => {
    const { bus, dev } = await plug(
      defineDriver({
        name: "embedded",
        probe(dev) {
          const priv = devmKzalloc(dev, () => ({ cdev: new Cdev("emb", { release: () => {} }), chr: new Device({ name: `${dev.name}-chr` }) }));
          cdevDeviceAdd(priv.cdev, priv.chr); // debug check 3 reports this
          return priv;
        },
        remove(_dev, priv) {
          cdevDeviceDel(priv.cdev, priv.chr);
          putDevice(priv.chr);
        },
      }),
    );
    const { cdev } = bus.driverData<{ cdev: Cdev }>(dev)!;
    const f = await openCdev(cdev);
    await bus.unplug(dev);
    await expect(f.close()).rejects.toThrow(UseAfterFreeError);
    expect(sanitizer.reports.filter((r) => r.debugCheck === 3).map((r) => r.message)).toEqual([
      expect.stringMatching(/cdevDeviceAdd\(\): cdev `cdev` \(a member of devmKzalloc allocation of device "embedded\d+"\) is freed by devres when "embedded\d+" unbinds, but cdevDeviceAdd keeps it alive after that/),
      expect.stringMatching(/cdevDeviceAdd\(\): dev `chr`/),
    ]);
  });
});
