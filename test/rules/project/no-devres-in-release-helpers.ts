// Helper module for test/rules/no-devres-in-release.test.ts: a devres release and a plain
// helper in another file, and a re-export under another name.
import { devmKfree, type Bound, type Device, type DevresRelease } from "@devbound/runtime";

/** A plain helper: its parameters carry no brand, its body calls devres. */
export function dropStats(dev: Device<Bound>, stats: object): void {
  devmKfree(dev, stats);
}

/** The user's own devres release: its parameter carries the DevresRelease brand. */
export function releaseStats(dev: Device<Bound>, stats: DevresRelease<object>): void {
  devmKfree(dev, stats);
}

export function countClose(counters: { closes: number }): void {
  counters.closes++;
}

export { devmKfree as managedFree } from "@devbound/runtime";

/** State a release callback in this module reads (set by the driver while bound). */
export const saved: { dev?: Device<Bound>; stats?: object } = {};

/** A kobject release declared in another module, handed over by reference. */
export function statsRelease(): void {
  if (saved.dev && saved.stats) devmKfree(saved.dev, saved.stats);
}
