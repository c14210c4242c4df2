/**
 * Kobject-style reference counting (struct kref / struct kobject).
 *
 * Invariant: an object lives from its construction (count 1) until its last put(); the
 * release callback runs exactly once, at that put, possibly long after the driver that made
 * it unbound. get() after release is a use after free, put() after release a double release.
 * Registration (`kobjectInitAndAdd`) takes a reference on the parent, dropped at release.
 */
import { DevboundError, describe } from "./errors.js";
import type { KobjectParam, KobjectRelease } from "./brands.js";
import { doubleRelease, endLifetime, liveCounts, newLifetime, useAfterFree, type Lifetime } from "./lifetime.js";
import { callerSite, san } from "./report.js";
import { checkKobjectParam, internalKeys, poisonable, runInReleaseContext } from "./sanitizer.js";

/** The reference count shared by every kobject-style object (devices, kobjects, cdevs, adapters). */
export interface Kref {
  count: number;
  readonly life: Lifetime;
}

export function krefInit(resource: string, device?: string): Kref {
  liveCounts.objects++;
  return { count: 1, life: newLifetime(resource, device, false) };
}

export function krefGet(k: Kref, call: string): void {
  if (k.life.released) throw useAfterFree(k.life, `${call} on`);
  k.count++;
}

/** Drops a reference; at the last one marks the object released and runs `release`. */
export function krefPut(k: Kref, call: string, release: () => void): void {
  if (k.life.released) throw doubleRelease(k.life, call);
  if (--k.count > 0) return;
  const at = callerSite();
  liveCounts.objects--;
  // The release callback may still use the object (container_of + cleanup); poison after it.
  try {
    release();
  } finally {
    endLifetime(k.life, `by its last ${call}`, at);
  }
}

export const KOBJ: unique symbol = Symbol("devbound.kobject");
internalKeys.add(KOBJ);

interface KobjectState {
  readonly kref: Kref;
  readonly name: string;
  readonly release: ((kobj: Kobject) => void) | undefined;
  added: boolean;
  parent: Kobject | undefined;
}

export class Kobject {
  readonly [KOBJ]: KobjectState;

  constructor(name: string, release?: KobjectRelease<(kobj: Kobject) => void>) {
    if (typeof name !== "string" || name === "") throw new DevboundError(`new ${new.target.name}(): name must be a non-empty string, got ${describe(name)}`);
    if (release !== undefined && typeof release !== "function") throw new DevboundError(`new ${new.target.name}("${name}"): release must be a function, got ${describe(release)}`);
    this[KOBJ] = { kref: krefInit(`${new.target.name} "${name}"`), name, release, added: false, parent: undefined };
    // With the sanitizer on the object is handed out poisonable: subclasses' fields included.
    if (san.enabled) return poisonable(this, this[KOBJ].kref.life, true);
  }

  get name(): string {
    return this[KOBJ].name;
  }

  get refcount(): number {
    return this[KOBJ].kref.count;
  }

  get(): this {
    krefGet(this[KOBJ].kref, "get()");
    return this;
  }

  put(): void {
    const st = this[KOBJ];
    krefPut(st.kref, "put()", () => {
      runInReleaseContext(`the release callback of ${st.kref.life.resource}`, () => {
        st.release?.(this);
      });
      this.releaseHook();
      if (st.added) {
        st.added = false;
        const parent = st.parent;
        st.parent = undefined;
        parent?.put();
      }
    });
  }

  /** Subclasses' own teardown at the last put (after the user's release callback). */
  protected releaseHook(): void {}
}

function assertKobject(x: unknown, call: string): asserts x is Kobject {
  if (!(x instanceof Kobject)) throw new DevboundError(`${call}: expected a Kobject, got ${describe(x)}`);
}

/** kobject_init_and_add(): the object is initialised by its constructor; this adds it under `parent`. */
export function kobjectInitAndAdd(kobj: KobjectParam<Kobject>, parent?: Kobject): void {
  assertKobject(kobj, "kobjectInitAndAdd()");
  checkKobjectParam("kobjectInitAndAdd", "kobj", kobj);
  const st = kobj[KOBJ];
  if (st.kref.life.released) throw useAfterFree(st.kref.life, "kobjectInitAndAdd() of");
  if (st.added) throw new DevboundError(`kobjectInitAndAdd(): ${st.kref.life.resource} is already added`);
  if (parent !== undefined) {
    assertKobject(parent, "kobjectInitAndAdd() parent");
    parent.get();
  }
  st.added = true;
  st.parent = parent;
}

/** kobject_put(). */
export function kobjectPut(kobj: Kobject): void {
  assertKobject(kobj, "kobjectPut()");
  kobj.put();
}
