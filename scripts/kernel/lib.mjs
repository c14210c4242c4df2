// Pure helpers of the kernel run (scripts/kernel/run.mjs): option parsing, Coccinelle report
// parsing, the devbound/Coccinelle overlap by file:line, the seeded sample for triage, line
// counting, and the table. No I/O besides line counting, so test/integration/kernel-run.test.ts
// can pin each one.
import { createHash } from "node:crypto";
import fs from "node:fs";

/** The message prefix the crash-catching wrapper of scripts/kernel/eslint.config.mjs reports with. */
export const CRASH_MARK = "kernel-run: rule crashed:";
/** The rule id of the parse-error counter of scripts/kernel/eslint.config.mjs. */
export const PARSE_RULE = "kernel-run/parse-errors";
export const MANUAL_FREE_RULE = "devbound/no-manual-free-of-devres";
/**
 * --prefilter: the text the C rules require before they look at a file (the early exit of
 * packages/eslint-plugin/src/c/checks/*.ts: a file naming no managed API gets no finding), so
 * a prefiltered run reports what a full run reports (checked on drivers/: 211 of 211).
 */
export const MANAGED_API_TEXT = String.raw`\b(?:devm_|dmam_|pcim_)`;

const USAGE = `usage: pnpm kernel [options]
  --subset <dir>        lint only this directory of the tree (default: drivers), e.g. drivers/spi
  --cache <dir>         where the .deb, the extracted tree and Coccinelle's cached output live (default: .kernel/ in the repository)
  --tree <dir>          use an already extracted kernel tree instead of the Debian package
  --concurrency <n|auto|off>  ESLint worker threads (default: 2)
  --language-only       devbound's rules off: the C language alone (parse, conversion, traversal), to see what the rules cost
  --prefilter           lint only the files naming a managed API (the C rules' own early exit), as spatch lints only the files naming its tokens
  --skip-cocci          do not run Coccinelle's devm_free.cocci
  --cocci-only          run (or show the cached) Coccinelle only: start its long run early
  --fresh-cocci         re-run Coccinelle even when its output for these files is cached
  --cpu-prof <dir>      write V8 CPU profiles of ESLint's threads there (node scripts/kernel/profile.mjs <dir> sums them up)
  --json <file>         write every finding, parse error, crash and the overlap to this file (for triage)
  --help`;

/** Parses the command line; throws an Error with a clear message (and the usage) on bad input. */
export function parseArgs(argv) {
  const opts = { subset: "drivers", cache: null, tree: null, concurrency: 2, skipCocci: false, cocciOnly: false, languageOnly: false, prefilter: false, freshCocci: false, json: null, cpuProf: null, help: false };
  const valueOf = (i, name) => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${name} needs a value\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    switch (a) {
      case "--subset": opts.subset = valueOf(i++, a).replace(/\/+$/, ""); break;
      case "--cache": opts.cache = valueOf(i++, a); break;
      case "--tree": opts.tree = valueOf(i++, a); break;
      case "--json": opts.json = valueOf(i++, a); break;
      case "--cpu-prof": opts.cpuProf = valueOf(i++, a); break;
      case "--concurrency": {
        const v = valueOf(i++, a);
        if (v === "auto" || v === "off") opts.concurrency = v;
        else if (/^[1-9][0-9]*$/.test(v)) opts.concurrency = Number(v);
        else throw new Error(`--concurrency takes a positive number, auto or off, not ${JSON.stringify(v)}\n${USAGE}`);
        break;
      }
      case "--skip-cocci": opts.skipCocci = true; break;
      case "--cocci-only": opts.cocciOnly = true; break;
      case "--language-only": opts.languageOnly = true; break;
      case "--prefilter": opts.prefilter = true; break;
      case "--fresh-cocci": opts.freshCocci = true; break;
      case "--help": case "-h": opts.help = true; break;
      default: throw new Error(`unknown option ${JSON.stringify(a)}\n${USAGE}`);
    }
  }
  if (opts.cocciOnly && opts.skipCocci) throw new Error("--cocci-only and --skip-cocci exclude each other");
  if (opts.subset.startsWith("/") || opts.subset.split("/").includes("..")) {
    throw new Error(`--subset must be a directory inside the kernel tree (e.g. drivers/spi), not ${JSON.stringify(opts.subset)}`);
  }
  return opts;
}
export { USAGE };

/**
 * Coccinelle's `-D report` lines: `drivers/x/y.c:123:4-9: WARNING: invalid free of devm_ allocated data`.
 * Returns one entry per report (file relative to the tree, line, columns, message); other lines are ignored.
 */
export function parseCocciReport(text) {
  const out = [];
  for (const raw of text.split("\n")) {
    const m = /^(.+?\.[ch]):(\d+):(\d+)-(\d+): (.*)$/.exec(raw.trim());
    if (!m) continue;
    out.push({ file: m[1].replace(/^\.\//, ""), line: Number(m[2]), column: Number(m[3]), endColumn: Number(m[4]), message: m[5] });
  }
  return out;
}

/**
 * Overlap of two finding lists by file:line (the file relative to the tree). Both Coccinelle's
 * devm_free.cocci and no-manual-free-of-devres report the line of the free call, so an exact
 * line match is the same finding. Duplicates within one side count once.
 */
export function overlap(devbound, cocci) {
  const key = (f) => `${f.file}:${f.line}`;
  const d = new Map(devbound.map((f) => [key(f), f]));
  const c = new Map(cocci.map((f) => [key(f), f]));
  const both = [...d.keys()].filter((k) => c.has(k)).sort();
  const onlyDevbound = [...d.keys()].filter((k) => !c.has(k)).sort();
  const onlyCocci = [...c.keys()].filter((k) => !d.has(k)).sort();
  // Same file, different line: worth a look in triage (e.g. a multi-line call)
  const dFiles = new Set(devbound.map((f) => f.file));
  const onlyCocciSameFile = onlyCocci.filter((k) => dFiles.has(k.slice(0, k.lastIndexOf(":"))));
  return { both, onlyDevbound, onlyCocci, onlyCocciSameFile };
}

/** mulberry32: a small seeded PRNG, so a triage sample is reproducible from its seed. */
export function seededRandom(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `n` findings drawn without replacement, reproducibly: the findings are first sorted by
 * file:line:column (so the input order does not matter), then partially shuffled with the seed.
 */
export function sample(findings, n, seed) {
  const sorted = [...findings].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column));
  const rand = seededRandom(seed);
  const k = Math.min(n, sorted.length);
  for (let i = 0; i < k; i++) {
    const j = i + Math.floor(rand() * (sorted.length - i));
    [sorted[i], sorted[j]] = [sorted[j], sorted[i]];
  }
  return sorted.slice(0, k);
}

/** Lines as `wc -l` counts them (newline characters), summed over the files. */
export function countLines(paths) {
  let lines = 0;
  for (const p of paths) {
    const buf = fs.readFileSync(p);
    let i = -1;
    while ((i = buf.indexOf(10, i + 1)) !== -1) lines++;
  }
  return lines;
}

/**
 * Splits the compact lint results (lint.mjs) into devbound findings, crashes (a rule exception
 * caught by the config's wrapper), files ESLint could not lint (a fatal message: the language's
 * one clear message for a file that is not C on its own) and parse-error records.
 */
export function classify(results) {
  const findings = [];
  const crashes = [];
  const unlintable = [];
  const parseErrors = [];
  for (const r of results) {
    for (const m of r.messages) {
      if (m.fatal || !m.ruleId) {
        unlintable.push({ file: r.file, line: m.line ?? 0, message: m.message });
      } else if (m.message.startsWith(CRASH_MARK)) {
        crashes.push({ file: r.file, line: m.line ?? 0, kind: `exception in ${m.ruleId}`, message: m.message.slice(CRASH_MARK.length).trim() });
      } else if (m.ruleId === PARSE_RULE) {
        parseErrors.push({ file: r.file, ...JSON.parse(m.message) });
      } else {
        findings.push({ rule: m.ruleId, file: r.file, line: m.line, column: m.column, endLine: m.endLine, endColumn: m.endColumn, message: m.message });
      }
    }
  }
  return { findings, crashes, unlintable, parseErrors };
}

const num = (n) => (typeof n === "number" ? n.toLocaleString("en-US") : n);
export const fmt = {
  num,
  secs: (s) => (typeof s === "number" ? `${s.toFixed(1)} s` : s),
  mb: (kb) => (typeof kb === "number" ? `${(kb / 1024).toFixed(0)} MB` : kb),
};

/** A markdown table: rows of cells, the first row the header. */
export function table(rows) {
  const lines = [`| ${rows[0].join(" | ")} |`, `|${rows[0].map(() => "---").join("|")}|`];
  for (const r of rows.slice(1)) lines.push(`| ${r.map((c) => String(c ?? "")).join(" | ")} |`);
  return lines.join("\n");
}

/** The cache key of one Coccinelle run: what it ran (spatch version, semantic patch text, arguments) on which tree. */
export function cocciCacheKey({ spatchVersion, cocciText, tree, args }) {
  return createHash("sha256").update(JSON.stringify({ spatchVersion, cocciText, tree, args })).digest("hex").slice(0, 16);
}

/** GNU time's `-f "%e %U %S %M"` line: wall, user, sys seconds and max RSS in KB. */
export function parseGnuTime(text) {
  const m = /(\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+(?:\.\d+)?) (\d+)\s*$/.exec(text.trim());
  if (!m) return null;
  return { wallS: Number(m[1]), userS: Number(m[2]), sysS: Number(m[3]), maxRssKB: Number(m[4]) };
}
