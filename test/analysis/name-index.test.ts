// name-index.ts's reachesBranded filter (mayReachBranded) over recursive helpers: the same answers
// whichever helper of a cycle is asked first, and a recursive helper that passes its parameter to
// a branded call (i2cAddAdapter's KobjectParam) is never filtered out.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { mayNameFunction, mayReachBranded } from "../../packages/eslint-plugin/src/analysis/name-index.js";
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
