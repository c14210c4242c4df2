/**
 * Workqueues (alloc_workqueue / destroy_workqueue / cancel_work_sync / devm_alloc_workqueue).
 *
 * Invariant: work items run later, one at a time in queueing order, never after their
 * workqueue is destroyed: destroy drains first (items queued by running items included).
 * A managed workqueue hands each item its own Device<Bound> and is drained and destroyed by
 * devres at unbind, so its items never see the device unbound.
 */
import type { Bound, BoundCallback, DeferredCallback, DevresTargetBrand, Managed, Releases } from "./brands.js";
import { Device, asBound } from "./device.js";
import { devresAdd, devresTarget } from "./devres.js";
import { DevboundError, describe } from "./errors.js";
import { checkManualRelease, doubleRelease, endLifetime, newLifetime, useAfterFree, type Lifetime } from "./lifetime.js";
import { callerSite, report, san, type Site } from "./report.js";
import { internalKeys, poisonable } from "./sanitizer.js";

const WQ: unique symbol = Symbol("devbound.workqueue");
const WORK: unique symbol = Symbol("devbound.work");
internalKeys.add(WQ);
internalKeys.add(WORK);

type WorkState = "pending" | "running" | "done" | "cancelled";

interface WorkInternals {
  readonly fn: () => unknown;
  state: WorkState;
  readonly done: Promise<void>;
  readonly resolve: () => void;
  error: unknown;
  readonly wq: WqState;
}

export class Work {
  readonly [WORK]: WorkInternals;
  constructor(w: WorkInternals) {
    this[WORK] = w;
  }
  get pending(): boolean {
    return this[WORK].state === "pending";
  }
  get running(): boolean {
    return this[WORK].state === "running";
  }
  /** What the item threw, if it did. */
  get error(): unknown {
    return this[WORK].error;
  }
  /** Settles (never rejects) when the item has run or was cancelled. */
  get done(): Promise<void> {
    return this[WORK].done;
  }
}

interface WqState {
  readonly name: string;
  readonly items: Work[];
  running: Work | undefined;
  scheduled: boolean;
  draining: boolean;
  destroyed: boolean;
  idle: (() => void)[];
  readonly life: Lifetime;
  readonly device: Device | undefined;
}

function isIdle(st: WqState): boolean {
  return st.items.length === 0 && st.running === undefined && !st.scheduled;
}

function schedule(st: WqState): void {
  if (st.scheduled || st.running !== undefined || st.items.length === 0) return;
  st.scheduled = true;
  setImmediate(() => void runItems(st));
}

async function runItems(st: WqState): Promise<void> {
  st.scheduled = false;
  for (let w = st.items.shift(); w !== undefined; w = st.items.shift()) {
    const wi = w[WORK];
    wi.state = "running";
    st.running = w;
    try {
      const r = wi.fn();
      if (r !== undefined && typeof (r as Promise<unknown>).then === "function") await r;
    } catch (err) {
      wi.error = err;
      oops(st, err);
    }
    wi.state = "done";
    st.running = undefined;
    wi.resolve();
  }
  if (isIdle(st)) {
    const waiters = st.idle;
    st.idle = [];
    for (const wake of waiters) wake();
  }
}

function oops(st: WqState, err: unknown): void {
  const msg = `a work item on workqueue "${st.name}"${st.device ? ` of device "${st.device.name}"` : ""} threw: ${err instanceof Error ? err.message : String(err)}`;
  if (san.enabled) report({ check: "oops", severity: "error", message: msg });
  else process.emitWarning(msg, "DevboundOops");
}

function enqueue(st: WqState, fn: () => unknown, call: string): Work {
  if (st.destroyed) throw useAfterFree(st.life, `${call} on`);
  let resolve!: () => void;
  const done = new Promise<void>((r) => (resolve = r));
  const w = new Work({ fn, state: "pending", done, resolve, error: undefined, wq: st });
  st.items.push(w);
  schedule(st);
  return w;
}

function drain(st: WqState): Promise<void> {
  if (isIdle(st)) return Promise.resolve();
  return new Promise<void>((r) => st.idle.push(r));
}

async function destroy(st: WqState, by: string, at: Site | undefined): Promise<void> {
  if (st.life.released || st.destroyed) throw doubleRelease(st.life, by);
  st.draining = true;
  await drain(st);
  st.destroyed = true;
  endLifetime(st.life, by, at);
}

export class Workqueue {
  readonly [WQ]: WqState;
  /** @internal use allocWorkqueue() / devmAllocWorkqueue(). */
  constructor(state: WqState) {
    this[WQ] = state;
    if (san.enabled) return poisonable(this, state.life, true);
  }
  get name(): string {
    return this[WQ].name;
  }
  /** queue_work(): `fn` runs later, after the items queued before it. */
  queue(fn: DeferredCallback<() => void | Promise<void>>): Work {
    if (typeof fn !== "function") throw new DevboundError(`queue() on workqueue "${this[WQ].name}": expected a function, got ${describe(fn)}`);
    return enqueue(this[WQ], fn, "queue()");
  }
  /** flush_workqueue(): resolves when every item queued so far (and those they queue) has run. */
  flush(): Promise<void> {
    return drain(this[WQ]);
  }
}

/** A devres-managed workqueue: items receive the device's Device<Bound>. */
export class BoundWorkqueue extends Workqueue {
  override queue(fn: BoundCallback<(dev: Device<Bound>) => void | Promise<void>>): Work {
    const st = this[WQ];
    if (typeof fn !== "function") throw new DevboundError(`queue() on workqueue "${st.name}": expected a function, got ${describe(fn)}`);
    const dev = asBound(st.device!);
    return enqueue(st, () => fn(dev), "queue()");
  }
}

function newState(name: string, device: Device | undefined): WqState {
  return {
    name,
    items: [],
    running: undefined,
    scheduled: false,
    draining: false,
    destroyed: false,
    idle: [],
    life: newLifetime(`workqueue "${name}"`, device?.name, device !== undefined),
    device,
  };
}

/** alloc_workqueue(): unmanaged; the driver must destroyWorkqueue() it. */
export function allocWorkqueue(name: string): Workqueue {
  if (typeof name !== "string" || name === "") throw new DevboundError(`allocWorkqueue(): name must be a non-empty string, got ${describe(name)}`);
  return new Workqueue(newState(name, undefined));
}

/** destroy_workqueue(): drains, then destroys. */
export function destroyWorkqueue(wq: Releases<Workqueue, "workqueue">): Promise<void> {
  if (!(wq instanceof Workqueue)) return Promise.reject(new DevboundError(`destroyWorkqueue(): expected a Workqueue, got ${describe(wq)}`));
  const st = wq[WQ];
  // Draining: a destroy is in progress, so this one is the second.
  if (st.draining) return Promise.reject(doubleRelease(st.life, "destroyWorkqueue()"));
  try {
    checkManualRelease(st.life, "destroyWorkqueue()", "workqueue");
  } catch (err) {
    return Promise.reject(err);
  }
  return destroy(st, "by destroyWorkqueue()", callerSite());
}

/** cancel_work_sync(): a pending item is dropped; a running one is waited for. */
export async function cancelWorkSync(work: Work): Promise<void> {
  if (!(work instanceof Work)) throw new DevboundError(`cancelWorkSync(): expected a Work, got ${describe(work)}`);
  const w = work[WORK];
  if (w.state === "pending") {
    const i = w.wq.items.indexOf(work);
    if (i >= 0) w.wq.items.splice(i, 1);
    w.state = "cancelled";
    w.resolve();
    if (isIdle(w.wq)) {
      const waiters = w.wq.idle;
      w.wq.idle = [];
      for (const wake of waiters) wake();
    }
    return;
  }
  if (w.state === "running") await w.done;
}

/** devm_alloc_workqueue(): drained and destroyed by devres when the device unbinds. */
export function devmAllocWorkqueue(dev: Device<Bound> & DevresTargetBrand, name: string): Managed<BoundWorkqueue, "workqueue"> {
  const st = devresTarget(dev, "devmAllocWorkqueue");
  if (typeof name !== "string" || name === "") throw new DevboundError(`devmAllocWorkqueue(${st.name}): name must be a non-empty string, got ${describe(name)}`);
  const wq = new BoundWorkqueue(newState(name, dev));
  const ws = wq[WQ];
  devresAdd(st, { call: "devmAllocWorkqueue", kind: "workqueue", key: wq, release: (why, at) => destroy(ws, why, at) });
  return wq;
}
