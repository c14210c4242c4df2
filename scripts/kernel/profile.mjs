// Where the kernel run's time goes: reads the V8 CPU profiles `pnpm kernel --cpu-prof <dir>`
// wrote (one per thread: ESLint's main thread and each worker) and splits the samples into
// phases by the frames on their stack: devbound's rules (per rule module), the conversion of
// tree-sitter's tree into CNodes, the macro-hint pre-pass, tree-sitter's parse (WASM), ESLint's
// traversal and rule dispatch, file reading, module loading, GC. Prints the phases and the
// hottest functions by self time.
//
//   node scripts/kernel/profile.mjs <dir> [--top 25]
import fs from "node:fs";
import path from "node:path";

const [dir, ...rest] = process.argv.slice(2);
if (!dir || !fs.existsSync(dir)) {
  process.stderr.write("usage: node scripts/kernel/profile.mjs <dir of .cpuprofile files> [--top 25]\n");
  process.exit(2);
}
const top = rest.includes("--top") ? Number(rest[rest.indexOf("--top") + 1]) : 25;
const files = fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
if (files.length === 0) {
  process.stderr.write(`profile: no .cpuprofile file in ${dir}\n`);
  process.exit(2);
}

const short = (url) => url.replace(/^file:\/\//, "").replace(/.*node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/, "").replace(/.*\/packages\//, "packages/");

/** The phase of one sample, from its stack (leaf first). Order matters: the first match wins. */
function phase(stack) {
  for (const f of stack) {
    const m = /packages\/eslint-plugin\/(?:\.kernel\/snapshot-\d+\/)?dist\/(?:rules|c\/checks)\/([^/.]+)\.js/.exec(f.url);
    if (m) return `rule ${m[1]}`;
  }
  // run.mjs lints a snapshot of dist/ (packages/eslint-plugin/.kernel/snapshot-<pid>/dist)
  if (stack.some((f) => /packages\/eslint-plugin\/(?:\.kernel\/snapshot-\d+\/)?dist\/c\//.test(f.url))) return "rules: shared C analysis";
  if (stack.some((f) => f.functionName === "convert" && f.url.endsWith("convert.js"))) return "language: conversion to CNodes";
  if (stack.some((f) => f.url.endsWith("hints.js") && f.url.includes("eslint-language-c"))) return "language: macro-hint pre-pass";
  if (stack.some((f) => f.url.includes("web-tree-sitter") || f.url.startsWith("wasm://"))) return "language: tree-sitter parse (WASM)";
  if (stack.some((f) => f.url.includes("eslint-language-c"))) return "language: other (source code, line table, comments)";
  if (stack.some((f) => f.url.startsWith("node:internal/modules") || /^(Module\._load|wrapSafe|compileForInternalLoader)$/.test(f.functionName))) return "startup: module loading";
  if (stack.some((f) => /readFile/.test(f.functionName))) return "file reading";
  if (stack.some((f) => f.url.includes("eslint/lib/linter"))) return "ESLint: traversal, selectors, reports";
  const leaf = stack[0]?.functionName ?? "";
  if (leaf === "(garbage collector)") return "GC";
  if (leaf === "(idle)" || leaf === "(program)") return leaf;
  return "other (ESLint's file walk, config, workers)";
}

const phases = new Map();
const self = new Map();
let total = 0;
for (const file of files) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8"));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stackOf = new Map();
  const stack = (id) => {
    let s = stackOf.get(id);
    if (!s) {
      s = [];
      for (let cur = id; cur !== undefined; cur = parent.get(cur)) s.push(byId.get(cur).callFrame);
      stackOf.set(id, s);
    }
    return s;
  };
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    const s = stack(p.samples[i]);
    const ph = phase(s);
    phases.set(ph, (phases.get(ph) ?? 0) + dt);
    const leaf = s[0];
    const key = `${leaf.functionName || "(anonymous)"} ${short(leaf.url)}${leaf.url ? `:${leaf.lineNumber + 1}` : ""}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  }
}
const pct = (t) => `${((100 * t) / total).toFixed(1)}%`;
const s = (t) => `${(t / 1e6).toFixed(1)} s`;
let out = `${files.length} profile(s), ${s(total)} sampled (all threads)\n\nphase | time | share\n---|---|---\n`;
for (const [k, t] of [...phases].sort((a, b) => b[1] - a[1])) out += `${k} | ${s(t)} | ${pct(t)}\n`;
out += `\nhottest functions (self time)\n`;
for (const [k, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) out += `${s(t).padStart(8)} ${pct(t).padStart(6)}  ${k}\n`;
process.stdout.write(out);
