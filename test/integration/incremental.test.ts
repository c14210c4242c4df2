// The editor case: one long-lived ESLint instance (as the editor's ESLint server keeps one) lints
// a project, then files are edited one at a time. After every edit the project service hands the
// rules a new TypeScript program that keeps the SourceFile objects of unchanged files, and the
// analysis reuses what it derived from them (analysis/program-delta.ts, name-index.ts,
// drivers.ts). Each step's findings, on every file of the project, must equal those of a fresh
// lint: a brand-new TypeScript program of the same files on disk, sharing nothing with the
// long-lived one. The name index's answers for every callee name must equal a fresh index's too,
// and the delta must be the edited file and its importers (so the incremental path is the one
// exercised, not a rebuild).
//
// The project: the example drivers of fixtures/ (helpers in other files, re-exports, class and
// object drivers) plus edits/, whose files the steps rewrite: add and remove a helper, call it
// through a renamed import, change a brand-carrying signature in a helper file while the driver
// that calls it stays unchanged (and change it back), and move a driver's probe given by reference.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint, type Linter } from "eslint";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";
import { changedSince, generationOf } from "../../packages/eslint-plugin/src/analysis/program-delta.js";
import { mayBeDeviceValue, mayCallBranded, mayNameFunction, registerProgram } from "../../packages/eslint-plugin/src/analysis/name-index.js";
import { calleeName } from "../../packages/eslint-plugin/src/analysis/ast.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.join(root, "corpus-out", `incremental-${process.pid}`);

const RT = "@devbound/runtime";

const helpersV0 = `// Helpers of the edit driver: a child-object registry and device look-ups.
import type { Core, Device, KobjectParam, Normal } from "${RT}";

export interface Child {
  name: string;
}

export const children: Child[] = [];

/** Registers a child object that lives until its last reference is dropped. */
export function addChild(child: KobjectParam<Child>): void {
  children.push(child);
}

/** The device behind a handle. */
export function deviceOf(h: { dev: Device<Core> }): Device<Core> {
  return h.dev;
}

export function note(dev: Device<Normal>): void {
  console.log(dev.name);
}
`;

const driverV0 = `// The driver the steps edit: it calls the helpers of helpers.ts.
import { defineDriver, devmKzalloc } from "${RT}";
import { addChild, deviceOf, note, type Child } from "./helpers.js";

export const driver = defineDriver({
  name: "edit-drv",
  probe(dev) {
    note(dev);
    const priv = devmKzalloc(dev, () => ({ child: { name: "c0" } as Child, dev }));
    addChild(priv.child);
    const d = deviceOf(priv);
    setTimeout(() => note(d), 10);
    return { priv };
  },
});
`;

const probesV0 = `// Probe functions given to a driver by reference (ref-driver.ts).
import { devmIoremap, type Core, type Device } from "${RT}";

export function fooProbe(dev: Device<Core>) {
  const regs = devmIoremap(dev, { size: 16 });
  regs.tryAccessWith((io) => io.writel(1, 0));
  return { regs };
}

export function barProbe(dev: Device<Core>) {
  const regs = devmIoremap(dev, { size: 16 });
  regs.access(dev).writel(1, 0);
  return { regs };
}
`;

const refDriverV0 = `// A driver whose probe is declared in another file.
import { defineDriver } from "${RT}";
import { fooProbe } from "./probes.js";

export const refDriver = defineDriver({ name: "ref-drv", probe: fooProbe });
`;

const keepHelper = `
/** Keeps the device for later: the proof of boundness outlives the probe. */
export let kept: Device<Core> | undefined;

export function keep(dev: Device<Core>): void {
  kept = dev;
}
`;

/** The steps: [file, new text] applied in order; each is linted and compared with a fresh lint. */
function steps(): Array<[string, (text: string) => string]> {
  const replace = (a: string, b: string) => (text: string) => {
    if (!text.includes(a)) throw new Error(`step: ${JSON.stringify(a)} not in the file`);
    return text.replace(a, b);
  };
  return [
    // a body edit in the driver: nothing else changes
    ["edits/driver.ts", replace("    note(dev);\n", "    note(dev);\n    const t0 = Date.now();\n    if (t0 < 0) note(dev);\n")],
    // add a helper that keeps its Device<Core> parameter
    ["edits/helpers.ts", (t) => t + keepHelper],
    // call it
    ["edits/driver.ts", replace("    addChild(priv.child);\n", "    addChild(priv.child);\n    keep(dev);\n")],
    ["edits/driver.ts", replace("import { addChild, deviceOf, note, type Child }", "import { addChild, deviceOf, keep, note, type Child }")],
    // through a renamed import
    ["edits/driver.ts", replace("import { addChild, deviceOf, keep, note, type Child }", "import { addChild, deviceOf, keep as remember, note, type Child }")],
    ["edits/driver.ts", replace("    keep(dev);\n", "    remember(dev);\n")],
    // brand-carrying signatures change in the helper file; the driver calling them does not
    ["edits/helpers.ts", replace("export function deviceOf(h: { dev: Device<Core> }): Device<Core> {", "export function deviceOf(h: { dev: Device<Core> }): Device<Normal> {")],
    ["edits/helpers.ts", replace("export function addChild(child: KobjectParam<Child>): void {", "export function addChild(child: Child): void {")],
    // and back
    ["edits/helpers.ts", replace("export function deviceOf(h: { dev: Device<Core> }): Device<Normal> {", "export function deviceOf(h: { dev: Device<Core> }): Device<Core> {")],
    ["edits/helpers.ts", replace("export function addChild(child: Child): void {", "export function addChild(child: KobjectParam<Child>): void {")],
    // remove the helper's call, then the helper
    ["edits/driver.ts", replace("    remember(dev);\n", "")],
    ["edits/driver.ts", replace("keep as remember, ", "")],
    ["edits/helpers.ts", replace(keepHelper, "")],
    // a probe given by reference: edit it, then point the driver at another one
    ["edits/probes.ts", replace("  regs.tryAccessWith((io) => io.writel(1, 0));\n", "  regs.tryAccessWith((io) => io.writel(1, 0));\n  regs.tryAccessWith((io) => io.writel(2, 0));\n")],
    ["edits/ref-driver.ts", (t) => t.replaceAll("fooProbe", "barProbe")],
    ["edits/ref-driver.ts", (t) => t.replaceAll("barProbe", "fooProbe")],
  ];
}

function listTs(d: string): string[] {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(d, e.name);
    if (e.isDirectory()) return listTs(p);
    return e.name.endsWith(".ts") ? [p] : [];
  });
}

const rel = (f: string) => path.relative(dir, f).split(path.sep).join("/");
const render = (file: string, messages: Linter.LintMessage[]) =>
  messages.map((m) => `${rel(file)}:${m.line}:${m.column} ${m.ruleId ?? "(fatal)"}: ${m.message}`);

const configFor = (parserOptions: Record<string, unknown>) =>
  [
    ...devbound.configs.strict.map((c) => ({ ...c, languageOptions: { ...c.languageOptions, parserOptions: { ...c.languageOptions?.parserOptions, tsconfigRootDir: dir, ...parserOptions } } })),
    // records the program each file was linted with
    {
      files: ["**/*.ts"],
      plugins: {
        probe: {
          rules: {
            program: {
              meta: { schema: [] },
              create(context: { sourceCode: { parserServices?: { program?: ts.Program } } }) {
                const program = context.sourceCode.parserServices?.program;
                if (program) seenPrograms.push(program);
                return {};
              },
            },
          },
        },
      },
      rules: { "probe/program": "error" },
    },
  ] as Linter.Config[];

const seenPrograms: ts.Program[] = [];
/** The program of the long-lived instance's last lint. */
let editorProgram: ts.Program | undefined;

/** A TypeScript program of the files on disk, sharing nothing with the project service's (no tsconfig lineage either). */
function freshProgram(): ts.Program {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n")); } });
  if (!parsed) throw new Error("cannot read the tsconfig");
  const options = { ...parsed.options };
  delete options.configFilePath;
  return ts.createProgram({ rootNames: parsed.fileNames, options });
}

async function freshLint(files: string[]): Promise<string[]> {
  const program = freshProgram();
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: configFor({ projectService: false, programs: [program] }) });
  const out: string[] = [];
  for (const file of files) {
    const [r] = await eslint.lintText(fs.readFileSync(file, "utf8"), { filePath: file });
    out.push(...render(file, r!.messages));
  }
  return out;
}

/** The name index's answers for every callee name and initialiser of the edits/ files. */
function indexAnswers(program: ts.Program): string[] {
  const checker = program.getTypeChecker();
  registerProgram(checker, program);
  const out: string[] = [];
  for (const sf of program.getSourceFiles()) {
    if (!sf.fileName.startsWith(path.join(dir, "edits"))) continue;
    const visit = (n: ts.Node): void => {
      if (ts.isCallExpression(n) || ts.isNewExpression(n)) {
        const name = calleeName(n);
        if (name !== undefined) out.push(`${rel(sf.fileName)} ${name}: branded ${mayCallBranded(checker, n)}, function ${mayNameFunction(checker, name)}`);
      }
      if (ts.isVariableDeclaration(n) || (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken)) {
        const e = ts.isVariableDeclaration(n) ? n.initializer : n.right;
        if (e) out.push(`${rel(sf.fileName)} ${e.getText(sf)}: device ${mayBeDeviceValue(checker, e)}`);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
  }
  return out.sort();
}

let files: string[] = [];
let eslint: ESLint;
const log: Array<{ step: string; incremental: string[]; fresh: string[]; answers: string[]; freshAnswers: string[]; delta: string[] | "all" }> = [];

async function lintAll(): Promise<string[]> {
  const out: string[] = [];
  for (const file of files) {
    const [r] = await eslint.lintText(fs.readFileSync(file, "utf8"), { filePath: file });
    out.push(...render(file, r!.messages));
  }
  return out;
}

beforeAll(async () => {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const f of listTs(path.join(root, "fixtures"))) {
    const to = path.join(dir, path.relative(path.join(root, "fixtures"), f));
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.copyFileSync(f, to);
  }
  fs.mkdirSync(path.join(dir, "edits"), { recursive: true });
  fs.writeFileSync(path.join(dir, "edits/helpers.ts"), helpersV0);
  fs.writeFileSync(path.join(dir, "edits/driver.ts"), driverV0);
  fs.writeFileSync(path.join(dir, "edits/probes.ts"), probesV0);
  fs.writeFileSync(path.join(dir, "edits/ref-driver.ts"), refDriverV0);
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "devbound-incremental", private: true, type: "module" }));
  const base = JSON.parse(fs.readFileSync(path.join(root, "tsconfig.base.json"), "utf8")) as { compilerOptions: Record<string, unknown> };
  fs.writeFileSync(
    path.join(dir, "tsconfig.json"),
    JSON.stringify({ compilerOptions: { ...base.compilerOptions, noEmit: true, declaration: false, declarationMap: false, sourceMap: false }, include: ["**/*.ts"] }, null, 2),
  );
  files = listTs(dir).sort();
  // an editor's server is never a single run: the project service keeps files open and updates them
  eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: configFor({ projectService: true, disallowAutomaticSingleRunInference: true }) });

  const record = async (step: string, before: ts.Program | undefined) => {
    const incremental = await lintAll();
    const program = (editorProgram = seenPrograms.at(-1)!);
    const delta = before && before !== program ? changedSince(program, generationOf(before)) : [];
    log.push({
      step,
      incremental,
      fresh: await freshLint(files),
      answers: indexAnswers(program),
      freshAnswers: indexAnswers(freshProgram()),
      delta: delta === "all" ? "all" : [...new Set([...delta].map((sf) => rel(sf.fileName)))].sort(),
    });
  };
  await record("initial", undefined);
  for (const [file, edit] of steps()) {
    const before = editorProgram;
    const p = path.join(dir, file);
    fs.writeFileSync(p, edit(fs.readFileSync(p, "utf8")));
    // as in the editor: the edited buffer is linted first (the project service takes its text)
    await eslint.lintText(fs.readFileSync(p, "utf8"), { filePath: p });
    await record(`edit ${file}`, before);
  }
}, 900_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("editing files in a long-lived ESLint instance", () => {
  it("lints the project and its edits at all", () => {
    expect(files.length).toBeGreaterThan(20);
    expect(log.length).toBe(steps().length + 1);
    // the edit driver's planted findings, before any edit, in full (the fresh lint agrees below)
    expect(log[0]!.incremental.filter((l) => l.startsWith("edits/"))).toEqual([
      "edits/driver.ts:10:14 devbound/no-devres-to-kobject: `priv.child` is freed by devres when edit-drv unbinds, but addChild keeps it alive after that",
      "edits/driver.ts:12:27 devbound/no-bound-device-escape: `d` is a Device<Core>, proof that edit-drv is bound only while this call runs, but a setTimeout callback captures it and may run after unbind; capture `d.get()` (a Device<Normal>) taken now, or use a bound callback (devmRequestIrq, a devm workqueue) that receives its own Device<Bound>",
      "edits/probes.ts:6:3 devbound/no-try-access-in-bound-scope: `tryAccessWith()` on `regs` cannot fail here: `dev` (Device<Core>) proves ref-drv is bound, so use `regs.access(dev)` (zero-cost, no read-side section)",
    ]);
  });

  it("each step changes the edit files' findings as the edit says (after it, the step's log index)", () => {
    const keys = (i: number) => log[i]!.incremental.filter((l) => l.startsWith("edits/")).map((l) => l.replace(/ devbound\/([\w-]+): .*$/, " $1"));
    const capture = (line: number) => `edits/driver.ts:${line}:27 no-bound-device-escape`;
    const kobject = "edits/driver.ts:12:14 no-devres-to-kobject";
    const helperStore = "edits/helpers.ts:28:10 no-bound-device-escape";
    const probe = "edits/probes.ts:6:3 no-try-access-in-bound-scope";
    expect(keys(1)).toEqual([kobject, capture(14), probe]); // a body edit moves lines only
    expect(keys(2)).toEqual([kobject, capture(14), helperStore, probe]); // the helper keeps its parameter
    expect(keys(4)).toEqual([kobject, "edits/driver.ts:13:10 no-bound-device-escape", capture(15), helperStore, probe]); // its call site
    expect(keys(5)).toEqual([kobject, capture(15), helperStore, probe]); // `keep` renamed away: the call no longer resolves
    expect(keys(6)).toEqual([kobject, "edits/driver.ts:13:14 no-bound-device-escape", capture(15), helperStore, probe]); // through the rename
    expect(keys(7)).toEqual([kobject, "edits/driver.ts:13:14 no-bound-device-escape", helperStore, probe]); // deviceOf() returns a Device<Normal>
    expect(keys(8)).toEqual(["edits/driver.ts:13:14 no-bound-device-escape", helperStore, probe]); // addChild() takes no KobjectParam
    expect(keys(9)).toEqual(["edits/driver.ts:13:14 no-bound-device-escape", capture(15), helperStore, probe]); // a Device<Core> again
    expect(keys(10)).toEqual([kobject, "edits/driver.ts:13:14 no-bound-device-escape", capture(15), helperStore, probe]); // a KobjectParam again
    expect(keys(13)).toEqual([kobject, capture(14), probe]); // call and helper removed
    expect(keys(14)).toEqual([kobject, capture(14), probe, "edits/probes.ts:7:3 no-try-access-in-bound-scope"]);
    // the driver now names barProbe: fooProbe's device proves "the device", not ref-drv, bound
    expect(log[15]!.incremental.filter((l) => l.startsWith("edits/probes.ts")).every((l) => l.includes("proves the device is bound"))).toBe(true);
    expect(log[16]!.incremental.filter((l) => l.startsWith("edits/probes.ts")).every((l) => l.includes("proves ref-drv is bound"))).toBe(true);
  });

  it("every step finds what a fresh program finds, on every file", () => {
    for (const entry of log) expect({ step: entry.step, findings: entry.incremental }).toEqual({ step: entry.step, findings: entry.fresh });
  });

  it("every step's name index answers as a fresh one", () => {
    for (const entry of log) expect({ step: entry.step, answers: entry.answers }).toEqual({ step: entry.step, answers: entry.freshAnswers });
  });

  it("an edit re-derives only the edited file and the files importing it", () => {
    const deltas = log.slice(1).map((e) => `${e.step}: ${Array.isArray(e.delta) ? e.delta.join(", ") : e.delta}`);
    // every step: the edited file and what imports it, never a rebuild ("all"); import edits
    // (steps 4, 5, 12) make ts resolve again, and the graph is compared file by file
    expect(deltas).toEqual(
      steps().map(([file]) =>
        file === "edits/helpers.ts" ? "edit edits/helpers.ts: edits/driver.ts, edits/helpers.ts" : file === "edits/probes.ts" ? "edit edits/probes.ts: edits/probes.ts, edits/ref-driver.ts" : `edit ${file}: ${file}`,
      ),
    );
  });
});
