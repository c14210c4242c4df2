/**
 * Revocable<T>: a value that can be revoked while readers may hold it (Rust's
 * kernel::revocable::Revocable). `Devres<T>`, the revocable a device's devres revokes at
 * unbind, is in devres.ts.
 *
 * Invariant: a reader holds the value only inside a read-side section (a `tryAccess` guard or
 * a `tryAccessWith` callback, whose returned promise extends it); `revoke()` stops new
 * sections at once and resolves only when every section has ended, then releases the value.
 * Each section carries its own state (the guard), never the shared handle: the C revocable
 * kept the SRCU index in the consumer handle, so two callers sharing it corrupted each other
 * (seeds/001, 002).
 */
import "./polyfill.js";
import type { AccessSection, SyncCallback } from "./brands.js";
import { DevboundError, DoubleReleaseError, UseAfterFreeError, describe } from "./errors.js";
import { callerSite, report, type Site } from "./report.js";
import { internalKeys } from "./sanitizer.js";

export interface RevocableGuard<T> {
  readonly value: T;
  [Symbol.dispose](): void;
}

// The state slots, shared with Devres<T> (devres.ts) and nobody else.
export const REV: unique symbol = Symbol("devbound.revocable");
export const VALUE: unique symbol = Symbol("devbound.value");
internalKeys.add(REV);
internalKeys.add(VALUE);

export interface RevocableState<T> {
  revoked: boolean;
  /** Value released (after the last reader left). */
  released: boolean;
  readers: number;
  /** Resolvers of revoke() calls waiting for readers to leave. */
  waiters: (() => void)[];
  readonly release: ((value: T) => void | Promise<void>) | undefined;
  revokedBy: string | undefined;
  revokedAt: Site | undefined;
  /** For messages: `Revocable`, `Devres<Mmio> of device "foo0"`. */
  what: string;
}

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null && typeof (x as { then?: unknown }).then === "function";
}

/** One read-side section. Its state is its own: ending it touches only the shared counter. */
class Guard<T> implements RevocableGuard<T> {
  private readonly rev: RevocableState<T>;
  private v: T;
  private open = true;
  constructor(rev: RevocableState<T>, value: T) {
    this.rev = rev;
    this.v = value;
  }
  get value(): T {
    if (!this.open) throw new UseAfterFreeError(`use after free: a value of ${this.rev.what} used after its access section ended (it escaped the section)`);
    return this.v;
  }
  [Symbol.dispose](): void {
    if (!this.open) throw new DoubleReleaseError(`double release: the access section of ${this.rev.what} was already ended`);
    this.open = false;
    this.v = undefined as T;
    leave(this.rev);
  }
}

function leave<T>(st: RevocableState<T>): void {
  if (--st.readers === 0 && st.waiters.length > 0) {
    const w = st.waiters;
    st.waiters = [];
    for (const wake of w) wake();
  }
}

export class Revocable<T> {
  /** The value while not revoked; read by the fast paths directly. */
  [VALUE]: T | undefined;
  readonly [REV]: RevocableState<T>;

  /** `release` runs once when the value is revoked and the last reader has left. */
  constructor(value: T, release?: (value: T) => void | Promise<void>) {
    if (release !== undefined && typeof release !== "function") throw new DevboundError(`new Revocable(): release must be a function, got ${describe(release)}`);
    this[VALUE] = value;
    this[REV] = { revoked: false, released: false, readers: 0, waiters: [], release, revokedBy: undefined, revokedAt: undefined, what: "a Revocable" };
  }

  /** Whether revoke()/revokeNosync() was called. */
  get isRevoked(): boolean {
    return this[REV].revoked;
  }

  /** Readers inside a section right now. */
  get readers(): number {
    return this[REV].readers;
  }

  /** Enters a read-side section: `using g = r.tryAccess(); if (g) use(g.value)`. Null once revoked. */
  tryAccess(): AccessSection<RevocableGuard<T>> | null {
    const st = this[REV];
    if (st.revoked) return null;
    st.readers++;
    return new Guard(st, this[VALUE] as T);
  }

  /**
   * Runs `fn` inside a read-side section; undefined once revoked. A returned promise extends
   * the section until it settles (revoke() waits for it).
   */
  tryAccessWith<R>(fn: SyncCallback<AccessSection<(value: T) => R>>): R | undefined {
    const st = this[REV];
    if (st.revoked) return undefined;
    if (typeof fn !== "function") throw new DevboundError(`tryAccessWith(): expected a function, got ${describe(fn)}`);
    st.readers++;
    let r: R;
    try {
      r = fn(this[VALUE] as T);
    } catch (err) {
      leave(st);
      throw err;
    }
    if (isThenable(r)) {
      const done = (): void => leave(st);
      // The caller gets the original promise; the section ends when it settles either way.
      (r as PromiseLike<unknown>).then(done, done);
      return r;
    }
    leave(st);
    return r;
  }

  /** Revokes: no new sections; resolves when in-flight readers (async ones too) have left and the value is released. */
  revoke(): Promise<void> {
    const st = this[REV];
    this.markRevoked(st, "by revoke()");
    if (st.readers === 0) return this.releaseValue(st);
    return new Promise<void>((resolve) => st.waiters.push(resolve)).then(() => this.releaseValue(st));
  }

  /** Revokes without waiting for readers: the caller guarantees there are none (Rust's revoke_nosync). */
  revokeNosync(): void {
    const st = this[REV];
    this.markRevoked(st, "by revokeNosync()");
    if (st.readers > 0) {
      report({
        check: "revoke-nosync-with-readers",
        severity: "error",
        message: `revokeNosync() on ${st.what} with ${st.readers} reader(s) in flight: they keep using a value that is released now`,
        at: callerSite()?.toString(),
      });
    }
    const r = this.releaseValue(st);
    r.catch(() => {});
  }

  /** @internal */
  protected markRevoked(st: RevocableState<T>, by: string, at: Site | undefined = callerSite()): void {
    if (st.revoked) return;
    st.revoked = true;
    st.revokedBy = by;
    st.revokedAt = at;
  }

  private releaseValue(st: RevocableState<T>): Promise<void> {
    if (st.released) return Promise.resolve();
    st.released = true;
    const v = this[VALUE] as T;
    this[VALUE] = undefined;
    if (st.release === undefined) return Promise.resolve();
    try {
      const r = st.release(v);
      return isThenable(r) ? Promise.resolve(r).then(() => undefined) : Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }
}

/** How and where a revocable was revoked (for the messages of what its release frees). */
export function revokeInfo<T>(r: Revocable<T>): { by: string | undefined; at: Site | undefined } {
  const st = r[REV];
  return { by: st.revokedBy, at: st.revokedAt };
}
