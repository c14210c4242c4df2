/**
 * I2C adapters (i2c_add_adapter / i2c_del_adapter) and i2c-dev style user-space handles.
 *
 * Invariant: an adapter is a kobject-style object: registered between i2cAddAdapter and
 * i2cDelAdapter, alive until its last reference drops. An open i2c-dev file holds a
 * reference, so the adapter outlives the driver's unbind; that is why an adapter embedded in
 * devres memory (`priv.adapter`) is a use after free waiting to happen (debug check 3).
 */
import type { KobjectParam } from "./brands.js";
import { DevboundError, ErrnoError, describe } from "./errors.js";
import { KOBJ, Kobject } from "./kobject.js";
import { useAfterFree } from "./lifetime.js";
import { checkKobjectParam, internalKeys } from "./sanitizer.js";

export interface I2cMsg {
  addr: number;
  /** Bytes to write, or for a read the number of bytes wanted. */
  data?: number[];
  read?: number;
}

export interface I2cAlgorithm {
  masterXfer?(adap: I2cAdapter, msgs: I2cMsg[]): unknown;
}

const I2C: unique symbol = Symbol("devbound.i2c");
internalKeys.add(I2C);

interface AdapterState {
  registered: boolean;
  nr: number;
  readonly algo: I2cAlgorithm | undefined;
}

const adapters = new Map<number, I2cAdapter>();
let nextNr = 0;

export class I2cAdapter extends Kobject {
  readonly [I2C]: AdapterState;
  constructor(name: string, algo?: I2cAlgorithm) {
    super(name);
    if (algo !== undefined && (typeof algo !== "object" || algo === null)) throw new DevboundError(`new I2cAdapter("${name}"): algo must be an object, got ${describe(algo)}`);
    this[I2C] = { registered: false, nr: -1, algo };
  }
  /** The bus number while registered (i2c-N), else -1. */
  get nr(): number {
    return this[I2C].nr;
  }
  get registered(): boolean {
    return this[I2C].registered;
  }
}

function assertAdapter(x: unknown, call: string): asserts x is I2cAdapter {
  if (!(x instanceof I2cAdapter)) throw new DevboundError(`${call}: expected an I2cAdapter, got ${describe(x)}`);
}

/** i2c_add_adapter(): registers the adapter; the i2c core now hands it to user space. */
export function i2cAddAdapter(adap: KobjectParam<I2cAdapter>): void {
  assertAdapter(adap, "i2cAddAdapter()");
  checkKobjectParam("i2cAddAdapter", "adap", adap);
  const life = adap[KOBJ].kref.life;
  if (life.released) throw useAfterFree(life, "i2cAddAdapter() of");
  const st = adap[I2C];
  if (st.registered) throw new DevboundError(`i2cAddAdapter(): adapter "${adap.name}" is already added (i2c-${st.nr})`);
  st.registered = true;
  st.nr = nextNr++;
  adapters.set(st.nr, adap);
}

/** i2c_del_adapter(): unregisters and drops the registration reference; open files keep it alive. */
export function i2cDelAdapter(adap: I2cAdapter): void {
  assertAdapter(adap, "i2cDelAdapter()");
  const st = adap[I2C];
  if (!st.registered) throw new DevboundError(`i2cDelAdapter(): adapter "${adap.name}" is not added`);
  st.registered = false;
  adapters.delete(st.nr);
  st.nr = -1;
  adap.put();
}

/** The adapter registered as i2c-`nr`, as user space finds it. */
export function i2cGetAdapter(nr: number): I2cAdapter | undefined {
  return adapters.get(nr);
}

/** User space's open /dev/i2c-N: holds the adapter until close(). */
export class I2cClientFile {
  private adap: I2cAdapter | undefined;
  constructor(adap: I2cAdapter) {
    this.adap = adap;
  }
  /** I2C_RDWR: ENODEV once the adapter is deleted. */
  async transfer(msgs: I2cMsg[]): Promise<unknown> {
    const adap = this.adap;
    if (adap === undefined) throw new ErrnoError("EBADF", "transfer() on a closed i2c-dev file");
    const st = adap[I2C];
    if (!st.registered) throw new ErrnoError("ENODEV", `transfer() on adapter "${adap.name}": it was deleted`);
    const xfer = st.algo?.masterXfer;
    if (xfer === undefined) throw new ErrnoError("EINVAL", `adapter "${adap.name}" has no masterXfer()`);
    return await xfer.call(st.algo, adap, msgs);
  }
  /** close(2): drops the reference; the adapter is released if it was the last. */
  close(): void {
    const adap = this.adap;
    if (adap === undefined) throw new ErrnoError("EBADF", "close() of an i2c-dev file that is already closed");
    this.adap = undefined;
    adap.put();
  }
}

/** open("/dev/i2c-N"): user space takes a reference on the adapter. */
export function i2cOpen(adap: I2cAdapter): I2cClientFile {
  assertAdapter(adap, "i2cOpen()");
  const st = adap[I2C];
  if (!st.registered) throw new ErrnoError("ENODEV", `open of adapter "${adap.name}": not added`);
  adap.get();
  return new I2cClientFile(adap);
}
