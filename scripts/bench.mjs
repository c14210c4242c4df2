// devbound benchmarks: one entry point, sub-benchmarks selected by argument. Prints ratios
// from one run; nothing here is a pass/fail test (speed is measured, never asserted).
//
//   pnpm bench                       # all: overhead, scaling, runtime
//   node scripts/bench.mjs overhead  # after `pnpm build`
//   node scripts/bench.mjs scaling --sizes 250,500,1000,2000
//   node scripts/bench.mjs runtime
//
// Options: --files N (overhead corpus size, default 1000), --seed S (default 1), --rounds R
// (lint runs per configuration, best taken; default 2), --parser service|project.
//
// Every figure is given as wall time and as the lint process's CPU time (user + system).
// On a shared machine wall time swings with the load; CPU time is the steadier measure and
// the ratios are judged on it (both are printed).
//
// overhead: ESLint + typed parser + devbound `recommended` vs the same parser and no rules,
//           each run in a fresh process; one reference run that type-checks every file (what
//           any rule asking the checker everywhere pays); one TIMING=all run for ESLint's
//           per-rule table.
// scaling:  recommended on 250/500/1,000/2,000 generated files, one process per size; wall
//           time, ratio 1,000 -> 2,000, and the child's peak RSS.
// runtime:  the runtime's benchmarks (scripts/bench-runtime.ts, runRuntimeBenchmarks()).
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
const optionNames = new Set(["files", "seed", "rounds", "parser", "sizes"]);
const positional = argv.filter((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--") && optionNames.has(argv[i - 1].slice(2))));
const SUBS = ["overhead", "scaling", "runtime"];
const selected = positional.length === 0 || positional.includes("all") ? SUBS : positional;
for (const s of selected) {
  if (!SUBS.includes(s)) {
    console.error(`bench: unknown benchmark "${s}" (choose from ${SUBS.join(", ")}, all)`);
    process.exit(2);
  }
}
const seed = Number(opt("seed", "1"));
const rounds = Number(opt("rounds", "2"));
const parser = opt("parser", "service");
const overheadFiles = Number(opt("files", "1000"));
const sizes = opt("sizes", "250,500,1000,2000").split(",").map(Number);

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

function overhead() {
  console.log(`\n== overhead: devbound recommended vs typed parser alone, ${overheadFiles} files, best of ${rounds} (parser: ${parser})`);
  const dir = corpus(overheadFiles);
  const runs = { baseline: [], recommended: [] };
  for (let i = 0; i < rounds; i++) {
    for (const mode of ["baseline", "recommended"]) {
      const r = lint(dir, mode);
      runs[mode].push(r);
      console.log(`  round ${i + 1} ${mode.padEnd(11)} wall ${s(r.ms).padStart(9)}  cpu ${s(r.cpuMs).padStart(9)}  files ${r.files}  messages ${r.messages}  fatal ${r.fatal}  maxRSS ${r.maxRssMB.toFixed(0)} MB`);
    }
  }
  const best = (mode, field = "cpuMs") => Math.min(...runs[mode].map((r) => r[field]));
  const ratio = best("recommended") / best("baseline");
  const wallRatio = best("recommended", "ms") / best("baseline", "ms");
  console.log(`  cpu:  baseline ${s(best("baseline"))}, recommended ${s(best("recommended"))}: ratio ${ratio.toFixed(3)}x (budget <= 1.10x) ${ratio <= 1.1 ? "OK" : "OVER BUDGET"}`);
  console.log(`  wall: baseline ${s(best("baseline", "ms"))}, recommended ${s(best("recommended", "ms"))}: ratio ${wallRatio.toFixed(3)}x`);
  const tc = lint(dir, "typecheck");
  const tcRatio = tc.cpuMs / best("baseline");
  console.log(`  reference: typed parser + a full type check of every file (tsc --noEmit's work): cpu ${s(tc.cpuMs)}, ratio ${tcRatio.toFixed(3)}x the baseline`);
  const last = runs.recommended.at(-1);
  console.log(`  findings by rule: ${JSON.stringify(last.byRule)}`);
  console.log(`\n  per-rule cost (TIMING=all, one extra recommended run):`);
  const timed = lint(dir, "recommended", { TIMING: "all" });
  console.log(timed.stdoutRest.split("\n").map((l) => `  ${l}`).join("\n"));
  const ruleMs = Object.fromEntries(
    timed.stdoutRest
      .split("\n")
      .slice(2)
      .map((l) => l.split("|").map((c) => c.trim()))
      .filter((c) => c.length >= 2 && c[0])
      .map((c) => [c[0], Number(c[1])]),
  );
  summary.overhead = {
    files: last.files,
    baselineCpuMs: best("baseline"),
    recommendedCpuMs: best("recommended"),
    ratio,
    baselineWallMs: best("baseline", "ms"),
    recommendedWallMs: best("recommended", "ms"),
    wallRatio,
    ruleMs,
    timedTotalMs: timed.ms,
    fullTypeCheckCpuMs: tc.cpuMs,
    fullTypeCheckRatio: tcRatio,
  };
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

const impl = { overhead, scaling, runtime };
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
