// The editor scenario, measured: one long-lived ESLint instance per configuration (as the editor's
// ESLint server keeps one), the whole corpus linted once, then files re-linted one at a time after
// a small edit each (lintText with the edited text: typescript-eslint's project service updates the
// file and hands the rules a new TypeScript program that reuses every unchanged source file).
//
//   node scripts/bench-editor.mjs <corpus dir> [--edits 20] [--configs none,devbound] [--seed 1]
//
// Each configuration runs in its own child process (its own project service and heap); the
// parent alternates them edit by edit (A B, then B A, ...) so both see the same machine load,
// and prints per-edit times and the p50/p95 of what each configuration adds over the first one
// (`none`: the typed parser and no rule). Configurations:
//   none                 typed parser, no rule
//   devbound             devbound `recommended`
//   tseslint             typescript-eslint `recommendedTypeChecked`
//   tseslint+devbound    both
// DEVBOUND_PLUGIN=<dir with dist/> measures another build of the plugin (before/after runs).
// Prints `EDITOR_RESULT {json}` last.
import { spawn } from "node:child_process";
import { readFileSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const CONFIGS = ["none", "devbound", "tseslint", "tseslint+devbound"];
const self = fileURLToPath(import.meta.url);

/** The configuration's ESLint flat config for a corpus directory. */
async function configFor(kind, dir) {
  const { default: tseslint } = await import("typescript-eslint");
  // an editor's server is never a single run: the project service keeps files open and updates them
  const parserOptions = { projectService: true, tsconfigRootDir: dir, disallowAutomaticSingleRunInference: true };
  const config = [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions } }];
  if (kind.includes("tseslint")) {
    for (const c of tseslint.configs.recommendedTypeChecked) config.push({ ...c, files: c.files ?? ["**/*.ts"] });
    // recommendedTypeChecked's base config sets its own parserOptions: keep ours
    config.push({ files: ["**/*.ts"], languageOptions: { parserOptions } });
  }
  if (kind.includes("devbound")) {
    const spec = process.env.DEVBOUND_PLUGIN
      ? pathToFileURL(path.join(path.resolve(process.env.DEVBOUND_PLUGIN), "dist/index.js")).href
      : "@devbound/eslint-plugin";
    const { default: devbound } = await import(spec);
    const preset = devbound.configs.recommended;
    config.push(...(Array.isArray(preset) ? preset : [preset]));
    config.push({ files: ["**/*.ts"], languageOptions: { parserOptions } });
  }
  return config;
}

/** A small edit: one statement at the top of the first function body, else one at the end. */
export function editText(text, i) {
  const lines = text.split("\n");
  const at = lines.findIndex((l) => /^\s*(export\s+)?(async\s+)?(function\b.*|[A-Za-z_$][\w$]*\s*\(.*\)(\s*:\s*[^{]+)?)\s*\{\s*$/.test(l) && !/^\s*(if|for|while|switch|catch)\b/.test(l));
  const indent = at >= 0 ? `${(lines[at].match(/^\s*/) ?? [""])[0]}  ` : "";
  const stmt = `${indent}const edited${i} = ${i} + 1;`;
  if (at >= 0) lines.splice(at + 1, 0, stmt);
  else lines.push(stmt);
  return lines.join("\n");
}

function tsFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(d).sort()) {
      if (e === "node_modules") continue;
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith(".ts")) out.push(p);
    }
  };
  walk(dir);
  return out;
}

async function child(kind, dir) {
  const { ESLint } = await import("eslint");
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: await configFor(kind, dir), cache: false });
  const rl = readline.createInterface({ input: process.stdin });
  const reply = (o) => process.stdout.write(`${JSON.stringify(o)}\n`);
  const timed = async (fn) => {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const results = await fn();
    const cpu = process.cpuUsage(c0);
    return {
      ms: performance.now() - t0,
      cpuMs: (cpu.user + cpu.system) / 1000,
      files: results.length,
      messages: results.reduce((n, r) => n + r.messages.length, 0),
      fatal: results.reduce((n, r) => n + r.messages.filter((m) => m.fatal || !m.ruleId).length, 0),
      found: results.flatMap((r) => r.messages.map((m) => `${path.relative(dir, r.filePath)}:${m.line}:${m.column} ${m.ruleId}`)),
    };
  };
  for await (const line of rl) {
    const cmd = JSON.parse(line);
    if (cmd.op === "all") reply(await timed(() => eslint.lintFiles(["**/*.ts"])));
    else if (cmd.op === "edit") reply(await timed(() => eslint.lintText(cmd.text, { filePath: cmd.file })));
    else if (cmd.op === "exit") break;
  }
  rl.close();
  process.stdout.write(`${JSON.stringify({ maxRssMB: process.resourceUsage().maxRSS / 1024 })}\n`);
}

function startChild(kind, dir) {
  const proc = spawn(process.execPath, [self, dir, "--child", kind], { stdio: ["pipe", "pipe", "inherit"], env: process.env });
  const rl = readline.createInterface({ input: proc.stdout });
  const waiting = [];
  rl.on("line", (l) => waiting.shift()?.(JSON.parse(l)));
  let exited = false;
  proc.on("exit", (code) => {
    exited = true;
    for (const w of waiting.splice(0)) w({ error: `child ${kind} exited (${code})` });
  });
  const ask = (cmd) =>
    new Promise((resolve, reject) => {
      if (exited) return reject(new Error(`child ${kind} is gone`));
      waiting.push((r) => (r.error ? reject(new Error(r.error)) : resolve(r)));
      proc.stdin.write(`${JSON.stringify(cmd)}\n`);
    });
  return { kind, ask, proc };
}

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))]; // nearest rank
};

async function main() {
  const argv = process.argv.slice(2);
  const opt = (name, dflt) => (argv.includes(`--${name}`) ? argv[argv.indexOf(`--${name}`) + 1] : dflt);
  const dirArg = argv[0];
  if (argv.includes("--child")) return child(opt("child"), path.resolve(dirArg));
  const kinds = opt("configs", "none,devbound").split(",");
  const edits = Number(opt("edits", "20"));
  const seed = Number(opt("seed", "1"));
  if (!dirArg || kinds.some((k) => !CONFIGS.includes(k)) || !(edits > 0)) {
    process.stderr.write(`usage: node scripts/bench-editor.mjs <corpus dir> [--edits N] [--configs ${CONFIGS.join(",")}] [--seed S]\n`);
    process.exit(2);
  }
  const dir = path.resolve(dirArg);
  // Driver files (drivers/<name>/*.ts), spread evenly over the corpus; the seed shifts the stride.
  const candidates = tsFiles(path.join(dir, "drivers"));
  const stride = Math.max(1, Math.floor(candidates.length / edits));
  const files = Array.from({ length: Math.min(edits, candidates.length) }, (_, i) => candidates[(i * stride + seed) % candidates.length]);

  const children = kinds.map((k) => startChild(k, dir));
  const initial = {};
  for (const c of children) {
    const r = await c.ask({ op: "all" });
    initial[c.kind] = r;
    console.log(`  ${c.kind.padEnd(18)} whole corpus: ${r.files} files, wall ${(r.ms / 1000).toFixed(2)} s, cpu ${(r.cpuMs / 1000).toFixed(2)} s, ${r.messages} messages, ${r.fatal} fatal`);
  }
  const perEdit = Object.fromEntries(kinds.map((k) => [k, []]));
  const mismatches = [];
  for (let i = 0; i < files.length; i++) {
    const file = files[i];
    const text = editText(readFileSync(file, "utf8"), i);
    const order = i % 2 === 0 ? children : [...children].reverse();
    const row = {};
    for (const c of order) {
      const r = await c.ask({ op: "edit", file, text });
      perEdit[c.kind].push(r);
      row[c.kind] = r;
      if (r.fatal) mismatches.push(`${c.kind}: fatal message after editing ${path.relative(dir, file)}`);
    }
    console.log(`  edit ${String(i + 1).padStart(2)} ${path.relative(dir, file).padEnd(40)} ${kinds.map((k) => `${k} wall ${row[k].ms.toFixed(0).padStart(5)} cpu ${row[k].cpuMs.toFixed(0).padStart(5)} ms`).join("  ")}`);
  }
  const summary = { files: initial[kinds[0]].files, edits: files.length, configs: {} };
  for (const k of kinds) {
    const ms = perEdit[k].map((r) => r.ms);
    const cpu = perEdit[k].map((r) => r.cpuMs);
    summary.configs[k] = { p50: quantile(ms, 0.5), p95: quantile(ms, 0.95), cpuP50: quantile(cpu, 0.5), cpuP95: quantile(cpu, 0.95), initialMs: initial[k].ms, initialCpuMs: initial[k].cpuMs };
    console.log(`  ${k.padEnd(18)} per edit: wall p50 ${summary.configs[k].p50.toFixed(0)} ms, p95 ${summary.configs[k].p95.toFixed(0)} ms; cpu p50 ${summary.configs[k].cpuP50.toFixed(0)} ms, p95 ${summary.configs[k].cpuP95.toFixed(0)} ms`);
  }
  // What a configuration adds over another, edit by edit (same edit, adjacent in time).
  const added = (k, base) => {
    const wall = perEdit[k].map((r, i) => r.ms - perEdit[base][i].ms);
    const cpu = perEdit[k].map((r, i) => r.cpuMs - perEdit[base][i].cpuMs);
    return { p50: quantile(wall, 0.5), p95: quantile(wall, 0.95), cpuP50: quantile(cpu, 0.5), cpuP95: quantile(cpu, 0.95) };
  };
  summary.added = {};
  const pairs = [];
  for (const k of kinds.slice(1)) pairs.push([k, kinds[0]]);
  if (kinds.includes("tseslint") && kinds.includes("tseslint+devbound")) pairs.push(["tseslint+devbound", "tseslint"]);
  for (const [k, base] of pairs) {
    const a = added(k, base);
    summary.added[`${k} - ${base}`] = a;
    console.log(`  ${k} adds over ${base}: wall p50 ${a.p50.toFixed(0)} ms, p95 ${a.p95.toFixed(0)} ms; cpu p50 ${a.cpuP50.toFixed(0)} ms, p95 ${a.cpuP95.toFixed(0)} ms`);
  }
  for (const c of children) c.proc.stdin.end(`${JSON.stringify({ op: "exit" })}\n`);
  summary.mismatches = mismatches;
  if (mismatches.length) console.log(`  problems: ${mismatches.join("; ")}`);
  process.stdout.write(`EDITOR_RESULT ${JSON.stringify(summary)}\n`);
}

// importable (editText) without running
if (path.resolve(process.argv[1] ?? "") === self) await main();
