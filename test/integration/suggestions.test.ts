// Every suggestion the fixtures get compiles and fixes its finding (issue 14, item 5): each bad
// fixture (fixtures/**/bad.ts) is linted through ESLint's API with `recommended`; each suggestion is
// applied on its own to the original text; the result must type-check (a TypeScript program over
// fixtures/tsconfig.json with the fixed text in place of the file: the file and its directory's
// other modules, which may use what a suggestion widens) and, linted again, must no longer have that
// finding while gaining none.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fixturesDir = path.join(root, "fixtures");

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: devbound.configs.recommended.map((config) => ({
    ...config,
    files: ["fixtures/**/*.ts"],
    languageOptions: { ...config.languageOptions, parserOptions: { ...config.languageOptions?.parserOptions, tsconfigRootDir: root } },
  })) as never,
});

// ---- type-checking the fixtures with one file's text replaced ------------------------------
const configPath = path.join(fixturesDir, "tsconfig.json");
const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } })!;
let previous: ts.Program | undefined;

/** TS diagnostics of the fixture directory's files, with `file`'s text replaced by `text`. */
function diagnosticsWith(file: string, text: string): string[] {
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, onError, shouldCreate) =>
    path.resolve(name) === file ? ts.createSourceFile(name, text, languageVersion, true) : getSourceFile(name, languageVersion, onError, shouldCreate);
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host, ...(previous ? { oldProgram: previous } : {}) });
  previous = program;
  const dir = path.dirname(file);
  return program
    .getSourceFiles()
    .filter((sf) => path.dirname(path.resolve(sf.fileName)) === dir)
    .flatMap((sf) => [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)])
    .map((d) => `${path.relative(root, d.file?.fileName ?? "")}:${d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`);
}

const key = (m: { ruleId: string | null; message: string }) => `${m.ruleId}: ${m.message}`;

const bad = fs
  .readdirSync(fixturesDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && fs.existsSync(path.join(fixturesDir, e.name, "bad.ts")))
  .map((e) => path.join(fixturesDir, e.name, "bad.ts"));

/** Suggestions each bad fixture must get (so the test cannot pass on none). */
const EXPECTED_SUGGESTIONS: Record<string, number> = {
  "no-manual-free-of-devres": 6,
  "no-try-access-in-bound-scope": 1,
  "no-bound-device-escape": 2,
};

describe("suggestions on the bad fixtures compile and fix their finding", () => {
  it("finds the bad fixtures", () => expect(bad.length).toBeGreaterThan(5));

  for (const file of bad) {
    const rel = path.relative(root, file);
    it(rel, async () => {
      const original = fs.readFileSync(file, "utf8");
      expect(diagnosticsWith(file, original), "the fixture itself type-checks").toEqual([]);
      const [result] = await eslint.lintText(original, { filePath: file });
      const before = result!.messages.map(key);
      let applied = 0;
      for (const m of result!.messages) {
        for (const s of m.suggestions ?? []) {
          applied++;
          const fixed = original.slice(0, s.fix.range[0]) + s.fix.text + original.slice(s.fix.range[1]);
          const what = `${key(m)} -> ${s.desc}`;
          expect(fixed, what).not.toBe(original);
          expect(fixed.split("\n").filter((l) => l.length > 0 && l.trim() === ""), `${what}: no whitespace-only line`).toEqual([]);
          expect(diagnosticsWith(file, fixed), `${what}: type-checks`).toEqual([]);
          const [again] = await eslint.lintText(fixed, { filePath: file });
          const after = again!.messages.map(key);
          const remaining = [...before];
          remaining.splice(remaining.indexOf(key(m)), 1);
          // The finding is gone (one fewer of its kind), and no finding is new.
          expect(after.filter((a) => a === key(m)).length, `${what}: the finding is gone`).toBe(before.filter((b) => b === key(m)).length - 1);
          for (const a of after) {
            expect(remaining, `${what}: no new finding`).toContain(a);
            remaining.splice(remaining.indexOf(a), 1);
          }
        }
      }
      expect(applied).toBe(EXPECTED_SUGGESTIONS[path.basename(path.dirname(file))] ?? 0);
    });
  }
});
