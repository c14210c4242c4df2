// Re-exports for test/rules/no-revocable-escape.test.ts and no-await-in-revocable-section.test.ts.
export { Devres as Bar, Revocable as Rcu } from "@devbound/runtime";
export { cacheMapping as stash } from "./no-revocable-escape-helpers.js";

import type { AccessSection, SyncCallback } from "@devbound/runtime";

/** The user's own revocable-like API carrying the runtime's brands (no runtime names). */
export class Lease<T> {
  constructor(private readonly v: T) {}
  enter<R>(fn: SyncCallback<AccessSection<(v: T) => R>>): R {
    return fn(this.v);
  }
}
