// Pre-commit hook, end to end, with the real tools: a fresh git repository is set up the way
// the README's "Pre-commit hook" section says (husky 9 + lint-staged 16 running
// `devbound-affected --run eslint --max-warnings 0` on the staged TypeScript files and
// `eslint --max-warnings 0` on the staged kernel C files, with devbound's `recommended` and
// `kernel` configs). `git commit` of the bad example drivers must be refused
// with devbound's findings and leave HEAD and the work tree alone; `git commit` of the good
// ones must go through. node_modules is this repository's, by symlink: nothing is downloaded.
// (test/integration/user-project.test.ts installs devbound for real, outside this repository,
// and runs the hooks on a bug that shows up in an unchanged file.)
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
// Typed linting of all example drivers inside a commit on a busy 2-core machine: generous.
const STEP_MS = 240_000;

/** The bad and good example drivers: fixtures/<rule>/{bad,good}.ts plus their helper modules. */
const fixtureDirs = readdirSync(join(ROOT, "fixtures"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, "fixtures", d.name, "bad.ts")))
  .map((d) => d.name)
  .sort();

/** The kernel C example drivers: fixtures/<rule>/{bad,good}.c, in the same folders. */
const cFixtureDirs = fixtureDirs.filter((d) => existsSync(join(ROOT, "fixtures", d, "bad.c")));

/** `// expect: a, b` comments: the findings a bad fixture must produce (1-based lines). */
function expectedFindings(text: string): { rule: string; line: number }[] {
  const out: { rule: string; line: number }[] = [];
  text.split("\n").forEach((content, i) => {
    const m = /\/\/\s*expect:\s*(.+?)\s*$/.exec(content);
    if (m?.[1]) for (const rule of m[1].split(",")) out.push({ rule: rule.trim(), line: i + 1 });
  });
  return out;
}

/** Code blocks of the README that start with a `// <path>` or `# <path>` line: path → content. */
function readmeFiles(): Map<string, string> {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const out = new Map<string, string>();
  for (const m of readme.matchAll(/```[a-z]*\n((?:\/\/|#) ([\w./-]+)\n[\s\S]*?)```/g)) out.set(m[2]!, m[1]!);
  return out;
}
// `yaml` is not a dependency of ours; lint-staged (pinned, installed) depends on it.
const YAML = createRequire(join(ROOT, "node_modules/lint-staged/package.json"))("yaml") as { parse(text: string): unknown };

interface HookDef {
  id: string;
  name?: string;
  entry: string;
  language: string;
  types_or?: string[];
  require_serial?: boolean;
  additional_dependencies?: string[];
}

describe("pre-commit hook: husky + lint-staged + eslint with devbound", () => {
  let repo: string;
  // No git or husky state leaks in from the caller (a hook running this test, HUSKY=0 in CI).
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !k.startsWith("GIT_") && k !== "HUSKY"),
  );
  Object.assign(env, { GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", FORCE_COLOR: "0", NO_COLOR: "1" });

  function run(cmd: string, args: string[]): SpawnSyncReturns<string> {
    return spawnSync(cmd, args, { cwd: repo, env, encoding: "utf8", timeout: STEP_MS });
  }
  function ok(cmd: string, args: string[]): string {
    const r = run(cmd, args);
    expect(r.status, `${cmd} ${args.join(" ")}\n${r.stdout}\n${r.stderr}\n${r.error ?? ""}`).toBe(0);
    return r.stdout;
  }
  const git = (...args: string[]) => ok("git", args);
  const head = () => git("rev-parse", "HEAD").trim();

  beforeAll(() => {
    expect(fixtureDirs.length, "fixtures/<rule>/bad.ts exist").toBeGreaterThan(0);
    repo = mkdtempSync(join(tmpdir(), "devbound-pre-commit-"));
    symlinkSync(join(ROOT, "node_modules"), join(repo, "node_modules"), "dir");
    // pnpm's bin shim of a workspace package points at ../../packages/<name>/dist/...
    symlinkSync(join(ROOT, "packages"), join(repo, "packages"), "dir");
    git("init", "-q", "-b", "main");
    git("config", "user.name", "devbound test");
    git("config", "user.email", "test@devbound.invalid");
    git("config", "commit.gpgsign", "false");
    git("config", "core.hooksPath", ".git/hooks"); // overridden by husky below; ignores a global hooksPath

    const base = JSON.parse(readFileSync(join(ROOT, "tsconfig.base.json"), "utf8")) as { compilerOptions: object };
    writeFileSync(
      join(repo, "tsconfig.json"),
      JSON.stringify({ compilerOptions: { ...base.compilerOptions, noEmit: true }, include: ["**/*.ts"], exclude: ["packages"] }, null, 2),
    );
    writeFileSync(join(repo, "package.json"), JSON.stringify({ name: "my-drivers", private: true, type: "module" }, null, 2) + "\n");
    // The files the README tells users to add, as the README has them.
    const docs = readmeFiles();
    for (const file of ["eslint.config.mjs", ".lintstagedrc.mjs", ".husky/pre-commit"]) {
      expect(docs.get(file), `README has a ${file} block`).toBeDefined();
    }
    writeFileSync(join(repo, "eslint.config.mjs"), docs.get("eslint.config.mjs")!);
    writeFileSync(join(repo, ".lintstagedrc.mjs"), docs.get(".lintstagedrc.mjs")!);
    writeFileSync(join(repo, ".gitignore"), "node_modules\npackages\n");
    git("add", ".");
    git("commit", "-q", "-m", "project");

    // The hook, as documented: `husky init`, then the hook runs lint-staged.
    ok(join(repo, "node_modules/.bin/husky"), ["init"]);
    expect(git("config", "core.hooksPath").trim()).toBe(".husky/_");
    expect(JSON.parse(readFileSync(join(repo, "package.json"), "utf8")).scripts.prepare).toBe("husky");
    writeFileSync(join(repo, ".husky/pre-commit"), docs.get(".husky/pre-commit")!);
    git("add", "package.json", ".husky/pre-commit");
    git("commit", "-q", "-m", "pre-commit hook"); // runs the hook: no TypeScript staged, nothing to lint
  }, STEP_MS);

  afterAll(() => {
    if (repo) rmSync(repo, { recursive: true, force: true });
  });

  it(
    "accepts a commit of the good drivers",
    () => {
      const before = head();
      for (const dir of fixtureDirs) {
        cpSync(join(ROOT, "fixtures", dir), join(repo, "fixtures", dir), {
          recursive: true,
          filter: (src) => !src.endsWith(`${dir}/bad.ts`) && !src.endsWith(`${dir}/bad.c`),
        });
      }
      git("add", "fixtures");
      const r = run("git", ["commit", "-m", "good drivers"]);
      expect(r.status, `commit of the good drivers was refused:\n${r.stdout}\n${r.stderr}`).toBe(0);
      expect(head()).not.toBe(before);
      // The hook did run lint-staged on them (a silently skipped hook would also "accept").
      expect(r.stdout + r.stderr).toMatch(/devbound-affected --run eslint --max-warnings 0/);
      // and ESLint, with configs.kernel, on the good kernel C drivers
      expect(cFixtureDirs.length, "fixtures/<rule>/good.c exist").toBeGreaterThan(0);
      // the C files are arguments of that run (lint-staged's log quotes them, JSON-escaped off a terminal)
      for (const dir of cFixtureDirs) expect(r.stdout + r.stderr).toMatch(new RegExp(`devbound-affected [^\\n]*fixtures/${dir}/good\\.c\\\\?"`));
      for (const dir of cFixtureDirs) expect(git("ls-files", `fixtures/${dir}/good.c`).trim()).toBe(`fixtures/${dir}/good.c`);
    },
    STEP_MS,
  );

  it(
    "a commit of kernel C files only goes to ESLint alone: a bad driver is refused with its findings, a good one committed",
    () => {
      const dir = cFixtureDirs[0]!;
      const before = head();
      const text = readFileSync(join(ROOT, "fixtures", dir, "bad.c"), "utf8");
      writeFileSync(join(repo, "fixtures", dir, "bad.c"), text);
      git("add", `fixtures/${dir}/bad.c`);
      const r = run("git", ["commit", "-m", "bad C driver"]);
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.status, `commit of a bad C driver went through:\n${out}`).not.toBe(0);
      expect(head()).toBe(before);
      expect(out).toMatch(/"title":"eslint --max-warnings 0 --no-warn-ignored \\"[^"]*bad\.c\\"/);
      expect(out).not.toContain("devbound-affected");
      const findings = expectedFindings(text);
      expect(findings.length).toBeGreaterThan(0);
      for (const f of findings) {
        expect(out).toMatch(new RegExp(`^\\s+${f.line}:\\d+\\s+(error|warning)\\s+\\S.*\\sdevbound/${f.rule}\\s*$`, "m"));
      }
      // take it back out (the next case stages all bad drivers), then a good C driver alone
      git("rm", "-q", "--cached", `fixtures/${dir}/bad.c`);
      rmSync(join(repo, "fixtures", dir, "bad.c"));
      writeFileSync(join(repo, "fixtures", dir, "good-copy.c"), readFileSync(join(ROOT, "fixtures", dir, "good.c"), "utf8"));
      git("add", `fixtures/${dir}/good-copy.c`);
      const g = run("git", ["commit", "-m", "good C driver"]);
      expect(g.status, `commit of a good C driver was refused:\n${g.stdout}\n${g.stderr}`).toBe(0);
      expect(head()).not.toBe(before);
      expect(g.stdout + g.stderr).toMatch(/"title":"eslint --max-warnings 0 --no-warn-ignored \\"[^"]*good-copy\.c\\"/);
    },
    STEP_MS,
  );

  it(
    "refuses a commit of the bad drivers with devbound's findings, leaving HEAD and the files alone",
    () => {
      const before = head();
      const expected: { file: string; rule: string; line: number }[] = [];
      for (const dir of fixtureDirs) {
        const text = readFileSync(join(ROOT, "fixtures", dir, "bad.ts"), "utf8");
        writeFileSync(join(repo, "fixtures", dir, "bad.ts"), text);
        for (const f of expectedFindings(text)) expected.push({ file: `fixtures/${dir}/bad.ts`, ...f });
      }
      // and the bad kernel C drivers: refused through ESLint alone (no TypeScript project involved)
      for (const dir of cFixtureDirs) {
        const text = readFileSync(join(ROOT, "fixtures", dir, "bad.c"), "utf8");
        writeFileSync(join(repo, "fixtures", dir, "bad.c"), text);
        for (const f of expectedFindings(text)) expected.push({ file: `fixtures/${dir}/bad.c`, ...f });
      }
      expect(expected.filter((f) => f.file.endsWith(".c")).length, "the bad C fixtures carry `// expect:` comments").toBeGreaterThan(0);
      expect(expected.length, "the bad fixtures carry `// expect:` comments").toBeGreaterThan(0);
      git("add", "fixtures");
      const r = run("git", ["commit", "-m", "bad drivers"]);
      const out = `${r.stdout}\n${r.stderr}`;
      expect(r.status, `commit of the bad drivers went through:\n${out}`).not.toBe(0);
      expect(head()).toBe(before);
      expect(out).toContain("husky - pre-commit script failed");

      // ESLint's report, per file: every expected finding, by rule id and line.
      const sections = new Map<string, string>();
      let current: string | undefined;
      for (const line of out.split("\n")) {
        const file = /^\s*(\/\S+\.(?:ts|c))\s*$/.exec(line)?.[1];
        if (file) {
          current = file.slice(file.indexOf("/fixtures/") + 1);
          sections.set(current, "");
        } else if (current) {
          sections.set(current, sections.get(current) + line + "\n");
        }
      }
      for (const f of expected) {
        const section = sections.get(f.file) ?? "";
        expect(section, `${f.file}:${f.line} devbound/${f.rule} in the hook's output:\n${out}`).toMatch(
          new RegExp(`^\\s+${f.line}:\\d+\\s+(error|warning)\\s+\\S.*\\sdevbound/${f.rule}\\s*$`, "m"),
        );
      }

      // The refused files are still there and still staged, as the user wrote them.
      for (const dir of fixtureDirs) {
        expect(readFileSync(join(repo, "fixtures", dir, "bad.ts"), "utf8")).toBe(
          readFileSync(join(ROOT, "fixtures", dir, "bad.ts"), "utf8"),
        );
      }
      expect(git("diff", "--cached", "--name-only").split("\n").filter(Boolean).sort()).toEqual(
        [...fixtureDirs.map((d) => `fixtures/${d}/bad.ts`), ...cFixtureDirs.map((d) => `fixtures/${d}/bad.c`)].sort(),
      );
      for (const dir of cFixtureDirs) {
        expect(readFileSync(join(repo, "fixtures", dir, "bad.c"), "utf8")).toBe(readFileSync(join(ROOT, "fixtures", dir, "bad.c"), "utf8"));
      }
    },
    STEP_MS,
  );
  it(
    "the pre-commit framework's hooks (.pre-commit-hooks.yaml): node hooks whose entries gate, run as pre-commit runs them (`<entry> <files>`) by the hook's command from this checkout",
    () => {
      const manifest = YAML.parse(readFileSync(join(ROOT, ".pre-commit-hooks.yaml"), "utf8")) as HookDef[];
      const hook = manifest.find((h) => h.id === "devbound");
      expect(hook, ".pre-commit-hooks.yaml defines the hook `devbound`").toBeDefined();
      expect(hook!.language).toBe("node");
      expect(hook!.entry).toBe("devbound-pre-commit devbound-affected --run eslint --max-warnings 0 --no-warn-ignored --");
      expect(hook!.types_or).toEqual(["ts", "tsx"]);
      expect(hook!.require_serial).toBe(true);
      expect(hook!.additional_dependencies).toBeUndefined();
      // the command is the root package's bin, which pre-commit's npm install puts on the hook's PATH
      const rootPkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { bin: Record<string, string> };
      expect(Object.keys(rootPkg.bin)).toEqual(["devbound-pre-commit"]);
      const launcher = join(ROOT, rootPkg.bin["devbound-pre-commit"]!);

      // The README's config names both hooks of this repository.
      const docs = readmeFiles();
      const remote = YAML.parse(docs.get(".pre-commit-config.yaml") ?? "repos: []") as { repos: { repo: string; hooks: HookDef[] }[] };
      expect(remote.repos.map((r) => [r.repo, r.hooks.map((h) => h.id)])).toEqual([["https://github.com/devbound/devbound", ["devbound", "devbound-c"]]]);

      // pre-commit runs `<entry> <files...>` in the repository (require_serial: one process).
      for (const dir of fixtureDirs) {
        cpSync(join(ROOT, "fixtures", dir), join(repo, "fixtures", dir), { recursive: true });
      }
      const command = (entry: string) => entry.replace(/^devbound-pre-commit /, `${JSON.stringify(process.execPath)} ${JSON.stringify(launcher)} `);
      const runEntry = (files: string[]) =>
        spawnSync("sh", ["-c", `${command(hook!.entry)} "$@"`, "entry", ...files], { cwd: repo, env, encoding: "utf8", timeout: STEP_MS });
      // The kernel C hook: ESLint alone on the staged .c/.h (identify tags .h as c and header).
      const cHook = manifest.find((h) => h.id === "devbound-c");
      expect(cHook, ".pre-commit-hooks.yaml defines the hook `devbound-c`").toBeDefined();
      expect(cHook!.language).toBe("node");
      expect(cHook!.entry).toBe("devbound-pre-commit eslint --max-warnings 0 --no-warn-ignored");
      expect(cHook!.types_or).toEqual(["c", "header"]);
      expect(cHook!.require_serial).toBe(true);

      const bad = runEntry(fixtureDirs.map((d) => `fixtures/${d}/bad.ts`));
      expect(bad.status, `${bad.stdout}\n${bad.stderr}`).toBe(1);
      for (const dir of fixtureDirs) {
        for (const f of expectedFindings(readFileSync(join(ROOT, "fixtures", dir, "bad.ts"), "utf8"))) {
          expect(bad.stdout).toContain(`devbound/${f.rule}`);
        }
      }
      const good = runEntry(fixtureDirs.map((d) => `fixtures/${d}/good.ts`));
      expect(good.status, `${good.stdout}\n${good.stderr}`).toBe(0);

      const runCEntry = (files: string[]) =>
        spawnSync("sh", ["-c", `${command(cHook!.entry)} "$@"`, "entry", ...files], { cwd: repo, env, encoding: "utf8", timeout: STEP_MS });
      const badC = runCEntry(cFixtureDirs.map((d) => `fixtures/${d}/bad.c`));
      expect(badC.status, `${badC.stdout}\n${badC.stderr}`).toBe(1);
      for (const dir of cFixtureDirs) {
        for (const f of expectedFindings(readFileSync(join(ROOT, "fixtures", dir, "bad.c"), "utf8"))) {
          expect(badC.stdout).toMatch(new RegExp(`^\\s+${f.line}:\\d+\\s+(error|warning)\\s+\\S.*\\sdevbound/${f.rule}\\s*$`, "m"));
        }
      }
      const goodC = runCEntry(cFixtureDirs.map((d) => `fixtures/${d}/good.c`));
      expect(goodC.status, `${goodC.stdout}\n${goodC.stderr}`).toBe(0);
    },
    2 * STEP_MS,
  );
});
