// RuleTester cases for devbound/no-revocable-escape: values obtained inside an access section
// (tryAccess guard, tryAccessWith callback, access(dev)) stored outside it, returned as
// themselves, captured by deferred callbacks or handed to helpers that keep them.
import rule from "../../packages/eslint-plugin/src/rules/no-revocable-escape.js";
import { filename, ruleTester } from "./setup.js";

const RT = `import { Devres, Mmio, Revocable, defineDriver, devmIoremap, devmRequestIrq, type Bound, type Core, type Device, type DriverOps } from "@devbound/runtime";`;

const src = (...lines: string[]) => ({ code: [RT, ...lines].join("\n"), lines: [RT, ...lines] });

type Kind = "stored" | "returned" | "captured" | "helper";
interface Expected {
  line: number;
  needle: string;
  nth?: number;
  kind: Kind;
  /** guard `g` on resource / callback on resource / access(dev) */
  section: { guard: string; resource: string } | { callback: string; resource: string } | { access: string; dev: string; resource: string };
  sink: string;
}

function err(lines: string[], e: Expected) {
  const text = lines[e.line - 1]!;
  let idx = -1;
  for (let k = 0; k < (e.nth ?? 1); k++) idx = text.indexOf(e.needle, idx + 1);
  if (idx < 0) throw new Error(`needle ${e.needle} not on line ${e.line}`);
  const s = e.section;
  const phrases =
    "guard" in s
      ? { section: `inside the tryAccess() guard \`${s.guard}\` on \`${s.resource}\``, until: "until that section ends" }
      : "callback" in s
        ? { section: `inside a ${s.callback}() callback on \`${s.resource}\``, until: "until that section ends" }
        : { section: `from \`${s.access}\``, until: `while \`${s.dev}\` proves the device bound (the call that received \`${s.dev}\`)` };
  return {
    messageId: e.kind,
    data: { name: e.needle, ...phrases, resource: s.resource, sink: e.sink },
    line: e.line,
    column: idx + 1,
    endLine: e.line,
    endColumn: idx + 1 + e.needle.length,
  };
}

function invalid(name: string, c: ReturnType<typeof src>, ...expected: Expected[]) {
  return { name, filename, code: c.code, errors: expected.map((e) => err(c.lines, e)) as never[] };
}
const valid = (name: string, ...lines: string[]) => ({ name, filename, code: [RT, ...lines].join("\n") });

const guardField = src(
  `export class AdcChar {`,
  `  private cached?: Mmio;`,
  `  constructor(private readonly regs: Devres<Mmio>) {}`,
  `  sample(): number {`,
  `    using g = this.regs.tryAccess();`,
  `    if (!g) return -19;`,
  `    this.cached = g.value;`,
  `    return g.value.readl(0x10);`,
  `  }`,
  `}`,
);

const callbackReturnsParam = src(`export function mapping(r: Revocable<Mmio>): Mmio | undefined {`, `  return r.tryAccessWith((m) => m);`, `}`);

const accessCapturedByTimer = src(
  `export const d = defineDriver({ name: "foo-adc", probe(dev) {`,
  `  const regs = devmIoremap(dev);`,
  `  const m = regs.access(dev);`,
  `  setTimeout(() => m.writel(0, 0), 100);`,
  `  return { regs };`,
  `} });`,
);

// obtained while probe runs (a forEach callback is synchronous), kept by a timer: still an escape
const accessInSyncCallback = src(
  `export const d = defineDriver({ name: "foo-adc", probe(dev) {`,
  `  const regs = devmIoremap(dev);`,
  `  [0].forEach(() => { const m = regs.access(dev);`,
  `    setTimeout(() => m.writel(0, 0), 100); });`,
  `  return { regs };`,
  `} });`,
);

const moduleVariable = src(
  `let current: Mmio | undefined;`,
  `export function grab(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (g) current = g.value;`,
  `}`,
);

const guardReturned = src(`export function open(r: Revocable<Mmio>) {`, `  const g = r.tryAccess();`, `  return g;`, `}`);

const destructured = src(
  `let saved: Mmio | undefined;`,
  `export function keepBank(r: Revocable<{ bank: Mmio; id: number }>) {`,
  `  r.tryAccessWith(({ bank, id }) => { saved = bank; return id; });`,
  `}`,
);

const memberObject = src(
  `export class Ctl {`,
  `  bank?: Mmio;`,
  `  constructor(private readonly hw: Revocable<{ bank: Mmio }>) {}`,
  `  attach() {`,
  `    using g = this.hw.tryAccess();`,
  `    if (!g) return;`,
  `    this.bank = g.value.bank;`,
  `  }`,
  `}`,
);

const helperOtherFile = src(
  `import { cacheMapping } from "./no-revocable-escape-helpers.js";`,
  `export function warm(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (g) cacheMapping(g.value);`,
  `}`,
);

const helperRenamedDeferred = src(
  `import { pollLater as poll } from "./no-revocable-escape-helpers.js";`,
  `export function watch(r: Revocable<Mmio>) {`,
  `  r.tryAccessWith((m) => poll(m));`,
  `}`,
);

const helperClass = src(
  `import { Window } from "./no-revocable-escape-helpers.js";`,
  `export function window(r: Revocable<Mmio>) {`,
  `  return r.tryAccessWith((m) => new Window(m).regs.readl(0));`,
  `}`,
);

const outerVariable = src(
  `export function twoStep(r: Revocable<Mmio>) {`,
  `  let m: Mmio | undefined;`,
  `  {`,
  `    using g = r.tryAccess();`,
  `    if (g) m = g.value;`,
  `  }`,
  `  return m?.readl(0);`,
  `}`,
);

const promiseContinuation = src(`export function later(r: Revocable<Mmio>) {`, `  return r.tryAccessWith((m) => Promise.resolve().then(() => m.readl(0)));`, `}`);

const accessDriverData = src(
  `export const d = defineDriver({ name: "foo-dd", probe(dev) {`,
  `  const regs = devmIoremap(dev);`,
  `  return { regs, mmio: regs.access(dev) };`,
  `} });`,
);

const aliasIntoLiteral = src(
  `export class Holder {`,
  `  w?: { m: Mmio };`,
  `  take(r: Revocable<Mmio>) {`,
  `    using g = r.tryAccess();`,
  `    if (!g) return;`,
  `    const m = g.value;`,
  `    const w = { m };`,
  `    this.w = w;`,
  `  }`,
  `}`,
);

const storedCallback = src(
  `export class Chip {`,
  `  onIdle?: () => void;`,
  `  arm(r: Revocable<Mmio>) {`,
  `    using g = r.tryAccess();`,
  `    if (!g) return;`,
  `    this.onIdle = () => g.value.writel(0, 0);`,
  `  }`,
  `}`,
);

const collectionField = src(
  `export class Pool {`,
  `  maps: Mmio[] = [];`,
  `  add(r: Revocable<Mmio>) {`,
  `    r.tryAccessWith((m) => { this.maps.push(m); });`,
  `  }`,
  `}`,
);

const classDriverAccess = src(
  `export class FooDrv implements DriverOps<{}> {`,
  `  name = "foo-cls";`,
  `  regs?: Mmio;`,
  `  probe(dev: Device<Core>) {`,
  `    const r = devmIoremap(dev);`,
  `    this.regs = r.access(dev);`,
  `    return {};`,
  `  }`,
  `}`,
);

const asyncGuard = src(
  `declare function settle(): Promise<void>;`,
  `export async function asyncGrab(r: Revocable<Mmio>, out: { m?: Mmio }) {`,
  `  await settle();`,
  `  using g = r.tryAccess();`,
  `  if (g) out.m = g.value;`,
  `}`,
);

const byReference = src(`function leak(m: Mmio) {`, `  return m;`, `}`, `export function get(r: Revocable<Mmio>) { return r.tryAccessWith(leak); }`);

const reexported = src(
  `import { Rcu, stash } from "./no-revocable-escape-reexport.js";`,
  `export function warm(r: Rcu<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (g) stash(g.value);`,
  `}`,
);

const ownBrandedApi = src(
  `import { Lease } from "./no-revocable-escape-reexport.js";`,
  `let kept: Mmio | undefined;`,
  `export function hold(l: Lease<Mmio>) {`,
  `  l.enter((m) => { kept = m; });`,
  `}`,
);

ruleTester.run("no-revocable-escape", rule, {
  valid: [
    valid("a register value read in the guard's section", `export function read(r: Revocable<Mmio>) { using g = r.tryAccess(); if (!g) return -19; return g.value.readl(0x10); }`),
    valid("a register value from tryAccessWith", `export function read(r: Revocable<Mmio>) { return r.tryAccessWith((m) => m.readl(0)); }`),
    valid("an array of register values", `export function snap(r: Revocable<Mmio>) { return r.tryAccessWith((m) => [m.readl(0), m.readl(4)]); }`),
    valid("a plain helper in another file", `import { readStatus } from "./no-revocable-escape-helpers.js";`, `export function st(r: Revocable<Mmio>) { return r.tryAccessWith((m) => readStatus(m)); }`),
    valid(
      "access(dev) captured by a devm IRQ handler (a bound callback)",
      `export const d = defineDriver({ name: "ok", probe(dev) { const regs = devmIoremap(dev); const m = regs.access(dev); devmRequestIrq(dev, 0, () => m.writel(1, 0)); return { regs }; } });`,
    ),
    valid("array methods inside the section", `export function sum(r: Revocable<Mmio>) { return r.tryAccessWith((m) => [0, 4, 8].map((o) => m.readl(o)).reduce((a, b) => a + b, 0)); }`),
    valid("a local alias used locally", `export function poke(r: Revocable<Mmio>) { using g = r.tryAccess(); if (!g) return; const x = g.value; x.writel(1, 0); }`),
    valid("a revocable number is a plain value", `let saved = 0;`, `export function n(r: Revocable<number>) { using g = r.tryAccess(); if (g) saved = g.value; return saved; }`),
    valid("a string member copied out", `export class L { label = ""; take(r: Revocable<{ label: string }>) { using g = r.tryAccess(); if (g) this.label = g.value.label; } }`),
    valid("a helper that hands the value back, used inside", `import { pass } from "./no-revocable-escape-helpers.js";`, `export function rd(r: Revocable<Mmio>) { return r.tryAccessWith((m) => pass(m).readl(0)); }`),
    valid("a deferred callback opening its own section", `export function later(r: Revocable<Mmio>) { setTimeout(() => r.tryAccessWith((m) => m.writel(0, 0)), 10); }`),
    valid("third-party tryAccess without the brand", `class Cache { tryAccess() { return { value: { n: 1 } }; } }`, `let kept: unknown;`, `export function f(c: Cache) { const g = c.tryAccess(); kept = g.value; }`),
    valid("the user's own branded API, plain value", `import { Lease } from "./no-revocable-escape-reexport.js";`, `export function rd(l: Lease<Mmio>) { return l.enter((m) => m.readl(0)); }`),
    valid("access(dev) used within the bound scope", `export const d = defineDriver({ name: "ok", probe(dev) { const regs = devmIoremap(dev); const m = regs.access(dev); m.writel(1, 0); return { regs }; } });`),
    // a deferred callback that calls access(dev) itself obtains nothing from probe's section: the
    // captured `dev` is the bug (no-bound-device-escape reports it), not a revocable value escaping
    valid("a timer calling access(dev) inline", `export const d = defineDriver({ name: "ok", probe(dev) { const regs = devmIoremap(dev); setTimeout(() => regs.access(dev).writel(0, 1), 10); return { regs }; } });`),
    valid("a timer keeping its own access(dev) in a local", `export const d = defineDriver({ name: "ok", probe(dev) { const regs = devmIoremap(dev); setTimeout(() => { const m = regs.access(dev); m.writel(0, 1); }, 10); return { regs }; } });`),
    valid("a promise reaction calling access(dev)", `declare const ready: Promise<void>;`, `export const d = defineDriver({ name: "ok", probe(dev) { const regs = devmIoremap(dev); void ready.then(() => regs.access(dev)); return { regs }; } });`),
  ],
  invalid: [
    invalid("guard value stored in a field", guardField, { line: 8, needle: "g.value", kind: "stored", section: { guard: "g", resource: "this.regs" }, sink: "the field `this.cached`" }),
    invalid("tryAccessWith callback returns its parameter", callbackReturnsParam, {
      line: 3,
      needle: "m",
      nth: 2,
      kind: "returned",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "the callback's result, which tryAccessWith() hands to its caller",
    }),
    invalid("access(dev) result captured by a timer", accessCapturedByTimer, {
      line: 5,
      needle: "m",
      nth: 2,
      kind: "captured",
      section: { access: "regs.access(dev)", dev: "dev", resource: "regs" },
      sink: "a setTimeout callback",
    }),
    invalid("access(dev) in a synchronous callback of probe, captured by a timer", accessInSyncCallback, {
      line: 5,
      needle: "m",
      nth: 2,
      kind: "captured",
      section: { access: "regs.access(dev)", dev: "dev", resource: "regs" },
      sink: "a setTimeout callback",
    }),
    invalid("guard value in a module variable", moduleVariable, { line: 5, needle: "g.value", kind: "stored", section: { guard: "g", resource: "r" }, sink: "the module variable `current`" }),
    invalid("the guard itself returned", guardReturned, { line: 4, needle: "g", kind: "returned", section: { guard: "g", resource: "r" }, sink: "the return value of `open`" }),
    invalid("a callback passed by reference returns its parameter", byReference, {
      line: 3,
      needle: "m",
      kind: "returned",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "the callback's result, which tryAccessWith() hands to its caller",
    }),
    invalid("a destructured part of the callback parameter", destructured, {
      line: 4,
      needle: "bank",
      nth: 2,
      kind: "stored",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "the module variable `saved`",
    }),
    invalid("a member object of the value", memberObject, { line: 8, needle: "g.value.bank", kind: "stored", section: { guard: "g", resource: "this.hw" }, sink: "the field `this.bank`" }),
    invalid("a helper in another file keeps it", helperOtherFile, {
      line: 5,
      needle: "g.value",
      kind: "helper",
      section: { guard: "g", resource: "r" },
      sink: "`cacheMapping`, which keeps its parameter `m` in the collection `mappings`",
    }),
    invalid("a re-exported Revocable and a re-exported helper", reexported, {
      line: 5,
      needle: "g.value",
      kind: "helper",
      section: { guard: "g", resource: "r" },
      sink: "`cacheMapping`, which keeps its parameter `m` in the collection `mappings`",
    }),
    invalid("the user's own API with the AccessSection brand", ownBrandedApi, {
      line: 5,
      needle: "m",
      nth: 2,
      kind: "stored",
      section: { callback: "enter", resource: "l" },
      sink: "the module variable `kept`",
    }),
    invalid("a renamed helper defers it", helperRenamedDeferred, {
      line: 4,
      needle: "m",
      nth: 2,
      kind: "helper",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "`pollLater`, which keeps its parameter `m` in a setTimeout callback",
    }),
    invalid("a class from another file keeps it in a field", helperClass, {
      line: 4,
      needle: "m",
      nth: 2,
      kind: "helper",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "`new Window()`, which keeps its parameter `regs` in the field `this.regs`",
    }),
    invalid("a variable declared before the guard's block", outerVariable, {
      line: 6,
      needle: "g.value",
      kind: "stored",
      section: { guard: "g", resource: "r" },
      sink: "the variable `m` declared outside this scope",
    }),
    invalid("a promise continuation captures the callback parameter", promiseContinuation, {
      line: 3,
      needle: "m",
      nth: 3,
      kind: "captured",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "a promise continuation (.then)",
    }),
    invalid("access(dev) returned as driver data", accessDriverData, {
      line: 4,
      needle: "regs.access(dev)",
      kind: "returned",
      section: { access: "regs.access(dev)", dev: "dev", resource: "regs" },
      sink: "the driver data of foo-dd (`mmio`)",
    }),
    invalid("an alias put into a literal stored in a field", aliasIntoLiteral, {
      line: 8,
      needle: "m",
      kind: "stored",
      section: { guard: "g", resource: "r" },
      sink: "the field `this.w` (as `m`)",
    }),
    invalid("a stored callback reads the guard later", storedCallback, {
      line: 7,
      needle: "g.value",
      kind: "captured",
      section: { guard: "g", resource: "r" },
      sink: "a callback stored in `this.onIdle`",
    }),
    invalid("pushed into a field's array", collectionField, {
      line: 5,
      needle: "m",
      nth: 3,
      kind: "stored",
      section: { callback: "tryAccessWith", resource: "r" },
      sink: "the collection `this.maps`",
    }),
    invalid("class driver keeps access(dev) in a field", classDriverAccess, {
      line: 7,
      needle: "r.access(dev)",
      kind: "stored",
      section: { access: "r.access(dev)", dev: "dev", resource: "r" },
      sink: "the field `this.regs`",
    }),
    invalid("async function stores the guard value in a parameter's member", asyncGuard, {
      line: 6,
      needle: "g.value",
      kind: "stored",
      section: { guard: "g", resource: "r" },
      sink: "the field `out.m`",
    }),
  ],
});
