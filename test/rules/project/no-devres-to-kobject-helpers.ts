// Helpers in another file for test/rules/no-devres-to-kobject.test.ts.
import { i2cAddAdapter, type I2cAdapter } from "@devbound/runtime";

/** Passes a member of its parameter to a kobject-style API. */
export function registerAdapter(p: { adapter: I2cAdapter }): void {
  i2cAddAdapter(p.adapter);
}

/** Passes its parameter on, one level deeper. */
export function publish(a: I2cAdapter): void {
  i2cAddAdapter(a);
}

/** Returns a member of its parameter (provenance through returns). */
export function adapterOf(p: { adapter: I2cAdapter }): I2cAdapter {
  return p.adapter;
}

/** Keeps nothing: not a kobject-style API. */
export function adapterName(a: I2cAdapter): string {
  return String(a);
}

export { i2cAddAdapter as addAdapter } from "@devbound/runtime";
