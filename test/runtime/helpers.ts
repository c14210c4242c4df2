// Shared helpers for the runtime tests.
import { Bus, sanitizer, type DriverOps } from "@devbound/runtime";

let seq = 0;

/** A fresh bus with `drv` registered and one device bound to it. */
export async function plug<D>(drv: DriverOps<D>, opts: { name?: string; irqs?: number; mmioSize?: number } = {}) {
  const bus = new Bus(`bus${++seq}`);
  bus.registerDriver(drv);
  const dev = await bus.addDevice({ name: `${drv.name}${seq}`, compatible: drv.name, ...opts });
  return { bus, dev };
}

export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const tick = () => new Promise<void>((r) => setImmediate(r));

/** Rejects if `p` has not settled after `ms`: a hang is a failure, not a slow test. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(t)),
    new Promise<never>((_, rej) => {
      t = setTimeout(() => rej(new Error(`hang: ${what} did not complete within ${ms} ms`)), ms);
    }),
  ]);
}

export function errorsOf(check: string) {
  return sanitizer.reports.filter((r) => r.check === check);
}

/** Live counters now minus `base`: zero when everything made since `base` was released. */
export function liveSince(base: { devres: number; objects: number; allocations: number }) {
  const now = sanitizer.live();
  return { devres: now.devres - base.devres, objects: now.objects - base.objects, allocations: now.allocations - base.allocations };
}
