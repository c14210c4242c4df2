/**
 * struct device with its context as a phantom type parameter.
 *
 * Invariant: `Device<Core>` ⊂ `Device<Bound>` ⊂ `Device<Normal>` at the type level (the
 * `__devboundContext` brand is covariant); at run time there is one object per device. Only a
 * `Device<Normal>` is a storable handle: `dev.get()` takes a reference, `putDevice` drops it,
 * and the release callback runs at the last put. Binding state and the devres list live here
 * so every module reads one place.
 */
import type { Bound, KobjectParam, KobjectRelease, ManagedKind, Normal } from "./brands.js";
import { DevboundError, describe } from "./errors.js";
import { krefGet, krefInit, krefPut, type Kref } from "./kobject.js";
import { useAfterFree } from "./lifetime.js";
import { san, type Site } from "./report.js";
import { checkKobjectParam, internalKeys, poisonable, runInReleaseContext, unwrapMember } from "./sanitizer.js";

/** Where a device is in its driver binding. Devres may be registered in probing/bound/removing. */
export type BindState = "unbound" | "probing" | "bound" | "removing" | "releasing";

/** One devres entry (struct devres_node). */
export interface DevresEntry {
  /** e.g. `devmKzalloc`, `devmRequestIrq`. */
  readonly call: string;
  readonly kind: ManagedKind | "group-open" | "group-close";
  /** The handle the driver holds (allocation, Irq, action, group): how devm*Free finds it. */
  readonly key: unknown;
  /** Runs at release; may return a promise (workqueue drain, revoke waiting for readers). */
  readonly release: ((why: string, at: Site | undefined) => void | Promise<void>) | undefined;
}

/** Simulated hardware behind a bus device: registers, IRQ lines, presence. */
export interface Hardware {
  present: boolean;
  readonly irqLines: number;
  /** Handlers per line (shared lines allowed), called synchronously by raiseIrq. */
  readonly handlers: Map<number, Set<(line: number) => void>>;
  readonly regs: DataView;
  spurious: number;
}

export interface DeviceState {
  readonly kref: Kref;
  readonly name: string;
  readonly parent: Device | undefined;
  readonly release: ((dev: Device<Normal>) => void) | undefined;
  added: boolean;
  // ---- driver binding (bus.ts) ----
  bind: BindState;
  driver: { readonly name: string; readonly remove?: unknown } | undefined;
  data: unknown;
  devres: DevresEntry[];
  /** Serialises probe/remove/unplug per device. */
  lock: Promise<void>;
  /** Where the unbind (or unplug) in progress was requested: what released devres is poisoned with. */
  unbindSite: Site | undefined;
  /** Async devres releases started outside unbind (groups): unbind waits for them. */
  readonly pending: Set<Promise<void>>;
  hw: Hardware | undefined;
  bus: unknown;
  /** Matched against driver names (bus devices). */
  compatible: string | undefined;
  unplugged: Promise<void> | undefined;
}

export const DEV: unique symbol = Symbol("devbound.device");
internalKeys.add(DEV);

/** One binding of a driver to a device: from probe until its devres is released. */
export interface Binding {
  readonly driver: string;
  ended: boolean;
  endedAt: Site | undefined;
}

/**
 * With the sanitizer on, probe/remove and bound callbacks get a per-binding view of the
 * device (a forwarding Proxy): the Device<Bound> proof of *that* binding. A proof kept past
 * unbind is recognised as stale even after the device is bound again.
 */
const views = new WeakMap<object, { readonly device: Device; readonly binding: Binding }>();

export function bindingView(dev: Device, driver: string): { view: Device; binding: Binding } {
  const binding: Binding = { driver, ended: false, endedAt: undefined };
  if (!san.enabled) return { view: dev, binding };
  const view = new Proxy(dev, {});
  views.set(view, { device: dev, binding });
  return { view, binding };
}

/** The binding a Device<Bound> proof belongs to (sanitizer on), if it is a binding view. */
export function bindingOf(dev: unknown): Binding | undefined {
  return typeof dev === "object" && dev !== null ? views.get(dev)?.binding : undefined;
}

/** The device itself, whatever handle reached it (binding view, driver-data member). */
export function deviceOf<T>(dev: T): T {
  const v = typeof dev === "object" && dev !== null ? views.get(dev) : undefined;
  return v !== undefined ? (v.device as T) : unwrapMember(dev);
}

export class Device<Ctx extends Normal = Normal> {
  /** Phantom: the device context (Normal, Bound, Core). Never present at run time. */
  declare readonly __devboundContext: Ctx;
  readonly [DEV]: DeviceState;

  constructor(opts: { name: string; parent?: Device<Normal>; release?: KobjectRelease<(dev: Device<Normal>) => void> }) {
    if (typeof opts !== "object" || opts === null) throw new DevboundError(`new Device(): expected { name, parent?, release? }, got ${describe(opts)}`);
    const { name, parent, release } = opts;
    if (typeof name !== "string" || name === "") throw new DevboundError(`new Device(): name must be a non-empty string, got ${describe(name)}`);
    if (parent !== undefined && !(parent instanceof Device)) throw new DevboundError(`new Device("${name}"): parent must be a Device, got ${describe(parent)}`);
    if (release !== undefined && typeof release !== "function") throw new DevboundError(`new Device("${name}"): release must be a function, got ${describe(release)}`);
    this[DEV] = {
      kref: krefInit(`device "${name}"`, name),
      name,
      parent: parent === undefined ? undefined : deviceOf(parent),
      release,
      added: false,
      bind: "unbound",
      driver: undefined,
      data: undefined,
      devres: [],
      lock: Promise.resolve(),
      unbindSite: undefined,
      pending: new Set(),
      hw: undefined,
      bus: undefined,
      compatible: undefined,
      unplugged: undefined,
    };
    if (san.enabled) return poisonable(this, this[DEV].kref.life, true);
  }

  get name(): string {
    return this[DEV].name;
  }

  /** Takes a reference: the storable, reference-counted handle (get_device()). */
  get(): Device<Normal> {
    krefGet(this[DEV].kref, `get() of device "${this[DEV].name}"`);
    // The storable handle is the device itself, not the binding's proof.
    return deviceOf(this) as Device<Normal>;
  }

  /** Whether a driver is bound right now (probe returned, remove not yet started). */
  get isBound(): boolean {
    return this[DEV].bind === "bound";
  }

  toString(): string {
    return `Device(${this[DEV].name})`;
  }
}

/** A Device<Bound> proof for code the runtime runs while the device is bound (bound callbacks). */
export function asBound(dev: Device): Device<Bound> {
  return dev as unknown as Device<Bound>;
}

export function assertDevice(x: unknown, call: string): asserts x is Device {
  if (!(x instanceof Device)) throw new DevboundError(`${call}: expected a Device, got ${describe(x)}`);
}

/** The device's state, refusing a released device. */
export function liveState(dev: Device, call: string): DeviceState {
  const st = dev[DEV];
  if (st.kref.life.released) throw useAfterFree(st.kref.life, `${call} on`);
  return st;
}

/** put_device(): drops a reference; the release callback runs at the last one. */
export function putDevice(dev: Device<Normal>): void {
  assertDevice(dev, "putDevice()");
  const st = dev[DEV];
  krefPut(st.kref, `putDevice() of "${st.name}"`, () => {
    runInReleaseContext(`the release callback of device "${st.name}"`, () => {
      st.release?.(dev);
    });
    // Released while still added (no deviceDel): drop the parent reference device_add took.
    if (st.added) {
      st.added = false;
      if (st.parent !== undefined) putDevice(st.parent);
    }
  });
}

/** device_add(): makes the device visible (takes a reference on its parent). */
export function deviceAdd(dev: KobjectParam<Device<Normal>>): void {
  assertDevice(dev, "deviceAdd()");
  checkKobjectParam("deviceAdd", "dev", dev);
  addDevice(dev, "deviceAdd");
}

/** device_add() for the runtime's own callers (which ran debug check 3 themselves). */
export function addDevice(dev: Device, call: string): void {
  const st = liveState(dev, `${call}()`);
  if (st.added) throw new DevboundError(`${call}(): device "${st.name}" is already added`);
  if (st.parent !== undefined) krefGet(st.parent[DEV].kref, `${call}() of "${st.name}" (parent reference)`);
  st.added = true;
}

/** device_register(): initialise (done by the constructor) + add. */
export function deviceRegister(dev: KobjectParam<Device<Normal>>): void {
  assertDevice(dev, "deviceRegister()");
  checkKobjectParam("deviceRegister", "dev", dev);
  addDevice(dev, "deviceRegister");
}

/** device_del(): removes the device from view; the object lives until its last put. */
export function deviceDel(dev: Device<Normal>): void {
  assertDevice(dev, "deviceDel()");
  const st = liveState(dev, "deviceDel()");
  if (!st.added) throw new DevboundError(`deviceDel(): device "${st.name}" is not added`);
  if (st.bind !== "unbound") throw new DevboundError(`deviceDel(): device "${st.name}" is still bound to driver "${st.driver?.name}"; unbind or unplug it through its bus`);
  st.added = false;
  if (st.parent !== undefined) putDevice(st.parent);
}

/** device_unregister(): del + put. */
export function deviceUnregister(dev: Device<Normal>): void {
  deviceDel(dev);
  putDevice(dev);
}
