// util/typescript.ts: the lazily loaded `ts`. Its exports are plain values read once (the bundle's
// getters cost a call on every `ts.X` read in the analysis's hottest loops), but for the exports
// the compiler assigns again after loading, which stay live.
import fs from "node:fs";
import { createRequire } from "node:module";
import realTs from "typescript";
import { describe, expect, it } from "vitest";
import { LIVE_EXPORTS, ts } from "../../packages/eslint-plugin/src/util/typescript.js";

describe("util/typescript.ts's ts", () => {
  it("holds the compiler's own exports, read once into plain values", () => {
    expect(ts.SyntaxKind).toBe(realTs.SyntaxKind);
    expect(ts.isIdentifier).toBe(realTs.isIdentifier);
    for (const name of ["SyntaxKind", "isIdentifier", "forEachChild", "TypeFlags"]) {
      const d = Object.getOwnPropertyDescriptor(ts, name)!;
      expect(d.get, name).toBeUndefined();
      expect(d.value, name).toBe((realTs as unknown as Record<string, unknown>)[name]);
    }
    expect(Object.keys(ts).sort()).toEqual(Object.keys(realTs).sort());
  });

  it("keeps the exports the compiler assigns again live: exactly those typescript.js assigns inside a function", () => {
    const file = createRequire(import.meta.url).resolve("typescript");
    const source = fs.readFileSync(file, "utf8");
    // one pass over the bundle (a regular expression per export took half a minute)
    const assignedInFunctions = new Set(Array.from(source.matchAll(/^\s+([A-Za-z_$][\w$]*) = /gm), (m) => m[1]));
    const reassigned = Object.keys(realTs).filter((name) => assignedInFunctions.has(name));
    expect(reassigned.sort()).toEqual([...LIVE_EXPORTS].sort());
    void ts.SyntaxKind; // loaded
    for (const name of LIVE_EXPORTS) expect(Object.getOwnPropertyDescriptor(ts, name)?.get, name).toBeTypeOf("function");
  });
});
