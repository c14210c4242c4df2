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
