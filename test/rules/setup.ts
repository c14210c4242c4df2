// Shared RuleTester harness for every rule test (test/rules/<rule>.test.ts).
//
// Typed cases run in the small TypeScript project test/rules/project/ (tsconfig.json, file.ts,
// helper modules for "helper in another file" / re-export cases). Each case's `code` replaces
// file.ts's content in the project service; helper modules are real files on disk.
// `@devbound/runtime` resolves to packages/runtime/dist: run `pnpm build` first.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { afterAll, describe, it } from "vitest";

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const projectDir = path.join(path.dirname(fileURLToPath(import.meta.url)), "project");
/** The file every typed case is linted as (part of the project's tsconfig). */
export const filename = path.join(projectDir, "file.ts");

export const ruleTester = new RuleTester({
  languageOptions: {
    parserOptions: {
      projectService: true,
      tsconfigRootDir: projectDir,
    },
  },
});

/** Join source lines (so expected line numbers in tests stay readable). */
export const code = (...lines: string[]): string => lines.join("\n");

/**
 * 1-based line/column of the `occurrence`-th `needle` in `source`: lets a case state its exact
 * expected location by pointing at the text the report must start at.
 */
export function at(source: string, needle: string, occurrence = 1): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = source.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`at(): ${JSON.stringify(needle)} (#${occurrence}) not in the case's code`);
  }
  const before = source.slice(0, index).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}
