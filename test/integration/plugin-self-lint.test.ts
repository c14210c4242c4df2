// The plugin's own rules pass eslint-plugin-eslint-plugin's `recommended` config (message ids
// used and defined, suggestions declared in meta.hasSuggestions, schemas present, ...).
// Zero findings only mean something if eslint-plugin-eslint-plugin recognises our rule files
// (created through typescript-eslint's RuleCreator) as rules at all: a probe run with a rule
// that reports on every recognised rule proves it does, file by file.
import { readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ESLint, type Linter } from "eslint";
import eslintPlugin from "eslint-plugin-eslint-plugin";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const RULES_DIR = join(ROOT, "packages/eslint-plugin/src/rules");
const ruleFiles = readdirSync(RULES_DIR)
  .filter((f) => f.endsWith(".ts") && f !== "index.ts")
  .sort();

function lint(extra: Linter.Config[] = []) {
  const eslint = new ESLint({
    cwd: ROOT,
    overrideConfigFile: true, // only this config, not the repository's eslint.config.js
    overrideConfig: [
      { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser as Linter.Parser } },
      eslintPlugin.configs.recommended as Linter.Config,
      ...extra,
    ],
  });
  return eslint.lintFiles(ruleFiles.map((f) => join(RULES_DIR, f)));
}

describe("eslint-plugin-eslint-plugin on packages/eslint-plugin/src/rules", () => {
  it("one rule a file, named as the rule, each registered", async () => {
    const { default: plugin } = (await import(pathToFileURL(join(ROOT, "packages/eslint-plugin/dist/index.js")).href)) as {
      default: { rules: Record<string, unknown> };
    };
    expect(ruleFiles.length).toBeGreaterThan(0);
    expect(ruleFiles.map((f) => f.slice(0, -".ts".length))).toEqual(Object.keys(plugin.rules).sort());
  });

  it("recognises every rule file as an ESLint rule (probe)", async () => {
    // RuleCreator fills meta.docs.url in at run time, so the source has none: this rule reports
    // once on each file it recognises as a rule definition.
    const results = await lint([{ rules: { "eslint-plugin/require-meta-docs-url": "error" } }]);
    for (const r of results) {
      const probe = r.messages.filter((m) => m.ruleId === "eslint-plugin/require-meta-docs-url");
      expect(probe.length, `${r.filePath} is recognised as a rule definition`).toBe(1);
    }
  });

  it("reports nothing with the recommended config", async () => {
    const results = await lint();
    const findings = results.flatMap((r) =>
      r.messages.map((m) => `${r.filePath.slice(ROOT.length + 1)}:${m.line}:${m.column} ${m.ruleId ?? "(fatal)"}: ${m.message}`),
    );
    expect(findings).toEqual([]);
    expect(results.length).toBe(ruleFiles.length);
  });
});
