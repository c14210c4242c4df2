/**
 * Lifetime tracking, always on: every resource the runtime hands out (an allocation, a
 * mapping, an IRQ, a workqueue, a kobject-style object) has a `Lifetime` that its release
 * ends, and the live counters that `sanitizer.live()` reads.
 *
 * Invariant: a resource is released at most once, and nothing the runtime does with a
 * released one succeeds: a second release (`kfree`, `freeIrq`, `iounmap`, `destroyWorkqueue`,
 * `put`, `devm*Free`) throws a DoubleReleaseError, a manual release of what devres releases at
 * unbind is refused (devres would release it again), and the runtime's own operations on a
 * released resource (`readl` after unmap, `queue()` on a destroyed workqueue, `get()` after
 * the last put) throw a UseAfterFreeError naming it.
 *
 * Why it cannot be off: it is the state that keeps release exactly-once. In C these bugs
 * corrupt memory or oops; a JavaScript object would just keep working, so without it devres
 * would run a release twice and a driver's double free would pass silently. It checks only
 * the runtime's own operations; the sanitizer (sanitizer.ts) adds the user's touches of
 * released memory (its Proxies), the debug checks and where things were released.
 *
 * What it costs: one small record per resource when it is made, and for an allocation a
 * WeakMap entry so that kfree finds its record (the dearest part: a weak-table insertion
 * costs far more than the record); one boolean read on each release and on each
 * operation of a mapping or workqueue; an integer add or subtract per live counter. Nothing
 * on `Devres.access(dev)`. scripts/bench-runtime.ts (`node scripts/bench.mjs runtime`), on a
 * shared 2-core machine: with the sanitizer off, unbinding a device holding 10,000 devres
 * entries (half allocations) takes 0.3-2 ms in most runs, 0.03-0.2 µs an entry.
 */
import type { ManagedKind } from "./brands.js";
import { DoubleReleaseError, UseAfterFreeError } from "./errors.js";
import { callerSite, report, type Site } from "./report.js";

/** Live counters (devres entries, kobject-style objects, allocations): an integer add each. */
export const liveCounts = { devres: 0, objects: 0, allocations: 0 };

/** One resource's life. The sanitizer's Proxies share it with every member reached through them. */
export interface Lifetime {
  /** e.g. `devmKzalloc allocation (FooPriv)`, `I2cAdapter "foo"`, `IRQ 3`. */
  resource: string;
  readonly device: string | undefined;
  /** Managed by devres (so also a "devres allocation" for debug check 3). */
  readonly managed: boolean;
  released: boolean;
  /** e.g. `by devres when "foo0" unbound`, `by kfree()`. */
  releasedBy: string | undefined;
  /** Recorded with the sanitizer on only (it needs a stack). */
  releasedAt: Site | undefined;
}

export function newLifetime(resource: string, device: string | undefined, managed: boolean): Lifetime {
  return { resource, device, managed, released: false, releasedBy: undefined, releasedAt: undefined };
}

export function describeLifetime(life: Lifetime): string {
  const named = life.device === undefined || life.resource.includes(`"${life.device}"`);
  return `${life.resource}${named ? "" : ` of device "${life.device}"`}`;
}

export function releasedWhere(life: Lifetime): string {
  const by = life.releasedBy ? ` ${life.releasedBy}` : "";
  const at = life.releasedAt ? ` at ${life.releasedAt}` : " (enable the sanitizer to record where)";
  return `released${by}${at}`;
}

export function endLifetime(life: Lifetime, by: string, at: Site | undefined): void {
  life.released = true;
  life.releasedBy = by;
  life.releasedAt = at;
}

export function useAfterFree(life: Lifetime, what: string): UseAfterFreeError {
  const msg = `use after free: ${what} ${describeLifetime(life)}, ${releasedWhere(life)}`;
  report({ check: "use-after-free", severity: "error", message: msg, device: life.device, at: callerSite()?.toString() });
  return new UseAfterFreeError(msg);
}

export function doubleRelease(life: Lifetime, call: string): DoubleReleaseError {
  const msg = `double release: ${call} on ${describeLifetime(life)}, already ${releasedWhere(life)}`;
  report({ check: "double-release", severity: "error", message: msg, device: life.device, at: callerSite()?.toString() });
  return new DoubleReleaseError(msg);
}

/** The kinds that have a manual release function, and how their devm call made them. */
const MANAGED_BY = {
  alloc: { made: "allocated with devmKzalloc()", releases: "frees", instead: "free it now with devmKfree(dev, p), or allocate it with kzalloc() to free it by hand" },
  irq: { made: "requested with devmRequestIrq()", releases: "frees", instead: "leave it to devres, or request it with requestIrq() to free it by hand" },
  iomem: { made: "mapped with devmIoremap()", releases: "unmaps", instead: "leave it to devres, or map it with ioremap() to unmap it by hand" },
  workqueue: { made: "allocated with devmAllocWorkqueue()", releases: "destroys", instead: "leave it to devres, or allocate it with allocWorkqueue() to destroy it by hand" },
} satisfies Partial<Record<ManagedKind, { made: string; releases: string; instead: string }>>;

/**
 * A manual release (`kfree()`, `freeIrq()`, `iounmap()`, `destroyWorkqueue()`) of `life`:
 * throws a DoubleReleaseError if it was released already, or if devres manages it (devres
 * releases it again at unbind, so the manual release is the first of two).
 */
export function checkManualRelease(life: Lifetime, call: string, kind: keyof typeof MANAGED_BY): void {
  if (life.released) throw doubleRelease(life, call);
  if (!life.managed) return;
  const how = MANAGED_BY[kind];
  const msg = `double release: ${call} of ${describeLifetime(life)}, which was ${how.made}: devres ${how.releases} it again when "${life.device}" unbinds; ${how.instead}`;
  report({ check: "double-release", severity: "error", message: msg, device: life.device, at: callerSite()?.toString() });
  throw new DoubleReleaseError(msg);
}
