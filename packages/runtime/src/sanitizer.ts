/**
 * The sanitizer: KASAN plus the devres debug mode proposed in seeds/001, for TypeScript.
 *
 * Invariant: with the sanitizer off the runtime hands out the raw objects and pays nothing
 * on hot paths (one boolean read where a check could apply). With it on, every allocation and
 * kobject-style object is handed out as a Proxy bound to a `Lifetime`; once that lifetime ends
 * any touch (read, write, call through it, or through a member reached from it) throws a
 * UseAfterFreeError naming the resource, its device and where it was released.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { fileURLToPath } from "node:url";
import { DoubleReleaseError, SanitizerError, UseAfterFreeError } from "./errors.js";

export interface SanitizerOptions {
  /** Throw a SanitizerError as soon as an error-severity report is made (default false: record only). */
  panic?: boolean;
  /** Fire an IRQ handler once when its IRQ is freed, like CONFIG_DEBUG_SHIRQ (default true). */
  debugShirq?: boolean;
}

/** What a report is about. The four debug checks of DESIGN.md carry `debugCheck`. */
export type SanitizerCheck =
  | "devres-while-unbound" // debug check 1
  | "devres-with-remove" // debug check 2 (warning)
  | "devres-to-kobject" // debug check 3
  | "devres-in-release" // debug check 4
  | "use-after-free"
  | "double-release"
  | "revoke-nosync-with-readers"
  | "oops"; // an exception in a work item, an IRQ handler or a release callback

export interface SanitizerReport {
  readonly check: SanitizerCheck;
  readonly debugCheck?: 1 | 2 | 3 | 4;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly device?: string;
  /** The user frame where it happened. */
  readonly at?: string;
}

/** Internal switchboard read by every module (a plain object: one field read per check). */
export const san = { enabled: false, panic: false, debugShirq: true };

/** Live counters, kept whether or not the sanitizer is on (an integer add each). */
export const liveCounts = { devres: 0, objects: 0, allocations: 0 };

const reports: SanitizerReport[] = [];
const warnedOnce = new Set<string>();

export function report(r: SanitizerReport): void {
  if (!san.enabled) return;
  if (r.severity === "warning") {
    // The soft check fires per driver and call, not per registration.
    const key = `${r.check}:${r.message}`;
    if (warnedOnce.has(key)) return;
    warnedOnce.add(key);
  }
  reports.push(r);
  if (san.panic && r.severity === "error") throw new SanitizerError(r.message);
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
    return reports;
  },
  /** The error-severity reports only. */
  errors(): readonly SanitizerReport[] {
    return reports.filter((r) => r.severity === "error");
  },
  clearReports(): void {
    reports.length = 0;
    warnedOnce.clear();
  },
  /** Live devres entries, kobject-style objects (devices, kobjects, cdevs, adapters) and kzalloc/devm allocations. */
  live(): { devres: number; objects: number; allocations: number } {
    return { ...liveCounts };
  },
};

// ---- where did it happen -------------------------------------------------------------

// Frames from the package itself (dist, or src when a test runner maps stacks back to it).
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const runtimeDirs = [`${packageDir}src`, `${packageDir}dist`];

/**
 * Where something happened: the first stack frame outside the runtime. Captured cheaply
 * (V8 records frames; the text, with source maps, is only built when a message needs it).
 */
export class Site {
  private err: Error | undefined;
  private text: string | undefined;
  constructor(err: Error) {
    this.err = err;
  }
  toString(): string {
    if (this.text === undefined) {
      this.text = "(unknown)";
      for (const line of (this.err?.stack ?? "").split("\n").slice(1)) {
        if (runtimeDirs.some((d) => line.includes(d)) || line.includes("node:internal") || line.includes("node_modules")) continue;
        const frame = line.trim().replace(/^at /, "");
        if (frame) {
          this.text = frame;
          break;
        }
      }
      this.err = undefined;
    }
    return this.text;
  }
}

/** The user's line that did it (sanitizer on only). */
export function callerSite(): Site | undefined {
  if (!san.enabled) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const err = new Error();
  Error.stackTraceLimit = limit;
  return new Site(err);
}

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

// ---- lifetimes and poisoning ------------------------------------------------------------

/** One resource's life. Proxies share it with every member reached through them. */
export interface Lifetime {
  /** e.g. `devmKzalloc allocation (FooPriv)`, `I2cAdapter "foo"`, `IRQ 3`. */
  resource: string;
  readonly device: string | undefined;
  /** Managed by devres (so also a "devres allocation" for debug check 3). */
  readonly managed: boolean;
  released: boolean;
  /** e.g. `by devres when "foo0" unbound`, `by kfree()`. */
  releasedBy: string | undefined;
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
