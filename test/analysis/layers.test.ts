// The analysis layer's import graph (packages/eslint-plugin/src/analysis/*.ts), read with
// TypeScript's ts.preProcessFile: no cycle, and the bottom layers import only what is below
// them (syntax < types < name index < call sites < values, roles, rules). Type-only imports
// count: a layer that needs another's types depends on it. Run it alone:
//   npx vitest run test/analysis/layers.test.ts
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../packages/eslint-plugin/src/analysis");

/** module name (file without .ts) -> the analysis modules it imports or re-exports. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of fs.readdirSync(root).filter((f) => f.endsWith(".ts")).sort()) {
    const info = ts.preProcessFile(fs.readFileSync(path.join(root, file), "utf8"), true, false);
    const deps = info.importedFiles
      .map((f) => f.fileName)
      .filter((spec) => spec.startsWith("./") && !spec.slice(2).includes("/"))
      .map((spec) => spec.slice(2).replace(/\.(js|ts)$/, ""));
    graph.set(file.replace(/\.ts$/, ""), [...new Set(deps)]);
  }
  return graph;
}

/** Every elementary cycle's first appearance in a depth-first walk, written `a -> b -> a`. */
export function cyclesOf(graph: Map<string, string[]>): string[] {
  const cycles: string[] = [];
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (m: string): void => {
    state.set(m, "open");
    stack.push(m);
    for (const d of graph.get(m) ?? []) {
      if (state.get(d) === "open") cycles.push([...stack.slice(stack.indexOf(d)), d].join(" -> "));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(m, "done");
  };
  for (const m of graph.keys()) if (!state.has(m)) visit(m);
  return cycles;
}

/**
 * The bottom layers, each with what it may import (a module missing here is above them: values,
 * roles, deferral, summaries, ...; it may import anything that does not close a cycle).
 */
const BOTTOM: Record<string, string[]> = {
  ast: [], // syntax helpers
  "program-delta": [], // per-file deltas between programs (syntax and the program's file set)
  summaries: ["program-delta"], // defineSummary: per-program summaries, one cycle and budget policy
  brands: ["ast"], // brands read off types
  "name-index": ["ast", "brands", "program-delta", "summaries"], // name sets: a filter above types
  "call-sites": ["ast", "brands", "name-index", "summaries"], // argument/parameter/contextual types, the function a call runs
};

describe("analysis/ import graph", () => {
  const graph = importGraph(dir);

  it("reads the modules and their imports", () => {
    // The reader itself: a module that exists and imports below it (else the checks pass on nothing).
    expect(graph.get("name-index")).toContain("brands");
    expect(graph.get("services")).toContain("name-index");
    expect(graph.size).toBeGreaterThan(10);
  });

  it("has no cycle", () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it.each(Object.entries(BOTTOM))("%s imports only the layers below it", (module, allowed) => {
    const imports = graph.get(module);
    expect(imports, `${module}.ts is missing`).toBeDefined();
    expect(imports!.filter((d) => !allowed.includes(d)), `${module}.ts imports from analysis/`).toEqual([]);
  });

  it("index.ts exports an explicit list (no `export *`)", () => {
    const text = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
    expect(text.match(/^export \* from .*$/gm) ?? []).toEqual([]);
  });

  it("rules import analysis/ through index.ts only, and index.ts exports nothing no rule imports", () => {
    const rulesDir = path.join(dir, "../rules");
    const used = new Set<string>();
    for (const file of fs.readdirSync(rulesDir).filter((f) => f.endsWith(".ts"))) {
      const sf = ts.createSourceFile(file, fs.readFileSync(path.join(rulesDir, file), "utf8"), ts.ScriptTarget.Latest);
      for (const st of sf.statements) {
        if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.moduleSpecifier.text.includes("analysis/")) continue;
        expect(`${file}: ${st.moduleSpecifier.text}`).toBe(`${file}: ../analysis/index.js`);
        const bindings = st.importClause?.namedBindings;
        if (bindings && ts.isNamedImports(bindings)) for (const el of bindings.elements) used.add((el.propertyName ?? el.name).text);
      }
    }
    const index = ts.createSourceFile("index.ts", fs.readFileSync(path.join(dir, "index.ts"), "utf8"), ts.ScriptTarget.Latest);
    const exported = index.statements.flatMap((st) =>
      ts.isExportDeclaration(st) && st.exportClause && ts.isNamedExports(st.exportClause) ? st.exportClause.elements.map((el) => el.name.text) : [],
    );
    expect(exported.length).toBeGreaterThan(10);
    expect(exported.filter((name) => !used.has(name))).toEqual([]);
  });

  it("the cycle finder names a cycle", () => {
    const g = new Map([["a", ["b"]], ["b", ["c"]], ["c", ["a"]], ["d", ["a"]]]);
    expect(cyclesOf(g)).toEqual(["a -> b -> c -> a"]);
    expect(cyclesOf(new Map([["a", ["b"]], ["b", []]]))).toEqual([]);
  });
});
