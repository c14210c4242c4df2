// What a user installs (issue 14, fast checks; test/integration/user-project.test.ts installs
// for real): every package's manifest installs outside this workspace (a git install reads it
// as is: no `workspace:` range at all, so npm can read it too), builds its dist/ on a git install (`prepare`),
// ships it, and the plugin's peers name what it needs at the versions the README states.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
interface Manifest {
  name: string;
  version: string;
  scripts?: Record<string, string>;
  files?: string[];
  exports?: unknown;
  bin?: Record<string, string>;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}
const read = (file: string) => JSON.parse(readFileSync(path.join(ROOT, file), "utf8")) as Manifest;
const packages = readdirSync(path.join(ROOT, "packages")).map((dir) => ({ dir, pkg: read(`packages/${dir}/package.json`) }));
const byName = new Map(packages.map((p) => [p.pkg.name, p.pkg]));
const plugin = byName.get("@devbound/eslint-plugin")!;
const README = readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("package manifests", () => {
  it("the three packages are here", () => {
    expect([...byName.keys()].sort()).toEqual(["@devbound/eslint-language-c", "@devbound/eslint-plugin", "@devbound/runtime"]);
  });

  it.each(packages)("$dir: no workspace: range where an installer reads it; prepare builds dist/, which is shipped", ({ pkg }) => {
    for (const field of ["dependencies", "peerDependencies", "optionalDependencies"] as const) {
      for (const [name, range] of Object.entries(pkg[field] ?? {})) expect(range, `${field}.${name}`).not.toMatch(/^workspace:/);
    }
    expect(pkg.scripts?.prepare).toBe("tsc -b");
    expect(pkg.files).toContain("dist");
    const targets = JSON.stringify(pkg.exports).match(/"\.\/dist\/[^"]+"/g) ?? [];
    expect(targets.length).toBeGreaterThan(0);
  });

  it("the plugin: its @devbound siblings are peers at their versions (runtime optional: the user's code imports it), beside eslint, typescript and the parser", () => {
    expect(plugin.peerDependencies).toEqual({
      "@devbound/eslint-language-c": byName.get("@devbound/eslint-language-c")!.version,
      "@devbound/runtime": byName.get("@devbound/runtime")!.version,
      "@typescript-eslint/parser": "^8.72.0",
      eslint: "^9.7.0 || ^10.0.0",
      typescript: ">=5.0 <6.1",
    });
    expect(plugin.peerDependenciesMeta).toEqual({ "@devbound/runtime": { optional: true } });
    // in the workspace the siblings come from the workspace: their own versions, which pnpm links
    // (linkWorkspacePackages) and npm resolves through the root's workspaces (the pre-commit hook)
    for (const name of ["@devbound/eslint-language-c", "@devbound/runtime"]) expect(plugin.devDependencies?.[name]).toBe(byName.get(name)!.version);
    expect(readFileSync(path.join(ROOT, "pnpm-workspace.yaml"), "utf8")).toMatch(/^linkWorkspacePackages: true$/m);
    expect(plugin.exports).toEqual({ ".": { types: "./dist/index.d.ts", require: "./dist/require.cjs", default: "./dist/index.js" } });
    expect(plugin.bin).toEqual({
      "devbound-affected": "./bin/devbound-affected.js",
      "devbound-kernel-check": "./bin/devbound-kernel-check.js",
    });
  });

  it("the README states the TypeScript range of the peer and the version to install; its install commands pin what this repository tests with", () => {
    const root = read("package.json");
    expect(README).toContain("`typescript` (>=5.0 <6.1;");
    expect(README).toContain("install `typescript@6.0.3`");
    for (const name of ["eslint", "typescript", "@typescript-eslint/parser"]) {
      // the root's dependencies (what the pre-commit hook installs) or its devDependencies
      const pinned = `${name}@${root.dependencies?.[name] ?? root.devDependencies?.[name]}`;
      expect(README.split(pinned).length - 1, `${pinned} in both install commands`).toBeGreaterThanOrEqual(2);
    }
    expect(root.scripts?.release).toBe("node scripts/release.mjs");
    expect(readFileSync(path.join(ROOT, ".gitignore"), "utf8").split("\n")).toContain("release/");
  });
});
