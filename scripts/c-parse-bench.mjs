#!/usr/bin/env node
/**
 * Single-thread parse+convert throughput of the C language, and its ERROR rate, over a tree of
 * C files (e.g. the kernel's drivers/). A benchmark, not a test: run it by hand after `pnpm build` (the language from its dist/).
 *
 *   node --import tsx scripts/c-parse-bench.mjs /work/kernel/src/linux-source-6.1/drivers [--no-hints] [--every N] [--errors FILE]
 *
 * --no-hints   parse without the kernel macro hints (the baseline for the ERROR rate)
 * --every N    only every N-th file (sorted by path), for a quick sample
 * --errors F   write one line per function with an ERROR (path:line name) to F, for tuning hints
 * Prints files, MB, lines, nodes, wall/CPU time, MB/s and nodes/s, unparseable files, files with
 * any ERROR node, files with an ERROR inside a function, and functions containing an ERROR.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseC } from "../packages/eslint-language-c/dist/index.js";

const args = process.argv.slice(2);
const root = args.find((a) => !a.startsWith("--") && !/^\d+$/.test(a));
if (!root) {
  console.error("usage: node scripts/c-parse-bench.mjs <dir> [--no-hints] [--every N] [--errors FILE]");
  process.exit(2);
}
const flag = (name) => args.includes(name);
const value = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const every = Number(value("--every") ?? 1);
const errorsOut = value("--errors");

// The hint lists straight from the vocabulary source (run under tsx), so tuning them needs no build.
const { kernelMacroHints } = await import("../packages/eslint-plugin/src/c/vocabulary/hints.ts");
const hints = flag("--no-hints") ? { heuristics: false } : kernelMacroHints;

function collect(dir, out) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) collect(path, out);
    else if (entry.isFile() && entry.name.endsWith(".c")) out.push(path);
  }
  return out;
}

const files = collect(root, []).sort().filter((_, i) => i % every === 0);
const texts = files.map((f) => readFileSync(f, "utf8"));
let chars = 0;
let lines = 0;
for (const t of texts) {
  chars += t.length;
  for (let i = t.indexOf("\n"); i >= 0; i = t.indexOf("\n", i + 1)) lines++;
}

let nodes = 0;
let unparseable = 0;
let filesWithError = 0;
let filesWithFunctionError = 0;
let functions = 0;
let functionsWithError = 0;
const errorLines = [];
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let k = 0; k < files.length; k++) {
  const outcome = parseC(texts[k], files[k], hints);
  if (!outcome.ok) {
    unparseable++;
    errorLines.push(`UNPARSEABLE ${outcome.message}`);
    continue;
  }
  const ast = outcome.ast;
  if (ast.hasError) filesWithError++;
  let fileFnError = false;
  const stack = [ast];
  while (stack.length) {
    const n = stack.pop();
    nodes++;
    if (n.type === "function_definition") {
      functions++;
      if (n.hasError) {
        functionsWithError++;
        fileFnError = true;
        if (errorsOut) errorLines.push(`${files[k]}:${firstError(n, texts[k])}`);
      }
    }
    for (const c of n.children) stack.push(c);
  }
  if (fileFnError) filesWithFunctionError++;
}
const wall = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const mb = chars / 1e6;
const pct = (a, b) => `${((100 * a) / Math.max(b, 1)).toFixed(2)}%`;

/** `line: KIND source line` of the first ERROR or MISSING node in a function. */
function firstError(fn, text) {
  const stack = [fn];
  while (stack.length) {
    const n = stack.pop();
    // an ERROR or MISSING node, or the innermost node holding a MISSING token (`;`, `)`)
    if (n.type === "ERROR" || n.missing || !n.children.some((c) => c.hasError)) {
      const { line } = n.loc.start;
      const start = text.lastIndexOf("\n", n.range[0] - 1) + 1;
      const end = text.indexOf("\n", n.range[0]);
      return `${line}: ${n.type === "ERROR" ? "ERROR" : n.missing ? `MISSING ${n.type}` : `MISSING token in ${n.type}`}  ${text.slice(start, end < 0 ? undefined : end).trim()}`;
    }
    for (let i = n.children.length - 1; i >= 0; i--) if (n.children[i].hasError) stack.push(n.children[i]);
  }
  return "";
}

console.log(`hints: ${flag("--no-hints") ? "none" : "kernel"}  files: ${files.length}  size: ${mb.toFixed(1)} M UTF-16 chars  lines: ${lines}`);
console.log(`wall ${wall.toFixed(1)} s, CPU ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s: ${(mb / wall).toFixed(2)} MB/s, ${Math.round(nodes / wall)} nodes/s (${nodes} nodes), ${Math.round(lines / wall)} lines/s`);
console.log(`unparseable files: ${unparseable}`);
console.log(`files with any ERROR/MISSING: ${filesWithError} (${pct(filesWithError, files.length)})`);
console.log(`files with an ERROR in a function: ${filesWithFunctionError} (${pct(filesWithFunctionError, files.length)})`);
console.log(`functions with an ERROR: ${functionsWithError} of ${functions} (${pct(functionsWithError, functions)})`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
if (errorsOut) writeFileSync(errorsOut, errorLines.join("\n") + "\n");
