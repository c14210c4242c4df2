// Recall and precision on a generated driver corpus (scripts/corpus/generate.ts): every
// planted bug is reported by the rule that names it, at its file and line; nothing is
// reported on the clean drivers; in a buggy driver nothing is reported beyond the planted
// lines (and the rules each planted line's documented scope allows). Also: the corpus
// type-checks (tsc --noEmit through the compiler API) and is deterministic from its seed.
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import devbound from "@devbound/eslint-plugin";
import { generate, type Manifest, type PlantedBug } from "../../scripts/corpus/generate.js";
import { RULES } from "../../scripts/corpus/model.js";
import { BUG_KINDS } from "../../scripts/corpus/bugs.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outBase = path.join(root, "corpus-out", `integration-${process.pid}`);
const corpusDir = path.join(outBase, "main");
const DRIVERS = 90;
const SEED = 20261121;

const landed = new Set(Object.keys(devbound.rules));
const missingRules = RULES.filter((r) => !landed.has(r));

let manifest: Manifest;
let findings: { file: string; line: number; rule: string; message: string }[] = [];
let fatal: string[] = [];

const key = (file: string, line: number, rule: string) => `${file}:${line}:${rule}`;
const where = (b: PlantedBug) => `${b.file}:${b.line} (${b.kind})`;

beforeAll(async () => {
  manifest = generate({ outDir: corpusDir, count: DRIVERS, seed: SEED, bugRate: 0.55, cover: true });
  const eslint = new ESLint({
    cwd: corpusDir,
    overrideConfigFile: true,
    overrideConfig: devbound.configs.recommended.map((c) => ({
      ...c,
      languageOptions: { ...c.languageOptions, parserOptions: { ...c.languageOptions?.parserOptions, tsconfigRootDir: corpusDir } },
    })) as Linter.Config[],
  });
  const results = await eslint.lintFiles(["**/*.ts"]);
  for (const r of results) {
    const file = path.relative(corpusDir, r.filePath).split(path.sep).join("/");
    for (const m of r.messages) {
      if (m.fatal || !m.ruleId) fatal.push(`${file}:${m.line}: ${m.message}`);
      else findings.push({ file, line: m.line, rule: m.ruleId.replace(/^devbound\//, ""), message: m.message });
    }
  }
}, 600_000);

afterAll(() => {
  rmSync(outBase, { recursive: true, force: true });
});

describe("generated driver corpus", () => {
  it("plants every bug kind and keeps clean drivers", () => {
    const planted = new Set(manifest.bugs.map((b) => b.kind));
    expect(BUG_KINDS.map((k) => k.kind).filter((k) => !planted.has(k))).toEqual([]);
    expect(manifest.drivers.filter((d) => d.bugs.length === 0).length).toBeGreaterThan(20);
  });

  it("type-checks (tsc --noEmit)", () => {
    const configPath = path.join(corpusDir, "tsconfig.json");
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
    if (!parsed) throw new Error(`cannot read ${configPath}`);
    const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => {
      const file = d.file ? path.relative(corpusDir, d.file.fileName) : "";
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
      return `${file}:${line}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
    });
    expect(parsed.fileNames.length).toBe(manifest.files.length);
    expect(diagnostics).toEqual([]);
  }, 300_000);

  it("is deterministic: same seed, byte-identical files and manifest; another seed differs", () => {
    const again = generate({ outDir: path.join(outBase, "again"), count: 12, seed: SEED, bugRate: 0.55, cover: true });
    const first = generate({ outDir: path.join(outBase, "first"), count: 12, seed: SEED, bugRate: 0.55, cover: true });
    expect(again).toEqual(first);
    for (const f of [...first.files, "manifest.json", "tsconfig.json"]) {
      expect(readFileSync(path.join(outBase, "again", f), "utf8"), f).toBe(readFileSync(path.join(outBase, "first", f), "utf8"));
    }
    const other = generate({ outDir: path.join(outBase, "other"), count: 12, seed: SEED + 1, bugRate: 0.55, cover: true });
    expect(other.drivers.map((d) => d.name)).not.toEqual(first.drivers.map((d) => d.name));
  });

  it("rejects bad options with a clear error", () => {
    const dir = path.join(outBase, "bad");
    expect(() => generate({ outDir: dir, count: 1, bugRate: 2 })).toThrow(/bugRate must be within 0\.\.1/);
    expect(() => generate({ outDir: dir, count: 1.5 })).toThrow(/count must be a non-negative integer/);
    expect(() => generate({ outDir: dir })).toThrow(/give `count` \(drivers\) or `files`/);
    expect(() => generate({ outDir: dir, count: 1, seed: 0.5 })).toThrow(/seed must be an integer/);
    expect(() => generate({ outDir: dir, count: 1, rules: ["no-such-rule" as never] })).toThrow(/unknown rule\(s\): no-such-rule/);
  });

  it("lints without fatal errors or crashes", () => {
    expect(fatal).toEqual([]);
  });

  it(`every rule that plants bugs has landed${missingRules.length > 0 ? ` (missing: ${missingRules.join(", ")})` : ""}`, () => {
    expect(missingRules, "rules the corpus plants bugs for that @devbound/eslint-plugin does not register yet").toEqual([]);
  });

  describe("recall: every planted bug is found by the rule that names it", () => {
    for (const rule of RULES) {
      it.skipIf(!landed.has(rule))(`${rule}${landed.has(rule) ? "" : " (rule not registered yet)"}`, () => {
        const found = new Set(findings.map((f) => key(f.file, f.line, f.rule)));
        const planted = manifest.bugs.filter((b) => b.rule === rule && !b.optional);
        expect(planted.length).toBeGreaterThan(0);
        const missed = planted.filter((b) => !found.has(key(b.file, b.line, b.rule))).map(where);
        expect(missed, `${rule} missed ${missed.length} of ${planted.length} planted bugs`).toEqual([]);
      });
    }
  });

  it("precision: nothing is reported on clean drivers or the shared modules", () => {
    const cleanFiles = new Set([
      ...manifest.files.filter((f) => f.startsWith("common/")),
      ...manifest.drivers.filter((d) => d.bugs.length === 0).flatMap((d) => d.files),
    ]);
    const falsePositives = findings.filter((f) => cleanFiles.has(f.file)).map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`);
    expect(falsePositives).toEqual([]);
  });

  it("precision: in a buggy driver only the planted lines are reported", () => {
    const allowed = new Set<string>();
    for (const b of manifest.bugs) {
      allowed.add(key(b.file, b.line, b.rule));
      for (const a of b.also ?? []) allowed.add(key(b.file, b.line, a));
    }
    const buggyFiles = new Set(manifest.drivers.filter((d) => d.bugs.length > 0).flatMap((d) => d.files));
    const extra = findings
      .filter((f) => buggyFiles.has(f.file) && !allowed.has(key(f.file, f.line, f.rule)))
      .map((f) => `${f.file}:${f.line} ${f.rule}: ${f.message}`);
    expect(extra).toEqual([]);
  });
});
