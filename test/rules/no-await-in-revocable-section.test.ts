// RuleTester cases for devbound/no-await-in-revocable-section: awaits, `for await`, and promises
// returned to a tryAccessWith section, which keep the read side open and make unbind wait; the
// `allowAwaitOf` option and its schema.
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import rule from "../../packages/eslint-plugin/src/rules/no-await-in-revocable-section.js";
import { filename, ruleTester } from "./setup.js";

const RT = `import { Devres, Mmio, Revocable, defineDriver, devmIoremap, type Core, type Device, type DriverOps } from "@devbound/runtime";`;
const H = `import { send, readl, samples } from "./no-await-in-revocable-section-helpers.js";`;

const src = (...lines: string[]) => ({ code: [RT, H, ...lines].join("\n"), lines: [RT, H, ...lines] });

interface Expected {
  line: number;
  needle: string;
  nth?: number;
  kind: "await" | "forAwait" | "yield" | "returnedPromise";
  /** the awaited thing, e.g. "`send()`" (await) or "a promise (`send()`)" (returnedPromise) */
  what?: string;
  resource: string;
  /** "guard g" or "callback" */
  section: string;
}

function err(lines: string[], e: Expected) {
  const text = lines[e.line - 1]!;
  let idx = -1;
  for (let k = 0; k < (e.nth ?? 1); k++) idx = text.indexOf(e.needle, idx + 1);
  if (idx < 0) throw new Error(`needle ${e.needle} not on line ${e.line}`);
  const section = e.section.startsWith("guard ")
    ? `the tryAccess() guard \`${e.section.slice(6)}\``
    : e.kind === "returnedPromise"
      ? "This tryAccessWith() callback"
      : "a tryAccessWith() callback";
  return {
    messageId: e.kind,
    data: { resource: e.resource, section, ...(e.what ? { what: e.what } : {}) },
    line: e.line,
    column: idx + 1,
    endLine: e.line,
    endColumn: idx + 1 + e.needle.length,
  };
}

function invalid(name: string, c: ReturnType<typeof src>, options: [{ allowAwaitOf?: string[] }] | undefined, ...expected: Expected[]) {
  return { name, filename, code: c.code, ...(options ? { options } : {}), errors: expected.map((e) => err(c.lines, e)) as never[] };
}
const valid = (name: string, lines: string[], options?: [{ allowAwaitOf?: string[] }]) => ({ name, filename, code: [RT, H, ...lines].join("\n"), ...(options ? { options } : {}) });

const guardMethod = src(
  `export class Sensor {`,
  `  constructor(private readonly regs: Devres<Mmio>, private readonly link: { send(v: number): Promise<void> }) {}`,
  `  async forward() {`,
  `    using g = this.regs.tryAccess();`,
  `    if (!g) return -19;`,
  `    const raw = g.value.readl(0);`,
  `    await this.link.send(raw);`,
  `    return raw;`,
  `  }`,
  `}`,
);

const asyncCallback = src(`export function fw(r: Revocable<Mmio>) {`, `  return r.tryAccessWith(async (m) => {`, `    await send(m.readl(4));`, `    return m.readl(8);`, `  });`, `}`);

const returnsPromise = src(`export function push(r: Revocable<Mmio>) {`, `  return r.tryAccessWith((m) => send(m.readl(0)));`, `}`);

const forAwait = src(
  `export async function drain(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  for await (const s of samples()) g.value.writel(s, 0);`,
  `}`,
);

const nestedBlock = src(
  `export async function maybe(r: Revocable<Mmio>, flush: boolean) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  if (flush) {`,
  `    await send(g.value.readl(0));`,
  `  }`,
  `}`,
);

const inLoop = src(
  `export async function burst(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  for (let i = 0; i < 4; i++) await send(g.value.readl(i * 4));`,
  `}`,
);

const functionExpression = src(`export function fx(r: Revocable<Mmio>) {`, `  r.tryAccessWith(async function (m) { await send(m.readl(0)); });`, `}`);

const blockReturnsPromise = src(
  `export function blk(r: Revocable<Mmio>) {`,
  `  return r.tryAccessWith((m) => {`,
  `    const v = m.readl(0);`,
  `    return send(v);`,
  `  });`,
  `}`,
);

const renamedImport = src(
  `import { send as transmit } from "./no-await-in-revocable-section-helpers.js";`,
  `export async function tx(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (g) await transmit(g.value.readl(0));`,
  `}`,
);

const twoAwaits = src(
  `export async function two(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  await send(1); await send(2);`,
  `}`,
);

const awaitVariable = src(
  `export async function pend(r: Revocable<Mmio>, pending: Promise<void>) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  g.value.writel(1, 0);`,
  `  await pending;`,
  `}`,
);

const allowOtherName = src(
  `export async function other(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  await send(await readl(g.value, 0));`,
  `}`,
);

const classDriverDevres = src(
  `export class FooDrv implements DriverOps<{ regs: Devres<Mmio> }> {`,
  `  name = "foo-drv";`,
  `  probe(dev: Device<Core>) { return { regs: devmIoremap(dev) }; }`,
  `  async report(data: { regs: Devres<Mmio> }) {`,
  `    using g = data.regs.tryAccess();`,
  `    if (g) { await send(g.value.readl(0)); }`,
  `  }`,
  `}`,
);

// Narrowed returns: the declared type says less than the checker's narrowed one (call-sites.ts declaredTypeOf)
const returnsNarrowedObject = src(
  `export function pick(r: Revocable<Mmio>, pending: object) {`,
  `  return r.tryAccessWith((m) => {`,
  `    m.readl(0);`,
  `    if (pending instanceof Promise) return pending;`,
  `    return 0;`,
  `  });`,
  `}`,
);
const returnsPromiseOperand = src(`export function cond(r: Revocable<Mmio>) {`, `  return r.tryAccessWith((m) => m.readl(0) > 0 && send(1));`, `}`);
const returnAwait = src(`export function ra(r: Revocable<Mmio>) {`, `  return r.tryAccessWith(async (m) => { return await send(m.readl(0)); });`, `}`);

const objectDriver = src(
  `declare function settle(): Promise<void>;`,
  `export const d = defineDriver({ name: "foo-obj", async probe(dev) {`,
  `  const regs = devmIoremap(dev);`,
  `  await regs.tryAccessWith(async (m) => { m.writel(1, 0); await settle(); });`,
  `  return { regs };`,
  `} });`,
);

const byReference = src(
  `async function upload(m: Mmio) {`,
  `  await send(m.readl(0));`,
  `}`,
  `export function up(r: Revocable<Mmio>) { return r.tryAccessWith(upload); }`,
);

const ownBrandedApi = src(
  `import { Lease, Bar } from "./no-revocable-escape-reexport.js";`,
  `export function hold(l: Lease<Mmio>, b: Bar<Mmio>) {`,
  `  l.enter(async (m) => { await send(m.readl(0)); });`,
  `  return b.tryAccessWith((m) => send(m.readl(4)));`,
  `}`,
);

const generator = src(
  `export function* scan(r: Revocable<Mmio>) {`,
  `  using g = r.tryAccess();`,
  `  if (!g) return;`,
  `  for (let o = 0; o < 16; o += 4) yield g.value.readl(o);`,
  `}`,
);

const tryBeforeFinally = src(
  `export async function f(r: Revocable<Mmio>) {`,
  `  const g = r.tryAccess();`,
  `  if (!g) return;`,
  `  try {`,
  `    await send(g.value.readl(0));`,
  `  } finally {`,
  `    g[Symbol.dispose]();`,
  `  }`,
  `}`,
);

const finallyMaybeDisposes = src(
  `export async function f(r: Revocable<Mmio>, early: boolean) {`,
  `  const g = r.tryAccess();`,
  `  if (!g) return;`,
  `  try {`,
  `    g.value.writel(1, 0);`,
  `  } finally {`,
  `    if (early) g[Symbol.dispose]();`,
  `  }`,
  `  await send(0);`,
  `}`,
);

ruleTester.run("no-await-in-revocable-section", rule, {
  valid: [
    valid("await after the guard's block", [
      `export async function f(r: Revocable<Mmio>) {`,
      `  let raw = 0;`,
      `  { using g = r.tryAccess(); if (!g) return; raw = g.value.readl(0); }`,
      `  await send(raw);`,
      `}`,
    ]),
    valid("a callback returning a value narrowed out of a promise union", [
      `export function pick(r: Revocable<Mmio>, v: Promise<number> | number) {`,
      `  return r.tryAccessWith((m) => { m.readl(0); if (typeof v === "number") return v; return 0; });`,
      `}`,
    ]),
    valid("a callback returning an operator's result on a promise operand (a string or a number, never a promise)", [
      `export function tag(r: Revocable<Mmio>, p: Promise<number>) {`,
      `  return r.tryAccessWith((m) => p + "@" + m.readl(0));`,
      `}`,
    ]),
    valid("await before the guard", [`export async function f(r: Revocable<Mmio>) { await send(0); using g = r.tryAccess(); return g?.value.readl(0); }`]),
    valid("await where the guard is null: no section was opened", [
      `export async function f(r: Revocable<Mmio>) {`,
      `  using g = r.tryAccess();`,
      `  if (!g) { await send(-19); return; }`,
      `  return g.value.readl(0);`,
      `}`,
    ]),
    valid("await in the else branch of if (g)", [`export async function f(r: Revocable<Mmio>) { using g = r.tryAccess(); if (g) g.value.writel(0, 0); else await send(-19); }`]),
    valid("await after an explicit dispose", [
      `export async function f(r: Revocable<Mmio>) {`,
      `  const g = r.tryAccess();`,
      `  if (!g) return;`,
      `  const v = g.value.readl(0);`,
      `  g[Symbol.dispose]();`,
      `  await send(v);`,
      `}`,
    ]),
    valid("await after a try whose finally disposes the guard (issue 12)", [
      `export async function f(r: Revocable<Mmio>) {`,
      `  const g = r.tryAccess();`,
      `  let v = 0;`,
      `  try {`,
      `    v = g?.value.readl(0) ?? 0;`,
      `  } finally {`,
      `    g?.[Symbol.dispose]();`,
      `  }`,
      `  await send(v);`,
      `}`,
    ]),
    valid("await in the finally block after its dispose, the dispose guarded by if (g)", [
      `export async function f(r: Revocable<Mmio>) {`,
      `  const g = r.tryAccess();`,
      `  if (!g) return;`,
      `  try {`,
      `    g.value.writel(1, 0);`,
      `  } finally {`,
      `    if (g) g[Symbol.dispose]();`,
      `    await send(0);`,
      `  }`,
      `}`,
    ]),
    valid("a nested async function defined in the section runs later", [
      `export function f(r: Revocable<Mmio>, queue: (fn: () => Promise<void>) => void) {`,
      `  r.tryAccessWith((m) => { const v = m.readl(0); queue(async () => { await send(v); }); });`,
      `}`,
    ]),
    valid("access(dev) opens no section", [`export const d = defineDriver({ name: "ok", async probe(dev) { const regs = devmIoremap(dev); const m = regs.access(dev); await send(m.readl(0)); return { regs }; } });`]),
    valid("allowAwaitOf: an allowed call", [`export async function f(r: Revocable<Mmio>) { using g = r.tryAccess(); if (!g) return; return await readl(g.value, 0); }`], [{ allowAwaitOf: ["readl"] }]),
    valid("allowAwaitOf: an allowed method call", [`export async function f(r: Revocable<Mmio>, bus: { readl(o: number): Promise<number> }) { return r.tryAccessWith(async () => { return await bus.readl(0); }); }`], [{ allowAwaitOf: ["readl"] }]),
    valid("a synchronous callback returning a number", [`export function f(r: Revocable<Mmio>) { return r.tryAccessWith((m) => m.readl(0)); }`]),
    valid("an async callback without await returning a number", [`export function f(r: Revocable<Mmio>) { return r.tryAccessWith(async (m) => m.readl(0)); }`]),
    valid("third-party tryAccess without the brand", [`class Pool { tryAccess() { return { value: 1, [Symbol.dispose]() {} }; } }`, `export async function f(p: Pool) { using g = p.tryAccess(); await send(g.value); }`]),
    valid("a generator that copies out, then yields", [`export function* scan(r: Revocable<Mmio>) { const regs = r.tryAccessWith((m) => [m.readl(0), m.readl(4)]) ?? []; for (const v of regs) yield v; }`]),
    valid("for await outside any section", [`export async function f(r: Revocable<Mmio>) { for await (const s of samples()) r.tryAccessWith((m) => m.writel(s, 0)); }`]),
  ],
  invalid: [
    invalid("await inside the try block, before its finally disposes the guard", tryBeforeFinally, undefined, { line: 7, needle: "await send(g.value.readl(0))", kind: "await", what: "`send()`", resource: "r", section: "guard g" }),
    invalid("await after a finally that disposes only on another condition", finallyMaybeDisposes, undefined, { line: 11, needle: "await send(0)", kind: "await", what: "`send()`", resource: "r", section: "guard g" }),
    invalid("await of a method in a guard section (class)", guardMethod, undefined, { line: 9, needle: "await this.link.send(raw)", kind: "await", what: "`this.link.send()`", resource: "this.regs", section: "guard g" }),
    invalid("await in an async tryAccessWith callback", asyncCallback, undefined, { line: 5, needle: "await send(m.readl(4))", kind: "await", what: "`send()`", resource: "r", section: "callback" }),
    invalid("a tryAccessWith callback returning a promise", returnsPromise, undefined, {
      line: 4,
      needle: "send(m.readl(0))",
      kind: "returnedPromise",
      what: "a promise (`send()`)",
      resource: "r",
      section: "callback",
    }),
    invalid("for await in a guard section", forAwait, undefined, { line: 6, needle: "await", kind: "forAwait", resource: "r", section: "guard g" }),
    invalid("await in a nested block of the section", nestedBlock, undefined, { line: 7, needle: "await send(g.value.readl(0))", kind: "await", what: "`send()`", resource: "r", section: "guard g" }),
    invalid("await in a loop of the section", inLoop, undefined, { line: 6, needle: "await send(g.value.readl(i * 4))", kind: "await", what: "`send()`", resource: "r", section: "guard g" }),
    invalid("async function expression callback", functionExpression, undefined, { line: 4, needle: "await send(m.readl(0))", kind: "await", what: "`send()`", resource: "r", section: "callback" }),
    invalid("a callback returning an object narrowed to a promise", returnsNarrowedObject, undefined, { line: 6, needle: "pending", nth: 2, kind: "returnedPromise", what: "a promise (`pending`)", resource: "r", section: "callback" }),
    invalid("a callback returning `&&`'s promise operand", returnsPromiseOperand, undefined, { line: 4, needle: "m.readl(0) > 0 && send(1)", kind: "returnedPromise", what: "a promise (`m.readl(0) > 0 && send(1)`)", resource: "r", section: "callback" }),
    invalid("a block-bodied callback returning a promise", blockReturnsPromise, undefined, { line: 6, needle: "send(v)", kind: "returnedPromise", what: "a promise (`send()`)", resource: "r", section: "callback" }),
    invalid("a renamed import", renamedImport, undefined, { line: 6, needle: "await transmit(g.value.readl(0))", kind: "await", what: "`transmit()`", resource: "r", section: "guard g" }),
    invalid(
      "two awaits",
      twoAwaits,
      undefined,
      { line: 6, needle: "await send(1)", kind: "await", what: "`send()`", resource: "r", section: "guard g" },
      { line: 6, needle: "await send(2)", kind: "await", what: "`send()`", resource: "r", section: "guard g" },
    ),
    invalid("await of a promise variable", awaitVariable, undefined, { line: 7, needle: "await pending", kind: "await", what: "`pending`", resource: "r", section: "guard g" }),
    invalid(
      "allowAwaitOf allows readl, not send",
      allowOtherName,
      [{ allowAwaitOf: ["readl"] }],
      { line: 6, needle: "await send(await readl(g.value, 0))", kind: "await", what: "`send()`", resource: "r", section: "guard g" },
    ),
    invalid("without the option readl is reported too", allowOtherName, undefined, { line: 6, needle: "await send(await readl(g.value, 0))", kind: "await", what: "`send()`", resource: "r", section: "guard g" }, {
      line: 6,
      needle: "await readl(g.value, 0)",
      kind: "await",
      what: "`readl()`",
      resource: "r",
      section: "guard g",
    }),
    invalid("class driver method with a Devres guard", classDriverDevres, undefined, { line: 8, needle: "await send(g.value.readl(0))", kind: "await", what: "`send()`", resource: "data.regs", section: "guard g" }),
    invalid("a callback passed by reference", byReference, undefined, { line: 4, needle: "await send(m.readl(0))", kind: "await", what: "`send()`", resource: "r", section: "callback" }),
    {
      ...invalid("the user's own branded API and a re-exported Devres", ownBrandedApi, undefined, {
        line: 6,
        needle: "send(m.readl(4))",
        kind: "returnedPromise",
        what: "a promise (`send()`)",
        resource: "b",
        section: "callback",
      }),
      errors: [
        {
          messageId: "await" as const,
          data: { resource: "l", section: "a enter() callback", what: "`send()`" },
          line: 5,
          column: 26,
          endLine: 5,
          endColumn: 48,
        },
        err(ownBrandedApi.lines, { line: 6, needle: "send(m.readl(4))", kind: "returnedPromise", what: "a promise (`send()`)", resource: "b", section: "callback" }),
      ] as never[],
    },
    invalid("yield in a generator's section", generator, undefined, { line: 6, needle: "yield g.value.readl(o)", kind: "yield", resource: "r", section: "guard g" }),
    invalid("return await in an async callback", returnAwait, undefined, { line: 4, needle: "await send(m.readl(0))", kind: "await", what: "`send()`", resource: "r", section: "callback" }),
    invalid("object driver awaiting its own tryAccessWith", objectDriver, undefined, { line: 6, needle: "await settle()", kind: "await", what: "`settle()`", resource: "regs", section: "callback" }),
  ],
});

describe("no-await-in-revocable-section options schema", () => {
  const linter = new Linter({ configType: "flat" });
  const lint = (options: unknown) =>
    linter.verify("export {};", [{ plugins: { t: { rules: { r: rule as never } } }, rules: { "t/r": ["error", options] } }] as never, "x.js");
  it("accepts a list of names", () => {
    expect(() => lint({ allowAwaitOf: ["readl", "readw"] })).not.toThrow();
  });
  it("rejects a string instead of a list", () => {
    expect(() => lint({ allowAwaitOf: "readl" })).toThrow(/allowAwaitOf|should be array|must be array/i);
  });
  it("rejects empty names and duplicates", () => {
    expect(() => lint({ allowAwaitOf: [""] })).toThrow(/shorter than 1|fewer than 1/i);
    expect(() => lint({ allowAwaitOf: ["readl", "readl"] })).toThrow(/duplicate|unique/i);
  });
  it("rejects unknown options", () => {
    expect(() => lint({ allowAwait: ["readl"] })).toThrow(/additional properties/i);
  });
});
