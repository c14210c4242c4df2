// The problems of the program, through ESLint's API with the `recommended` config (all nine
// rules): a file that imports `@devbound/runtime` where it cannot be resolved gets exactly ONE
// message (not one a rule), naming the module and how to install it; a tsconfig with errors is
// said once per program (the first file linted, again when that file is linted again, not in the
// others); and calls TypeScript cannot type (a misspelt runtime API) produce no findings, where the
// correctly spelt code does.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";
import { RUNTIME_MISSING, runtimeMissingThrough, tsconfigErrors } from "../rules/program-messages.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const projects = path.join(root, "test/projects");
const noRuntime = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-no-runtime-"));
fs.cpSync(path.join(projects, "no-runtime"), noRuntime, { recursive: true });
afterAll(() => fs.rmSync(noRuntime, { recursive: true, force: true }));

function eslintFor(dir: string, cwd = dir): ESLint {
  return new ESLint({
    cwd,
    overrideConfigFile: true,
    overrideConfig: devbound.configs.recommended.map((config) => ({
      ...config,
      languageOptions: { ...config.languageOptions, parserOptions: { projectService: true, tsconfigRootDir: dir } },
    })) as never,
  });
}

const brief = (r: ESLint.LintResult) => r.messages.map((m) => ({ ruleId: m.ruleId, line: m.line, column: m.column, message: m.message }));

describe("@devbound/runtime not resolvable (a project outside this repository)", () => {
  const eslint = eslintFor(noRuntime);

  it("one message a file that imports it (directly or through a re-export), none elsewhere", async () => {
    const files = ["driver.ts", "via-reexport.ts", "via-named.ts", "plain.ts", "rt.ts"].map((f) => path.join(noRuntime, f));
    const results = await eslint.lintFiles(files);
    const byFile = Object.fromEntries(results.map((r) => [path.basename(r.filePath), brief(r)]));
    // The first rule of the config says it, once.
    expect(byFile["driver.ts"]).toEqual([{ ruleId: "devbound/devm-after-unbind", line: 2, column: 50, message: RUNTIME_MISSING }]);
    expect(byFile["via-reexport.ts"]).toEqual([{ ruleId: "devbound/devm-after-unbind", line: 1, column: 50, message: runtimeMissingThrough("./rt.js") }]);
    expect(byFile["via-named.ts"]).toEqual([{ ruleId: "devbound/devm-after-unbind", line: 1, column: 30, message: runtimeMissingThrough("./named.js") }]);
    expect(byFile["rt.ts"]).toEqual([{ ruleId: "devbound/devm-after-unbind", line: 2, column: 15, message: RUNTIME_MISSING }]);
    expect(byFile["plain.ts"]).toEqual([]);
    expect(results.reduce((n, r) => n + r.errorCount, 0)).toBe(4); // the CLI exits 1
  });

  it("with the rule that would report first turned off, the next one says it", async () => {
    const off = new ESLint({
      cwd: noRuntime,
      overrideConfigFile: true,
      overrideConfig: [
        ...devbound.configs.recommended.map((config) => ({
          ...config,
          languageOptions: { ...config.languageOptions, parserOptions: { projectService: true, tsconfigRootDir: noRuntime } },
        })),
        { rules: { "devbound/devm-after-unbind": "off" } },
      ] as never,
    });
    const [result] = await off.lintFiles([path.join(noRuntime, "driver.ts")]);
    expect(brief(result!)).toEqual([{ ruleId: "devbound/no-devres-to-kobject", line: 2, column: 50, message: RUNTIME_MISSING }]);
  });
});

describe("a tsconfig with errors", () => {
  const dir = path.join(projects, "bad-tsconfig");
  const eslint = eslintFor(dir, root);
  const message = tsconfigErrors(
    "test/projects/bad-tsconfig/tsconfig.json",
    `TS5025: Unknown compiler option 'stict'. Did you mean 'strict'?; TS5083: Cannot read file '${path.join(dir, "missing-base.json")}'`,
  );

  // ESLint reads files concurrently: which file is linted first is not fixed, so neither is the
  // file that gets the message; exactly one does.
  let told = "";

  it("is said once per program: on the first file linted (one of the two), beside the findings", async () => {
    const results = await eslint.lintFiles([path.join(dir, "driver.ts"), path.join(dir, "other.ts")]);
    const withMessage = results.filter((r) => r.messages.some((m) => m.message === message));
    expect(withMessage).toHaveLength(1);
    told = withMessage[0]!.filePath;
    const m = withMessage[0]!.messages.find((x) => x.message === message)!;
    expect([m.ruleId, m.line, m.column]).toEqual(["devbound/devm-after-unbind", 1, 1]);
    const findings = results.flatMap((r) => r.messages.filter((x) => x.message !== message).map((x) => `${path.basename(r.filePath)}:${x.ruleId}@${x.line}:${x.column}`));
    expect(findings).toEqual(["driver.ts:devbound/no-manual-free-of-devres@11:5"]);
  });

  it("is said again when that same file is linted again with the same program, and only there", async () => {
    expect(told).not.toBe("");
    const [again] = await eslint.lintFiles([told]);
    expect(again!.messages.filter((m) => m.message === message)).toHaveLength(1);
    const other = [path.join(dir, "driver.ts"), path.join(dir, "other.ts")].find((f) => f !== told)!;
    const [second] = await eslint.lintFiles([other]);
    expect(second!.messages.filter((m) => m.message === message)).toEqual([]);
  });
});

describe("calls TypeScript cannot type produce no findings", () => {
  const project = path.join(root, "test/rules/project");
  const eslint = eslintFor(project);
  const file = path.join(project, "file.ts");
  const RT = `import { Device, I2cAdapter, defineDriver, devmKzalloc, devmKfree, devmRequestIrq, i2cAddAdapter, kfree, kzalloc } from "@devbound/runtime";`;
  // Each case: [the correctly spelt code and the rules it triggers, the same with an API TypeScript cannot type].
  const cases: Array<{ name: string; good: string; rules: string[]; misspelt: string; misspeltRules?: string[] }> = [
    {
      name: "a manual release of a (misspelt) devm allocation",
      good: `export function f(dev: Device<import("@devbound/runtime").Core>) { kfree(devmKzalloc(dev, () => ({ n: 0 }))); }`,
      rules: ["no-manual-free-of-devres"],
      misspelt: `export function f(dev: Device<import("@devbound/runtime").Core>) { kfree(devmKzallocc(dev, () => ({ n: 0 }))); }`,
    },
    {
      name: "a (misspelt) manual allocation that a devm IRQ handler uses and remove() frees",
      good: `export const d = defineDriver({ name: "m", probe(dev) { const m = kzalloc(() => ({ n: 0 })); devmRequestIrq(dev, 0, () => { m.n++; }); return { m }; }, remove(_dev, { m }) { kfree(m); } });`,
      rules: ["no-mixed-devm-teardown"],
      misspelt: `export const d = defineDriver({ name: "m", probe(dev) { const m = kzallocc(() => ({ n: 0 })); devmRequestIrq(dev, 0, () => { m.n++; }); return { m }; }, remove(_dev, { m }) { kfree(m); } });`,
    },
    {
      name: "a (misspelt) devm allocation's adapter registered",
      good: `export function f(dev: Device<import("@devbound/runtime").Core>) { i2cAddAdapter(devmKzalloc(dev, () => ({ adapter: new I2cAdapter("a") })).adapter); }`,
      rules: ["no-devres-to-kobject"],
      misspelt: `export function f(dev: Device<import("@devbound/runtime").Core>) { i2cAddAdapter(devmKzallocc(dev, () => ({ adapter: new I2cAdapter("a") })).adapter); }`,
    },
    {
      // The devres call itself says nothing; the capture of a bound device by the release callback
      // is a finding of its own (with devmKfree it is left to the devres rules: one report a bug).
      name: "a (misspelt) devres call in a kobject release callback: only the capture is reported",
      good: `export function f(parent: Device<import("@devbound/runtime").Core>) { const p = devmKzalloc(parent, () => ({})); return new Device({ name: "c", release: () => devmKfree(parent, p) }); }`,
      rules: ["no-devres-in-release"],
      misspelt: `export function f(parent: Device<import("@devbound/runtime").Core>) { const p = devmKzalloc(parent, () => ({})); return new Device({ name: "c", release: () => devmKfreee(parent, p) }); }`,
      misspeltRules: ["no-bound-device-escape"],
    },
  ];

  for (const c of cases) {
    it(c.name, async () => {
      const [good] = await eslint.lintText(`${RT}\n${c.good}\n`, { filePath: file });
      expect(good!.messages.map((m) => m.ruleId)).toEqual(c.rules.map((r) => `devbound/${r}`));
      const [bad] = await eslint.lintText(`// @ts-nocheck\n${RT}\n${c.misspelt}\n`, { filePath: file });
      expect(bad!.messages.map((m) => m.ruleId)).toEqual((c.misspeltRules ?? []).map((r) => `devbound/${r}`));
    });
  }
});
