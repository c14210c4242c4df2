// name-index.ts's reachesBranded filter (mayReachBranded) over recursive helpers: the same answers
// whichever helper of a cycle is asked first, and a recursive helper that passes its parameter to
// a branded call (i2cAddAdapter's KobjectParam) is never filtered out.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { mayBeDeviceValue, mayNameFunction, mayReachBranded } from "../../packages/eslint-plugin/src/analysis/name-index.js";
import { analysisOf } from "./typed-program.js";

const CODE = [
  `import { i2cAddAdapter, type I2cAdapter } from "@devbound/runtime";`,
  // self-recursive, reaches the branded call
  "export function walk(a: I2cAdapter, n: number): void { if (n > 0) walk(a, n - 1); else i2cAddAdapter(a); }",
  // self-recursive, reaches nothing
  "export function spin(a: I2cAdapter, n: number): void { if (n > 0) spin(a, n - 1); }",
  // a cycle of two, one of them reaching the branded call
  "export function ping(a: I2cAdapter, n: number): void { if (n > 0) pong(a, n - 1); }",
  "export function pong(a: I2cAdapter, n: number): void { if (n > 0) ping(a, n - 1); else i2cAddAdapter(a); }",
  // a cycle of two reaching nothing
  "export function tick(a: I2cAdapter, n: number): void { if (n > 0) tock(a, n - 1); }",
  "export function tock(a: I2cAdapter, n: number): void { if (n > 0) tick(a, n - 1); }",
  // a const alias of a helper that reaches the branded call
  "export const again = walk;",
  "declare const adapter: I2cAdapter;",
  "walk(adapter, 1); spin(adapter, 1); ping(adapter, 1); pong(adapter, 1); tick(adapter, 1); tock(adapter, 1); again(adapter, 1);",
].join("\n");

const EXPECTED: Record<string, boolean> = { walk: true, spin: false, ping: true, pong: true, tick: false, tock: false, again: true };

/** The module-level call of `name` (a statement of its own). */
function callOf(sf: ts.SourceFile, name: string): ts.CallExpression {
  for (const st of sf.statements) {
    const e = ts.isExpressionStatement(st) ? st.expression : undefined;
    if (e && ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === name) return e;
  }
  throw new Error(`no call of ${name}`);
}

describe("name index: reachesBranded over recursion", () => {
  for (const order of [Object.keys(EXPECTED), Object.keys(EXPECTED).reverse()]) {
    it(`asked in the order ${order.join(", ")}`, () => {
      const an = analysisOf(CODE);
      const answers = Object.fromEntries(order.map((name) => [name, mayReachBranded(an.checker, callOf(an.sourceFile, name), 0)]));
      expect(answers).toEqual(EXPECTED);
      // the second parameter (a number) reaches nothing: the filter spares the lookup for every one
      for (const name of order) expect(mayReachBranded(an.checker, callOf(an.sourceFile, name), 1), name).toBe(false);
      // a const alias is known as a function name (call-sites.ts follows it)
      expect(mayNameFunction(an.checker, "again")).toBe(true);
      expect(mayNameFunction(an.checker, "adapter")).toBe(false);
    });
  }
});

// mayBeDeviceValue over generic calls: a signature whose return type mentions its own type
// parameters may return a device only through the arguments those are inferred from.
const GENERIC_DECLS = [
  `import { devmKzalloc, devmKzalloc as devm_kzalloc, devmIoremap, type Bound, type Device } from "@devbound/runtime";`,
  "declare function keep<T>(x: T): T;",
  "declare function make<T>(init: () => T): T;",
  "declare function both<T>(a: T, b: T): T;",
  "declare function boxed<T>(x: T): { v: T };",
  "declare function orDevice<T>(init: () => T): T | Device<Bound>;",
  "declare function onlyDevices<T extends Device<Bound>>(init: () => T): T;",
  "declare function fold<T>(step: (acc: T) => T): T;",
  "declare function first<T>(...xs: T[]): T;",
  "declare function pick<T>(xs: readonly T[]): T | undefined;",
  "declare function maybe<T>(init?: () => T): T;",
  "declare function over<T>(init: () => T): T;",
  "declare function over(n: number): Device<Bound>;",
  "declare function gen<T>(init: () => Generator<T>): T;",
  "declare const dev: Device<Bound>;",
  "declare const devs: Device<Bound>[];",
  "declare const flag: boolean;",
  "declare function make2(): () => number;",
];

/** [initialiser, may it be a device] */
const GENERIC_CASES: Array<[string, boolean]> = [
  // the runtime's devmKzalloc<T extends object>(dev, init: () => T): Managed<T>, and a renaming import of it
  ["devmKzalloc(dev, () => ({ n: 0 }))", false],
  ["devm_kzalloc(dev, () => ({ n: 0 }))", false],
  ["devmKzalloc(dev, () => new Map<string, number>())", false],
  ["devmKzalloc(dev, () => dev)", true],
  ["devmKzalloc(dev, () => ({ ...dev }))", true],
  ["devmKzalloc(dev, () => ({ ['__devboundContext']: 1 }))", true],
  ["devmKzalloc(dev, function () { if (flag) return { n: 1 }; return { n: 2 }; })", false],
  ["devmKzalloc(dev, () => { if (flag) return { n: 1 }; return dev; })", true],
  ["devmKzalloc(dev, () => { const f = () => dev; return { f }; })", false],
  // the revocable's tryAccessWith<R>(fn: SyncCallback<AccessSection<(value: T) => R>>): R | undefined
  ["devmIoremap(dev).tryAccessWith((m) => m.readl(0))", false],
  ["devmIoremap(dev).tryAccessWith((m) => m.readl(0)) ?? 0", false],
  ["devmIoremap(dev).tryAccessWith(async (m) => { await null; return m.readl(0); })", false],
  ["devmIoremap(dev).tryAccessWith(() => dev)", true],
  ["devmIoremap(dev).tryAccessWith(async () => dev)", true],
  // the value itself
  ["keep(1)", false],
  ["keep({ n: dev.name })", false],
  ["keep(dev)", true],
  ["keep({ ...dev })", true],
  ["keep(make(() => 1))", false],
  ["keep(make(() => dev))", true],
  ["make(() => keep(dev))", true],
  ["flag ? keep(1) : make(() => 2)", false],
  ["flag ? keep(1) : make(() => dev)", true],
  ["pick([1, 2])", false],
  ["pick([1, dev])", true],
  ["pick([...devs])", true],
  // conservative: explicit type arguments, a spread or missing argument, a callback that is no literal,
  // annotated, without a returned expression, a generator; two inference sites, a return type that
  // mentions T otherwise or may be a device anyway, a device constraint, T in the callback's
  // parameters, a rest parameter, overloads that may return a device whatever the arguments
  ["keep<number>(1)", true],
  ["keep(...[1])", true],
  ["maybe()", true],
  ["make(make2())", true],
  ["make((): number => 1)", true],
  ["make(() => { throw new Error('x'); })", true],
  ["make(() => { return; })", true],
  ["gen(function* () { yield 1; })", true],
  ["both(1, 2)", true],
  ["boxed(1)", true],
  ["orDevice(() => 1)", true],
  ["onlyDevices(() => ({}))", true],
  ["fold(() => 1)", true],
  ["first(1)", true],
  ["first([1], dev)", true],
  ["over(() => 1)", true],
];

describe("name index: mayBeDeviceValue over generic calls", () => {
  it("answers from the arguments the type parameters are inferred from", () => {
    const code = [...GENERIC_DECLS, ...GENERIC_CASES.map(([init], i) => `export const v${i} = ${init};`)].join("\n");
    const an = analysisOf(code);
    const initializers = new Map<string, ts.Expression>();
    for (const st of an.sourceFile.statements) {
      if (!ts.isVariableStatement(st)) continue;
      for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) initializers.set(d.name.text, d.initializer);
    }
    const answers = GENERIC_CASES.map(([init], i) => [init, mayBeDeviceValue(an.checker, initializers.get(`v${i}`))]);
    expect(answers).toEqual(GENERIC_CASES);
  });
});
