// Lint third-party TypeScript sources (pinned root devDependencies that ship their .ts
// sources) with devbound's `recommended` rules, typed, one TypeScript program per tsconfig.
// Used by test/integration/third-party.test.ts (one process per group, so the programs do
// not pile up in one heap); also a benchmark by hand:
//
//   node scripts/bench-third-party.mjs test/integration/third-party/tsconfig.viem.json [--rules none] [--analyse-all]
//
// --rules none: the same typed parser and files with no rule (the baseline the non-driver budget
// is measured against: scripts/bench.mjs overhead). Prints cpuMs (user + system) too.
// --analyse-all: `settings.devbound.analyseAllFiles: true`, so the rules analyse every file
// instead of skipping the files that cannot hold a branded value (none of these sources imports
// the runtime): the robustness run of the third-party test. Without it, what a user's project
// with driver code beside other code pays (the non-driver budget).
//
// Prints `THIRD_PARTY_RESULT {json}`: the files linted (taken from the tsconfig, .d.ts
// excluded), every devbound finding, every fatal message, a crash if ESLint threw, time, RSS.
import path from "node:path";
import { ESLint } from "eslint";
import ts from "typescript";
import { pathToFileURL } from "node:url";

const tsconfigArg = process.argv[2];
const rulesArg = process.argv.includes("--rules") ? process.argv[process.argv.indexOf("--rules") + 1] : "recommended";
const analyseAll = process.argv.includes("--analyse-all");
const known = new Set(["--rules", "none", "recommended", "--analyse-all"]);
if (!tsconfigArg || tsconfigArg.startsWith("--") || !["none", "recommended"].includes(rulesArg) || process.argv.slice(3).some((a) => !known.has(a))) {
  process.stderr.write("usage: node scripts/bench-third-party.mjs <tsconfig.json> [--rules none|recommended] [--analyse-all]\n");
  process.exit(2);
}
const tsconfig = path.resolve(tsconfigArg);

// DEVBOUND_PLUGIN=<dir with dist/>: another build of the plugin (before/after runs, as bench-lint.mjs)
const { default: devbound } = await import(
  process.env.DEVBOUND_PLUGIN ? pathToFileURL(path.join(path.resolve(process.env.DEVBOUND_PLUGIN), "dist/index.js")).href : "@devbound/eslint-plugin"
);

const root = process.cwd();

const parsed = ts.getParsedCommandLineOfConfigFile(tsconfig, {}, {
  ...ts.sys,
  onUnRecoverableConfigFileDiagnostic: (d) => {
    throw new Error(ts.flattenDiagnosticMessageText(d.messageText, "\n"));
  },
});
const files = parsed.fileNames.filter((f) => !/\.d\.[mc]?ts$/.test(f));
// The runtime's declarations are part of each program (tsconfig "files"), so devbound's brands
// exist in it and the rules run their whole analysis instead of returning early.
const runtimeInProgram = parsed.fileNames.some((f) => f.replaceAll("\\", "/").endsWith("packages/runtime/dist/index.d.ts"));

const config = [
  // the sources live under node_modules, which ESLint ignores by default
  { ignores: ["!**/node_modules/"] },
  ...devbound.configs.recommended.map((c) => (rulesArg === "none" && c.rules ? { ...c, rules: {} } : c)).map((c) => ({
    ...c,
    files: ["**/*.ts"],
    ...(analyseAll ? { settings: { ...c.settings, devbound: { analyseAllFiles: true } } } : {}),
    languageOptions: {
      ...c.languageOptions,
      parserOptions: { ...c.languageOptions?.parserOptions, projectService: false, project: tsconfig, tsconfigRootDir: path.dirname(tsconfig) },
    },
  })),
  // third-party sources carry their own eslint-disable comments for rules that are not loaded here
  { linterOptions: { reportUnusedDisableDirectives: "off" } },
];

const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config, cache: false });
const out = { tsconfig: path.relative(root, tsconfig), runtimeInProgram, analyseAllFiles: analyseAll, files: files.length, linted: 0, rules: 0, findings: [], fatal: [], crash: null, ms: 0 };
// counted over every config object (recommended starts with devbound/base, which has no rules)
out.rules = new Set(config.flatMap((c) => Object.keys(c.rules ?? {})).filter((r) => r.startsWith("devbound/"))).size;
const t0 = performance.now();
const c0 = process.cpuUsage();
try {
  const results = await eslint.lintFiles(files);
  out.linted = results.length;
  for (const r of results) {
    const file = path.relative(root, r.filePath);
    for (const m of r.messages) {
      const text = `${file}:${m.line}:${m.column} ${m.ruleId ?? "(fatal)"}: ${m.message}`;
      if (m.fatal || !m.ruleId) out.fatal.push(text);
      else if (m.ruleId.startsWith("devbound/")) out.findings.push(text);
    }
  }
} catch (error) {
  out.crash = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
}
out.ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
out.cpuMs = (cpu.user + cpu.system) / 1000;
out.ruleSet = rulesArg;
out.maxRssMB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(`THIRD_PARTY_RESULT ${JSON.stringify(out)}\n`);
