/**
 * The sanitizer: KASAN plus the devres debug mode proposed in seeds/001, for TypeScript.
 * Off by default; `sanitizer.enable()` in tests.
 *
 * Invariant: with it on, every allocation, mapping, IRQ, workqueue and kobject-style object
 * is handed out as a Proxy bound to its `Lifetime` (lifetime.ts); once that lifetime ends any
 * touch (read, write, call through it, or through a member reached from it) throws a
 * UseAfterFreeError naming the resource, its device and where it was released.
 *
 * What it adds to the always-on lifetime tracking (lifetime.ts, which checks only the
 * runtime's own operations): the Proxies above (the user's touches of released memory); a
 * per-binding `Device<Bound>` proof (device.ts), so a proof kept past unbind is stale; the
 * four debug checks' reports (1 and 2 in devres.ts, 3 and 4 here); DEBUG_SHIRQ (irq.ts);
 * where each release and report happened (a captured stack); the record (report.ts) and
 * `panic`.
 *
 * What it costs. Off: nothing is proxied and no stack is captured; each place a check could
 * apply reads one boolean (`san.enabled`), and a devm call looks its device up in the
 * binding views (one WeakMap lookup). `Devres.access(dev)` stays a field read and an identity
 * comparison. On: a Proxy per resource and per member reached through one, and a stack
 * captured per release and per report. scripts/bench-runtime.ts (`node scripts/bench.mjs
 * runtime`), on a shared 2-core machine: `access(dev)` with it off is 1.2-1.3x a plain
 * property read (2.2 ns against 1.7 ns); unbinding a device holding 10,000 devres entries
 * with it on takes a median 2.6x the time with it off (9 runs; single runs vary widely).
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { describeLifetime, liveCounts, useAfterFree, type Lifetime } from "./lifetime.js";
import { callerSite, clearReports, recorded, report, san, type SanitizerReport } from "./report.js";

export type { SanitizerCheck, SanitizerReport } from "./report.js";

export interface SanitizerOptions {
  /** Throw a SanitizerError as soon as an error-severity report is made (default false: record only). */
  panic?: boolean;
  /** Fire an IRQ handler once when its IRQ is freed, like CONFIG_DEBUG_SHIRQ (default true). */
  debugShirq?: boolean;
}

export const sanitizer = {
  enable(opts: SanitizerOptions = {}): void {
    san.enabled = true;
    san.panic = opts.panic ?? false;
    san.debugShirq = opts.debugShirq ?? true;
  },
  disable(): void {
    san.enabled = false;
    san.panic = false;
  },
  get enabled(): boolean {
    return san.enabled;
  },
  /** Every report since the last clearReports(), oldest first. */
  get reports(): readonly SanitizerReport[] {
    return recorded();
  },
  /** The error-severity reports only. */
  errors(): readonly SanitizerReport[] {
    return recorded().filter((r) => r.severity === "error");
  },
  clearReports(): void {
    clearReports();
  },
  /** Live devres entries, kobject-style objects (devices, kobjects, cdevs, adapters) and kzalloc/devm allocations. */
  live(): { devres: number; objects: number; allocations: number } {
    return { ...liveCounts };
  },
};

// ---- release contexts (debug check 4) ----------------------------------------------

const releaseContext = new AsyncLocalStorage<string>();

/** Runs a kobject release callback or a file release(); devres calls inside it are reported. */
export function runInReleaseContext<R>(what: string, fn: () => R): R {
  return san.enabled ? releaseContext.run(what, fn) : fn();
}

export function checkNotInRelease(call: string, device: string): void {
  if (!san.enabled) return;
  const where = releaseContext.getStore();
  if (where === undefined) return;
  report({
    check: "devres-in-release",
    debugCheck: 4,
    severity: "error",
    message: `${call}() on device "${device}" called from ${where}: a release callback may run long after "${device}" unbound, when its devres is gone (debug check 4)`,
    device,
    at: callerSite()?.toString(),
  });
}

// ---- poisoning ----------------------------------------------------------------------------

/** Symbol-keyed slots where runtime objects keep their state: never wrapped as members. */
export const internalKeys = new Set<PropertyKey>();

interface ProxyMeta {
  readonly target: object;
  readonly life: Lifetime;
  /** Path from the allocation to this member (`""` for the allocation itself). */
  readonly path: string;
  /** The object's own lifetime (a kobject): its internal slots stay readable after release. */
  readonly own: boolean;
}

const metas = new WeakMap<object, ProxyMeta>();
const memberProxies = new WeakMap<object, object>();

// Objects with a lifetime of their own (kobjects, devices, mappings, ...) created while an
// allocation's init() runs are embedded in it (`{ adapter: new I2cAdapter() }`, C's struct
// member); created elsewhere and stored later they are pointers (`priv.cdev = cdev`), which
// the allocation's release does not free.
const initStack: Lifetime[] = [];
const embeddedIn = new WeakMap<object, Lifetime>();

/** Runs an allocation's init(): own-lifetime objects created meanwhile are embedded in `life`. */
export function duringInit<T>(life: Lifetime, init: () => T): T {
  if (!san.enabled) return init();
  initStack.push(life);
  try {
    return init();
  } finally {
    initStack.pop();
  }
}

// Probed by the engine (thenables) and by test frameworks when printing: answering them on
// freed memory would turn an assertion message into a crash.
const BENIGN = new Set<PropertyKey>([
  "then",
  "toJSON",
  "asymmetricMatch",
  "$$typeof",
  "nodeType",
  "constructor",
  "@@__IMMUTABLE_ITERABLE__@@",
  "@@__IMMUTABLE_RECORD__@@",
  Symbol.for("nodejs.util.inspect.custom"),
  Symbol.toStringTag,
  Symbol.toPrimitive,
]);

function slotted(v: object): boolean {
  // Built-ins whose methods need the real object (internal slots): a Proxy would break them.
  return (
    v instanceof Map ||
    v instanceof Set ||
    v instanceof WeakMap ||
    v instanceof WeakSet ||
    v instanceof Promise ||
    v instanceof Date ||
    v instanceof RegExp ||
    v instanceof ArrayBuffer ||
    ArrayBuffer.isView(v) ||
    v instanceof WeakRef
  );
}

function where(meta: ProxyMeta, prop: PropertyKey | undefined): string {
  const member = prop === undefined ? "" : typeof prop === "symbol" ? `[${prop.description ?? "symbol"}]` : `.${prop}`;
  return `${meta.path}${member}`;
}

function makeHandler(meta: ProxyMeta): ProxyHandler<object> {
  const life = meta.life;
  const fail = (op: string, prop?: PropertyKey): never => {
    const path = where(meta, prop);
    throw useAfterFree(life, `${op}${path ? ` of ${path.startsWith(".") ? path.slice(1) : path}` : ""} in`);
  };
  const internalOk = (prop: PropertyKey): boolean => meta.own && internalKeys.has(prop);
  return {
    get(t, prop, receiver) {
      if (life.released && !internalOk(prop)) {
        if (BENIGN.has(prop)) return prop === "constructor" ? Reflect.get(t, prop) : undefined;
        // Reading the raw target is safe: say "call of m()" when the member is a method.
        if (typeof Reflect.get(t, prop) === "function" && typeof prop === "string") fail("call", `${prop}()`);
        fail("read", prop);
      }
      const v = Reflect.get(t, prop, receiver) as unknown;
      if (internalKeys.has(prop)) return v;
      return wrapMember(v, meta, prop);
    },
    set(t, prop, value, receiver) {
      if (life.released && !internalOk(prop)) fail("write", prop);
      return Reflect.set(t, prop, value, receiver);
    },
    defineProperty(t, prop, desc) {
      if (life.released && !internalOk(prop)) fail("write", prop);
      return Reflect.defineProperty(t, prop, desc);
    },
    deleteProperty(t, prop) {
      if (life.released) fail("delete", prop);
      return Reflect.deleteProperty(t, prop);
    },
    has(t, prop) {
      if (life.released && !internalOk(prop)) fail("`in` test", prop);
      return Reflect.has(t, prop);
    },
    ownKeys(t) {
      if (life.released) fail("enumeration");
      return Reflect.ownKeys(t);
    },
    getOwnPropertyDescriptor(t, prop) {
      if (life.released && !internalOk(prop)) fail("read", prop);
      return Reflect.getOwnPropertyDescriptor(t, prop);
    },
    apply(t, thisArg, args) {
      if (life.released) fail("call");
      return Reflect.apply(t as (...a: unknown[]) => unknown, thisArg, args);
    },
  };
}

function wrapMember(v: unknown, parent: ProxyMeta, prop: PropertyKey): unknown {
  if (typeof v !== "object" || v === null || slotted(v)) return v;
  const existing = metas.get(v);
  if (existing !== undefined) {
    if (existing.life === parent.life) return v; // already carries this lifetime
    // Another allocation, or an object with its own lifetime not embedded here: a pointer.
    if (existing.path === "" && !(existing.own && embeddedIn.get(v) === parent.life)) return v;
  }
  const cached = memberProxies.get(v);
  if (cached !== undefined) return cached;
  const meta: ProxyMeta = { target: v, life: parent.life, path: where(parent, prop), own: false };
  const p = new Proxy(v, makeHandler(meta));
  metas.set(p, meta);
  memberProxies.set(v, p);
  return p;
}

/** Hands out `raw` bound to `life` (sanitizer on only; callers check `san.enabled`). */
export function poisonable<T extends object>(raw: T, life: Lifetime, own: boolean): T {
  const meta: ProxyMeta = { target: raw, life, path: "", own };
  const p = new Proxy(raw, makeHandler(meta));
  metas.set(p, meta);
  const host = initStack[initStack.length - 1];
  if (own && host !== undefined) embeddedIn.set(p, host);
  return p as T;
}

/** The lifetime a value is bound to, and its path: how debug check 3 sees `priv.adapter`. */
export function lifetimeOf(x: unknown): { life: Lifetime; path: string } | undefined {
  if (typeof x !== "object" || x === null) return undefined;
  const m = metas.get(x);
  return m === undefined ? undefined : { life: m.life, path: m.path };
}

/**
 * Strips member proxies down to the object itself (for identity: a device stored in driver
 * data is still that device). Throws if the memory it was reached through is gone.
 */
export function unwrapMember<T>(x: T): T {
  let cur: unknown = x;
  for (;;) {
    if (typeof cur !== "object" || cur === null) return cur as T;
    const m = metas.get(cur);
    if (m === undefined || m.own || m.path === "") return cur as T;
    if (m.life.released) throw useAfterFree(m.life, `use of ${m.path.slice(1)} in`);
    cur = m.target;
  }
}

/** Debug check 3: a devres allocation (or a member of one) handed to a kobject-style API. */
export function checkKobjectParam(api: string, param: string, x: unknown): void {
  if (!san.enabled) return;
  const l = lifetimeOf(x);
  if (l === undefined || !l.life.managed) return;
  const what = l.path ? `\`${l.path.slice(1)}\` (a member of ${describeLifetime(l.life)})` : describeLifetime(l.life);
  report({
    check: "devres-to-kobject",
    debugCheck: 3,
    severity: "error",
    message: `${api}(): ${param} ${what} is freed by devres when "${l.life.device}" unbinds, but ${api} keeps it alive after that (debug check 3)`,
    device: l.life.device,
    at: callerSite()?.toString(),
  });
}
