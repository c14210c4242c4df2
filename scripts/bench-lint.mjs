// One measured lint run, in its own process so every run builds its TypeScript program from
// scratch and its peak memory is its own. Used by scripts/bench.mjs; also runnable by hand:
//
//   node scripts/bench-lint.mjs <dir> <baseline|recommended|strict|typecheck|tseslint|tseslint+recommended|tseslint+inert|tseslint-strict> [--parser service|project] [--glob <pattern>]
//
// tseslint: typescript-eslint's `recommendedTypeChecked` (the typed rule set teams already run);
// tseslint+recommended: the same plus devbound `recommended` (what devbound adds on top of it);
// tseslint+inert: the same with devbound loaded and its rules enabled but returning no listener (a
// reference: what the plugin costs before any analysis);
// tseslint-strict: typescript-eslint's `strictTypeChecked` (a reference, no devbound: what the same
// project's 27 further rules, 19 of them typed, add on top of `recommendedTypeChecked`).
//
// Prints one line `BENCH_RESULT {json}` (wall and CPU time of lintFiles, file and message counts,
// maxRSS). With TIMING=all in the environment ESLint prints its per-rule table at exit.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import tseslint from "typescript-eslint";

const [dirArg, mode = "recommended", ...rest] = process.argv.slice(2);
const MODES = ["baseline", "recommended", "strict", "typecheck", "tseslint", "tseslint+recommended", "tseslint+inert", "tseslint-strict"];
if (!dirArg || !MODES.includes(mode)) {
  process.stderr.write(`usage: node scripts/bench-lint.mjs <dir> <${MODES.join("|")}> [--parser service|project]\n`);
  process.exit(2);
}
const parserKind = rest.includes("--parser") ? rest[rest.indexOf("--parser") + 1] : "service";
// --glob: lint only these files (the program still holds the whole corpus)
const glob = rest.includes("--glob") ? rest[rest.indexOf("--glob") + 1] : "**/*.ts";
const dir = path.resolve(dirArg);

const parserOptions =
  parserKind === "project" ? { project: path.join(dir, "tsconfig.json"), tsconfigRootDir: dir } : { projectService: true, tsconfigRootDir: dir };
const config = [
  { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions } },
];
if (mode === "typecheck") {
  // Reference point, not a devbound configuration: one rule that asks the checker for every
  // file's semantic diagnostics, i.e. what a full type check (tsc --noEmit) costs on top of the
  // typed parser. A rule that resolves types in every file cannot cost much less than this.
  const fullCheck = {
    meta: { type: "problem", schema: [] },
    create(context) {
      const program = context.sourceCode.parserServices?.program;
      const sf = program?.getSourceFile(context.filename);
      if (program && sf) program.getSemanticDiagnostics(sf);
      return {};
    },
  };
  config.push({ files: ["**/*.ts"], plugins: { reference: { rules: { "full-check": fullCheck } } }, rules: { "reference/full-check": "error" } });
} else if (mode.startsWith("tseslint")) {
  const typed = mode === "tseslint-strict" ? tseslint.configs.strictTypeChecked : tseslint.configs.recommendedTypeChecked;
  for (const c of typed) config.push({ ...c, files: c.files ?? ["**/*.ts"] });
  // its base config may set parserOptions of its own: keep the benchmark's
  config.push({ files: ["**/*.ts"], languageOptions: { parserOptions } });
}
if (mode === "recommended" || mode === "strict" || mode === "tseslint+recommended" || mode === "tseslint+inert") {
  const presetName = mode === "strict" ? "strict" : "recommended";
  // DEVBOUND_PLUGIN: another build of the plugin (a directory with dist/ and package.json), for before/after runs
  const spec = process.env.DEVBOUND_PLUGIN ? pathToFileURL(path.join(path.resolve(process.env.DEVBOUND_PLUGIN), "dist/index.js")).href : "@devbound/eslint-plugin";
  const { default: devbound } = await import(spec);
  const preset = devbound?.configs?.[presetName];
  if (!preset) {
    process.stderr.write(`bench-lint: @devbound/eslint-plugin has no configs.${presetName} (is the plugin built? run pnpm build)\n`);
    process.exit(2);
  }
  let configs = Array.isArray(preset) ? preset : [preset];
  if (mode === "tseslint+inert") {
    // devbound loaded and its rules enabled, but every rule returns no listener: what the plugin
    // costs before any analysis (module loading, the C grammar, ESLint's per-rule work)
    const rules = Object.fromEntries(Object.entries(devbound.rules).map(([name, rule]) => [name, { ...rule, create: () => ({}) }]));
    const inert = { ...devbound, rules };
    configs = configs.map((c) => (c.plugins?.devbound ? { ...c, plugins: { ...c.plugins, devbound: inert } } : c));
  }
  config.push(...configs);
  config.push({ files: ["**/*.ts"], languageOptions: { parserOptions } });
}

const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false });
const t0 = performance.now();
const c0 = process.cpuUsage();
const results = await eslint.lintFiles([glob]);
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);

const byRule = {};
let fatal = 0;
for (const r of results) {
  for (const m of r.messages) {
    if (m.fatal || !m.ruleId) fatal++;
    const key = m.ruleId ?? "(fatal)";
    byRule[key] = (byRule[key] ?? 0) + 1;
  }
}
const out = {
  mode,
  parser: parserKind,
  files: results.length,
  ms,
  // CPU time of this process (user + system): steadier than wall time on a shared machine
  cpuMs: (cpu.user + cpu.system) / 1000,
  messages: results.reduce((n, r) => n + r.messages.length, 0),
  fatal,
  byRule,
  maxRssMB: process.resourceUsage().maxRSS / 1024,
  heapUsedMB: process.memoryUsage().heapUsed / 1024 / 1024,
};
// With `node --expose-gc`: the heap still live after a full GC (the program, the rules' caches)
if (typeof globalThis.gc === "function") {
  globalThis.gc();
  out.liveHeapMB = process.memoryUsage().heapUsed / 1024 / 1024;
}
process.stdout.write(`BENCH_RESULT ${JSON.stringify(out)}\n`);
