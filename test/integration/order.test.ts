// Findings do not depend on who asked first (issue 12 item 3): the same files linted in two file
// orders, with the rules enabled in two orders, in one long-lived ESLint instance each, give the
// findings that a fresh program and a fresh ESLint instance give each file on its own.
//
// Every run gets its own TypeScript program (typescript-eslint's `parserOptions.programs`), so the
// per-program summaries start empty and fill in the order that run asks; SourceFile objects are
// shared between the programs, as the editor's language service shares unchanged files. The
// programs carry no tsconfig path, so no run reuses another's per-file values (program-delta.ts
// compares programs of one tsconfig only; test/integration/incremental.test.ts covers that reuse).
// Files: the TypeScript fixtures, a slice of the generated driver corpus (corpus.test.ts), and
// order-project/, written to make an answer depend on the asker: a chain of helpers deeper than the
// escape summaries' budget, entered from its head by one driver and further down by another (a
// budget cut kept as a fact, or a deep asker reusing a shallower asker's value, shows up there).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";
import { generate } from "../../scripts/corpus/generate.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const outBase = path.join(root, "corpus-out", `order-${process.pid}`);

/** Parsed (and bound) once, shared by every program: what the editor's language service does. */
const sourceFiles = new Map<string, ts.SourceFile>();

function freshProgram(configPath: string): { program: ts.Program; files: string[] } {
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    },
  });
  if (!parsed) throw new Error(`cannot read ${configPath}`);
  const options: ts.CompilerOptions = { ...parsed.options };
  delete options.configFilePath;
  const host = ts.createCompilerHost(options, true);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError) => {
    let sf = sourceFiles.get(name);
    if (!sf) {
      sf = read(name, lang, onError);
      if (sf) sourceFiles.set(name, sf);
    }
    return sf;
  };
  return { program: ts.createProgram({ rootNames: parsed.fileNames, options, host }), files: parsed.fileNames };
}

type RuleOrder = "as-listed" | "reversed";

function eslintFor(cwd: string, program: ts.Program, order: RuleOrder): ESLint {
  const configs = devbound.configs.recommended.map((c) => {
    const rules = c.rules ? Object.entries(c.rules) : undefined;
    return {
      ...c,
      ...(rules ? { rules: Object.fromEntries(order === "reversed" ? rules.reverse() : rules) } : {}),
      ...(c.languageOptions
        ? { languageOptions: { ...c.languageOptions, parserOptions: { ...c.languageOptions.parserOptions, projectService: false, programs: [program] } } }
        : {}),
    };
  });
  return new ESLint({ cwd, overrideConfigFile: true, overrideConfig: configs as Linter.Config[] });
}

/** file -> its findings, each `line:column rule: message [suggestions]`, sorted (ties of position are in rule order). */
type Findings = Record<string, string[]>;

async function lintInOrder(eslint: ESLint, cwd: string, files: readonly string[], into: Findings): Promise<void> {
  for (const file of files) {
    const [result] = await eslint.lintFiles([file]);
    into[path.relative(cwd, file)] = (result?.messages ?? [])
      .map((m) => `${m.line}:${m.column} ${m.ruleId ?? "(fatal)"}: ${m.message}${m.suggestions?.length ? ` [${m.suggestions.map((s) => s.desc).join(" | ")}]` : ""}`)
      .sort();
  }
}

interface Runs {
  forward: Findings;
  backward: Findings;
  fresh: Findings;
}

/** Three runs over one project: forward with the rules as listed, backward with the rules reversed, each file alone. */
async function runs(cwd: string, configPath: string, only?: (file: string) => boolean): Promise<Runs> {
  const out: Runs = { forward: {}, backward: {}, fresh: {} };
  const first = freshProgram(configPath);
  const files = first.files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && (!only || only(f))).sort();
  await lintInOrder(eslintFor(cwd, first.program, "as-listed"), cwd, files, out.forward);
  await lintInOrder(eslintFor(cwd, freshProgram(configPath).program, "reversed"), cwd, [...files].reverse(), out.backward);
  for (const file of files) await lintInOrder(eslintFor(cwd, freshProgram(configPath).program, "as-listed"), cwd, [file], out.fresh);
  return out;
}

let fixtures: Runs;
let corpus: Runs;
let chain: Runs;

beforeAll(async () => {
  fixtures = await runs(root, path.join(root, "fixtures", "tsconfig.json"));
  const project = path.join(root, "test", "integration", "order-project");
  chain = await runs(project, path.join(project, "tsconfig.json"));
  const corpusDir = path.join(outBase, "corpus");
  generate({ outDir: corpusDir, count: 28, seed: 20261202, bugRate: 0.6, cover: true });
  corpus = await runs(corpusDir, path.join(corpusDir, "tsconfig.json"));
}, 900_000);

afterAll(() => {
  fs.rmSync(outBase, { recursive: true, force: true });
});

describe.each([
  ["fixtures", () => fixtures],
  ["generated corpus slice", () => corpus],
  ["a helper chain deeper than the budget", () => chain],
] as const)("%s: findings do not depend on the order of files or rules", (_name, get) => {
  it("lints every file, with findings and without fatal errors", () => {
    const { forward } = get();
    const all = Object.values(forward).flat();
    expect(Object.keys(forward).length).toBeGreaterThan(2);
    expect(all.length).toBeGreaterThan(2);
    expect(all.filter((f) => f.includes("(fatal)"))).toEqual([]);
  });

  it("files backward with the rules reversed: the same findings as forward", () => {
    const { forward, backward } = get();
    expect(backward).toEqual(forward);
  });

  it("each file alone in a fresh program: the same findings as in the long-lived runs", () => {
    const { forward, fresh } = get();
    expect(fresh).toEqual(forward);
  });
});

describe("the helper chain: each driver's finding is the one its own entry point gives", () => {
  it("the driver entering the chain three helpers down sees the device kept; the one at its head is cut short", () => {
    const findings = (file: string) => chain.fresh[file]!.filter((f) => f.includes("no-bound-device-escape")).length;
    expect(findings("shallow.ts")).toBe(1);
    expect(findings("deep.ts")).toBe(0);
    expect(chain.forward["deep.ts"]).toEqual(chain.fresh["deep.ts"]);
  });
});
