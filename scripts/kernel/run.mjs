// The kernel run (`pnpm kernel`, opt-in, not part of `pnpm test`): devbound's `configs.kernel`
// on a real kernel tree (Debian's linux-source-6.1, all of drivers/ by default) with ESLint's
// multithreaded linting, and in the same run Coccinelle with the tree's own
// scripts/coccinelle/free/devm_free.cocci on the same files, for time and overlap.
//
// Inputs are fetched and cached under --cache (default .kernel/ in the repository, git-ignored):
// `apt-get download linux-source-6.1` (apt-get update first when needed), the tarball inside
// the .deb extracted, `apt-get install coccinelle` when spatch is missing: root only, with a
// clear message otherwise. No kernel source is ever committed. Coccinelle's output is cached
// per (spatch version, semantic patch, arguments, tree): its run is long, --fresh-cocci re-runs.
//
// Prints a table: files, lines, wall and CPU time, peak RSS, crashes (listed), files and
// functions with parse errors, findings per rule, Coccinelle's time and reports, and the overlap
// with no-manual-free-of-devres by file:line. --json writes everything for triage.
// Exit code: 0 when the run completed with no crash, 1 when a rule threw on some file (a file
// the language rejects with its one clear message is listed, not a crash), 2 on bad input or
// when a tool could not run.
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  USAGE, MANUAL_FREE_RULE, MANAGED_API_TEXT, parseArgs, parseCocciReport, overlap, countLines, classify, fmt, table, cocciCacheKey, parseGnuTime,
} from "./lib.mjs";

const REPO = path.resolve(import.meta.dirname, "../..");
const PACKAGE = "linux-source-6.1";
const COCCI = "scripts/coccinelle/free/devm_free.cocci";
const BUDGET_S = 240;

function fail(message, code = 2) {
  process.stderr.write(`kernel-run: ${message}\n`);
  process.exit(code);
}
const log = (s) => process.stderr.write(`kernel-run: ${s}\n`);
const isRoot = () => typeof process.getuid === "function" && process.getuid() === 0;
const have = (cmd) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;

function run(cmd, args, options = {}) {
  log(`$ ${[cmd, ...args].join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], ...options });
  if (r.error) return { ok: false, why: r.error.message };
  return { ok: r.status === 0, why: `exit code ${r.status}` };
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (error) {
  fail(error.message);
}
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const cache = path.resolve(opts.cache ?? path.join(REPO, ".kernel"));

// ---- inputs -------------------------------------------------------------------------------------

/** The extracted tree: --tree, or the cached extraction of the Debian package (downloaded when missing). */
function ensureTree() {
  if (opts.tree) {
    const tree = path.resolve(opts.tree);
    if (!fs.existsSync(path.join(tree, opts.subset))) fail(`${opts.subset} does not exist in --tree ${tree}`);
    return { tree, version: null };
  }
  fs.mkdirSync(cache, { recursive: true });
  const tree = path.join(cache, PACKAGE);
  const marker = path.join(cache, `${PACKAGE}.extracted`);
  let deb = fs.readdirSync(cache).find((f) => f.startsWith(`${PACKAGE}_`) && f.endsWith(".deb"));
  if (!fs.existsSync(marker)) {
    if (!deb) {
      if (!have("apt-get")) fail(`no ${PACKAGE} package in ${cache} and no apt-get to download it (pass --tree <an extracted kernel tree>)`);
      let r = run("apt-get", ["download", PACKAGE], { cwd: cache });
      if (!r.ok) {
        if (!isRoot()) fail(`apt-get download ${PACKAGE} failed (${r.why}); run as root (apt-get update may be needed), or pass --tree <an extracted kernel tree>`);
        r = run("apt-get", ["update"]);
        if (!r.ok) fail(`apt-get update failed (${r.why})`);
        r = run("apt-get", ["download", PACKAGE], { cwd: cache });
        if (!r.ok) fail(`apt-get download ${PACKAGE} failed (${r.why}): is ${PACKAGE} in the configured apt sources?`);
      }
      deb = fs.readdirSync(cache).find((f) => f.startsWith(`${PACKAGE}_`) && f.endsWith(".deb"));
      if (!deb) fail(`apt-get download ${PACKAGE} reported success but no ${PACKAGE}_*.deb is in ${cache}`);
    }
    const unpack = path.join(cache, "deb");
    fs.rmSync(unpack, { recursive: true, force: true });
    fs.mkdirSync(unpack);
    const r = have("dpkg-deb")
      ? run("dpkg-deb", ["-x", path.join(cache, deb), unpack])
      : (() => {
          // no dpkg: a .deb is an ar archive holding data.tar.*
          const a = run("ar", ["x", path.join(cache, deb)], { cwd: unpack });
          if (!a.ok) return a;
          const data = fs.readdirSync(unpack).find((f) => f.startsWith("data.tar"));
          return data ? run("tar", ["-xf", data], { cwd: unpack }) : { ok: false, why: "no data.tar.* in the .deb" };
        })();
    if (!r.ok) fail(`could not unpack ${deb} (${r.why})`);
    const tarball = path.join(unpack, "usr/src", `${PACKAGE}.tar.xz`);
    if (!fs.existsSync(tarball)) fail(`${deb} holds no usr/src/${PACKAGE}.tar.xz`);
    fs.rmSync(tree, { recursive: true, force: true });
    const t = run("tar", ["-xJf", tarball, "-C", cache]);
    if (!t.ok || !fs.existsSync(path.join(tree, "drivers"))) fail(`could not extract ${tarball} (${t.ok ? `no ${PACKAGE}/drivers in it` : t.why})`);
    fs.rmSync(unpack, { recursive: true, force: true });
    fs.writeFileSync(marker, `${deb}\n`);
  }
  if (!fs.existsSync(path.join(tree, opts.subset))) fail(`${opts.subset} does not exist in ${tree}`);
  const version = /_([^_]+)_all\.deb$/.exec(fs.readFileSync(marker, "utf8").trim())?.[1] ?? null;
  return { tree, version };
}

function ensureSpatch() {
  if (have("spatch")) return true;
  if (!isRoot()) fail("spatch (Coccinelle) is not installed: run `apt-get install coccinelle` as root, or pass --skip-cocci");
  let r = run("apt-get", ["install", "-y", "coccinelle"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  if (!r.ok) {
    r = run("apt-get", ["update"]);
    if (r.ok) r = run("apt-get", ["install", "-y", "coccinelle"], { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  }
  if (!r.ok || !have("spatch")) fail(`apt-get install coccinelle failed (${r.why}); install it, or pass --skip-cocci`);
  return true;
}

// ---- devbound -----------------------------------------------------------------------------------

/**
 * A copy of the built plugin (dist/ and its package.json) under packages/eslint-plugin/.kernel/
 * (git-ignored; inside the package, so its dependencies resolve as from dist/): the run lints
 * with the build as it was when the run started, whatever rebuilds happen during it.
 */
function snapshotPlugin() {
  const pkg = path.join(REPO, "packages/eslint-plugin");
  if (!fs.existsSync(path.join(pkg, "dist/index.js"))) fail("the plugin is not built: run `pnpm build` first");
  const snap = path.join(pkg, ".kernel", `snapshot-${process.pid}`);
  fs.rmSync(snap, { recursive: true, force: true });
  fs.mkdirSync(snap, { recursive: true });
  fs.cpSync(path.join(pkg, "dist"), path.join(snap, "dist"), { recursive: true });
  fs.copyFileSync(path.join(pkg, "package.json"), path.join(snap, "package.json"));
  return { index: path.join(snap, "dist/index.js"), remove: () => fs.rmSync(snap, { recursive: true, force: true }) };
}

function lintTree(tree) {
  const snapshot = snapshotPlugin();
  try {
    return lintWith(tree, snapshot.index);
  } finally {
    snapshot.remove();
  }
}

function lintWith(tree, plugin) {
  const out = path.join(os.tmpdir(), `kernel-run-${process.pid}.json`);
  const pattern = `${opts.subset}/**/*.c`;
  log(`linting ${pattern} in ${tree} (ESLint concurrency ${opts.concurrency}${opts.languageOnly ? ", devbound's rules off" : ""})`);
  const loadBefore = os.loadavg()[0];
  const t0 = performance.now();
  // --cpu-prof: worker threads inherit the flag, so each thread writes its own profile
  const prof = opts.cpuProf ? ["--cpu-prof", "--cpu-prof-dir", path.resolve(opts.cpuProf)] : [];
  const prefilter = opts.prefilter ? [opts.subset, MANAGED_API_TEXT] : [];
  const r = spawnSync(process.execPath, [...prof, path.join(import.meta.dirname, "lint.mjs"), tree, pattern, String(opts.concurrency), out, ...prefilter], {
    stdio: ["ignore", "pipe", "inherit"],
    encoding: "utf8",
    env: { ...process.env, KERNEL_RUN_PLUGIN: plugin, ...(opts.languageOnly ? { KERNEL_RUN_LANGUAGE_ONLY: "1" } : {}) },
    maxBuffer: 1 << 26,
  });
  const processWallMs = performance.now() - t0;
  const line = r.stdout?.split("\n").find((l) => l.startsWith("KERNEL_LINT "));
  if (r.status !== 0 || !line) fail(`the ESLint run failed (${r.error?.message ?? `exit code ${r.status}`})`);
  const summary = JSON.parse(line.slice("KERNEL_LINT ".length));
  const results = JSON.parse(fs.readFileSync(out, "utf8"));
  fs.rmSync(out, { force: true });
  const lines = countLines(results.map((x) => path.join(tree, x.file)));
  // the machine is shared: its load says how far wall time is from CPU time / workers
  return { ...summary, processWallMs, lines, results, load: [loadBefore, os.loadavg()[0]] };
}

// ---- Coccinelle ---------------------------------------------------------------------------------

function runCocci(tree, version) {
  const cocciPath = path.join(tree, COCCI);
  if (!fs.existsSync(cocciPath)) fail(`${COCCI} is not in the tree ${tree}`);
  ensureSpatch();
  const spatchVersion = execFileSync("spatch", ["--version"], { encoding: "utf8" }).split("\n")[0];
  // As the kernel's scripts/coccicheck runs it in report mode (--no-show-diff --very-quiet, the
  // patch's own --no-includes, --jobs N --chunksize 1), on .c files only (no --include-headers:
  // the same files devbound lints). --use-coccigrep: spatch's token prefilter (only files naming
  // a devm_ allocation and a free are parsed); its default scanner finds no file in a tree that
  // is not a git checkout.
  const args = ["--sp-file", COCCI, "-D", "report", "--no-show-diff", "--very-quiet", "--no-includes", "--use-coccigrep", "--dir", opts.subset, "--jobs", "2", "--chunksize", "1"];
  const key = cocciCacheKey({ spatchVersion, cocciText: fs.readFileSync(cocciPath, "utf8"), tree: version ?? tree, args });
  const cached = path.join(cache, "cocci", `${key}.json`);
  if (!opts.freshCocci && fs.existsSync(cached)) {
    const c = JSON.parse(fs.readFileSync(cached, "utf8"));
    log(`Coccinelle: cached output of ${c.date} (${cached}; --fresh-cocci re-runs it)`);
    return { ...c, cached: true };
  }
  const timeFile = path.join(os.tmpdir(), `kernel-run-cocci-${process.pid}.time`);
  const useGnuTime = fs.existsSync("/usr/bin/time");
  const cmd = useGnuTime
    ? ["/usr/bin/time", ["-f", "%e %U %S %M", "-o", timeFile, "nice", "-n", "10", "spatch", ...args]]
    : ["nice", ["-n", "10", "spatch", ...args]];
  log(`$ (cd ${tree} && ${[cmd[0], ...cmd[1]].join(" ")})`);
  const t0 = performance.now();
  const r = spawnSync(cmd[0], cmd[1], { cwd: tree, encoding: "utf8", maxBuffer: 1 << 28, stdio: ["ignore", "pipe", "pipe"] });
  const wallS = (performance.now() - t0) / 1000;
  if (r.status !== 0) fail(`spatch failed (${r.error?.message ?? `exit code ${r.status}`}): ${(r.stderr ?? "").slice(-2000)}`);
  const timing = useGnuTime ? parseGnuTime(fs.readFileSync(timeFile, "utf8")) : null;
  fs.rmSync(timeFile, { force: true });
  const matched = /(\d+) files match/.exec(r.stderr ?? "")?.[1];
  const result = {
    date: new Date().toISOString(),
    command: `cd ${tree} && spatch ${args.join(" ")}`,
    spatchVersion,
    wallS: timing?.wallS ?? wallS,
    userS: timing?.userS ?? null,
    sysS: timing?.sysS ?? null,
    maxRssKB: timing?.maxRssKB ?? null,
    filesMatched: matched ? Number(matched) : null,
    reports: parseCocciReport(r.stdout ?? ""),
  };
  fs.mkdirSync(path.dirname(cached), { recursive: true });
  fs.writeFileSync(cached, JSON.stringify(result, null, 1));
  return { ...result, cached: false };
}

// ---- the run ------------------------------------------------------------------------------------

const { tree, version } = ensureTree();
if (opts.cocciOnly) {
  const c = runCocci(tree, version);
  process.stdout.write(
    `\n${table([
      ["", "Coccinelle devm_free.cocci"],
      ["tree", `${PACKAGE}${version ? ` ${version}` : ""}: ${opts.subset}/`],
      ["command", c.command],
      ["files past its token prefilter", fmt.num(c.filesMatched)],
      ["wall time", `${fmt.secs(c.wallS)}${c.cached ? ` (cached, ${c.date})` : ""}`],
      ["CPU time (user+sys)", c.userS != null ? fmt.secs(c.userS + c.sysS) : "n/a"],
      ["peak RSS", c.maxRssKB != null ? fmt.mb(c.maxRssKB) : "n/a"],
      ["reports", fmt.num(c.reports.length)],
    ])}\n`,
  );
  process.exit(0);
}
const lint = lintTree(tree);
const { findings, crashes, unlintable, parseErrors } = classify(lint.results);
const cocci = opts.skipCocci ? null : runCocci(tree, version);

const perRule = new Map();
for (const f of findings) perRule.set(f.rule, (perRule.get(f.rule) ?? 0) + 1);
// every devbound rule the run's config enabled (lint.mjs asks ESLint), so a rule without findings shows 0
for (const id of lint.rules ?? []) if (!perRule.has(id)) perRule.set(id, 0);

const manualFree = findings.filter((f) => f.rule === MANUAL_FREE_RULE);
const ov = cocci ? overlap(manualFree, cocci.reports) : null;
const cpuS = (lint.userMs + lint.sysMs) / 1000;
const wallS = lint.wallMs / 1000;

const rows = [
  ["", "devbound (ESLint, configs.kernel)", "Coccinelle devm_free.cocci"],
  ["tree", `${opts.tree ? tree : `${PACKAGE}${version ? ` ${version}` : ""}`}: ${opts.subset}/`, ""],
  ["files (.c)", lint.scanned != null ? `${fmt.num(lint.files)} (of ${fmt.num(lint.scanned)} scanned: --prefilter)` : fmt.num(lint.files), cocci ? `${fmt.num(lint.scanned ?? lint.files)} (${cocci.filesMatched != null ? `${fmt.num(cocci.filesMatched)} past its token prefilter` : "prefilter count n/a"})` : "skipped"],
  ["lines", fmt.num(lint.lines), ""],
  ["wall time", `${fmt.secs(wallS)} (lintFiles; process ${fmt.secs(lint.processWallMs / 1000)})`, cocci ? `${fmt.secs(cocci.wallS)}${cocci.cached ? ` (cached, ${cocci.date})` : ""}` : ""],
  ["CPU time (user+sys)", `${fmt.secs(cpuS)} (${fmt.secs(lint.userMs / 1000)} + ${fmt.secs(lint.sysMs / 1000)})`, cocci?.userS != null ? `${fmt.secs(cocci.userS + cocci.sysS)} (${fmt.secs(cocci.userS)} + ${fmt.secs(cocci.sysS)})` : ""],
  ["peak RSS", fmt.mb(lint.maxRssKB), cocci?.maxRssKB != null ? `${fmt.mb(cocci.maxRssKB)} (largest spatch process)` : ""],
  ["machine load (1-min avg, start/end)", `${lint.load[0].toFixed(1)} / ${lint.load[1].toFixed(1)} on ${os.availableParallelism()} cores`, ""],
  ["concurrency", typeof opts.concurrency === "number" ? `${opts.concurrency} worker threads` : opts.concurrency, cocci ? "--jobs 2" : ""],
  ["crashes (rule exceptions)", fmt.num(crashes.length), ""],
  ["files ESLint could not lint", fmt.num(unlintable.length), ""],
  ["files with parse errors", fmt.num(parseErrors.length), ""],
  ["functions with parse errors", fmt.num(parseErrors.reduce((n, p) => n + p.functions, 0)), ""],
  ...[...perRule].sort().map(([id, n]) => [`findings ${id}`, fmt.num(n), id === MANUAL_FREE_RULE && cocci ? `${fmt.num(cocci.reports.length)} reports` : ""]),
];
let text = `\n${table(rows)}\n`;
if (ov) {
  text += `\nOverlap, no-manual-free-of-devres vs devm_free.cocci, by file:line: both ${ov.both.length}, only devbound ${ov.onlyDevbound.length}, only Coccinelle ${ov.onlyCocci.length}`;
  text += ` (of which ${ov.onlyCocciSameFile.length} in a file devbound also reports)\n`;
  for (const k of ov.onlyCocci) text += `  only Coccinelle: ${k}\n`;
}
const budget = wallS <= BUDGET_S ? "met" : "NOT met";
text += `\nBudget: ${fmt.secs(wallS)} wall for ${opts.subset}/ (${BUDGET_S} s for all of drivers/): ${budget}`;
if (cocci) text += `; ${wallS < cocci.wallS ? "faster" : "NOT faster"} than devm_free.cocci (${fmt.secs(cocci.wallS)})`;
text += `\n`;
if (crashes.length) {
  text += `\nCrashes (${crashes.length}):\n`;
  for (const c of crashes) text += `  ${c.file}:${c.line}: ${c.kind}: ${c.message}\n`;
}
if (unlintable.length) {
  text += `\nFiles ESLint could not lint (${unlintable.length}):\n`;
  for (const u of unlintable) text += `  ${u.file}:${u.line}: ${u.message}\n`;
}
process.stdout.write(text);

if (opts.json) {
  const out = {
    command: `pnpm kernel ${process.argv.slice(2).join(" ")}`.trim(),
    date: new Date().toISOString(),
    tree,
    version,
    subset: opts.subset,
    figures: {
      files: lint.files, scanned: lint.scanned, prefilter: opts.prefilter, lines: lint.lines, wallS, processWallS: lint.processWallMs / 1000, userS: lint.userMs / 1000, sysS: lint.sysMs / 1000,
      maxRssKB: lint.maxRssKB, load: lint.load, concurrency: opts.concurrency, crashes: crashes.length, unlintable: unlintable.length, filesWithParseErrors: parseErrors.length,
      functionsWithParseErrors: parseErrors.reduce((n, p) => n + p.functions, 0), perRule: Object.fromEntries(perRule),
    },
    cocci: cocci && { ...cocci, reportCount: cocci.reports.length },
    overlap: ov,
    crashes,
    unlintable,
    parseErrors,
    findings,
  };
  fs.writeFileSync(path.resolve(opts.json), JSON.stringify(out, null, 1));
  log(`wrote ${path.resolve(opts.json)}`);
}
process.exit(crashes.length ? 1 : 0);
