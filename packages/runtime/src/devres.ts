/**
 * Devres: resources registered against a bound device, released last-in first-out after
 * remove() returns (and on probe failure).
 *
 * Invariant: a devres entry can only be registered while a driver is bound to the device
 * (probing, bound, or inside remove()); every entry is released exactly once, either by its
 * devm*Free/devresReleaseGroup call or by the unbind, in reverse registration order. The
 * unmanaged counterparts (kzalloc/kfree) live here too, because kfree must refuse a devres
 * allocation (it would be freed twice).
 *
 * `Devres<T>` (Rust's kernel::devres::Devres) is here too: a Revocable (revocable.ts) that
 * is a devres entry of its device, revoked when the device unbinds. `access(dev)` is Rust's
 * zero-cost path: the `Device<Bound>` proof is checked for being the owner and nothing else
 * (a field read and one identity comparison).
 */
import type {
  Bound,
  DevresRelease,
  DevresTargetBrand,
  Managed,
  ManagedKind,
  Releases,
} from "./brands.js";
import { DEV, Device, assertDevice, bindingOf, deviceOf, type DeviceState, type DevresEntry } from "./device.js";
import { DevboundError, DoubleReleaseError, NotBoundError, UseAfterFreeError, describe } from "./errors.js";
import { checkManualRelease, doubleRelease, endLifetime, liveCounts, newLifetime, useAfterFree, type Lifetime } from "./lifetime.js";
import { callerSite, report, san, type Site } from "./report.js";
import { REV, Revocable, VALUE as REVOCABLE_VALUE, type RevocableState } from "./revocable.js";
import { checkNotInRelease, duringInit, internalKeys, lifetimeOf, poisonable } from "./sanitizer.js";

// ---- registration -------------------------------------------------------------------------

/**
 * The checks every devm* call makes: a device, bound (always; debug check 1 also reports),
 * not from a release callback (debug check 4), and the soft debug check 2.
 */
export function devresTarget(dev: unknown, call: string): DeviceState {
  assertDevice(dev, `${call}()`);
  const st = dev[DEV];
  if (st.kref.life.released) throw useAfterFree(st.kref.life, `${call}() on`);
  checkNotInRelease(call, st.name);
  const binding = bindingOf(dev);
  if (binding?.ended) {
    const msg = `${call}() on device "${st.name}" with the Device<Bound> of its binding to driver "${binding.driver}", which ended${binding.endedAt ? ` at ${binding.endedAt}` : ""}: the proof outlived its bound scope (debug check 1)`;
    report({ check: "devres-while-unbound", debugCheck: 1, severity: "error", message: msg, device: st.name, at: callerSite()?.toString() });
    throw new NotBoundError(msg);
  }
  if (st.bind !== "probing" && st.bind !== "bound" && st.bind !== "removing") {
    const why =
      st.bind === "releasing"
        ? `its devres is being released (unbind in progress)`
        : `no driver is bound to it`;
    const msg = `${call}() on device "${st.name}": ${why}; devres can only be registered while the device is bound (in probe(), remove() or a bound callback) (debug check 1)`;
    report({ check: "devres-while-unbound", debugCheck: 1, severity: "error", message: msg, device: st.name, at: callerSite()?.toString() });
    throw new NotBoundError(msg);
  }
  if (san.enabled && st.driver !== undefined && typeof st.driver.remove === "function") {
    report({
      check: "devres-with-remove",
      debugCheck: 2,
      severity: "warning",
      message: `${call}() in driver "${st.driver.name}", which has remove(): devres is released after remove() returns, so nothing remove() tears down may be used by it (debug check 2)`,
      device: st.name,
    });
  }
  return st;
}

export function devresAdd(st: DeviceState, entry: DevresEntry): void {
  st.devres.push(entry);
  liveCounts.devres++;
}

function findEntry(st: DeviceState, key: unknown): number {
  const list = st.devres;
  for (let i = list.length - 1; i >= 0; i--) if (list[i]!.key === key) return i;
  return -1;
}

function unbindWhy(st: DeviceState): string {
  return `by devres when "${st.name}" unbound`;
}

function runEntry(e: DevresEntry, why: string, at: Site | undefined, errors: unknown[]): Promise<void> | undefined {
  if (e.release === undefined) return undefined;
  try {
    const r = e.release(why, at);
    if (r !== undefined && typeof (r as Promise<void>).then === "function") {
      return (r as Promise<void>).then(undefined, (err: unknown) => {
        errors.push(err);
      });
    }
  } catch (err) {
    errors.push(err);
  }
  return undefined;
}

/**
 * Releases every entry, newest first, waiting for asynchronous ones (drains, revokes) before
 * the next: LIFO is an ordering guarantee, not a hint. Returns the errors met on the way;
 * the release goes on past them (as the kernel's does).
 */
export async function devresReleaseAll(dev: Device, why: string = unbindWhy(dev[DEV])): Promise<unknown[]> {
  const st = dev[DEV];
  const errors: unknown[] = [];
  const at = st.unbindSite;
  while (st.devres.length > 0) {
    const e = st.devres.pop()!;
    liveCounts.devres--;
    const p = runEntry(e, why, at, errors);
    if (p !== undefined) await p;
  }
  while (st.pending.size > 0) await Promise.all([...st.pending]);
  return errors;
}

function throwFirst(errors: unknown[], what: string): void {
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${what}: ${errors.length} errors`);
}

/** Runs entries (already removed from the list) LIFO; async ones are tracked so unbind waits. */
function releaseNow(st: DeviceState, entries: DevresEntry[], why: string, call: string): void {
  const at = callerSite();
  const errors: unknown[] = [];
  let chain: Promise<void> | undefined;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (chain !== undefined) {
      chain = chain.then(() => runEntry(e, why, at, errors));
      continue;
    }
    const p = runEntry(e, why, at, errors);
    if (p !== undefined) chain = p;
  }
  if (chain !== undefined) {
    const tracked: Promise<void> = chain.then(() => {
      st.pending.delete(tracked);
      throwFirst(errors, `${call}() on "${st.name}"`);
    });
    st.pending.add(tracked);
    // Surfaced by the unbind that waits for it; don't also raise an unhandled rejection.
    tracked.catch(() => {});
    return;
  }
  throwFirst(errors, `${call}() on "${st.name}"`);
}

// ---- actions ---------------------------------------------------------------------------------

/** The handle of a devm action (what devmRemoveAction takes). */
export class DevresAction {
  readonly action: () => void;
  constructor(action: () => void) {
    this.action = action;
  }
}

function checkFn(x: unknown, call: string, what: string): asserts x is (...args: never[]) => unknown {
  if (typeof x !== "function") throw new DevboundError(`${call}(): ${what} must be a function, got ${describe(x)}`);
}

/** devm_add_action(): `action` runs when the device unbinds (LIFO with the rest of devres). */
export function devmAddAction(dev: Device<Bound> & DevresTargetBrand, action: () => void): Managed<DevresAction, "action"> {
  checkFn(action, "devmAddAction", "action");
  const st = devresTarget(dev, "devmAddAction");
  const handle = new DevresAction(action);
  devresAdd(st, { call: "devmAddAction", kind: "action", key: handle, release: () => action() });
  return handle;
}

/** devm_add_action_or_reset(): like devmAddAction, but runs `action` at once if registration fails. */
export function devmAddActionOrReset(dev: Device<Bound> & DevresTargetBrand, action: () => void): Managed<DevresAction, "action"> {
  checkFn(action, "devmAddActionOrReset", "action");
  try {
    return devmAddAction(dev, action);
  } catch (err) {
    action();
    throw err;
  }
}

function takeEntry(dev: unknown, key: unknown, call: string, what: string): { st: DeviceState; entry: DevresEntry } {
  const st = devresTarget(dev, call);
  const i = findEntry(st, key);
  if (i < 0) {
    const l = lifetimeOf(key)?.life ?? allocations.get(key as object)?.life;
    if (l?.released) throw doubleRelease(l, `${call}()`);
    if (released.has(key as object)) throw new DoubleReleaseError(`double release: ${call}() on ${what} of device "${st.name}" that was already released`);
    throw new DevboundError(`${call}(): ${describe(key)} is not a devres ${what} of device "${st.name}"`);
  }
  const entry = st.devres.splice(i, 1)[0]!;
  liveCounts.devres--;
  return { st, entry };
}

/** Action and group handles whose devres entry already ran or was removed: a second call is a double release. (An allocation's own record says so.) */
const released = new WeakSet<object>();

/** devm_remove_action(): unregisters the action without running it. */
export function devmRemoveAction(dev: Device<Bound> & DevresTargetBrand, action: DevresRelease<DevresAction>): void {
  takeEntry(dev, action, "devmRemoveAction", "action");
  released.add(action);
}

/** devm_release_action(): unregisters the action and runs it now. */
export function devmReleaseAction(dev: Device<Bound> & DevresTargetBrand, action: DevresRelease<DevresAction>): void {
  const { st, entry } = takeEntry(dev, action, "devmReleaseAction", "action");
  released.add(action);
  releaseNow(st, [entry], "by devmReleaseAction()", "devmReleaseAction");
}

// ---- allocations ---------------------------------------------------------------------------

interface AllocRecord {
  readonly life: Lifetime;
  /** The device whose devres owns it (devm), or undefined (kzalloc). */
  readonly owner: string | undefined;
}

/** Every live handle of kzalloc/devmKzalloc memory (the proxy when the sanitizer is on). */
const allocations = new WeakMap<object, AllocRecord>();

function allocate<T extends object>(init: () => T, call: string, owner: string | undefined): { value: T; rec: AllocRecord } {
  checkFn(init, call, "init");
  const life = newLifetime(`${call} allocation`, owner, owner !== undefined);
  const raw = duringInit(life, init);
  if (typeof raw !== "object" || raw === null) throw new DevboundError(`${call}(): init must return an object (the allocation), got ${describe(raw)}`);
  const ctor = (raw as { constructor?: { name?: string } }).constructor?.name;
  if (ctor && ctor !== "Object") life.resource = `${call} allocation (${ctor})`;
  const value = san.enabled ? poisonable(raw, life, false) : raw;
  const rec: AllocRecord = { life, owner };
  allocations.set(value, rec);
  liveCounts.allocations++;
  return { value, rec };
}

function free(rec: AllocRecord, by: string, at: Site | undefined): void {
  if (rec.life.released) throw doubleRelease(rec.life, by);
  endLifetime(rec.life, by, at);
  liveCounts.allocations--;
}

/** devm_kzalloc(): `init` builds the object; devres frees (poisons) it when the device unbinds. */
export function devmKzalloc<T extends object>(dev: Device<Bound> & DevresTargetBrand, init: () => T): Managed<T> {
  const st = devresTarget(dev, "devmKzalloc");
  const { value, rec } = allocate(init, "devmKzalloc", st.name);
  devresAdd(st, { call: "devmKzalloc", kind: "alloc", key: value, release: (why, at) => free(rec, why, at) });
  return value;
}

/** devm_kfree(): frees a devres allocation now. */
export function devmKfree(dev: Device<Bound> & DevresTargetBrand, p: DevresRelease<object>): void {
  const { entry } = takeEntry(dev, p, "devmKfree", "allocation");
  entry.release?.("by devmKfree()", callerSite());
}

/** kzalloc(): an unmanaged allocation; the driver frees it with kfree(). */
export function kzalloc<T extends object>(init: () => T): T {
  return allocate(init, "kzalloc", undefined).value;
}

/** kfree(): frees a kzalloc allocation. kfree(null/undefined) is a no-op, as in C. */
export function kfree(p: Releases<object, "alloc">): void {
  if (p === null || p === undefined) return;
  const rec = allocations.get(p);
  if (rec === undefined) {
    const l = lifetimeOf(p);
    if (l !== undefined && l.path !== "") throw new DevboundError(`kfree(): \`${l.path.slice(1)}\` is a member of ${l.life.resource}, not an allocation`);
    throw new DevboundError(`kfree(): ${describe(p)} is not an allocation from kzalloc()`);
  }
  checkManualRelease(rec.life, "kfree()", "alloc");
  free(rec, "by kfree()", callerSite());
}

// ---- groups ------------------------------------------------------------------------------

export class DevresGroup {
  readonly id: number;
  constructor(id: number) {
    this.id = id;
  }
}
let groupIds = 0;

/** devres_open_group(): entries registered from now on belong to the group. */
export function devresOpenGroup(dev: Device<Bound> & DevresTargetBrand): Managed<DevresGroup, "group"> {
  const st = devresTarget(dev, "devresOpenGroup");
  const g = new DevresGroup(++groupIds);
  devresAdd(st, { call: "devresOpenGroup", kind: "group-open", key: g, release: undefined });
  return g;
}

/** devres_close_group(): entries registered from now on no longer join the group. */
export function devresCloseGroup(dev: Device<Bound> & DevresTargetBrand, group: DevresGroup): void {
  const st = devresTarget(dev, "devresCloseGroup");
  if (findEntry(st, group) < 0) throw new DevboundError(`devresCloseGroup(): group ${group?.id} is not open on device "${st.name}"`);
  devresAdd(st, { call: "devresCloseGroup", kind: "group-close", key: group, release: undefined });
}

function groupSpan(st: DeviceState, group: unknown, call: string): [number, number] {
  let open = -1;
  let close = -1;
  const list = st.devres;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.key !== group) continue;
    if (e.kind === "group-open") open = i;
    else if (e.kind === "group-close") close = i;
  }
  if (open < 0) {
    if (released.has(group as object)) throw new DoubleReleaseError(`double release: ${call}() on device "${st.name}": group ${(group as DevresGroup).id} was already released`);
    throw new DevboundError(`${call}(): ${describe(group)} is not a devres group of device "${st.name}"`);
  }
  return [open, close < 0 ? list.length : close];
}

/** devres_release_group(): releases the group's entries now, newest first. */
export function devresReleaseGroup(dev: Device<Bound> & DevresTargetBrand, group: DevresRelease<DevresGroup>): void {
  const st = devresTarget(dev, "devresReleaseGroup");
  const [open, end] = groupSpan(st, group, "devresReleaseGroup");
  const removed = st.devres.splice(open, end - open + (end < st.devres.length ? 1 : 0));
  liveCounts.devres -= removed.length;
  released.add(group);
  releaseNow(st, removed, "by devresReleaseGroup()", "devresReleaseGroup");
}

/** devres_remove_group(): forgets the group's markers; its entries stay with the device. */
export function devresRemoveGroup(dev: Device<Bound> & DevresTargetBrand, group: DevresRelease<DevresGroup>): void {
  const st = devresTarget(dev, "devresRemoveGroup");
  const [open, end] = groupSpan(st, group, "devresRemoveGroup");
  const hasClose = end < st.devres.length;
  if (hasClose) st.devres.splice(end, 1);
  st.devres.splice(open, 1);
  liveCounts.devres -= hasClose ? 2 : 1;
  released.add(group);
}

// ---- Devres<T> ------------------------------------------------------------------------------

const OWNER: unique symbol = Symbol("devbound.owner");
internalKeys.add(OWNER);
// A module-local copy of the imported key: access() reads it on its fast path, and V8 reads an
// imported binding through a checked module cell (measured: 1.5x a plain read instead of 1.3x).
const VALUE: typeof REVOCABLE_VALUE = REVOCABLE_VALUE;

/**
 * A Revocable owned by a bound device: revoked (waiting for readers) when the device unbinds,
 * and readable without a section by code that proves the device is bound: `access(dev)`.
 */
export class Devres<T> extends Revocable<T> {
  /** The owning device while not revoked; the fast path compares against it. */
  [OWNER]: Device | undefined;

  constructor(dev: Device<Bound> & DevresTargetBrand, value: T, release?: (value: T) => void | Promise<void>, kind: ManagedKind = "action", call = "Devres") {
    const st = devresTarget(dev, call);
    super(value, release);
    this[OWNER] = dev;
    const ctor = (value as { constructor?: { name?: string } } | null | undefined)?.constructor?.name;
    this[REV].what = `Devres<${ctor ?? typeof value}> of device "${st.name}"`;
    devresAdd(st, {
      call,
      kind,
      key: this,
      release: (why, at) => {
        this.markRevoked(this[REV], why, at);
        return this.revoke();
      },
    });
  }

  protected override markRevoked(st: RevocableState<T>, by: string, at?: Site): void {
    // The fast path of access() fails from now on: a proof that outlived the binding is caught.
    this[OWNER] = undefined;
    super.markRevoked(st, by, at);
  }

  /** Zero-cost access for code holding a `Device<Bound>` proof: checks that `dev` is the owner, nothing else. */
  access(dev: Device<Bound>): T {
    if (dev === this[OWNER]) return this[VALUE] as T;
    return this.accessSlow(dev);
  }

  private accessSlow(dev: unknown): T {
    const st = this[REV];
    if (!(dev instanceof Device)) throw new DevboundError(`access() on ${st.what}: expected the owning Device<Bound>, got ${describe(dev)}`);
    const owner = this[OWNER];
    if (st.revoked) {
      const msg = `access() on ${st.what} after it was revoked ${st.revokedBy ?? ""}${st.revokedAt ? ` at ${st.revokedAt}` : ""}: the Device<Bound> proof used here is stale (it outlived the binding)`;
      report({ check: "use-after-free", severity: "error", message: msg, device: dev.name, at: callerSite()?.toString() });
      throw new UseAfterFreeError(`use after free: ${msg}`);
    }
    const binding = bindingOf(dev);
    if (binding?.ended) {
      const msg = `access() on ${st.what} with the Device<Bound> of an earlier binding (to driver "${binding.driver}", ended${binding.endedAt ? ` at ${binding.endedAt}` : ""}): the proof outlived its bound scope`;
      report({ check: "use-after-free", severity: "error", message: msg, device: dev.name, at: callerSite()?.toString() });
      throw new UseAfterFreeError(`use after free: ${msg}`);
    }
    // The same device reached another way (driver data, dev.get(), the binding's proof).
    const l = lifetimeOf(dev);
    if (l?.life.released) throw useAfterFree(l.life, "access() through");
    if (owner !== undefined && deviceOf(dev) === deviceOf(owner)) return this[VALUE] as T;
    throw new DevboundError(`access() on ${st.what} with another device's proof: "${dev.name}" is not the owner`);
  }
}

export type { ManagedKind };
