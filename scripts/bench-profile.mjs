// Where devbound's own time goes in one lint run: scripts/bench-lint.mjs under `node --cpu-prof`,
// then a summary of the .cpuprofile. ESLint's TIMING cannot say this: it charges the checker's
// lazily built state to whichever rule asks first, and it does not split a rule's time into its
// own JavaScript, AST walks and the checker work it causes. Used by `node scripts/bench.mjs
// profile`; also runnable by hand:
//
//   node scripts/bench-profile.mjs <dir> [--mode tseslint+recommended] [--parser service|project] [--top 20]
//   node scripts/bench-profile.mjs --file <existing.cpuprofile> [--top 20]   # summarise only
//
// The profile is written under .bench/profiles/ (sampling every 500 µs) and its path printed: open
// it in Chrome DevTools (Performance, "Load profile"). Printed, from the samples:
//   - sampled time by category of the sample's leaf frame (devbound, typescript, typescript-estree,
//     other typescript-eslint packages, eslint, garbage collector, other; idle excluded);
//   - per rule listener (the outermost devbound frame on the sample's stack): inclusive time split
//     by the leaf into devbound's own JS, AST walks (ts.forEachChild, visitNode(s) and similar
//     traversal helpers), other TypeScript (the checker, mostly) and anything else;
//   - the top devbound functions by self time, and by the non-devbound time directly below them
//     (the nearest devbound frame above the leaf: what checker work this function causes).
// A sample lasts until the next one (the last until the profile's endTime): the sampled time is the
// whole process's wall time (module loading and the profiler's own cost included), not lintFiles'
// CPU time. V8 puts garbage collection under the root, so it is charged to no rule. A few samples
// have a devbound frame with no listener above it (seen: mayReachBranded right under ESLint's
// callSync, the listener inlined and its frame dropped by V8): they are listed under the outermost
// devbound frame they have. The checker work under
// a listener still includes lazily built state another rule would have needed: it says who asked
// first, not what the checker would have cost without devbound (overhead's ratios say that).
// devbound frames: URLs containing /eslint-plugin/dist/ (not @typescript-eslint's), or the
// dist/ of DEVBOUND_PLUGIN when it is set (a build loaded from elsewhere).
//
// Prints `PROFILE_RESULT {json}` last (the summary, for bench.mjs).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const MODES = ["baseline", "recommended", "strict", "typecheck", "tseslint", "tseslint+recommended"];

/** TypeScript's tree-traversal helpers: a sample whose leaf is one of these counts as an AST walk. */
export const AST_WALK = /^(forEachChild\w*|visitNodes?\d*|visitEachChild\w*|forEachReturnStatement|forEachYieldExpression|findAncestor|forEachAncestor|getChildren|createChildren|getChildAt|getChildCount|getFirstToken|getLastToken)$/;

/** Where a frame's code comes from, by its URL (and V8's pseudo-frames by name). */
export function categorize(frame, devboundDist) {
  const { url = "", functionName = "" } = frame;
  if (isDevbound(url, devboundDist)) return "devbound";
  if (url.includes("/typescript/lib/")) return "typescript";
  if (url.includes("/@typescript-eslint/typescript-estree/")) return "typescript-estree";
  if (/\/node_modules\/(@typescript-eslint\/[^/]+|typescript-eslint|ts-api-utils)\//.test(url)) return "typescript-eslint (other)";
  if (/\/node_modules\/(eslint|@eslint\/[^/]+|eslint-scope|espree|esquery|eslint-visitor-keys)\//.test(url)) return "eslint";
  if (functionName === "(garbage collector)") return "garbage collector";
  if (functionName === "(idle)") return "idle";
  return "other";
}

function isDevbound(url, devboundDist) {
  if (devboundDist && url.includes(devboundDist)) return true;
  return url.includes("/eslint-plugin/dist/") && !url.includes("/@typescript-eslint/eslint-plugin/");
}

/** A function's label: name and file:line, the file relative to devbound's dist/. */
function label(frame, devboundDist) {
  const url = frame.url ?? "";
  const [prefix] = [devboundDist, "/eslint-plugin/dist/"].filter((p) => p && url.includes(p));
  const file = prefix ? url.slice(url.indexOf(prefix) + prefix.length) : url;
  return { name: frame.functionName || "(anonymous)", file, line: (frame.lineNumber ?? 0) + 1 };
}

/**
 * Summarise a parsed .cpuprofile ({ nodes, samples, timeDeltas, startTime, endTime }, times in µs).
 * Returns times in ms; the top lists hold `top` entries each.
 */
export function summarise(profile, { top = 20, devboundDist } = {}) {
  const { nodes, samples, timeDeltas } = profile;
  const byId = new Map(nodes.map((n) => [n.id, n]));
  // Node writes `children`; a profile saved by DevTools may carry `parent` instead
  const childrenOf = new Map(nodes.map((n) => [n.id, [...(n.children ?? [])]]));
  const hasParent = new Set(nodes.flatMap((n) => n.children ?? []));
  for (const n of nodes) {
    if (n.parent === undefined) continue;
    hasParent.add(n.id);
    if (!childrenOf.get(n.parent).includes(n.id)) childrenOf.get(n.parent).push(n.id);
  }

  // each node's time as a leaf: sample i lasts until sample i + 1 (the last until endTime)
  const self = new Map();
  let t = profile.startTime ?? 0;
  const times = timeDeltas.map((d) => (t += d));
  for (let i = 0; i < samples.length; i++) {
    const next = i + 1 < samples.length ? times[i + 1] : (profile.endTime ?? times[i]);
    const us = Math.max(0, next - times[i]);
    self.set(samples[i], (self.get(samples[i]) ?? 0) + us);
  }

  // per node, top-down: its category, the nearest devbound frame at or above it, the outermost one
  const info = new Map();
  const order = nodes.filter((n) => !hasParent.has(n.id)).map((n) => [n, undefined]);
  for (let i = 0; i < order.length; i++) {
    const [n, up] = order[i];
    const category = categorize(n.callFrame, devboundDist);
    const devbound = category === "devbound";
    info.set(n.id, {
      category,
      nearest: devbound ? n : up?.nearest,
      outermost: up?.outermost ?? (devbound ? n : undefined),
    });
    for (const c of childrenOf.get(n.id)) order.push([byId.get(c), info.get(n.id)]);
  }

  const key = (f) => `${f.url}:${f.lineNumber}:${f.columnNumber}:${f.functionName}`;
  const categories = new Map();
  const listeners = new Map();
  const selfTop = new Map();
  const belowTop = new Map();
  const add = (map, frame, fields) => {
    const k = key(frame);
    let row = map.get(k);
    if (!row) map.set(k, (row = { ...label(frame, devboundDist), ms: 0 }));
    for (const [f, v] of Object.entries(fields)) row[f] = (row[f] ?? 0) + v;
  };
  let idleMs = 0;
  for (const [id, us] of self) {
    const ms = us / 1000;
    const n = byId.get(id);
    const { category, nearest, outermost } = info.get(id);
    if (category === "idle") {
      idleMs += ms;
      continue;
    }
    categories.set(category, (categories.get(category) ?? 0) + ms);
    const walk = category === "typescript" && AST_WALK.test(n.callFrame.functionName);
    const kind = category === "devbound" ? "ownMs" : walk ? "walkMs" : category === "typescript" ? "tsMs" : "otherMs";
    if (outermost) add(listeners, outermost.callFrame, { ms, [kind]: ms });
    if (category === "devbound") add(selfTop, n.callFrame, { ms });
    else if (nearest) add(belowTop, nearest.callFrame, { ms, tsMs: category === "typescript" ? ms : 0 });
  }
  const round = (x) => Math.round(x * 1000) / 1000;
  const rows = (map, n) =>
    [...map.values()]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, n)
      .map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === "number" && k !== "line" ? round(v) : v])));
  const listenerRows = rows(listeners, Infinity).map((r) => ({ ownMs: 0, walkMs: 0, tsMs: 0, otherMs: 0, ...r }));
  return {
    totalMs: round([...categories.values()].reduce((a, b) => a + b, 0)),
    idleMs: round(idleMs),
    samples: samples.length,
    categories: Object.fromEntries([...categories].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v)])),
    devboundInclusiveMs: round(listenerRows.reduce((a, r) => a + r.ms, 0)),
    listeners: listenerRows,
    selfTop: rows(selfTop, top),
    belowTop: rows(belowTop, top),
  };
}

/** The summary as printed lines; `top` listeners (the rest summed on one line). */
export function format(sum, { file, top = 20 } = {}) {
  const sec = (x) => `${(x / 1000).toFixed(2)} s`.padStart(9);
  const ms = (x) => `${x.toFixed(0)} ms`.padStart(9);
  const pct = (x) => `${((100 * x) / sum.totalMs).toFixed(1)}%`.padStart(6);
  const at = (r) => `${r.name} ${r.file}:${r.line}`;
  const total = (rows, f) => rows.reduce((a, r) => a + r[f], 0);
  const out = [];
  if (file) out.push(`  profile: ${file} (open in Chrome DevTools: Performance, Load profile)`);
  out.push(`  sampled ${(sum.totalMs / 1000).toFixed(2)} s in ${sum.samples} samples (idle ${(sum.idleMs / 1000).toFixed(2)} s excluded)`);
  out.push(`  by category (the sample's leaf frame):`);
  for (const [k, v] of Object.entries(sum.categories)) out.push(`    ${k.padEnd(27)}${sec(v)} ${pct(v)}`);
  out.push(`  per rule listener (outermost devbound frame on the stack; inclusive = own JS + AST walks + TypeScript + other):`);
  out.push(`    ${"inclusive".padStart(9)} ${"own JS".padStart(9)} ${"AST walks".padStart(9)} ${"TS".padStart(9)} ${"other".padStart(9)}  listener`);
  const row = (r, text) => `    ${ms(r.ms)} ${ms(r.ownMs)} ${ms(r.walkMs)} ${ms(r.tsMs)} ${ms(r.otherMs)}  ${text}`;
  const sums = (rows) => Object.fromEntries(["ms", "ownMs", "walkMs", "tsMs", "otherMs"].map((f) => [f, total(rows, f)]));
  for (const r of sum.listeners.slice(0, top)) out.push(row(r, at(r)));
  const rest = sum.listeners.slice(top);
  if (rest.length) out.push(row(sums(rest), `${rest.length} more (module loading, callbacks with no listener above them, …)`));
  out.push(row(sums(sum.listeners), `all devbound: ${pct(sum.devboundInclusiveMs).trim()} of the sampled time`));
  out.push(`  top ${sum.selfTop.length} devbound functions by self time:`);
  for (const r of sum.selfTop) out.push(`    ${ms(r.ms)} ${pct(r.ms)}  ${at(r)}`);
  out.push(`  top ${sum.belowTop.length} devbound functions by the non-devbound time directly below them (the checker work they cause):`);
  out.push(`    ${"below".padStart(9)} ${"of it TS".padStart(9)}  function`);
  for (const r of sum.belowTop) out.push(`    ${ms(r.ms)} ${ms(r.tsMs)}  ${at(r)}`);
  return out;
}

/** devbound's dist/ as a URL fragment when DEVBOUND_PLUGIN points at another build. */
function pluginDist() {
  return process.env.DEVBOUND_PLUGIN ? `${pathToFileURL(path.join(path.resolve(process.env.DEVBOUND_PLUGIN), "dist")).href}/` : undefined;
}

function main(argv) {
  const opt = (name, dflt) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1] : dflt;
  };
  const top = Number(opt("top", "20"));
  const mode = opt("mode", "tseslint+recommended");
  const parser = opt("parser", "service");
  let file = opt("file");
  const result = {};
  if (!(top >= 1) || !MODES.includes(mode)) {
    process.stderr.write(`usage: node scripts/bench-profile.mjs <dir> [--mode ${MODES.join("|")}] [--parser service|project] [--top N] | --file <x.cpuprofile>\n`);
    process.exit(2);
  }
  if (!file) {
    const dir = argv.find((a, i) => !a.startsWith("--") && !(i > 0 && argv[i - 1].startsWith("--")));
    if (!dir) {
      process.stderr.write(`bench-profile: a corpus directory or --file <x.cpuprofile> is needed\n`);
      process.exit(2);
    }
    mkdirSync(path.join(root, ".bench/profiles"), { recursive: true });
    const out = mkdtempSync(path.join(root, ".bench/profiles", `${mode.replace("+", "-")}-`));
    const args = ["--cpu-prof", "--cpu-prof-dir", out, "--cpu-prof-interval", "500", path.join(root, "scripts/bench-lint.mjs"), path.resolve(dir), mode, "--parser", parser];
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], maxBuffer: 64 * 1024 * 1024 });
    const line = r.stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
    if (r.status !== 0 || !line) {
      process.stderr.write(`bench-profile: the profiled lint run (${mode}) failed (exit ${r.status})\n`);
      process.exit(1);
    }
    result.lint = JSON.parse(line.slice("BENCH_RESULT ".length));
    const { files, ms, cpuMs, messages } = result.lint;
    console.log(`  ${mode} on ${path.resolve(dir)} under --cpu-prof: ${files} files, wall ${(ms / 1000).toFixed(2)} s, cpu ${(cpuMs / 1000).toFixed(2)} s (profiling included), ${messages} messages`);
    const profiles = readdirSync(out).filter((f) => f.endsWith(".cpuprofile"));
    if (profiles.length !== 1) {
      process.stderr.write(`bench-profile: expected one .cpuprofile in ${out}, found ${profiles.length}\n`);
      process.exit(1);
    }
    file = path.join(out, profiles[0]);
  }
  let profile;
  try {
    profile = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    process.stderr.write(`bench-profile: cannot read ${file} as a .cpuprofile: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  if (!Array.isArray(profile?.nodes) || !Array.isArray(profile?.samples)) {
    process.stderr.write(`bench-profile: ${file} is not a .cpuprofile (no nodes and samples)\n`);
    process.exit(2);
  }
  const sum = summarise(profile, { top, devboundDist: pluginDist() });
  console.log(format(sum, { file: path.resolve(file), top }).join("\n"));
  Object.assign(result, { file: path.resolve(file) }, sum);
  process.stdout.write(`PROFILE_RESULT ${JSON.stringify(result)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main(process.argv.slice(2));
