/**
 * Interrupt lines (request_irq / free_irq / devm_request_irq).
 *
 * Invariant: a handler runs only while its IRQ is requested and the hardware is present;
 * after free the Irq is dead (freeing it again is a double release). With the sanitizer on,
 * freeing an IRQ first fires its handler once (CONFIG_DEBUG_SHIRQ): a handler that uses
 * what the driver already tore down (a devm IRQ outliving remove()) fails right there.
 */
import type { Bound, BoundCallback, DeferredCallback, DevresTargetBrand, Managed, Normal, Releases } from "./brands.js";
import { DEV, Device, asBound, assertDevice, liveState, type Hardware } from "./device.js";
import { devresAdd, devresTarget } from "./devres.js";
import { DevboundError, describe } from "./errors.js";
import { checkManualRelease, doubleRelease, endLifetime, newLifetime, type Lifetime } from "./lifetime.js";
import { callerSite, san, type Site } from "./report.js";
import { internalKeys, poisonable } from "./sanitizer.js";

const IRQ: unique symbol = Symbol("devbound.irq");
internalKeys.add(IRQ);

interface IrqState {
  readonly line: number;
  readonly device: string;
  readonly hw: Hardware;
  readonly handler: (line: number) => void;
  readonly life: Lifetime;
}

export class Irq {
  readonly [IRQ]: IrqState;
  constructor(state: IrqState) {
    this[IRQ] = state;
    if (san.enabled) return poisonable(this, state.life, true);
  }
  get line(): number {
    return this[IRQ].line;
  }
  get device(): string {
    return this[IRQ].device;
  }
}

function hardwareOf(dev: Device, call: string, line: number): Hardware {
  const st = liveState(dev, call);
  const hw = st.hw;
  if (hw === undefined) throw new DevboundError(`${call}: device "${st.name}" has no IRQ lines (only bus devices have hardware)`);
  if (!Number.isInteger(line) || line < 0 || line >= hw.irqLines) throw new DevboundError(`${call}: device "${st.name}" has IRQ lines 0..${hw.irqLines - 1}, got ${describe(line)}`);
  return hw;
}

function request(dev: Device, line: number, handler: (line: number) => void, managed: boolean, call: string): Irq {
  if (typeof handler !== "function") throw new DevboundError(`${call}: handler must be a function, got ${describe(handler)}`);
  const hw = hardwareOf(dev, call, line);
  const name = dev[DEV].name;
  const irq = new Irq({ line, device: name, hw, handler, life: newLifetime(`IRQ ${line}`, name, managed) });
  let set = hw.handlers.get(line);
  if (set === undefined) hw.handlers.set(line, (set = new Set()));
  set.add(handler);
  return irq;
}

function release(st: IrqState, by: string, at: Site | undefined): void {
  if (st.life.released) throw doubleRelease(st.life, by);
  try {
    // CONFIG_DEBUG_SHIRQ: the handler must cope with an interrupt at any time until free returns.
    if (san.enabled && san.debugShirq) st.handler(st.line);
  } finally {
    st.hw.handlers.get(st.line)?.delete(st.handler);
    endLifetime(st.life, by, at);
  }
}

/** request_irq(): unmanaged; the driver must freeIrq() it (usually first thing in remove()). */
export function requestIrq(dev: Device<Normal>, line: number, handler: DeferredCallback<(line: number) => void>): Irq {
  assertDevice(dev, "requestIrq()");
  return request(dev, line, handler, false, `requestIrq(${dev[DEV].name}, ${line})`);
}

/** free_irq(). */
export function freeIrq(irq: Releases<Irq, "irq">): void {
  if (!(irq instanceof Irq)) throw new DevboundError(`freeIrq(): expected an Irq, got ${describe(irq)}`);
  const st = irq[IRQ];
  checkManualRelease(st.life, "freeIrq()", "irq");
  release(st, "by freeIrq()", callerSite());
}

/** devm_request_irq(): the handler gets its own Device<Bound>; freed by devres after remove() returns. */
export function devmRequestIrq(
  dev: Device<Bound> & DevresTargetBrand,
  line: number,
  handler: BoundCallback<(dev: Device<Bound>, line: number) => void>,
): Managed<Irq, "irq"> {
  const st = devresTarget(dev, "devmRequestIrq");
  if (typeof handler !== "function") throw new DevboundError(`devmRequestIrq(${st.name}, ${line}): handler must be a function, got ${describe(handler)}`);
  const bound = asBound(dev);
  const irq = request(dev, line, (l) => handler(bound, l), true, `devmRequestIrq(${st.name}, ${line})`);
  const ist = irq[IRQ];
  devresAdd(st, { call: "devmRequestIrq", kind: "irq", key: irq, release: (why, at) => release(ist, why, at) });
  return irq;
}

/** The hardware side: fires `line`; every handler runs synchronously. A handler's exception propagates. */
export function fireIrq(hw: Hardware, line: number): number {
  if (!hw.present) return 0;
  const set = hw.handlers.get(line);
  if (set === undefined || set.size === 0) {
    hw.spurious++;
    return 0;
  }
  let first: unknown;
  let failed = false;
  let n = 0;
  for (const h of [...set]) {
    n++;
    try {
      h(line);
    } catch (err) {
      if (!failed) first = err;
      failed = true;
    }
  }
  if (failed) throw first;
  return n;
}
