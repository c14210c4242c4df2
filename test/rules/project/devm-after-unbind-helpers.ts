// Helpers in another file for test/rules/devm-after-unbind.test.ts.
import { devmKzalloc, type Bound, type Device } from "@devbound/runtime";

/** Passes its device on to a devres registration: a call to it registers devres. */
export function setupBuffers(d: Device<Bound>) {
  return devmKzalloc(d, () => ({ buf: new Uint8Array(16) }));
}

/** Two levels deep. */
export function setupAll(d: Device<Bound>) {
  setupBuffers(d);
}

/** Takes a device but registers nothing. */
export function describeDevice(d: Device<Bound>): string {
  return d.name;
}

// A re-export under another name: still devmKzalloc to the checker.
export { devmKzalloc as allocManaged } from "@devbound/runtime";

/** Registers devres after an await: callers must await it while they are bound. */
export async function initLater(d: Device<Bound>) {
  await new Promise((resolve) => setTimeout(resolve, 1));
  return devmKzalloc(d, () => ({ late: true }));
}

/** Registers before its first await: fine even when nobody awaits it. */
export async function initEarly(d: Device<Bound>) {
  const early = devmKzalloc(d, () => ({ early: true }));
  await new Promise((resolve) => setTimeout(resolve, 1));
  return early;
}

/** A sync helper that drops the promise of an async one. */
export function kickOff(d: Device<Bound>): void {
  void initLater(d);
}
