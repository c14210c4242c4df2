// Shared harness for the C rule tests (test/rules/<rule>.c.test.ts): ESLint's own RuleTester
// with the plugin, the devbound/c language and the kernel macro hints exactly as
// devbound.configs.kernel passes them, plus the helpers that pin a report's exact span.
import { RuleTester } from "eslint";
import { afterAll, describe, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";
import { kernelMacroHints } from "../../packages/eslint-plugin/src/c/vocabulary/hints.js";
import type { RuleName } from "../../packages/eslint-plugin/src/rules/index.js";

// ESLint's RuleTester runs its cases through these hooks (its types do not list afterAll).
const hooks = RuleTester as unknown as { afterAll: unknown; describe: unknown; it: unknown; itOnly: unknown };
hooks.afterAll = afterAll;
hooks.describe = describe;
hooks.it = it;
hooks.itOnly = it.only;

export { devbound };

export const cRuleTester = new RuleTester({
  plugins: { devbound: devbound as never },
  language: "devbound/c",
  languageOptions: { macroHints: kernelMacroHints } as never,
});

/** A case's C source from its lines. */
export const c = (...lines: string[]): string => lines.join("\n");

/** A flat config that lints `**\/*.c` as devbound.configs.kernel does (language, macro hints) with `rules`. */
export function cConfig(rules: Record<string, unknown>): never {
  return [{ files: ["**/*.c"], plugins: { devbound: devbound as never }, language: "devbound/c", languageOptions: { macroHints: kernelMacroHints }, rules }] as never;
}

/** A rule as ESLint's RuleTester takes it. */
export const cRule = (name: RuleName): never => devbound.rules[name] as never;

/** 1-based start and end of the `occurrence`-th `needle` in `source` (the report's whole span). */
export function span(source: string, needle: string, occurrence = 1): { line: number; column: number; endLine: number; endColumn: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = source.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`span(): ${JSON.stringify(needle)} (#${occurrence}) not in the case's code`);
  }
  const pos = (offset: number) => {
    const before = source.slice(0, offset).split("\n");
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  };
  const start = pos(index);
  const end = pos(index + needle.length);
  return { line: start.line, column: start.column, endLine: end.line, endColumn: end.column };
}
