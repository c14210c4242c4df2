/**
 * A bus: devices (with simulated hardware) and drivers matched by name, binding and
 * unbinding at any moment (sysfs bind/unbind, hot-unplug).
 *
 * Invariant: probe and remove of one device never overlap: every bind, unbind and unplug of
 * a device runs in order on that device's own queue. So an unplug that lands while probe()
 * is suspended at an await marks the hardware gone at once (reads return all ones, IRQs stop)
 * and unbinds after probe settles. Devres is released after remove() returns, and on probe
 * failure, before the next operation on the device starts.
 */
import type { Core } from "./brands.js";
import { DEV, Device, addDevice, assertDevice, bindingView, deviceOf, type Binding, deviceDel, putDevice, type DeviceState } from "./device.js";
import { devresReleaseAll } from "./devres.js";
import { checkDriver, type DriverOps } from "./driver.js";
import { DevboundError, ErrnoError, describe } from "./errors.js";
import { fireIrq } from "./irq.js";
import { callerSite, type Site } from "./report.js";

export interface AddDeviceOptions {
  name: string;
  /** Matched against driver names. */
  compatible: string;
  /** IRQ lines (default 1). */
  irqs?: number;
  /** MMIO region size in bytes (default 4096). */
  mmioSize?: number;
}

/** Probe failed: the device stays on the bus, unbound; its devres was released. */
export class ProbeError extends DevboundError {
  readonly device: Device;
  constructor(device: Device, driver: string, cause: unknown) {
    super(`probe of device "${device.name}" by driver "${driver}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, "EPROBE");
    this.name = "ProbeError";
    this.device = device;
    this.cause = cause;
  }
}

export class Bus {
  readonly name: string;
  private readonly drivers = new Map<string, DriverOps<any>>();
  private readonly devices = new Map<string, Device>();
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(name: string) {
    if (typeof name !== "string" || name === "") throw new DevboundError(`new Bus(): name must be a non-empty string, got ${describe(name)}`);
    this.name = name;
  }

  /** Registers a driver and binds it to every matching unbound device (in the background; see idle()). */
  registerDriver(drv: DriverOps<any>): void {
    checkDriver(drv, `Bus "${this.name}": registerDriver()`);
    if (this.drivers.has(drv.name)) throw new DevboundError(`Bus "${this.name}": a driver named "${drv.name}" is already registered`);
    this.drivers.set(drv.name, drv);
    for (const dev of this.devices.values()) {
      const st = dev[DEV];
      if (st.bind === "unbound" && st.hw?.present && this.match(st) === drv) this.track(this.bind(dev));
    }
  }

  /** Unbinds the driver from every device and forgets it. */
  async unregisterDriver(drv: DriverOps<any>): Promise<void> {
    if (this.drivers.get(drv?.name) !== drv) throw new DevboundError(`Bus "${this.name}": unregisterDriver(): ${describe(drv)} is not registered`);
    this.drivers.delete(drv.name);
    await Promise.all([...this.devices.values()].filter((d) => d[DEV].driver === drv).map((d) => this.unbind(d)));
  }

  /** Plugs in a device; binds it if a driver's name equals `compatible` (rejects with ProbeError if probe fails). */
  async addDevice(opts: AddDeviceOptions): Promise<Device> {
    if (typeof opts !== "object" || opts === null) throw new DevboundError(`Bus "${this.name}": addDevice(): expected { name, compatible, irqs?, mmioSize? }, got ${describe(opts)}`);
    const { name, compatible, irqs = 1, mmioSize = 4096 } = opts;
    if (typeof name !== "string" || name === "") throw new DevboundError(`Bus "${this.name}": addDevice(): name must be a non-empty string, got ${describe(name)}`);
    if (typeof compatible !== "string") throw new DevboundError(`Bus "${this.name}": addDevice("${name}"): compatible must be a string, got ${describe(compatible)}`);
    if (!Number.isInteger(irqs) || irqs < 0) throw new DevboundError(`Bus "${this.name}": addDevice("${name}"): irqs must be a non-negative integer, got ${describe(irqs)}`);
    if (!Number.isInteger(mmioSize) || mmioSize < 0 || mmioSize % 4 !== 0) throw new DevboundError(`Bus "${this.name}": addDevice("${name}"): mmioSize must be a non-negative multiple of 4, got ${describe(mmioSize)}`);
    if (this.devices.has(name)) throw new DevboundError(`Bus "${this.name}": a device named "${name}" is already present`);
    const dev = new Device({ name });
    const st = dev[DEV];
    st.hw = { present: true, irqLines: irqs, handlers: new Map(), regs: new DataView(new ArrayBuffer(mmioSize)), spurious: 0 };
    st.bus = this;
    st.compatible = compatible;
    addDevice(dev, "addDevice");
    this.devices.set(name, dev);
    if (this.match(st) !== undefined) await this.bind(dev);
    return dev;
  }

  private readonly bindings = new WeakMap<DeviceState, { view: Device; binding: Binding }>();

  private endBinding(st: DeviceState, site: Site | undefined): void {
    const b = this.bindings.get(st);
    if (b === undefined) return;
    b.binding.ended = true;
    b.binding.endedAt = site;
    this.bindings.delete(st);
  }

  private match(st: DeviceState): DriverOps<any> | undefined {
    return this.drivers.get(st.compatible ?? "");
  }

  private own(dev: unknown, call: string): { dev: Device; st: DeviceState } {
    assertDevice(dev, `Bus "${this.name}": ${call}`);
    const d = deviceOf(dev);
    const st = d[DEV];
    if (st.bus !== this) throw new DevboundError(`Bus "${this.name}": ${call}: device "${st.name}" is not on this bus`);
    return { dev: d, st };
  }

  private track<T>(p: Promise<T>): void {
    const q = p.then(
      () => {},
      () => {},
    );
    this.inflight.add(q);
    void q.then(() => this.inflight.delete(q));
  }

  /** Resolves when background binds (from registerDriver) have settled. */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all([...this.inflight]);
  }

  /** Runs `op` after every earlier operation on this device (probe/remove never overlap). */
  private serialise<T>(st: DeviceState, op: () => Promise<T>): Promise<T> {
    const run = st.lock.then(op);
    st.lock = run.then(
      () => {},
      () => {},
    );
    return run;
  }

  /** sysfs bind: probes the matching driver. Already bound: nothing to do. */
  bind(dev: Device): Promise<void> {
    const { dev: d, st } = this.own(dev, "bind()");
    return this.serialise(st, async () => {
      if (st.unplugged !== undefined || !st.hw?.present) throw new ErrnoError("ENODEV", `bind of device "${st.name}": the hardware is gone`);
      if (st.bind !== "unbound") return;
      const drv = this.match(st);
      if (drv === undefined) throw new ErrnoError("ENODEV", `bind of device "${st.name}": no driver for "${st.compatible}" on bus "${this.name}"`);
      await this.probe(d, st, drv);
    });
  }

  private async probe(dev: Device, st: DeviceState, drv: DriverOps<any>): Promise<void> {
    st.bind = "probing";
    st.driver = drv;
    st.unbindSite = undefined;
    const { view, binding } = bindingView(dev, drv.name);
    this.bindings.set(st, { view, binding });
    try {
      st.data = await drv.probe(view as Device<Core>);
      st.bind = "bound";
    } catch (err) {
      st.bind = "releasing";
      st.unbindSite = undefined;
      const errors = await devresReleaseAll(dev, `by devres when probe of "${st.name}" by "${drv.name}" failed`);
      this.endBinding(st, undefined);
      st.bind = "unbound";
      st.driver = undefined;
      st.data = undefined;
      const e = new ProbeError(dev, drv.name, err);
      if (errors.length > 0) throw new AggregateError([e, ...errors], `${e.message}; and releasing its devres failed too`);
      throw e;
    }
  }

  /** sysfs unbind: remove(), then devres release (LIFO). Not bound: nothing to do. */
  unbind(dev: Device): Promise<void> {
    const { dev: d, st } = this.own(dev, "unbind()");
    const site = callerSite();
    return this.serialise(st, () => this.remove(d, st, site));
  }

  private async remove(dev: Device, st: DeviceState, site: Site | undefined): Promise<void> {
    if (st.bind !== "bound") return;
    const drv = st.driver as DriverOps<unknown>;
    st.bind = "removing";
    st.unbindSite = site;
    const errors: unknown[] = [];
    try {
      if (drv.remove !== undefined) await drv.remove((this.bindings.get(st)?.view ?? dev) as Device<Core>, st.data);
    } catch (err) {
      errors.push(err);
    }
    st.bind = "releasing";
    errors.push(...(await devresReleaseAll(dev)));
    this.endBinding(st, site);
    st.bind = "unbound";
    st.driver = undefined;
    st.data = undefined;
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, `unbind of device "${st.name}" from driver "${drv.name}": ${errors.length} errors during teardown`);
  }

  /** Hot-unplug: the hardware is gone now; then (after any running probe/remove) unbind, device_del and the bus's put. */
  unplug(dev: Device): Promise<void> {
    const { dev: d, st } = this.own(dev, "unplug()");
    if (st.unplugged !== undefined) return st.unplugged;
    const site = callerSite();
    if (st.hw !== undefined) st.hw.present = false;
    this.devices.delete(st.name);
    const p = this.serialise(st, async () => {
      let failure: unknown;
      try {
        await this.remove(d, st, site);
      } catch (err) {
        failure = err;
      }
      deviceDel(d);
      putDevice(d);
      if (failure !== undefined) throw failure;
    });
    st.unplugged = p;
    return p;
  }

  /** The hardware raises IRQ `line`: handlers run synchronously; returns how many ran. Ignored once unplugged. */
  raiseIrq(dev: Device, line: number): number {
    const { st } = this.own(dev, "raiseIrq()");
    const hw = st.hw!;
    if (!Number.isInteger(line) || line < 0 || line >= hw.irqLines) throw new DevboundError(`Bus "${this.name}": raiseIrq(): device "${st.name}" has IRQ lines 0..${hw.irqLines - 1}, got ${describe(line)}`);
    return fireIrq(hw, line);
  }

  /** What probe() returned, while bound. */
  driverData<D>(dev: Device): D | undefined {
    const { st } = this.own(dev, "driverData()");
    return (st.bind === "bound" || st.bind === "removing" ? st.data : undefined) as D | undefined;
  }

  /** The device's simulated registers (the hardware side of its MMIO region). */
  registers(dev: Device): DataView {
    return this.own(dev, "registers()").st.hw!.regs;
  }

  /** Devices currently plugged in. */
  get present(): Device[] {
    return [...this.devices.values()];
  }
}
