// One measured ESLint run of the kernel run, in its own process so that its CPU time (user+sys
// of the main thread and every ESLint worker thread: one process) and its peak RSS are its own.
//
//   node scripts/kernel/lint.mjs <tree> <pattern> <concurrency> <out.json> [<dir> <regex>]
//
// With <dir> and <regex> (run.mjs --prefilter): only the .c files under <dir> whose text matches
// <regex> are linted, the way spatch parses only the files naming its patch's tokens; the scan
// is inside the measured time.
//
// Writes the compact results (every file, its messages) to out.json and prints one line
// `KERNEL_LINT {json}` with files, wall, CPU, maxRSS and the devbound rules the config enables. Exits 2 when ESLint itself fails (the
// error names the file when ESLint says which).
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";

const [tree, pattern, concurrencyArg, outPath, prefilterDir, prefilterRegex] = process.argv.slice(2);
if (!tree || !pattern || !concurrencyArg || !outPath) {
  process.stderr.write("usage: node scripts/kernel/lint.mjs <tree> <pattern> <concurrency> <out.json>\n");
  process.exit(2);
}
const concurrency = /^[0-9]+$/.test(concurrencyArg) ? Number(concurrencyArg) : concurrencyArg;
const eslint = new ESLint({
  cwd: path.resolve(tree),
  overrideConfigFile: path.join(import.meta.dirname, "eslint.config.mjs"),
  concurrency,
  cache: false,
  errorOnUnmatchedPattern: false,
});

const t0 = performance.now();
let patterns = [pattern];
let scanned = null;
if (prefilterDir) {
  const re = new RegExp(prefilterRegex);
  const root = path.resolve(tree);
  const all = fs.readdirSync(path.join(root, prefilterDir), { recursive: true }).filter((f) => f.endsWith(".c")).map((f) => path.join(prefilterDir, f));
  scanned = all.length;
  patterns = all.filter((f) => re.test(fs.readFileSync(path.join(root, f), "latin1")));
}
let results;
try {
  results = patterns.length ? await eslint.lintFiles(patterns) : [];
} catch (error) {
  process.stderr.write(`kernel-run: ESLint stopped: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
const wallMs = performance.now() - t0;
const usage = process.resourceUsage();
// the devbound rules the config enables on a C file (outside the measured time)
const config = await eslint.calculateConfigForFile(path.join(path.resolve(tree), "kernel-run.c"));
const rules = Object.entries(config?.rules ?? {})
  .filter(([id, entry]) => id.startsWith("devbound/") && (Array.isArray(entry) ? entry[0] : entry) !== 0 && (Array.isArray(entry) ? entry[0] : entry) !== "off")
  .map(([id]) => id)
  .sort();
const root = path.resolve(tree);
const compact = results.map((r) => ({
  file: path.relative(root, r.filePath),
  messages: r.messages.map((m) => ({
    ruleId: m.ruleId,
    fatal: m.fatal || undefined,
    line: m.line,
    column: m.column,
    endLine: m.endLine,
    endColumn: m.endColumn,
    message: m.message,
  })),
}));
fs.writeFileSync(outPath, JSON.stringify(compact));
const summary = {
  files: results.length,
  scanned,
  wallMs,
  // the whole process: ESLint's worker threads are threads of this process
  userMs: usage.userCPUTime / 1000,
  sysMs: usage.systemCPUTime / 1000,
  maxRssKB: usage.maxRSS,
  rules,
};
process.stdout.write(`KERNEL_LINT ${JSON.stringify(summary)}\n`);
