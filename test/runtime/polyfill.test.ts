// `using` needs Symbol.dispose; the runtime defines it where the platform lacks it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import vm from "node:vm";
import { expect, test } from "vitest";
import { Revocable } from "@devbound/runtime";

const require = createRequire(import.meta.url);
const polyfill = readFileSync(require.resolve("@devbound/runtime").replace(/index\.js$/, "polyfill.js"), "utf8").replace(/^export \{\};?$/m, "");

test("defines Symbol.dispose and Symbol.asyncDispose when missing, and leaves existing ones alone", () => {
  const FakeSymbol = Object.assign(function FakeSymbol() {}, { for: Symbol.for });
  vm.runInNewContext(polyfill, { Symbol: FakeSymbol, Object });
  expect((FakeSymbol as unknown as { dispose: symbol }).dispose).toBe(Symbol.for("Symbol.dispose"));
  expect((FakeSymbol as unknown as { asyncDispose: symbol }).asyncDispose).toBe(Symbol.for("Symbol.asyncDispose"));
  const existing = Symbol("mine");
  const WithOne = Object.assign(function WithOne() {}, { for: Symbol.for, dispose: existing });
  vm.runInNewContext(polyfill, { Symbol: WithOne, Object });
  expect(WithOne.dispose).toBe(existing);
});

test("guards are disposable with the platform's Symbol.dispose (what a downlevelled `using` calls)", () => {
  const r = new Revocable(1);
  const g = r.tryAccess()!;
  expect(typeof g[Symbol.dispose]).toBe("function");
  g[Symbol.dispose]();
  expect(r.readers).toBe(0);
});

test("`using` downlevelled by tsc (target ES2022, as on Node 20) ends the section at block exit, on throw too", async () => {
  const ts = (await import("typescript")).default;
  const src = `
    export function run(r: any, fail: boolean) {
      let seen: unknown;
      try {
        using g = r.tryAccess();
        seen = g.value;
        if (fail) throw new Error("inside");
      } catch {}
      return [seen, r.readers];
    }`;
  const js = ts.transpileModule(src, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS } }).outputText;
  expect(js).not.toMatch(/\busing g\b/); // really downlevelled
  const mod = { exports: {} as { run: (r: unknown, fail: boolean) => [unknown, number] } };
  vm.runInThisContext(`(function (exports, module) {${js}\n})`)(mod.exports, mod);
  expect(mod.exports.run(new Revocable("v"), false)).toEqual(["v", 0]);
  expect(mod.exports.run(new Revocable("w"), true)).toEqual(["w", 0]);
});
