/**
 * MMIO (ioremap / iounmap / devm_ioremap) over the simulated registers of a bus device.
 *
 * Invariant: a mapping is usable from ioremap until iounmap; touching it afterwards throws a
 * use after free naming where it was unmapped (always: an access to an unmapped region is a
 * fault, not a sanitizer finding). Reads from hardware that is gone return all ones (the PCI
 * surprise-removal value) and writes are dropped. devmIoremap hands out a Devres<Mmio>:
 * revoked, then unmapped, when the device unbinds.
 */
import type { Bound, DevresTargetBrand, Managed, Normal, Releases } from "./brands.js";
import { DEV, Device, assertDevice, liveState, type Hardware } from "./device.js";
import { DevboundError, describe } from "./errors.js";
import { Devres, devresTarget } from "./devres.js";
import { checkManualRelease, doubleRelease, endLifetime, newLifetime, useAfterFree, type Lifetime } from "./lifetime.js";
import { callerSite, san, type Site } from "./report.js";
import { revokeInfo } from "./revocable.js";
import { internalKeys, poisonable } from "./sanitizer.js";

const MMIO: unique symbol = Symbol("devbound.mmio");
internalKeys.add(MMIO);

interface MmioState {
  readonly hw: Hardware;
  readonly offset: number;
  readonly size: number;
  readonly device: string;
  readonly life: Lifetime;
}

export class Mmio {
  readonly [MMIO]: MmioState;
  constructor(state: MmioState) {
    this[MMIO] = state;
    if (san.enabled) return poisonable(this, state.life, true);
  }
  get size(): number {
    return this[MMIO].size;
  }
  /** 32-bit register read (little endian). All ones if the hardware is gone. */
  readl(offset: number): number {
    const st = this[MMIO];
    check(st, offset, "readl");
    if (!st.hw.present) return 0xffffffff;
    return st.hw.regs.getUint32(st.offset + offset, true);
  }
  /** 32-bit register write. Dropped if the hardware is gone. */
  writel(value: number, offset: number): void {
    const st = this[MMIO];
    check(st, offset, "writel");
    if (!Number.isFinite(value)) throw new DevboundError(`writel(): value must be a number, got ${describe(value)}`);
    if (!st.hw.present) return;
    st.hw.regs.setUint32(st.offset + offset, value >>> 0, true);
  }
}

function check(st: MmioState, offset: number, op: string): void {
  if (st.life.released) throw useAfterFree(st.life, `${op}(${offset}) on`);
  if (!Number.isInteger(offset) || offset < 0 || offset + 4 > st.size || offset % 4 !== 0) {
    throw new DevboundError(`${op}(): offset ${describe(offset)} is outside the ${st.size}-byte mapping of device "${st.device}" (or not 4-byte aligned)`);
  }
}

function map(dev: Device, opts: { offset?: number; size?: number } | undefined, managed: boolean, call: string): Mmio {
  const st = liveState(dev, call);
  const hw = st.hw;
  if (hw === undefined) throw new DevboundError(`${call}: device "${st.name}" has no MMIO region (only bus devices have hardware)`);
  const offset = opts?.offset ?? 0;
  const size = opts?.size ?? hw.regs.byteLength - offset;
  if (!Number.isInteger(offset) || !Number.isInteger(size) || offset < 0 || size <= 0 || offset + size > hw.regs.byteLength) {
    throw new DevboundError(`${call}: [${describe(offset)}, +${describe(size)}) is outside the ${hw.regs.byteLength}-byte MMIO region of device "${st.name}"`);
  }
  return new Mmio({ hw, offset, size, device: st.name, life: newLifetime(`MMIO mapping [${offset}, +${size})`, st.name, managed) });
}

/** ioremap(): unmanaged; the driver must iounmap() it. */
export function ioremap(dev: Device<Normal>, opts?: { offset?: number; size?: number }): Mmio {
  assertDevice(dev, "ioremap()");
  return map(dev, opts, false, `ioremap(${dev[DEV].name})`);
}

function unmap(m: Mmio, by: string, at: Site | undefined): void {
  const st = m[MMIO];
  if (st.life.released) throw doubleRelease(st.life, by);
  endLifetime(st.life, by, at);
}

/** iounmap(). */
export function iounmap(m: Releases<Mmio, "iomem">): void {
  if (!(m instanceof Mmio)) throw new DevboundError(`iounmap(): expected an Mmio, got ${describe(m)}`);
  checkManualRelease(m[MMIO].life, "iounmap()", "iomem");
  unmap(m, "by iounmap()", callerSite());
}

/** devm_ioremap(): a Devres<Mmio>; at unbind it is revoked (waiting for readers), then unmapped. */
export function devmIoremap(dev: Device<Bound> & DevresTargetBrand, opts?: { offset?: number; size?: number }): Managed<Devres<Mmio>, "iomem"> {
  // Checked before mapping, so a refused call leaves nothing behind.
  const st = devresTarget(dev, "devmIoremap");
  const m = map(dev, opts, true, `devmIoremap(${st.name})`);
  const d: Devres<Mmio> = new Devres<Mmio>(dev, m, (mm) => {
    const info = revokeInfo(d);
    unmap(mm, info.by ?? "by devres", info.at);
  }, "iomem", "devmIoremap");
  return d;
}
