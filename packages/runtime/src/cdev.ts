/**
 * Character devices with the sync-unregister protocol (seeds/001, Laurent Pinchart's seven
 * steps, after Dan Williams):
 *   1. at the beginning of remove(), flag the device as being removed   (cdevUnregisterBegin)
 *   2. at the entry of every fop, fail with ENODEV if flagged            (runtime)
 *   3. at the entry of every fop, count it in flight                      (runtime)
 *   4. in remove(), wake every thread sleeping in a fop                   (the driver, e.g. WaitQueue.wakeUpAll)
 *   5. at the exit of every fop, uncount it                               (runtime)
 *   6. in remove(), wait until no fop is in flight                        (cdevUnregisterFinish)
 *   7. complete remove(), freeing resources                               (the driver)
 * release() is not fenced: it runs when user space closes the file, possibly after unbind,
 * and must skip what remove() already did (`cdev.removing` tells it).
 *
 * Invariant: after cdevUnregisterFinish resolves, no fop of this cdev runs and none starts;
 * an open file keeps the cdev (and through it its device) alive until it is closed.
 */
import type { FileOperation, KobjectParam, Normal } from "./brands.js";
import { DEV, Device, addDevice, assertDevice, deviceDel, putDevice } from "./device.js";
import { DevboundError, ErrnoError, describe } from "./errors.js";
import { KOBJ, Kobject } from "./kobject.js";
import { useAfterFree } from "./lifetime.js";
import { checkKobjectParam, internalKeys, runInReleaseContext } from "./sanitizer.js";

export interface FileOperations {
  open?: FileOperation<(file: File) => void | Promise<void>, "open">;
  read?: FileOperation<(file: File) => unknown, "read">;
  write?: FileOperation<(file: File, data: unknown) => unknown, "write">;
  ioctl?: FileOperation<(file: File, cmd: number, arg?: unknown) => unknown, "ioctl">;
  release?: FileOperation<(file: File) => void | Promise<void>, "release">;
}

const CDEV: unique symbol = Symbol("devbound.cdev");
const FILE: unique symbol = Symbol("devbound.file");
internalKeys.add(CDEV);
internalKeys.add(FILE);

interface CdevState {
  readonly fops: FileOperations;
  registered: boolean;
  removing: boolean;
  inFlight: number;
  idle: (() => void)[];
  dev: Device | undefined;
  /** cdevDeviceAdd added `dev` itself (so cdevDeviceDel deletes it). */
  addedDevice: boolean;
  openFiles: number;
}

const FOPS = ["open", "read", "write", "ioctl", "release"] as const;

export class Cdev extends Kobject {
  readonly [CDEV]: CdevState;

  constructor(name: string, fops: FileOperations) {
    super(name);
    if (typeof fops !== "object" || fops === null) throw new DevboundError(`new Cdev("${name}"): fops must be an object of file operations, got ${describe(fops)}`);
    for (const k of FOPS) {
      const f = fops[k];
      if (f !== undefined && typeof f !== "function") throw new DevboundError(`new Cdev("${name}"): fops.${k} must be a function, got ${describe(f)}`);
    }
    this[CDEV] = { fops, registered: false, removing: false, inFlight: 0, idle: [], dev: undefined, addedDevice: false, openFiles: 0 };
  }

  /** Set by cdevUnregisterBegin: release() uses it to skip what remove() already did. */
  get removing(): boolean {
    return this[CDEV].removing;
  }
  /** File operations running right now (release excluded). */
  get inFlight(): number {
    return this[CDEV].inFlight;
  }
  get openFiles(): number {
    return this[CDEV].openFiles;
  }

  protected override releaseHook(): void {
    const st = this[CDEV];
    const dev = st.dev;
    st.dev = undefined;
    if (dev !== undefined) putDevice(dev);
  }
}

function assertCdev(x: unknown, call: string): asserts x is Cdev {
  if (!(x instanceof Cdev)) throw new DevboundError(`${call}: expected a Cdev, got ${describe(x)}`);
}

function cdevName(c: Cdev): string {
  return c[KOBJ].name;
}

/** cdev_device_add(): makes the cdev openable; it holds a reference on `dev` until its release. */
export function cdevDeviceAdd(cdev: KobjectParam<Cdev>, dev: KobjectParam<Device<Normal>>): void {
  assertCdev(cdev, "cdevDeviceAdd()");
  assertDevice(dev, "cdevDeviceAdd()");
  checkKobjectParam("cdevDeviceAdd", "cdev", cdev);
  checkKobjectParam("cdevDeviceAdd", "dev", dev);
  const st = cdev[CDEV];
  if (cdev[KOBJ].kref.life.released) throw useAfterFree(cdev[KOBJ].kref.life, "cdevDeviceAdd() of");
  if (st.registered) throw new DevboundError(`cdevDeviceAdd(): cdev "${cdevName(cdev)}" is already added`);
  // A class device is added here; a device that is already added (the bus device) is just referenced.
  st.addedDevice = !dev[DEV].added;
  if (st.addedDevice) addDevice(dev, "cdevDeviceAdd");
  st.dev = dev.get();
  st.registered = true;
  st.removing = false;
}

/** cdev_device_del(): no new opens; open files keep the cdev alive. Drops the cdev's initial reference. */
export function cdevDeviceDel(cdev: Cdev, dev: Device<Normal>): void {
  assertCdev(cdev, "cdevDeviceDel()");
  assertDevice(dev, "cdevDeviceDel()");
  const st = cdev[CDEV];
  if (!st.registered) throw new DevboundError(`cdevDeviceDel(): cdev "${cdevName(cdev)}" is not added`);
  if (st.dev !== undefined && st.dev[DEV] !== dev[DEV]) throw new DevboundError(`cdevDeviceDel(): cdev "${cdevName(cdev)}" was added with device "${st.dev.name}", not "${dev.name}"`);
  st.registered = false;
  if (st.addedDevice) {
    st.addedDevice = false;
    deviceDel(dev);
  }
  cdev.put();
}

/** Steps 1-2: flag removal; every new file operation (open included) fails with ENODEV. */
export function cdevUnregisterBegin(cdev: Cdev): void {
  assertCdev(cdev, "cdevUnregisterBegin()");
  cdev[CDEV].removing = true;
}

/** Step 6: resolves when no file operation is in flight. Wake your sleepers (step 4) before awaiting it. */
export function cdevUnregisterFinish(cdev: Cdev): Promise<void> {
  assertCdev(cdev, "cdevUnregisterFinish()");
  const st = cdev[CDEV];
  if (!st.removing) return Promise.reject(new DevboundError(`cdevUnregisterFinish(): call cdevUnregisterBegin("${cdevName(cdev)}") first, or new calls keep arriving`));
  if (st.inFlight === 0) return Promise.resolve();
  return new Promise<void>((r) => st.idle.push(r));
}

function exit(st: CdevState): void {
  if (--st.inFlight === 0 && st.idle.length > 0) {
    const w = st.idle;
    st.idle = [];
    for (const wake of w) wake();
  }
}

/** Steps 2, 3 and 5 around one file operation. */
async function fenced<R>(cdev: Cdev, what: string, fn: () => R | Promise<R>): Promise<R> {
  const st = cdev[CDEV];
  if (st.removing) throw new ErrnoError("ENODEV", `${what} on cdev "${cdevName(cdev)}": the device is being removed`);
  st.inFlight++;
  try {
    return await fn();
  } finally {
    exit(st);
  }
}

interface FileState {
  readonly cdev: Cdev;
  closed: boolean;
}

/** An open file (user space's side). Holds a reference on its cdev until close(). */
export class File {
  readonly [FILE]: FileState;
  /** The driver's per-file data (file->private_data). */
  privateData: unknown = undefined;

  constructor(cdev: Cdev) {
    this[FILE] = { cdev, closed: false };
  }

  get cdev(): Cdev {
    return this[FILE].cdev;
  }
  get closed(): boolean {
    return this[FILE].closed;
  }

  private op<R>(name: "read" | "write" | "ioctl", call: (f: NonNullable<FileOperations[typeof name]>) => R): Promise<unknown> {
    const fs = this[FILE];
    if (fs.closed) return Promise.reject(new ErrnoError("EBADF", `${name}() on a closed file of cdev "${cdevName(fs.cdev)}"`));
    const fop = fs.cdev[CDEV].fops[name];
    return fenced(fs.cdev, `${name}()`, () => {
      if (fop === undefined) throw new ErrnoError(name === "ioctl" ? "ENOTTY" : "EINVAL", `cdev "${cdevName(fs.cdev)}" has no ${name}()`);
      return call(fop as never);
    });
  }

  read(): Promise<unknown> {
    return this.op("read", (f) => (f as (file: File) => unknown)(this));
  }
  write(data: unknown): Promise<unknown> {
    return this.op("write", (f) => (f as (file: File, d: unknown) => unknown)(this, data));
  }
  ioctl(cmd: number, arg?: unknown): Promise<unknown> {
    return this.op("ioctl", (f) => (f as (file: File, c: number, a?: unknown) => unknown)(this, cmd, arg));
  }

  /** close(2): runs release() (always, even after the device is gone), then drops the cdev reference. */
  async close(): Promise<void> {
    const fs = this[FILE];
    if (fs.closed) throw new ErrnoError("EBADF", `close() of a file of cdev "${cdevName(fs.cdev)}" that is already closed`);
    fs.closed = true;
    const cdev = fs.cdev;
    const release = cdev[CDEV].fops.release;
    try {
      if (release !== undefined) {
        await runInReleaseContext(`the file release() of cdev "${cdevName(cdev)}"`, () => release(this));
      }
    } finally {
      cdev[CDEV].openFiles--;
      cdev.put();
    }
  }
}

/** open(2) from user space: fails with ENODEV unless the cdev is added and not being removed. */
export async function openCdev(cdev: Cdev): Promise<File> {
  assertCdev(cdev, "openCdev()");
  const st = cdev[CDEV];
  if (!st.registered || st.removing) throw new ErrnoError("ENODEV", `open() of cdev "${cdevName(cdev)}": ${st.removing ? "the device is being removed" : "not added (or already deleted)"}`);
  cdev.get();
  st.openFiles++;
  const file = new File(cdev);
  try {
    const open = st.fops.open;
    if (open !== undefined) await fenced(cdev, "open()", () => open(file));
  } catch (err) {
    file[FILE].closed = true;
    st.openFiles--;
    cdev.put();
    throw err;
  }
  return file;
}
