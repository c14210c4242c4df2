// Shared RuleTester harness for every rule test (test/rules/<rule>.test.ts).
//
// Typed cases run in the small TypeScript project test/rules/project/ (tsconfig.json, file.ts,
// helper modules for "helper in another file" / re-export cases). Each case's `code` replaces
// file.ts's content in the project service; helper modules are real files on disk.
// `@devbound/runtime` resolves to packages/runtime/dist: run `pnpm build` first.
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RuleTester, type TestCaseError } from "@typescript-eslint/rule-tester";
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
 * An expected error given by its rendered text, so a case pins the whole message a user
 * reads. rule-tester checks `message` at run time; its types only know `messageId`.
 */
export function rendered<M extends string>(error: Omit<TestCaseError<M>, "messageId" | "data"> & { message: string }): TestCaseError<M> {
  return error as unknown as TestCaseError<M>;
}

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

// ---- the cases themselves must type-check ------------------------------------------------
// A typo in a case (a wrong import, a misspelt API) would make its types `any`: an invalid
// case would then fail loudly, but a VALID case would pass for the wrong reason. This rule
// reports the TypeScript diagnostics of the linted file; typecheckCases() runs every case's
// code through it and expects none.
import type ts from "typescript";
import { ESLintUtils } from "@typescript-eslint/utils";

const diagnosticsRule = ESLintUtils.RuleCreator.withoutDocs({
  meta: { type: "problem", schema: [], messages: { diagnostic: "TS{{code}}: {{text}}" } },
  defaultOptions: [],
  create(context) {
    const services = ESLintUtils.getParserServices(context);
    const sf = services.esTreeNodeToTSNodeMap.get(context.sourceCode.ast) as unknown as ts.SourceFile;
    const diags = [...services.program.getSyntacticDiagnostics(sf), ...services.program.getSemanticDiagnostics(sf)];
    for (const d of diags) {
      const text = typeof d.messageText === "string" ? d.messageText : d.messageText.messageText;
      const pos = d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start) : { line: 0, character: 0 };
      context.report({ loc: { line: pos.line + 1, column: pos.character }, messageId: "diagnostic", data: { code: String(d.code), text } });
    }
    return {};
  },
});

interface CaseLike {
  code: string;
  output?: string | string[] | null;
  errors?: ReadonlyArray<{ messageId?: string; line?: number; suggestions?: ReadonlyArray<{ output: string }> | null }>;
}

/** Every case's code, its autofix output and its suggestions' outputs must type-check. */
export function typecheckCases(name: string, cases: { valid: ReadonlyArray<{ code: string } | string>; invalid: ReadonlyArray<CaseLike> }): void {
  const outputs = cases.invalid.flatMap((c) => [
    ...(typeof c.output === "string" ? [c.output] : []),
    ...(c.errors ?? []).flatMap((e) => (e.suggestions ?? []).map((s) => s.output)),
  ]);
  const all = [...cases.valid, ...cases.invalid].map((c) => (typeof c === "string" ? c : c.code)).concat(outputs);
  ruleTester.run(`${name}: every case type-checks`, diagnosticsRule, {
    valid: all.map((code) => ({ filename, code })),
    invalid: [],
  });
}

/**
 * Odd but legal code around the runtime's APIs (computed names, element-access and optional
 * calls, spread arguments, self-referencing lets, generators, static blocks, getters, tagged
 * templates, recursion): a rule must neither crash nor report on it. Add it to a rule's valid
 * cases.
 */
export const KITCHEN_SINK = [
  `import * as rt from "@devbound/runtime";`,
  `import { defineDriver, devmKzalloc, devmIoremap, I2cAdapter, type Bound, type Core, type Device } from "@devbound/runtime";`,
  `const key = "probe" as const;`,
  `const tag = (s: TemplateStringsArray, ...v: unknown[]) => s.join(String(v.length));`,
  `let a: unknown = 1; a = a; let b: unknown = a; b = b;`,
  `function* gen(dev: Device<Bound>) { yield dev.name; }`,
  `function rec(n: number, dev: Device<Bound>): number { return n <= 0 ? 0 : rec(n - 1, dev); }`,
  `class Holder { static count = 0; static { Holder.count++; } #x = 1; get x() { return this.#x; } }`,
  `export const drv = rt.defineDriver({`,
  `  name: tag\`odd\${1}\`,`,
  `  [key](dev: Device<Core>) {`,
  `    const args = [dev, () => ({ n: 1 })] as const;`,
  `    const p = rt["devmKzalloc"](...args);`,
  `    const maybe = Math.random() > 2 ? undefined : devmIoremap;`,
  `    const regs = maybe?.(dev);`,
  `    regs?.access(dev)?.readl(0);`,
  `    for (const s of gen(dev)) void s;`,
  `    void rec(2, dev); void new Holder().x;`,
  `    const { n, ...rest } = p; void rest;`,
  `    return { n, adapters: [new I2cAdapter("x")].map((x) => x) };`,
  `  },`,
  `});`,
  `export const other = defineDriver({ name: "other", probe: (dev) => ({ mem: devmKzalloc(dev, () => ({})) }) });`,
].join("\n");
