// Lints every example driver under fixtures/ through ESLint's own API with the plugin's
// `recommended` config (TypeScript) and its `kernel` config (kernel-style C, `*.c`) and asserts
// exactly the findings the fixtures announce with `// expect: <rule>[, <rule>]` comments
// (rule + line), nothing else: a missing finding, an extra one, a parse error or a crash fails
// the file's test.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const fixturesDir = path.join(root, "fixtures");

function listTs(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith(".ts") || e.name.endsWith(".c") ? [p] : [];
  });
}

/** `// expect: a, b` at the end of a line -> ["a@<line>", "b@<line>"]. */
export function expectedFindings(text: string): string[] {
  const out: string[] = [];
  text.split("\n").forEach((line, i) => {
    const m = /\/\/\s*expect:\s*([\w-]+(?:\s*,\s*[\w-]+)*)\s*$/.exec(line);
    if (m) for (const rule of m[1]!.split(",")) out.push(`${rule.trim()}@${i + 1}`);
  });
  return out.sort();
}

const eslint = new ESLint({
  cwd: root,
  overrideConfigFile: true,
  overrideConfig: [
    ...devbound.configs.recommended.map((config) => ({
      ...config,
      files: ["fixtures/**/*.ts"],
      languageOptions: {
        ...config.languageOptions,
        parserOptions: { ...config.languageOptions?.parserOptions, tsconfigRootDir: root },
      },
    })),
    ...devbound.configs.kernel.map((config) => (config.files ? { ...config, files: ["fixtures/**/*.c"] } : config)),
  ] as never,
});

const files = listTs(fixturesDir);

describe("fixtures linted with `recommended`", () => {
  it("finds the fixtures", () => {
    expect(files.length).toBeGreaterThan(0);
  });

  for (const file of files) {
    it(path.relative(root, file), async () => {
      const [result] = await eslint.lintFiles([file]);
      const actual = (result?.messages ?? [])
        .map((m) => `${m.ruleId ? m.ruleId.replace(/^devbound\//, "") : `fatal: ${m.message}`}@${m.line}`)
        .sort();
      expect(actual).toEqual(expectedFindings(fs.readFileSync(file, "utf8")));
    });
  }
});
