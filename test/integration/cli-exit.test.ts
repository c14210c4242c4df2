// CI gate, exit codes, with the real ESLint CLI in a user's project set up as the README says
// (its eslint.config.js block; node_modules is this repository's, by symlink):
//   0: no findings;  1: findings (errors, or warnings beyond --max-warnings 0);
//   2: ESLint could not lint: a configuration error, reported with a readable message.
// And the GitHub Actions workflow (.github/workflows/devbound.yml): its lint step's command,
// taken from the file, gates the good drivers through and stops the bad ones (TypeScript and
// kernel C).
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ESLINT_BIN = join(ROOT, "node_modules/.bin/eslint");
const STEP_MS = 240_000;
// `yaml` is not a dependency of ours; lint-staged (pinned, installed) depends on it.
const YAML = createRequire(join(ROOT, "node_modules/lint-staged/package.json"))("yaml") as { parse(text: string): unknown };

/** Code blocks of the README that start with a `// <path>` or `# <path>` line: path → content. */
function readmeFiles(): Map<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const out = new Map<string, string>();
  for (const m of readme.matchAll(/```[a-z]*\n((?:\/\/|#) ([\w./-]+)\n[\s\S]*?)```/g)) out.set(m[2]!, m[1]!);
  return out;
}

/** `// expect: a, b` comments: rule ids (without prefix) a fixture must produce. */
function expectedRules(text: string): string[] {
  return [...text.matchAll(/\/\/\s*expect:\s*(.+?)\s*$/gm)].flatMap((m) => m[1]!.split(",").map((r) => r.trim()));
}

const fixtureDirs = readdirSync(join(ROOT, "fixtures"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, "fixtures", d.name, "bad.ts")) && existsSync(join(ROOT, "fixtures", d.name, "good.ts")))
  .map((d) => d.name)
  .sort();

/** The kernel C example drivers: fixtures/<rule>/{bad,good}.c (configs.kernel). */
const cFixtureDirs = readdirSync(join(ROOT, "fixtures"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, "fixtures", d.name, "bad.c")) && existsSync(join(ROOT, "fixtures", d.name, "good.c")))
  .map((d) => d.name)
  .sort();

describe("ESLint CLI exit codes in a project using devbound", () => {
  let project: string;
  // The first example driver: its folder is copied into the project as `drivers/`.
  const rule = fixtureDirs[0]!;
  let badRules: string[];

  function eslint(args: string[], cwd = project): SpawnSyncReturns<string> {
    return spawnSync(ESLINT_BIN, args, {
      cwd,
      encoding: "utf8",
      timeout: STEP_MS,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
  }
  const out = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n${r.stdout}\n${r.stderr}\n${r.error ?? ""}`;

  beforeAll(() => {
    expect(fixtureDirs.length, "fixtures/<rule>/{bad,good}.ts exist").toBeGreaterThan(0);
    // the README's eslint.config.mjs, as eslint.config.js in this "type": "module" project
    const config = readmeFiles().get("eslint.config.mjs");
    expect(config, "README has an eslint.config.mjs block").toBeDefined();
    project = mkdtempSync(join(tmpdir(), "devbound-cli-"));
    symlinkSync(join(ROOT, "node_modules"), join(project, "node_modules"), "dir");
    const base = JSON.parse(readFileSync(join(ROOT, "tsconfig.base.json"), "utf8")) as { compilerOptions: object };
    writeFileSync(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions: { ...base.compilerOptions, noEmit: true }, include: ["**/*.ts"] }));
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "my-drivers", private: true, type: "module" }));
    writeFileSync(join(project, "eslint.config.js"), config!);
    cpSync(join(ROOT, "fixtures", rule), join(project, "drivers"), { recursive: true });
    badRules = [...new Set(expectedRules(readFileSync(join(project, "drivers/bad.ts"), "utf8")))];
    expect(badRules.length, `fixtures/${rule}/bad.ts has \`// expect:\` comments`).toBeGreaterThan(0);
  });

  afterAll(() => {
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it(
    "exits 0 on a good driver with --max-warnings 0",
    () => {
      const r = eslint(["--max-warnings", "0", "drivers/good.ts"]);
      expect(r.status, out(r)).toBe(0);
    },
    STEP_MS,
  );

  it(
    "exits 1 on a bad driver's errors, naming devbound's rules",
    () => {
      // Whatever level `recommended` gives them (bugs are errors, smells warnings): as errors.
      const asErrors = JSON.stringify(Object.fromEntries(badRules.map((id) => [`devbound/${id}`, "error"])));
      const r = eslint(["--rule", asErrors, "drivers/bad.ts"]);
      expect(r.status, out(r)).toBe(1);
      for (const id of badRules) expect(r.stdout).toContain(`devbound/${id}`);
    },
    STEP_MS,
  );

  it(
    "exits 1 on warnings only under --max-warnings 0 (and 0 without it)",
    () => {
      const asWarnings = JSON.stringify(Object.fromEntries(badRules.map((id) => [`devbound/${id}`, "warn"])));
      const strict = eslint(["--max-warnings", "0", "--rule", asWarnings, "drivers/bad.ts"]);
      expect(strict.status, out(strict)).toBe(1);
      expect(strict.stdout).toMatch(/0 errors?, \d+ warnings?/);
      expect(strict.stdout + strict.stderr).toMatch(/ESLint found too many warnings \(maximum: 0\)/);
      const lenient = eslint(["--rule", asWarnings, "drivers/bad.ts"]);
      expect(lenient.status, out(lenient)).toBe(0);
    },
    STEP_MS,
  );

  it(
    "exits 2 on a misconfigured rule option, with a message naming the rule and what is wrong",
    () => {
      const dir = join(project, "broken-option");
      cpSync(join(project, "drivers"), join(dir, "drivers"), { recursive: true });
      writeFileSync(
        join(dir, "eslint.config.js"),
        `${readFileSync(join(project, "eslint.config.js"), "utf8").replace(/export default \[/, "const base = [")}
export default [...base, { rules: { "devbound/${rule}": ["error", { notAnOption: true }] } }];
`,
      );
      const r = eslint(["drivers/bad.ts"], dir);
      expect(r.status, out(r)).toBe(2);
      const text = r.stdout + r.stderr;
      expect(text).toContain(`"devbound/${rule}"`);
      expect(text).toMatch(/should NOT have more than 0 items|should NOT have additional properties|Unexpected property "notAnOption"|must NOT have additional properties/);
      expect(r.stdout, "no findings printed: nothing was linted").not.toMatch(/problems?\s*\(/);
    },
    STEP_MS,
  );

  it(
    "exits 2 when the plugin is not installed, naming the package",
    () => {
      const dir = join(project, "no-plugin");
      cpSync(join(project, "drivers"), join(dir, "drivers"), { recursive: true });
      // The same config with the plugin's package name misspelt, as if it were not installed.
      writeFileSync(
        join(dir, "eslint.config.js"),
        readFileSync(join(project, "eslint.config.js"), "utf8").replace('"@devbound/eslint-plugin"', '"@devbound/eslint-plugin-not-installed"'),
      );
      const r = eslint(["drivers/good.ts"], dir);
      expect(r.status, out(r)).toBe(2);
      expect(r.stdout + r.stderr).toMatch(/Cannot find (package|module) '@devbound\/eslint-plugin-not-installed'/);
    },
    STEP_MS,
  );

  it(
    "exits 2 on an unknown devbound rule, naming it",
    () => {
      const r = eslint(["--rule", JSON.stringify({ "devbound/no-such-rule": "error" }), "drivers/good.ts"]);
      expect(r.status, out(r)).toBe(2);
      expect(r.stdout + r.stderr).toContain('Could not find "no-such-rule" in plugin "devbound"');
    },
    STEP_MS,
  );
});

describe("GitHub Actions workflow .github/workflows/devbound.yml", () => {
  interface Step { name?: string; id?: string; uses?: string; run?: string; if?: string; with?: Record<string, unknown> }
  const workflow = YAML.parse(readFileSync(join(ROOT, ".github/workflows/devbound.yml"), "utf8")) as {
    on: Record<string, unknown>;
    env: Record<string, string>;
    jobs: Record<string, { permissions: Record<string, string>; steps: Step[] }>;
  };
  const job = Object.values(workflow.jobs)[0]!;
  const lint = job.steps.find((s) => s.id === "lint")!;
  const upload = job.steps.find((s) => s.uses?.startsWith("github/codeql-action/upload-sarif@"))!;
  const sarifFile = /--output-file (\S+)/.exec(lint?.run ?? "")?.[1];
  let tmp: string;

  /** The lint step's command, as the runner's shell runs it (pnpm exec = node_modules/.bin on PATH). */
  function runLintStep(command: string, targets: string): SpawnSyncReturns<string> {
    return spawnSync("sh", ["-c", command.replace(/^pnpm exec /, "")], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: STEP_MS,
      env: {
        ...process.env,
        ...workflow.env,
        DEVBOUND_LINT: targets,
        PATH: `${join(ROOT, "node_modules/.bin")}${delimiter}${process.env.PATH}`,
        FORCE_COLOR: "0",
      },
    });
  }

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "devbound-workflow-"));
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("runs on pushes and pull requests, installs, gates with --max-warnings 0 and uploads SARIF even when the gate fails", () => {
    expect(Object.keys(workflow.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    const runs = job.steps.map((s) => s.run ?? "");
    expect(runs.some((r) => /pnpm install --frozen-lockfile/.test(r))).toBe(true);
    expect(job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"))?.with?.["node-version"]).toBe(20);
    expect(lint.run).toMatch(/^pnpm exec eslint /);
    expect(lint.run).toContain("--max-warnings 0");
    expect(lint.run).toContain("--format @microsoft/eslint-formatter-sarif");
    expect(sarifFile).toBeDefined();
    expect(job.steps.indexOf(upload)).toBeGreaterThan(job.steps.indexOf(lint));
    expect(upload.with?.sarif_file).toBe(sarifFile);
    // A step after a failed one runs only if its condition has a status function.
    expect(upload.if).toMatch(/!cancelled\(\)|always\(\)/);
    expect(job.permissions["security-events"]).toBe("write");
  });

  it(
    "its lint command passes the good drivers (exit 0, empty SARIF) and stops the bad ones (exit 1)",
    () => {
      const good = runLintStep(lint.run!.replace(`--output-file ${sarifFile}`, `--output-file ${join(tmp, "good.sarif")}`), workflow.env.DEVBOUND_LINT!);
      expect(good.status, `${good.stdout}\n${good.stderr}`).toBe(0);
      const goodLog = JSON.parse(readFileSync(join(tmp, "good.sarif"), "utf8")) as { runs: { results: unknown[]; artifacts?: unknown[] }[] };
      expect(goodLog.runs[0]!.results).toEqual([]);
      // every good driver, TypeScript and kernel C (the root config includes configs.kernel)
      expect(goodLog.runs[0]!.artifacts?.length).toBe(fixtureDirs.length + cFixtureDirs.length);
      expect(cFixtureDirs.length, "fixtures/<rule>/{bad,good}.c exist").toBeGreaterThan(0);

      const bad = runLintStep(lint.run!.replace(`--output-file ${sarifFile}`, `--output-file ${join(tmp, "bad.sarif")}`), "fixtures/*/bad.ts");
      expect(bad.status, `${bad.stdout}\n${bad.stderr}`).toBe(1);
      const badLog = JSON.parse(readFileSync(join(tmp, "bad.sarif"), "utf8")) as { runs: { results: { ruleId: string }[] }[] };
      expect(badLog.runs[0]!.results.length).toBeGreaterThan(0);
      expect(badLog.runs[0]!.results.every((r) => r.ruleId.startsWith("devbound/"))).toBe(true);
    },
    2 * STEP_MS,
  );

  it(
    "its lint command stops a bad kernel C driver (exit 1, the fixture's C findings in the SARIF) and passes its good one",
    () => {
      const dir = cFixtureDirs[0]!;
      const expected = [...new Set(expectedRules(readFileSync(join(ROOT, "fixtures", dir, "bad.c"), "utf8")))].map((r) => `devbound/${r}`).sort();
      expect(expected.length, `fixtures/${dir}/bad.c has \`// expect:\` comments`).toBeGreaterThan(0);
      const bad = runLintStep(lint.run!.replace(`--output-file ${sarifFile}`, `--output-file ${join(tmp, "bad-c.sarif")}`), `fixtures/${dir}/bad.c`);
      expect(bad.status, `${bad.stdout}\n${bad.stderr}`).toBe(1);
      const badLog = JSON.parse(readFileSync(join(tmp, "bad-c.sarif"), "utf8")) as {
        runs: { results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
      };
      const results = badLog.runs[0]!.results;
      expect([...new Set(results.map((r) => r.ruleId))].sort()).toEqual(expected);
      for (const r of results) expect(r.locations[0]!.physicalLocation.artifactLocation.uri).toMatch(new RegExp(`/fixtures/${dir}/bad\\.c$`));

      const good = runLintStep(lint.run!.replace(`--output-file ${sarifFile}`, `--output-file ${join(tmp, "good-c.sarif")}`), `fixtures/${dir}/good.c`);
      expect(good.status, `${good.stdout}\n${good.stderr}`).toBe(0);
      const goodLog = JSON.parse(readFileSync(join(tmp, "good-c.sarif"), "utf8")) as { runs: { results: unknown[]; artifacts?: unknown[] }[] };
      expect(goodLog.runs[0]!.results).toEqual([]);
      expect(goodLog.runs[0]!.artifacts?.length, "the .c file was linted, not ignored").toBe(1);
    },
    STEP_MS,
  );
});
