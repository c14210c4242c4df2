// devbound-affected (packages/eslint-plugin/src/affected.ts and its bin): changed files expanded
// to the project files that import them, transitively, through the project's own module
// resolution; clear errors for bad input. The CLI runs from the BUILT plugin (`pnpm build`).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AffectedError, affectedFiles } from "../../packages/eslint-plugin/src/affected.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "packages/eslint-plugin/dist/bin/devbound-affected.js");

let dir: string;
function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  writeFileSync(path.join(dir, file), text);
}
const rel = (files: string[]) => files.map((f) => path.relative(dir, f).split(path.sep).join("/"));

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "devbound-affected-"));
  write("package.json", JSON.stringify({ name: "p", private: true, type: "module" }));
  write(
    "tsconfig.json",
    JSON.stringify({
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", strict: true, noEmit: true, paths: { "#lib/*": ["./src/lib/*"] } },
      include: ["src/**/*.ts"],
    }),
  );
  write("src/lib/helper.ts", "export const alloc = () => ({});\n");
  write("src/lib/index.ts", 'export { alloc } from "./helper.js";\n'); // a re-export
  write("src/driver.ts", 'import { alloc } from "./lib/index.js";\nexport const d = alloc();\n'); // through the re-export
  write("src/mapped.ts", 'import { alloc } from "#lib/helper.js";\nexport const m = alloc();\n'); // through `paths`
  write("src/lazy.ts", 'export const l = () => import("./driver.js");\n'); // dynamic import of a dependent
  write("src/types-only.ts", 'import type { d } from "./driver.js";\nexport type D = typeof d;\n');
  write("src/cycle-a.ts", 'import "./cycle-b.js";\nimport "./lib/helper.js";\n');
  write("src/cycle-b.ts", 'import "./cycle-a.js";\n');
  write("src/unrelated.ts", 'import { readFileSync } from "node:fs";\nexport const u = readFileSync;\n');
  write("src/ambient.d.ts", 'import "./lib/helper.js";\n'); // declaration files are never dependents
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("affectedFiles", () => {
  it("adds every project file that imports a changed file, transitively, through re-exports, paths, import() and import type; cycles end", () => {
    const r = affectedFiles({ changed: ["src/lib/helper.ts"], cwd: dir });
    expect(rel(r.changed)).toEqual(["src/lib/helper.ts"]);
    expect(rel(r.dependents).sort()).toEqual(
      ["src/cycle-a.ts", "src/cycle-b.ts", "src/driver.ts", "src/lazy.ts", "src/lib/index.ts", "src/mapped.ts", "src/types-only.ts"].sort(),
    );
    expect(rel(r.files)).toEqual([...rel(r.changed), ...rel(r.dependents)]);
    expect(rel(r.projects)).toEqual(["tsconfig.json"]);
  });

  it("a leaf change expands to itself; files outside the project pass through unchanged; duplicates collapse", () => {
    expect(rel(affectedFiles({ changed: ["src/unrelated.ts"], cwd: dir }).files)).toEqual(["src/unrelated.ts"]);
    expect(rel(affectedFiles({ changed: ["README.md", path.join(dir, "README.md")], cwd: dir }).files)).toEqual(["README.md"]);
    expect(rel(affectedFiles({ changed: ["src/driver.ts"], cwd: dir }).dependents).sort()).toEqual(["src/lazy.ts", "src/types-only.ts"]);
  });

  it("finds the tsconfig from a subdirectory, or takes --project (a file or a directory)", () => {
    expect(rel(affectedFiles({ changed: ["driver.ts"], cwd: path.join(dir, "src") }).dependents).sort()).toEqual(["src/lazy.ts", "src/types-only.ts"]);
    expect(rel(affectedFiles({ changed: ["src/driver.ts"], projects: ["."], cwd: dir }).projects)).toEqual(["tsconfig.json"]);
    expect(rel(affectedFiles({ changed: ["src/driver.ts"], projects: ["tsconfig.json"], cwd: dir }).projects)).toEqual(["tsconfig.json"]);
  });

  it("bad input is an AffectedError naming the problem: no tsconfig, a missing --project, a tsconfig with errors", () => {
    const empty = mkdtempSync(path.join(tmpdir(), "devbound-affected-none-"));
    try {
      expect(() => affectedFiles({ changed: ["a.ts"], cwd: empty })).toThrow(AffectedError);
      expect(() => affectedFiles({ changed: ["a.ts"], cwd: empty })).toThrow(/no tsconfig\.json in .* or above it: pass --project/);
      expect(() => affectedFiles({ changed: ["a.ts"], projects: ["nope.json"], cwd: dir })).toThrow(/tsconfig not found: .*nope\.json/);
      writeFileSync(path.join(empty, "tsconfig.json"), JSON.stringify({ extends: "./missing-base.json", include: ["*.ts"] }));
      writeFileSync(path.join(empty, "a.ts"), "export {};\n");
      expect(() => affectedFiles({ changed: ["a.ts"], cwd: empty })).toThrow(/tsconfig\.json has errors:\n.*TS5083.*missing-base\.json/s);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe("devbound-affected (bin)", () => {
  const bin = (args: string[], cwd = dir) => spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: "utf8" });

  it("prints the expanded list, one file a line, relative to the working directory", () => {
    const r = bin(["src/driver.ts"]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.split("\n").filter(Boolean).sort()).toEqual(["src/driver.ts", "src/lazy.ts", "src/types-only.ts"]);
  });

  it("--run <command> -- <files>: runs the command with the expanded files and exits with its status", () => {
    const script = "console.log(JSON.stringify(process.argv.slice(1))); process.exit(3)";
    const r = bin(["--run", process.execPath, "-e", script, "--", "src/lazy.ts", "src/driver.ts"]);
    expect(r.status).toBe(3);
    expect(JSON.parse(r.stdout)).toEqual(["src/lazy.ts", "src/driver.ts", "src/types-only.ts"]);
    expect(r.stderr).toContain("devbound-affected: also checking 1 file(s) that import the changed ones: src/types-only.ts");
    // nothing to check: the command does not run (ESLint without files would lint everything)
    const none = bin(["--run", process.execPath, "-e", "process.exit(5)", "--"]);
    expect(none.status).toBe(0);
  });

  it("bad input: exit 2 and one line saying what is wrong (no stack trace)", () => {
    for (const [args, message] of [
      [["--bogus"], "devbound-affected: unknown option --bogus"],
      [["--run", "--", "a.ts"], "devbound-affected: --run needs a command"],
      [["--run", "eslint", "a.ts"], "devbound-affected: --run <command> must end with -- before the files"],
      [["--project"], "devbound-affected: --project needs a tsconfig path"],
      [["-p", "nope.json", "a.ts"], "devbound-affected: tsconfig not found:"],
      [["--run", "devbound-no-such-command", "--", "src/unrelated.ts"], "devbound-affected: cannot run devbound-no-such-command:"],
    ] as const) {
      const r = bin([...args]);
      expect(r.status, `${args.join(" ")}: ${r.stderr}`).toBe(2);
      expect(r.stderr.startsWith(message), r.stderr).toBe(true);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
