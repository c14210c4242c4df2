// devbound in a user's own project, OUTSIDE this repository, installed the README's way (issue
// 14): every Install route runs its README command in a fresh project in a temporary folder:
//
// - tarballs (`pnpm release` of this working tree) with npm, in an `npm init -y` project
//   (`"type": "commonjs"`): the bad drivers' findings (TypeScript, and a kernel C driver through
//   the installed C language's WebAssembly grammar); a rule override in the user's own config
//   object; the README's CommonJS config (`require`); the runtime-missing message in a project
//   without @devbound/runtime; every suggestion applied, then the project type-checks and
//   re-lints without those findings; the hooks refusing a commit whose bug is in a file the
//   commit does not touch (helper.ts kzalloc -> devmKzalloc makes the unchanged user.ts free
//   twice): husky + lint-staged, and the pre-commit framework (pip's pre-commit 4.6.2) with the
//   repository's hook (a node hook: pre-commit installs it from this checkout at HEAD); what
//   `eslint --cache` misses there.
// - git dependencies with pnpm (this checkout at HEAD, `#<commit>&path:/packages/<name>`): the
//   bad drivers' findings (TypeScript and C).
//
// Nothing is published: devbound comes from this checkout; eslint, typescript, the parser,
// husky and lint-staged come from the npm registry at the README's pinned versions, through the
// machine's shared npm cache and pnpm store. Network needed (pip too, for pre-commit; without
// it the hooks' entries run as pre-commit would run them, with a warning). Duration: a few
// minutes; the git route (~2.5 min alone: pnpm builds each git dependency in a clone of the
// workspace) runs in the background beside the npm route.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STEP_MS = 600_000;
/** The example drivers the user's project gets (with their helper modules): findings, suggestions, a warn-level rule. */
const DRIVERS = ["no-devres-to-kobject", "no-manual-free-of-devres", "no-bound-device-escape", "no-try-access-in-bound-scope"];
const PRE_COMMIT = "pre-commit==4.6.2";
/** A kernel C driver for the README config's `configs.kernel` (the C language's WebAssembly grammar, as installed). */
const C_FIXTURE = "fixtures/no-manual-free-of-devres/bad.c";
const C_FILE = "src/kernel/foo-adc.c";

// A user's shell: none of this repository's pnpm/npm script variables, git or husky state.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|PNPM_|GIT_)/i.test(k) && !["HUSKY", "INIT_CWD", "NODE_OPTIONS"].includes(k)),
);
Object.assign(env, { GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", FORCE_COLOR: "0", NO_COLOR: "1", npm_config_update_notifier: "false", npm_config_fund: "false", npm_config_audit: "false" });

function sh(command: string, cwd: string, extraEnv: NodeJS.ProcessEnv = {}): SpawnSyncReturns<string> {
  return spawnSync("sh", ["-c", command], { cwd, env: { ...env, ...extraEnv }, encoding: "utf8", timeout: STEP_MS, maxBuffer: 64 * 1024 * 1024 });
}
const show = (r: SpawnSyncReturns<string>) => `exit ${r.status}\n${r.stdout}\n${r.stderr}\n${r.error ?? ""}`;
function ok(command: string, cwd: string, extraEnv: NodeJS.ProcessEnv = {}): string {
  const r = sh(command, cwd, extraEnv);
  expect(r.status, `${command}\n${show(r)}`).toBe(0);
  return r.stdout;
}

const README = readFileSync(path.join(ROOT, "README.md"), "utf8");
/** README code blocks that start with a `// <path>` or `# <path>` line: path -> content. */
const readmeFiles = new Map<string, string>();
for (const m of README.matchAll(/```[a-z]*\n((?:\/\/|#) ([\w./-]+)\n[\s\S]*?)```/g)) readmeFiles.set(m[2]!, m[1]!);
function readmeFile(name: string): string {
  const text = readmeFiles.get(name);
  expect(text, `README has a ${name} block`).toBeDefined();
  return text!;
}
/** The `sh` blocks of the README's Install section. */
const installSection = README.slice(README.indexOf("## Install"), README.indexOf("\n## ", README.indexOf("## Install") + 3));
const installCommands = [...installSection.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!.trim());
function installCommand(marker: string): string {
  const found = installCommands.filter((c) => c.includes(marker));
  expect(found, `README Install has one command with ${marker}`).toHaveLength(1);
  return found[0]!;
}

/** `// expect: a, b` comments of a file: rule@line (1-based). */
function expectedFindings(text: string): string[] {
  return text.split("\n").flatMap((line, i) => {
    const m = /\/\/\s*expect:\s*(.+?)\s*$/.exec(line);
    return m ? m[1]!.split(",").map((rule) => `devbound/${rule.trim()}@${i + 1}`) : [];
  });
}

interface LintMessage {
  ruleId: string | null;
  message: string;
  messageId?: string;
  line: number;
  severity: number;
  fatal?: boolean;
  suggestions?: { desc: string; fix: { range: [number, number]; text: string } }[];
}
interface LintResult {
  filePath: string;
  messages: LintMessage[];
}
/** `eslint --format json <args>` in `cwd`: results by path relative to cwd. */
function lint(cwd: string, args: string): Map<string, LintMessage[]> {
  const r = sh(`npx --no-install eslint --format json ${args}`, cwd);
  expect([0, 1], show(r)).toContain(r.status);
  const results = JSON.parse(r.stdout) as LintResult[];
  return new Map(results.map((res) => [path.relative(cwd, res.filePath).split(path.sep).join("/"), res.messages]));
}
const findings = (messages: LintMessage[] | undefined) => (messages ?? []).map((m) => `${m.ruleId}@${m.line}`);

const TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    lib: ["ES2023", "ESNext.Disposable"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
  },
  include: ["src/**/*.ts"],
};

// The bug in another file: helper.ts switches to devres; user.ts, unchanged, now frees twice.
const HELPER_MANUAL = `// Ring buffers for the foo-ring driver.
import { kzalloc, type Bound, type Device } from "@devbound/runtime";

export function allocRing(dev: Device<Bound>) {
  void dev;
  return kzalloc(() => ({ slots: [] as number[] }));
}
`;
const HELPER_DEVRES = `// Ring buffers for the foo-ring driver.
import { devmKzalloc, type Bound, type Device } from "@devbound/runtime";

export function allocRing(dev: Device<Bound>) {
  return devmKzalloc(dev, () => ({ slots: [] as number[] }));
}
`;
const USER = `// The foo-ring driver: frees its ring in remove().
import { defineDriver, kfree } from "@devbound/runtime";
import { allocRing } from "./helper.js";

export const driver = defineDriver({
  name: "foo-ring",
  probe(dev) {
    return { ring: allocRing(dev) };
  },
  remove(_dev, data) {
    kfree(data.ring);
  },
});
`;
const USER_FINDING = /src\/ring\/user\.ts[\s\S]*?11:\d+\s+error\s+`data\.ring` is devres-managed \(from allocRing\(\)\)[^\n]*double free[^\n]*devbound\/no-manual-free-of-devres/;

/** A fresh project: package.json from `init`, the README's eslint.config.mjs, tsconfig, the example drivers and the ring driver. */
function writeProject(dir: string): void {
  writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TSCONFIG, null, 2));
  writeFileSync(path.join(dir, "eslint.config.mjs"), readmeFile("eslint.config.mjs"));
  for (const rule of DRIVERS) {
    // the bad drivers and their helper modules (the good ones use Node's timers: no @types/node here)
    cpSync(path.join(ROOT, "fixtures", rule), path.join(dir, "src", rule), { recursive: true, filter: (f) => !/(\.c|good\.ts)$/.test(f) });
  }
  mkdirSync(path.join(dir, "src/ring"), { recursive: true });
  writeFileSync(path.join(dir, "src/ring/helper.ts"), HELPER_MANUAL);
  writeFileSync(path.join(dir, "src/ring/user.ts"), USER);
  mkdirSync(path.join(dir, "src/kernel"), { recursive: true });
  cpSync(path.join(ROOT, C_FIXTURE), path.join(dir, C_FILE));
  writeFileSync(path.join(dir, ".gitignore"), "node_modules\n");
}

/** The bad drivers' expected findings, by project path. */
const expectedByFile = new Map(DRIVERS.map((rule) => [`src/${rule}/bad.ts`, expectedFindings(readFileSync(path.join(ROOT, "fixtures", rule, "bad.ts"), "utf8"))]));
const expectedC = expectedFindings(readFileSync(path.join(ROOT, C_FIXTURE), "utf8"));

let tmp: string;
let release: string;
let head: string;
/** The pnpm git-route project, and its install running in the background (output to a file: the other steps block the event loop). */
let pnpmProject: string;
let pnpmInstall: Promise<number | null>;

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), "devbound-user-"));
  expect(path.relative(ROOT, tmp).startsWith(".."), "the project lives outside this repository").toBe(true);
  release = path.join(tmp, "release");
  // The README's release script, from this working tree (into the temp folder, not release/).
  ok(`pnpm release --out ${JSON.stringify(release)}`, ROOT);
  head = ok("git rev-parse HEAD", ROOT).trim();
  for (const [file, expected] of expectedByFile) expect(expected.length, `${file} has // expect: comments`).toBeGreaterThan(0);
  expect(expectedC.length, `${C_FIXTURE} has // expect: comments`).toBeGreaterThan(0);

  // The git route (pnpm builds each git dependency in a clone of the workspace: the slowest
  // step) starts now and runs beside the npm route; its test waits for it.
  pnpmProject = path.join(tmp, "pnpm-project");
  mkdirSync(pnpmProject);
  writeFileSync(path.join(pnpmProject, "package.json"), JSON.stringify({ name: "my-drivers", private: true, type: "module" }, null, 2));
  writeProject(pnpmProject);
  const fromHere = (text: string) => text.replaceAll("/path/to/devbound", ROOT).replaceAll("<commit>", head);
  writeFileSync(path.join(pnpmProject, "pnpm-workspace.yaml"), fromHere(readmeFile("pnpm-workspace.yaml")));
  const log = openSync(path.join(tmp, "pnpm-install.log"), "w");
  const child = spawn("sh", ["-c", fromHere(installCommand('pnpm add "git+file://'))], { cwd: pnpmProject, env, stdio: ["ignore", log, log] });
  pnpmInstall = new Promise((resolve) => {
    child.on("error", () => resolve(null));
    child.on("exit", (code) => {
      closeSync(log);
      resolve(code);
    });
  });
}, STEP_MS);

afterAll(async () => {
  await pnpmInstall; // never remove the folder under a running install
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}, STEP_MS);

describe.sequential("tarball route with npm, in an `npm init -y` (CommonJS) project", () => {
  let project: string;
  /** The README config's results on the bad drivers (the first test), reused as "before". */
  let baseline: Map<string, LintMessage[]>;
  const git = (args: string) => ok(`git ${args}`, project);

  beforeAll(() => {
    project = path.join(tmp, "npm-project");
    mkdirSync(project);
    ok("npm init -y", project);
    expect(JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")).type).toBe("commonjs");
    writeProject(project);
    // The README's tarball command, DEVBOUND being the clone; `pnpm release` wrote into `release`.
    const command = installCommand("$DEVBOUND/release/").replaceAll("$DEVBOUND/release/", `${release}/`);
    ok(command, project);
    const pkg = JSON.parse(readFileSync(path.join(project, "package.json"), "utf8")) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies)).toEqual(["@devbound/runtime"]);
    expect(Object.keys(pkg.devDependencies).sort()).toEqual(["@devbound/eslint-language-c", "@devbound/eslint-plugin", "@typescript-eslint/parser", "eslint", "typescript"]);
    ok("git init -q -b main && git config user.name user && git config user.email user@devbound.invalid && git config commit.gpgsign false && git config core.hooksPath .git/hooks", project);
  }, STEP_MS);

  it("the README's eslint.config.mjs finds the bad drivers' bugs, TypeScript and kernel C; the project type-checks", () => {
    baseline = lint(project, `${DRIVERS.map((r) => `src/${r}/bad.ts`).join(" ")} ${C_FILE}`);
    for (const [file, expected] of expectedByFile) expect(findings(baseline.get(file)), file).toEqual(expected);
    expect(findings(baseline.get(C_FILE)), C_FILE).toEqual(expectedC);
    ok("npx --no-install tsc -p .", project);
  }, STEP_MS);

  it("a rule override in the user's own config object (the README's) changes that rule's level", () => {
    const override = readmeFiles.get("eslint.config.mjs")!.split("\n").find((l) => l.startsWith("import "))!;
    const block = [...README.matchAll(/```js\n(export default \[\n {2}\.\.\.devbound\.configs\.recommended,\n {2}\{ files[\s\S]*?)```/g)].map((m) => m[1]!);
    expect(block, "README has the override example").toHaveLength(1);
    const ruleId = /"(devbound\/[\w-]+)": "error"/.exec(block[0]!)![1]!;
    writeFileSync(path.join(project, "override.config.mjs"), `${override}\n\n${block[0]}`);
    const file = "src/no-try-access-in-bound-scope/bad.ts";
    const before = baseline.get(file)!.filter((m) => m.ruleId === ruleId);
    const after = lint(project, `-c override.config.mjs ${file}`).get(file)!.filter((m) => m.ruleId === ruleId);
    expect(before.length).toBeGreaterThan(0);
    expect(before.every((m) => m.severity === 1)).toBe(true);
    expect(after.map((m) => `${m.line}:${m.severity}`)).toEqual(before.map((m) => `${m.line}:2`));
  }, STEP_MS);

  it("the README's CommonJS config (require) finds the same bugs", () => {
    writeFileSync(path.join(project, "eslint.config.cjs"), readmeFile("eslint.config.cjs"));
    const results = lint(project, `-c eslint.config.cjs ${DRIVERS.map((r) => `src/${r}/bad.ts`).join(" ")}`);
    for (const [file, expected] of expectedByFile) expect(findings(results.get(file)), file).toEqual(expected);
  }, STEP_MS);

  it("without @devbound/runtime installed, lint says the runtime cannot be resolved (not a silent pass)", () => {
    // Another project: the same node_modules, minus the runtime.
    const bare = path.join(tmp, "no-runtime");
    mkdirSync(path.join(bare, "node_modules/@devbound"), { recursive: true });
    for (const entry of readdirSync(path.join(project, "node_modules"))) {
      if (entry !== "@devbound") symlinkSync(path.join(project, "node_modules", entry), path.join(bare, "node_modules", entry));
    }
    for (const entry of ["eslint-plugin", "eslint-language-c"]) symlinkSync(path.join(project, "node_modules/@devbound", entry), path.join(bare, "node_modules/@devbound", entry));
    writeFileSync(path.join(bare, "package.json"), JSON.stringify({ name: "no-runtime", private: true, type: "commonjs" }));
    writeFileSync(path.join(bare, "tsconfig.json"), JSON.stringify(TSCONFIG));
    cpSync(path.join(project, "eslint.config.mjs"), path.join(bare, "eslint.config.mjs"));
    cpSync(path.join(project, "src/no-devres-to-kobject"), path.join(bare, "src/no-devres-to-kobject"), { recursive: true });
    const messages = lint(bare, "src/no-devres-to-kobject/bad.ts").get("src/no-devres-to-kobject/bad.ts")!;
    expect(messages.length, JSON.stringify(messages)).toBeGreaterThan(0);
    expect(messages.every((m) => /`@devbound\/runtime` cannot be resolved/.test(m.message)), JSON.stringify(messages, null, 1)).toBe(true);
    expect(messages.map((m) => m.line)).toEqual([2]); // once, at the import
  }, STEP_MS);

  it("every suggestion applied: the project still type-checks and those findings are gone", () => {
    const files = DRIVERS.map((r) => `src/${r}/bad.ts`);
    const before = baseline;
    let applied = 0;
    const fixed = new Map<string, number>();
    for (const file of files) {
      let text = readFileSync(path.join(project, file), "utf8");
      // the first suggestion of each finding, from the end of the file, skipping overlaps
      const edits = before
        .get(file)!
        .filter((m) => m.suggestions?.length)
        .map((m) => ({ rule: m.ruleId!, ...m.suggestions![0]!.fix }))
        .sort((a, b) => b.range[0] - a.range[0]);
      let limit = Infinity;
      for (const edit of edits) {
        if (edit.range[1] > limit) continue;
        text = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
        limit = edit.range[0];
        applied++;
        fixed.set(`${file} ${edit.rule}`, (fixed.get(`${file} ${edit.rule}`) ?? 0) + 1);
      }
      writeFileSync(path.join(project, file), text);
    }
    expect(applied, "the bad drivers get suggestions").toBeGreaterThan(0);
    ok("npx --no-install tsc -p .", project);
    const after = lint(project, files.join(" "));
    for (const [key, count] of fixed) {
      const [file, rule] = key.split(" ") as [string, string];
      const was = before.get(file)!.filter((m) => m.ruleId === rule).length;
      const now = after.get(file)!.filter((m) => m.ruleId === rule).length;
      expect(now, `${file}: ${rule} after ${count} suggestion(s)`).toBeLessThanOrEqual(was - count);
    }
    for (const rule of DRIVERS) cpSync(path.join(ROOT, "fixtures", rule, "bad.ts"), path.join(project, "src", rule, "bad.ts"));
  }, STEP_MS);

  describe.sequential("hooks refuse a commit whose bug shows up in a file it does not change", () => {
    beforeAll(() => {
      git("add -A");
      git("commit -q -m project");
    }, STEP_MS);

    it("eslint --cache misses it (as the README says); without the cache it is found", () => {
      const cached = (args: string) => sh(`npx --no-install eslint --cache --cache-location .eslintcache-test ${args}`, project);
      expect(cached("src/ring").status).toBe(0);
      writeFileSync(path.join(project, "src/ring/helper.ts"), HELPER_DEVRES);
      const stale = cached("src/ring/user.ts");
      expect(stale.status, show(stale)).toBe(0);
      const fresh = sh("npx --no-install eslint src/ring/user.ts", project);
      expect(fresh.status).toBe(1);
      expect(fresh.stdout).toMatch(USER_FINDING);
      rmSync(path.join(project, ".eslintcache-test"));
      writeFileSync(path.join(project, "src/ring/helper.ts"), HELPER_MANUAL);
    }, STEP_MS);

    it("husky + lint-staged with the README's .lintstagedrc.mjs", () => {
      const install = [...README.matchAll(/```sh\n(npm i -D husky@[\s\S]*?)```/g)].map((m) => m[1]!);
      expect(install, "README's husky + lint-staged install command").toHaveLength(1);
      ok(install[0]!, project); // npm i -D husky@9.1.7 lint-staged@16.4.0 && npx husky init
      writeFileSync(path.join(project, ".husky/pre-commit"), readmeFile(".husky/pre-commit"));
      writeFileSync(path.join(project, ".lintstagedrc.mjs"), readmeFile(".lintstagedrc.mjs"));
      git("add -A");
      git("commit -q -m hooks"); // no TypeScript staged: nothing to lint

      const before = git("rev-parse HEAD");
      writeFileSync(path.join(project, "src/ring/helper.ts"), HELPER_DEVRES);
      git("add src/ring/helper.ts");
      const r = sh("git commit -m 'ring: devres-managed buffers'", project);
      expect(r.status, show(r)).not.toBe(0);
      expect(git("rev-parse HEAD")).toBe(before);
      expect(r.stdout + r.stderr).toMatch(USER_FINDING);
      expect(r.stderr).toContain("devbound-affected: also checking 1 file(s) that import the changed ones: src/ring/user.ts");
      expect(git("diff --cached --name-only").trim()).toBe("src/ring/helper.ts");

      // The fix (user.ts no longer frees what devres frees) goes through.
      writeFileSync(path.join(project, "src/ring/user.ts"), USER.replace("    kfree(data.ring);\n", "    void data;\n").replace("defineDriver, kfree", "defineDriver"));
      git("add src/ring/user.ts");
      const fixedCommit = sh("git commit -m 'ring: devres-managed buffers, no manual free'", project);
      expect(fixedCommit.status, show(fixedCommit)).toBe(0);
      // back to the buggy-to-be state for the next hook
      writeFileSync(path.join(project, "src/ring/helper.ts"), HELPER_MANUAL);
      writeFileSync(path.join(project, "src/ring/user.ts"), USER);
      git("config --unset core.hooksPath"); // pre-commit refuses to install beside a core.hooksPath
      git("commit -q --no-verify -a -m 'ring: manual buffers again'");
    }, STEP_MS);

    describe.sequential("the pre-commit framework", () => {
      let preCommit: string | undefined;
      const home = () => ({ PRE_COMMIT_HOME: path.join(tmp, "pre-commit-home") });

      beforeAll(() => {
        const venv = path.join(tmp, "venv");
        const r = sh(`python3 -m venv ${JSON.stringify(venv)} && ${JSON.stringify(path.join(venv, "bin/pip"))} install -q --disable-pip-version-check ${PRE_COMMIT}`, tmp);
        if (r.status === 0) preCommit = path.join(venv, "bin/pre-commit");
        // No pip registry here: the hooks' entries are still run below, as pre-commit would run them.
        else console.warn(`user-project: \`pip install ${PRE_COMMIT}\` failed, the framework itself is not tested:\n${show(r)}`);
      }, STEP_MS);

      /** Commits the config, stages the helper change and tries to commit it; returns the hook's output. */
      function refusedCommit(config: string, entry: string): string {
        writeFileSync(path.join(project, ".pre-commit-config.yaml"), config);
        if (preCommit) ok(`${JSON.stringify(preCommit)} install`, project, home());
        git("add .pre-commit-config.yaml");
        ok("git commit -q -m 'pre-commit config'", project, home()); // installs the hook's environment; no TypeScript staged
        const before = git("rev-parse HEAD");
        writeFileSync(path.join(project, "src/ring/helper.ts"), HELPER_DEVRES);
        git("add src/ring/helper.ts");
        const r = preCommit
          ? sh("git commit -m 'ring: devres-managed buffers'", project, home())
          : sh(`${entry} src/ring/helper.ts`, project); // what pre-commit runs: <entry> <staged files>
        expect(r.status, show(r)).not.toBe(0);
        expect(git("rev-parse HEAD")).toBe(before);
        writeFileSync(path.join(project, "src/ring/helper.ts"), HELPER_MANUAL);
        git("add src/ring/helper.ts");
        return r.stdout + r.stderr;
      }

      it("the repository's hook (.pre-commit-hooks.yaml at HEAD), as the README's .pre-commit-config.yaml names it", () => {
        const config = readmeFile(".pre-commit-config.yaml").replace("https://github.com/devbound/devbound", ROOT).replace("<commit>", head);
        const manifest = readFileSync(path.join(ROOT, ".pre-commit-hooks.yaml"), "utf8");
        // without pre-commit: the hook's command from this checkout, as pre-commit would run the entry
        const entry = /^\s+entry: (.+)$/m.exec(manifest)![1]!.replace(/^devbound-pre-commit /, `node ${JSON.stringify(path.join(ROOT, "hook/devbound-pre-commit.js"))} `);
        const out = refusedCommit(config, entry);
        if (preCommit) expect(out).toMatch(/devbound\.+Failed/);
        expect(out).toMatch(USER_FINDING);
      }, STEP_MS);
    });
  });
});

describe.sequential("git route with pnpm (this checkout at HEAD)", () => {
  it("the README's onlyBuiltDependencies and `pnpm add` of the three packages install built packages that find the bad drivers' bugs, TypeScript and kernel C", async () => {
    const project = pnpmProject;
    const status = await pnpmInstall;
    expect(status, readFileSync(path.join(tmp, "pnpm-install.log"), "utf8")).toBe(0);
    for (const name of ["runtime", "eslint-language-c", "eslint-plugin"]) {
      expect(existsSync(path.join(project, "node_modules/@devbound", name, "dist/index.js")), `${name} built on install`).toBe(true);
    }
    const results = lint(project, `${DRIVERS.map((r) => `src/${r}/bad.ts`).join(" ")} ${C_FILE}`);
    for (const [file, expected] of expectedByFile) expect(findings(results.get(file)), file).toEqual(expected);
    expect(findings(results.get(C_FILE)), C_FILE).toEqual(expectedC);
  }, STEP_MS);

  it("without the README's onlyBuiltDependencies, pnpm 10 refuses to build the git dependency and prints the entry to add", () => {
    const project = path.join(tmp, "pnpm-no-allowlist");
    mkdirSync(project);
    writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "p", private: true }));
    const spec = `git+file://${ROOT}#${head}&path:/packages/runtime`;
    // a store of its own: the shared one has this commit's runtime built by the test above, and
    // pnpm reuses a git dependency it already built without asking again
    const r = sh(`pnpm add --store-dir ${JSON.stringify(path.join(tmp, "empty-store"))} ${JSON.stringify(spec)}`, project);
    expect(r.status, show(r)).not.toBe(0);
    expect(r.stdout + r.stderr).toContain("ERR_PNPM_GIT_DEP_PREPARE_NOT_ALLOWED");
    expect(r.stdout + r.stderr).toContain(`- "@devbound/runtime@${spec}"`);
  }, STEP_MS);
});
