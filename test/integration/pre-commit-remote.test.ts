// The pre-commit framework's remote hook, as the README's "Pre-commit hook" section has a user
// set it up (issue 11, item 3): pip's pre-commit 4.6.2 in a venv, a fresh git repository with a
// small TypeScript driver project and a kernel C driver, the README's .pre-commit-config.yaml
// with `repo:` this repository (a clone of the working tree, committed) and `rev:` that commit,
// `pre-commit install`, then commits. pre-commit installs the hooks' environment itself
// (`npm install -g git+file://<its clone>`, .pre-commit-hooks.yaml `language: node`); the
// project installs only what its code imports at run time, @devbound/runtime (the README's
// tarball). No eslint, no plugin, no TypeScript in the project: the hook brings them, and the
// README's eslint.config.mjs imports the plugin from the hook's environment.
//
// Needs the network (pip, and npm for eslint, typescript ... from the registry) and minutes:
// pre-commit's npm install compiles packages/* in its environment.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const STEP_MS = 900_000;
const PRE_COMMIT = "pre-commit==4.6.2";

// A user's shell: none of this repository's pnpm/npm script variables, git or husky state.
const env: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([k]) => !/^(npm_|PNPM_|GIT_|PRE_COMMIT)/i.test(k) && !["HUSKY", "INIT_CWD", "NODE_OPTIONS", "NODE_PATH"].includes(k)),
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
function readmeFile(name: string): string {
  for (const m of README.matchAll(/```[a-z]*\n((?:\/\/|#) ([\w./-]+)\n[\s\S]*?)```/g)) if (m[2] === name) return m[1]!;
  throw new Error(`README has no ${name} block`);
}

/** `// expect: a, b` comments of a file: 1-based line -> rules. */
function expectedFindings(text: string): { line: number; rule: string }[] {
  return text.split("\n").flatMap((content, i) => {
    const m = /\/\/\s*expect:\s*(.+?)\s*$/.exec(content);
    return m ? m[1]!.split(",").map((rule) => ({ line: i + 1, rule: rule.trim() })) : [];
  });
}
/** ESLint's stylish line for a finding: `  <line>:<col>  error  <message>  devbound/<rule>`. */
const findingLine = (line: number, rule: string) => new RegExp(`^\\s+${line}:\\d+\\s+(error|warning)\\s+\\S.*\\sdevbound/${rule}\\s*$`, "m");

const BAD_TS = `// The dbl-free driver: frees by hand what devres frees at unbind.
import { defineDriver, devmKzalloc, kfree } from "@devbound/runtime";

export const driver = defineDriver({
  name: "dbl-free",
  probe(dev) {
    const priv = devmKzalloc(dev, () => ({ count: 0 }));
    return { priv };
  },
  remove(_dev, { priv }) {
    kfree(priv);
  },
});
`;
const BAD_TS_LINE = 11;
const GOOD_TS = BAD_TS.replace("    kfree(priv);\n", "    void priv; // devres frees it at unbind\n").replace("devmKzalloc, kfree", "devmKzalloc");
const C_DIR = "fixtures/no-manual-free-of-devres";

describe("package.json for the hook's install", () => {
  it("the root package's dependencies carry every registry dependency of packages/*, at the same version (npm installs those, not the packages' own)", () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as Record<string, Record<string, string> | undefined>;
    const rootDeps = read("package.json").dependencies ?? {};
    const needed: Record<string, string> = {};
    for (const dir of readdirSync(path.join(ROOT, "packages"))) {
      if (!existsSync(path.join(ROOT, "packages", dir, "package.json"))) continue;
      const pkg = read(`packages/${dir}/package.json`);
      for (const [name, range] of Object.entries(pkg.dependencies ?? {})) if (!name.startsWith("@devbound/")) needed[name] = range;
    }
    expect(Object.keys(needed).length).toBeGreaterThan(0);
    for (const [name, range] of Object.entries(needed)) expect(rootDeps[name], `root dependencies.${name}`).toBe(range);
    // the plugin's peers, and TypeScript's Node types for the compile in the environment
    const plugin = read("packages/eslint-plugin/package.json");
    for (const peer of ["eslint", "typescript", "@typescript-eslint/parser"]) {
      expect(rootDeps[peer], `root dependencies.${peer}`).toBeDefined();
      expect(plugin.peerDependencies?.[peer], `plugin peer ${peer}`).toBeDefined();
    }
    expect(rootDeps["@types/node"]).toBeDefined();
    // npm reads these package.json files (the hook's install): no pnpm-only `workspace:` ranges
    for (const file of ["package.json", ...readdirSync(path.join(ROOT, "packages")).map((d) => `packages/${d}/package.json`).filter((f) => existsSync(path.join(ROOT, f)))]) {
      expect(readFileSync(path.join(ROOT, file), "utf8"), file).not.toContain('"workspace:');
    }
  });
});

describe.sequential("the remote hook (repo: this repository) with pip's pre-commit 4.6.2, in a project that installed only @devbound/runtime", () => {
  let tmp: string;
  let project: string;
  let preCommit: string;
  /** The project's .pre-commit-config.yaml (repo: the clone, rev: its commit). */
  let preCommitConfig: string;
  /** The hook's installed package in pre-commit's environment (lib/node_modules/devbound). */
  let installed: string;
  const home = () => ({ PRE_COMMIT_HOME: path.join(tmp, "pre-commit-home") });
  const git = (args: string) => ok(`git ${args}`, project);
  const head = () => git("rev-parse HEAD").trim();
  /** `git commit` through the installed hook. */
  const commit = (message: string) => sh(`git commit -m ${JSON.stringify(message)}`, project, home());

  beforeAll(() => {
    tmp = mkdtempSync(path.join(tmpdir(), "devbound-pre-commit-remote-"));
    expect(path.relative(ROOT, tmp).startsWith(".."), "everything lives outside this repository").toBe(true);
    // no global git config (a core.hooksPath there makes `pre-commit install` refuse)
    writeFileSync(path.join(tmp, "gitconfig"), "");
    env.GIT_CONFIG_GLOBAL = path.join(tmp, "gitconfig");

    // The hook repository: this working tree as a commit (pre-commit clones `repo` at `rev`).
    const hookRepo = path.join(tmp, "devbound");
    ok(`git clone -q ${JSON.stringify(ROOT)} ${JSON.stringify(hookRepo)}`, tmp);
    const changed = ok("git ls-files -z --modified --others --exclude-standard", ROOT).split("\0").filter(Boolean);
    const deleted = new Set(ok("git ls-files -z --deleted", ROOT).split("\0").filter(Boolean));
    for (const file of changed) {
      if (deleted.has(file)) continue;
      mkdirSync(path.dirname(path.join(hookRepo, file)), { recursive: true });
      cpSync(path.join(ROOT, file), path.join(hookRepo, file));
    }
    for (const file of deleted) rmSync(path.join(hookRepo, file), { force: true });
    const identity = "-c user.name=devbound-test -c user.email=test@devbound.invalid -c commit.gpgsign=false";
    ok(`git add -A && git ${identity} commit -q --allow-empty -m "working tree"`, hookRepo);
    const rev = ok("git rev-parse HEAD", hookRepo).trim();

    // pre-commit from pip, as its docs install it
    const venv = path.join(tmp, "venv");
    ok(`python3 -m venv ${JSON.stringify(venv)} && ${JSON.stringify(path.join(venv, "bin/pip"))} install -q --disable-pip-version-check ${PRE_COMMIT}`, tmp);
    preCommit = path.join(venv, "bin/pre-commit");
    expect(ok(`${JSON.stringify(preCommit)} --version`, tmp).trim()).toBe("pre-commit 4.6.2");

    // The user's project: @devbound/runtime from the README's tarball (its code imports it), the
    // README's eslint.config.mjs and .pre-commit-config.yaml, a tsconfig. Nothing else installed.
    const release = path.join(tmp, "release");
    ok(`pnpm release --out ${JSON.stringify(release)}`, ROOT);
    project = path.join(tmp, "project");
    mkdirSync(project);
    ok("npm init -y", project);
    ok(`npm i ${JSON.stringify(path.join(release, "devbound-runtime-0.1.0.tgz"))}`, project);
    expect(readdirSync(path.join(project, "node_modules")).sort()).toEqual(["@devbound"].concat(existsSync(path.join(project, "node_modules/.package-lock.json")) ? [".package-lock.json"] : []).sort());
    expect(readdirSync(path.join(project, "node_modules/@devbound"))).toEqual(["runtime"]);
    writeFileSync(
      path.join(project, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, skipLibCheck: true, types: [] }, include: ["src/**/*.ts"] }, null, 2),
    );
    writeFileSync(path.join(project, "eslint.config.mjs"), readmeFile("eslint.config.mjs"));
    const config = readmeFile(".pre-commit-config.yaml");
    expect(config).toContain("repo: https://github.com/devbound/devbound");
    expect(config).toContain("rev: <commit>");
    preCommitConfig = config.replace("https://github.com/devbound/devbound", hookRepo).replace("<commit>", rev);
    writeFileSync(path.join(project, ".pre-commit-config.yaml"), preCommitConfig);
    writeFileSync(path.join(project, ".gitignore"), "node_modules\n");
    git("init -q -b main");
    git("config user.name user");
    git("config user.email user@devbound.invalid");
    git("config commit.gpgsign false");
    expect(ok(`${JSON.stringify(preCommit)} install`, project, home())).toContain("pre-commit installed at .git/hooks/pre-commit");
    git("add -A");
    // the first commit through the hook: pre-commit clones the hook repository and installs its environment
    const started = performance.now();
    const first = commit("project");
    expect(first.status, show(first)).toBe(0);
    // reported, not asserted (README "Pre-commit hook" quotes it)
    console.log(`pre-commit-remote: first commit, installing the hooks' environment: ${((performance.now() - started) / 1000).toFixed(1)} s`);
    expect(first.stdout + first.stderr).toContain("Installing environment for");
  }, STEP_MS);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("pre-commit installed the hook in a node environment of its own, with devbound compiled in it", () => {
    const repos = readdirSync(path.join(tmp, "pre-commit-home")).filter((d) => d.startsWith("repo"));
    const bins = repos.flatMap((repo) =>
      readdirSync(path.join(tmp, "pre-commit-home", repo))
        .filter((d) => d.startsWith("node_env-"))
        .map((d) => path.join(tmp, "pre-commit-home", repo, d, "bin", "devbound-pre-commit")),
    );
    expect(bins.filter((b) => existsSync(b)), "node_env-*/bin/devbound-pre-commit").toHaveLength(1);
    installed = path.join(path.dirname(path.dirname(bins.find((b) => existsSync(b))!)), "lib/node_modules/devbound");
    for (const name of ["runtime", "eslint-language-c", "eslint-plugin"]) {
      expect(existsSync(path.join(installed, "node_modules/@devbound", name, "dist/index.js")), `${name} compiled in the environment`).toBe(true);
    }
    // and nothing of it in the user's project
    expect(existsSync(path.join(project, "node_modules/eslint"))).toBe(false);
    expect(existsSync(path.join(project, "node_modules/@devbound/eslint-plugin"))).toBe(false);
  });

  it("a commit of a bad TypeScript driver is refused with devbound's finding; the fixed driver is committed", () => {
    const before = head();
    mkdirSync(path.join(project, "src/dbl-free"), { recursive: true });
    writeFileSync(path.join(project, "src/dbl-free/driver.ts"), BAD_TS);
    git("add src/dbl-free/driver.ts");
    const bad = commit("dbl-free driver");
    const out = bad.stdout + bad.stderr;
    expect(bad.status, show(bad)).toBe(1);
    expect(out).toMatch(/^devbound\.+Failed$/m);
    expect(out).toMatch(/^- hook id: devbound$/m);
    expect(out).toMatch(/^devbound \(kernel C\)\.+\(no files to check\)Skipped$/m);
    expect(out).toMatch(findingLine(BAD_TS_LINE, "no-manual-free-of-devres"));
    expect(out).toContain("double free");
    expect(head()).toBe(before);
    expect(git("diff --cached --name-only").trim()).toBe("src/dbl-free/driver.ts");

    writeFileSync(path.join(project, "src/dbl-free/driver.ts"), GOOD_TS);
    git("add src/dbl-free/driver.ts");
    const good = commit("dbl-free driver, devres frees priv");
    expect(good.status, show(good)).toBe(0);
    expect(good.stdout + good.stderr).toMatch(/^devbound\.+Passed$/m);
    expect(head()).not.toBe(before);
  }, STEP_MS);

  it("a commit of a bad kernel C driver is refused with devbound's findings; a good one is committed", () => {
    const text = readFileSync(path.join(ROOT, C_DIR, "bad.c"), "utf8");
    const expected = expectedFindings(text);
    expect(expected.length, `${C_DIR}/bad.c has // expect: comments`).toBeGreaterThan(0);
    const before = head();
    mkdirSync(path.join(project, "drivers/iio"), { recursive: true });
    writeFileSync(path.join(project, "drivers/iio/foo-adc.c"), text);
    git("add drivers/iio/foo-adc.c");
    const bad = commit("iio: foo-adc driver");
    const out = bad.stdout + bad.stderr;
    expect(bad.status, show(bad)).toBe(1);
    expect(out).toMatch(/^devbound \(kernel C\)\.+Failed$/m);
    expect(out).toMatch(/^- hook id: devbound-c$/m);
    expect(out).toMatch(/^devbound\.+\(no files to check\)Skipped$/m);
    for (const f of expected) expect(out).toMatch(findingLine(f.line, f.rule));
    expect(head()).toBe(before);

    writeFileSync(path.join(project, "drivers/iio/foo-adc.c"), readFileSync(path.join(ROOT, C_DIR, "good.c"), "utf8"));
    git("add drivers/iio/foo-adc.c");
    const good = commit("iio: foo-adc driver, devres releases");
    expect(good.status, show(good)).toBe(0);
    expect(good.stdout + good.stderr).toMatch(/^devbound \(kernel C\)\.+Passed$/m);
    expect(head()).not.toBe(before);
  }, STEP_MS);

  it("kernel C alone needs nothing installed: a repository with only the config files and a driver", () => {
    const kernel = path.join(tmp, "kernel");
    mkdirSync(path.join(kernel, "drivers/iio"), { recursive: true });
    const kgit = (args: string) => ok(`git ${args}`, kernel);
    kgit("init -q -b main");
    kgit("config user.name user");
    kgit("config user.email user@devbound.invalid");
    kgit("config commit.gpgsign false");
    writeFileSync(path.join(kernel, "eslint.config.mjs"), readmeFile("eslint.config.mjs"));
    writeFileSync(path.join(kernel, ".pre-commit-config.yaml"), preCommitConfig);
    ok(`${JSON.stringify(preCommit)} install`, kernel, home());
    kgit("add -A");
    const first = sh("git commit -m 'config'", kernel, home());
    expect(first.status, show(first)).toBe(0);
    expect(first.stdout + first.stderr, "the same repo and rev: pre-commit reuses the environment").not.toContain("Installing environment for");

    const text = readFileSync(path.join(ROOT, C_DIR, "bad.c"), "utf8");
    writeFileSync(path.join(kernel, "drivers/iio/foo-adc.c"), text);
    kgit("add drivers/iio/foo-adc.c");
    const bad = sh("git commit -m 'iio: foo-adc'", kernel, home());
    expect(bad.status, show(bad)).toBe(1);
    for (const f of expectedFindings(text)) expect(bad.stdout + bad.stderr).toMatch(findingLine(f.line, f.rule));
    expect(readdirSync(kernel).sort()).toEqual([".git", ".pre-commit-config.yaml", "drivers", "eslint.config.mjs"]);
  }, STEP_MS);

  it("where npm did not run the postinstall (npm 12 blocks a dependency's install scripts unless allowed), the first commit sets devbound up (links, compiles), once", () => {
    // the environment as such an npm leaves it: packages/* unlinked and uncompiled
    rmSync(path.join(installed, "node_modules/@devbound"), { recursive: true, force: true });
    for (const name of ["runtime", "eslint-language-c", "eslint-plugin"]) rmSync(path.join(installed, "packages", name, "dist"), { recursive: true, force: true });
    writeFileSync(path.join(project, "src/dbl-free/driver.ts"), BAD_TS);
    git("add src/dbl-free/driver.ts");
    const bad = commit("dbl-free driver, again");
    const out = bad.stdout + bad.stderr;
    expect(bad.status, show(bad)).toBe(1);
    expect(out.match(/setting up devbound in this environment/g)).toHaveLength(1);
    expect(out).toMatch(findingLine(BAD_TS_LINE, "no-manual-free-of-devres"));
    writeFileSync(path.join(project, "drivers/iio/foo-adc.c"), readFileSync(path.join(ROOT, C_DIR, "bad.c"), "utf8"));
    git("add drivers/iio/foo-adc.c");
    const again = commit("dbl-free driver and foo-adc, again");
    expect(again.status, show(again)).toBe(1);
    expect(again.stdout + again.stderr).not.toContain("setting up devbound");
    expect(again.stdout + again.stderr).toMatch(/^devbound \(kernel C\)\.+Failed$/m);
  }, STEP_MS);
});
