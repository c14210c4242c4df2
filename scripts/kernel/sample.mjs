// The triage sample of a kernel run: from the file `pnpm kernel --json <file>` wrote, N findings
// per rule drawn with a seeded PRNG (reproducible: the same JSON, N and seed give the same
// sample), each printed as file:line, the message and the kernel code around it, to be read and
// given a verdict.
//
//   node scripts/kernel/sample.mjs <run.json> [--per-rule 30] [--seed 1] [--context 6] [--rule <id>]
import fs from "node:fs";
import path from "node:path";
import { sample } from "./lib.mjs";

const argv = process.argv.slice(2);
const file = argv[0];
const opt = (name, dflt) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : dflt);
if (!file || file.startsWith("--") || !fs.existsSync(file)) {
  process.stderr.write("usage: node scripts/kernel/sample.mjs <run.json> [--per-rule 30] [--seed 1] [--context 6] [--rule <id>]\n");
  process.exit(2);
}
const perRule = Number(opt("--per-rule", "30"));
const seed = Number(opt("--seed", "1"));
const context = Number(opt("--context", "6"));
const only = opt("--rule", null);
if (!Number.isInteger(perRule) || perRule < 1 || !Number.isInteger(seed) || !Number.isInteger(context) || context < 0) {
  process.stderr.write("sample: --per-rule, --seed and --context take whole numbers\n");
  process.exit(2);
}
const run = JSON.parse(fs.readFileSync(file, "utf8"));
const rules = [...new Set(run.findings.map((f) => f.rule))].filter((r) => !only || r === only).sort();
const sources = new Map();
const linesOf = (rel) => {
  if (!sources.has(rel)) sources.set(rel, fs.readFileSync(path.join(run.tree, rel), "utf8").split("\n"));
  return sources.get(rel);
};
let out = `# Triage sample: ${run.command} (${run.date}), seed ${seed}, ${perRule} per rule\n`;
for (const rule of rules) {
  const all = run.findings.filter((f) => f.rule === rule);
  const picked = sample(all, perRule, seed);
  out += `\n## ${rule}: ${picked.length} of ${all.length}\n`;
  picked.forEach((f, i) => {
    out += `\n### ${i + 1}. ${f.file}:${f.line}:${f.column}\n${f.message}\n\n\`\`\`c\n`;
    const lines = linesOf(f.file);
    for (let l = Math.max(1, f.line - context); l <= Math.min(lines.length, f.line + context); l++) {
      out += `${l === f.line ? ">" : " "}${String(l).padStart(5)}  ${lines[l - 1]}\n`;
    }
    out += "```\n";
  });
}
process.stdout.write(out);
