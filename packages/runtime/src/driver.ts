/**
 * Drivers (struct device_driver): a name, probe() and an optional remove().
 *
 * Invariant: probe() and remove() receive a Device<Core> (bound, and serialised against each
 * other by the bus); what probe() returns is the driver data remove() gets back.
 */
import type { Core } from "./brands.js";
import type { Device } from "./device.js";
import { DevboundError, describe } from "./errors.js";

export interface DriverOps<D> {
  name: string;
  probe(dev: Device<Core>): D | Promise<D>;
  remove?(dev: Device<Core>, data: D): void | Promise<void>;
}

/** A driver as defineDriver returns it (object drivers) — class drivers implement DriverOps<D>. */
export interface Driver<D> extends DriverOps<D> {}

/** Checks the shape and hands the same object back (so `this` in methods keeps working). */
export function defineDriver<D>(ops: DriverOps<D>): Driver<D> {
  checkDriver(ops, "defineDriver()");
  return ops;
}

export function checkDriver(ops: unknown, call: string): asserts ops is DriverOps<unknown> {
  if (typeof ops !== "object" || ops === null) throw new DevboundError(`${call}: expected a driver { name, probe, remove? }, got ${describe(ops)}`);
  const o = ops as Partial<DriverOps<unknown>>;
  if (typeof o.name !== "string" || o.name === "") throw new DevboundError(`${call}: driver name must be a non-empty string, got ${describe(o.name)}`);
  if (typeof o.probe !== "function") throw new DevboundError(`${call}: driver "${o.name}" needs a probe(dev) function, got ${describe(o.probe)}`);
  if (o.remove !== undefined && typeof o.remove !== "function") throw new DevboundError(`${call}: driver "${o.name}": remove must be a function, got ${describe(o.remove)}`);
}
