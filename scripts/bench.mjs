// devbound benchmarks: one entry point, sub-benchmarks selected by argument. Prints ratios
// from one run; nothing here is a pass/fail test (speed is measured, never asserted).
//
//   pnpm bench                       # all: overhead, editor, scaling, runtime
//   node scripts/bench.mjs overhead  # after `pnpm build`
//   node scripts/bench.mjs editor --edits 20
//   node scripts/bench.mjs scaling --sizes 250,500,1000,2000
//   node scripts/bench.mjs runtime
//   node scripts/bench.mjs profile --files 250  # not part of `pnpm bench`: only when named
//   node scripts/bench.mjs profile --file <x.cpuprofile>  # summarise an existing profile
//
// Options: --files N (overhead/editor corpus size, default 1000), --seed S (default 1), --rounds R
// (lint runs per configuration; default 2), --parser service|project, --edits N (editor: files
// re-linted after an edit, default 20), --pairs a,b,… (overhead: which comparisons to run, default
// parser,typecheck,tseslint,misc; misc-all is the misc group with settings.devbound.analyseAllFiles,
// every file analysed, as the third-party test runs it; tseslint-strict and tseslint-inert are
// references: typescript-eslint's strictTypeChecked, devbound loaded but without a listener).
// profile: --mode (a bench-lint.mjs mode, default tseslint+recommended), --dir <dir> (profile
// that directory instead of the generated corpus), --file <x.cpuprofile> (only summarise), --top N
// (default 20).
//
// overhead prints, per comparison, the ratio of the best CPU times and the ratio of each round
// (the two runs of a round are adjacent in time), with their spread: on a loaded machine judge
// by the rounds' ratios, not by one pair of runs.
//
// Every figure is given as wall time and as the lint process's CPU time (user + system).
// On a shared machine wall time swings with the load; CPU time is the steadier measure and
// the ratios are judged on it (both are printed).
//
// overhead: each run a fresh process, configurations alternating round by round:
//           1. driver corpus: typed parser alone vs + devbound `recommended`, and a reference run
//              that type-checks every file (what any rule asking the checker everywhere pays);
//           2. driver corpus: typescript-eslint `recommendedTypeChecked` vs the same + devbound
//              `recommended` (what devbound adds on top of the typed rules teams already run), and
//              with --pairs tseslint-strict a reference without devbound: typescript-eslint's own
//              `strictTypeChecked` (27 more rules, 19 typed) vs its `recommendedTypeChecked`; with
//              tseslint-inert devbound loaded and enabled but every rule without a listener;
//           3. non-driver code: the third-party `misc` group (zod, rxjs, zrender, query-core with the
//              runtime's declarations in the program), typed parser alone vs devbound `recommended`
//              (files that cannot hold a branded value skipped, the default), and with --pairs
//              misc-all the same with every file analysed (settings.devbound.analyseAllFiles).
//           (ESLint's TIMING table is not printed: it charges the checker's lazily built state to
//           whichever rule asks first.)
// editor:   scripts/bench-editor.mjs on the corpus: one long-lived ESLint instance per
//           configuration, the corpus linted once, then --edits files re-linted after an edit each,
//           with and without devbound; p50/p95 of what devbound adds per edit.
// scaling:  recommended on 250/500/1,000/2,000 generated files, one process per size; wall
//           time, ratio 1,000 -> 2,000, and the child's peak RSS.
// runtime:  the runtime's benchmarks (scripts/bench-runtime.ts, runRuntimeBenchmarks()).
// profile:  scripts/bench-profile.mjs: one bench-lint.mjs run on the corpus under `node --cpu-prof`
//           (500 µs sampling; the .cpuprofile kept under .bench/profiles/ and its path printed),
//           summarised: sampled time by category (devbound, typescript, typescript-estree, eslint,
//           GC, other), per devbound rule listener its time split into devbound's own JS, AST walks
//           and TypeScript (the checker), and the top devbound functions by self time and by the
//           checker work directly below them: where devbound's own time goes, which TIMING cannot
//           say (it charges lazily built checker state to whichever rule asks first).
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = path.join(root, ".bench");
const tsx = path.join(root, "node_modules/.bin/tsx");

const argv = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
};
const optionNames = new Set(["files", "seed", "rounds", "parser", "sizes", "edits", "pairs", "mode", "dir", "file", "top"]);
const positional = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--") && optionNames.has(argv[i - 1].slice(2))));
const SUBS = ["overhead", "editor", "scaling", "runtime"];
// run only when named: `pnpm bench` and `all` leave them out
const ON_REQUEST = ["profile"];
const selected = positional.length === 0 || positional.includes("all") ? SUBS : positional;
for (const s of selected) {
  if (!SUBS.includes(s) && !ON_REQUEST.includes(s)) {
    console.error(`bench: unknown benchmark "${s}" (choose from ${[...SUBS, ...ON_REQUEST].join(", ")}, all)`);
    process.exit(2);
  }
}
const seed = Number(opt("seed", "1"));
const rounds = Number(opt("rounds", "2"));
const parser = opt("parser", "service");
const overheadFiles = Number(opt("files", "1000"));
const sizes = opt("sizes", "250,500,1000,2000").split(",").map(Number);
const edits = Number(opt("edits", "20"));
/** overhead's comparisons: label, the two configurations (base first), budget. */
const PAIRS = {
  parser: { key: "devboundVsParser", label: "driver corpus, devbound vs typed parser alone", base: "baseline", other: "recommended" },
  typecheck: { key: "devboundVsTypeCheck", label: "driver corpus, devbound vs a full type check", base: "typecheck", other: "recommended", budget: 1.0 },
  tseslint: { key: "onTopOfTseslint", label: "driver corpus, recommendedTypeChecked + devbound vs recommendedTypeChecked", base: "tseslint", other: "tseslint+recommended", budget: 1.05 },
  // references, not budgets: devbound loaded with its rules enabled but returning no listener (no
  // analysis at all), and what typescript-eslint's own 27 further rules (19 typed) cost on the same code
  "tseslint-inert": { key: "inertOnTopOfTseslint", label: "driver corpus, recommendedTypeChecked + devbound with no listener vs recommendedTypeChecked (reference)", base: "tseslint", other: "tseslint+inert" },
  "tseslint-strict": { key: "tseslintStrictReference", label: "driver corpus, typescript-eslint strictTypeChecked vs recommendedTypeChecked (reference, no devbound)", base: "tseslint", other: "tseslint-strict" },
  misc: { key: "nonDriver", label: "non-driver code (third-party misc), devbound vs no rules", base: "misc:none", other: "misc:recommended", budget: 1.3 },
  "misc-all": { key: "nonDriverAnalyseAll", label: "non-driver code (third-party misc), devbound analysing every file vs no rules", base: "misc:none", other: "misc:recommended:all" },
};
const pairs = opt("pairs", "parser,typecheck,tseslint,misc").split(",").filter(Boolean);
for (const p of pairs) {
  if (!(p in PAIRS)) {
    console.error(`bench: unknown --pairs entry "${p}" (choose from ${Object.keys(PAIRS).join(", ")})`);
    process.exit(2);
  }
}
if (!(rounds >= 1)) {
  console.error(`bench: --rounds must be a positive number`);
  process.exit(2);
}

mkdirSync(benchDir, { recursive: true });
const summary = { date: new Date().toISOString(), node: process.version, cpus: (await import("node:os")).cpus().length, seed, parser };

/** A generated corpus of at least `files` files, cached under .bench/ by generator source + options. */
function corpus(files) {
  const h = createHash("sha256");
  for (const f of readdirSync(path.join(root, "scripts/corpus")).sort()) h.update(readFileSync(path.join(root, "scripts/corpus", f)));
  h.update(JSON.stringify({ files, seed, bugRate: 0.3 }));
  const dir = path.join(benchDir, `corpus-${files}-s${seed}-${h.digest("hex").slice(0, 10)}`);
  if (!existsSync(path.join(dir, "manifest.json"))) {
    const r = spawnSync(tsx, ["scripts/corpus/generate.ts", "--out", dir, "--files", String(files), "--seed", String(seed), "--bug-rate", "0.3"], {
      cwd: root,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (r.status !== 0) throw new Error(`corpus generation failed (exit ${r.status})`);
  }
  return dir;
}

/** One lint run in a fresh process. */
function lint(dir, mode, env = {}) {
  const r = spawnSync(process.execPath, [path.join(root, "scripts/bench-lint.mjs"), dir, mode, "--parser", parser], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (r.status !== 0 || !line) throw new Error(`lint run (${mode}) failed (exit ${r.status}):\n${r.stderr}`);
  const result = JSON.parse(line.slice("BENCH_RESULT ".length));
  result.stdoutRest = r.stdout.split("\n").filter((l) => !l.startsWith("BENCH_RESULT ")).join("\n").trim();
  return result;
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;

/**
 * A ratio line: best (lowest) CPU of each configuration, judged against a budget, and the CPU
 * ratio of each round (its two runs ran one after the other) with the rounds' median and spread.
 */
function pair(label, runs, base, other, budget) {
  const best = (mode, field = "cpuMs") => Math.min(...runs[mode].map((r) => r[field]));
  const ratio = best(other) / best(base);
  const wallRatio = best(other, "ms") / best(base, "ms");
  const perRound = runs[other].map((r, i) => r.cpuMs / runs[base][Math.min(i, runs[base].length - 1)].cpuMs);
  const sorted = [...perRound].sort((a, b) => a - b);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  const verdict = budget === undefined ? "" : ` (budget <= ${budget.toFixed(2)}x) ${ratio <= budget ? "OK" : "OVER BUDGET"}`;
  console.log(`  ${label}: cpu ${s(best(base))} -> ${s(best(other))}: ${ratio.toFixed(3)}x${verdict}; wall ${wallRatio.toFixed(3)}x`);
  console.log(`    per round (cpu): ${perRound.map((r) => `${r.toFixed(3)}x`).join(", ")}; median ${median.toFixed(3)}x, spread ${sorted[0].toFixed(3)}-${sorted.at(-1).toFixed(3)}x`);
  return { baseCpuMs: best(base), otherCpuMs: best(other), ratio, wallRatio, perRound, median, budget };
}

/** One run of scripts/bench-third-party.mjs (a fresh process). */
function thirdParty(tsconfig, rules, analyseAll = false) {
  const args = [path.join(root, "scripts/bench-third-party.mjs"), tsconfig, "--rules", rules, ...(analyseAll ? ["--analyse-all"] : [])];
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const line = r.stdout.split("\n").find((l) => l.startsWith("THIRD_PARTY_RESULT "));
  if (r.status !== 0 || !line) throw new Error(`third-party run (${rules}) failed (exit ${r.status}):\n${r.stderr}`);
  const out = JSON.parse(line.slice("THIRD_PARTY_RESULT ".length));
  if (out.crash || out.fatal.length) throw new Error(`third-party run (${rules}): ${out.crash ?? out.fatal[0]}`);
  return { ...out, messages: out.findings.length };
}

function overhead() {
  console.log(`\n== overhead: ${overheadFiles} files, ${rounds} round(s), configurations alternating (parser: ${parser}; pairs: ${pairs.join(", ")})`);
  const selected = pairs.map((p) => PAIRS[p]);
  // each round runs every configuration the selected pairs need, one after the other
  const modes = [...new Set(selected.flatMap((p) => [p.base, p.other]))];
  const needsCorpus = modes.some((m) => !m.startsWith("misc:"));
  const dir = needsCorpus ? corpus(overheadFiles) : undefined;
  const runs = Object.fromEntries(modes.map((m) => [m, []]));
  const show = (i, mode, r) =>
    console.log(`  round ${i + 1} ${mode.padEnd(21)} wall ${s(r.ms).padStart(9)}  cpu ${s(r.cpuMs).padStart(9)}  files ${String(r.files ?? r.linted).padStart(4)}  messages ${r.messages}  maxRSS ${r.maxRssMB.toFixed(0)} MB`);
  const misc = path.join(root, "test/integration/third-party/tsconfig.misc.json");
  for (let i = 0; i < rounds; i++) {
    for (const mode of modes) {
      const r = mode.startsWith("misc:") ? thirdParty(misc, mode.split(":")[1], mode.endsWith(":all")) : lint(dir, mode);
      runs[mode].push(r);
      show(i, mode, r);
    }
  }
  summary.overhead = { files: runs.recommended?.[0]?.files ?? runs["tseslint+recommended"]?.[0]?.files };
  for (const p of selected) summary.overhead[p.key] = pair(p.label, runs, p.base, p.other, p.budget);
  if (runs.baseline && runs.typecheck) summary.overhead.typeCheckVsParser = pair("driver corpus, full type check vs typed parser alone (reference)", runs, "baseline", "typecheck");
  const findings = (runs.recommended ?? runs["tseslint+recommended"])?.at(-1)?.byRule;
  if (findings) {
    summary.overhead.findings = findings;
    console.log(`  findings by rule: ${JSON.stringify(findings)}`);
  }
}

function editor() {
  console.log(`\n== editor: one long-lived ESLint instance per configuration, ${overheadFiles} files, ${edits} edits`);
  const dir = corpus(overheadFiles);
  const r = spawnSync(process.execPath, [path.join(root, "scripts/bench-editor.mjs"), dir, "--edits", String(edits)], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
  const lines = r.stdout.split("\n");
  console.log(lines.filter((l) => l && !l.startsWith("EDITOR_RESULT ")).join("\n"));
  const line = lines.find((l) => l.startsWith("EDITOR_RESULT "));
  if (r.status !== 0 || !line) throw new Error(`editor benchmark failed (exit ${r.status})`);
  summary.editor = JSON.parse(line.slice("EDITOR_RESULT ".length));
  const added = summary.editor.added["devbound - none"];
  console.log(`  devbound adds per edit (cpu): p50 ${added.cpuP50.toFixed(0)} ms (budget <= 50), p95 ${added.cpuP95.toFixed(0)} ms (budget <= 100) ${added.cpuP50 <= 50 && added.cpuP95 <= 100 ? "OK" : "OVER BUDGET"}`);
}

function scaling() {
  console.log(`\n== scaling: devbound recommended on ${sizes.join(", ")} files (one process each, parser: ${parser})`);
  const rows = [];
  for (const n of sizes) {
    const dir = corpus(n);
    const r = lint(dir, "recommended");
    rows.push({ size: n, files: r.files, ms: r.ms, cpuMs: r.cpuMs, maxRssMB: r.maxRssMB, heapUsedMB: r.heapUsedMB, messages: r.messages });
    console.log(
      `  ${String(r.files).padStart(5)} files  wall ${s(r.ms).padStart(9)}  cpu ${s(r.cpuMs).padStart(9)}  ${(r.cpuMs / r.files).toFixed(1).padStart(6)} cpu-ms/file  peak RSS ${r.maxRssMB.toFixed(0).padStart(5)} MB  heap at end ${r.heapUsedMB.toFixed(0)} MB  findings ${r.messages}`,
    );
  }
  const at = (n) => rows.find((r) => r.size === n);
  if (at(1000) && at(2000)) {
    const ratio = at(2000).cpuMs / at(1000).cpuMs;
    const wallRatio = at(2000).ms / at(1000).ms;
    console.log(`  time 1,000 -> 2,000 files: cpu ${ratio.toFixed(2)}x (budget <= 2.2x) ${ratio <= 2.2 ? "OK" : "OVER BUDGET"}, wall ${wallRatio.toFixed(2)}x`);
    summary.scalingRatio = ratio;
    summary.scalingWallRatio = wallRatio;
  }
  summary.scaling = rows;
}

function runtime() {
  console.log(`\n== runtime benchmarks (scripts/bench-runtime.ts)`);
  if (!existsSync(path.join(root, "scripts/bench-runtime.ts"))) {
    console.log("  scripts/bench-runtime.ts does not exist yet: skipped");
    summary.runtime = "missing";
    return;
  }
  const r = spawnSync(tsx, ["scripts/bench-run-runtime.ts"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) throw new Error(`runtime benchmarks failed (exit ${r.status})`);
  summary.runtime = "ran";
}

function profile() {
  const file = opt("file") && path.resolve(opt("file"));
  const dir = file ? undefined : opt("dir") ? path.resolve(opt("dir")) : corpus(overheadFiles);
  const mode = opt("mode", "tseslint+recommended");
  console.log(`\n== profile: ${file ? `summarising ${file}` : `${mode} on ${dir} under --cpu-prof (parser: ${parser})`}`);
  const args = file ? ["--file", file] : [dir, "--mode", mode, "--parser", parser];
  const r = spawnSync(process.execPath, [path.join(root, "scripts/bench-profile.mjs"), ...args, "--top", opt("top", "20")], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 64 * 1024 * 1024,
  });
  const lines = r.stdout.split("\n");
  console.log(lines.filter((l) => l && !l.startsWith("PROFILE_RESULT ")).join("\n"));
  const line = lines.find((l) => l.startsWith("PROFILE_RESULT "));
  if (r.status !== 0 || !line) throw new Error(`profile failed (exit ${r.status})`);
  const { file: profileFile, lint, totalMs, idleMs, categories, devboundInclusiveMs, listeners } = JSON.parse(line.slice("PROFILE_RESULT ".length));
  summary.profile = { file: profileFile, mode: file ? undefined : mode, lint, totalMs, idleMs, categories, devboundInclusiveMs, listeners };
}

const impl = { overhead, editor, scaling, runtime, profile };
let failed = false;
for (const name of selected) {
  try {
    impl[name]();
  } catch (error) {
    failed = true;
    console.error(`bench ${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
writeFileSync(path.join(benchDir, `latest-${selected.join("+")}.json`), `${JSON.stringify(summary, null, 2)}\n`);
process.exit(failed ? 1 : 0);
