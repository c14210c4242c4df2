// What one rule costs on its own: lint a directory with typescript-eslint's parser and
// projectService but NO rule (baseline: parsing and building the TypeScript program; the
// checker is lazy, so no type checking), then with each named rule alone, each run in its own
// process (fresh program, own heap), and print CPU time and the ratio to the baseline. A rule
// pays for the type checking it triggers, so `rule / baseline - 1` is its marginal cost.
//
//   pnpm build && node scripts/bench-rule-cost.mjs <dir> [rule ...]
//   (default rules: no-mixed-devm-teardown no-devres-in-release no-manual-free-of-devres)
//
// Internal: `--one <dir> <rule|baseline>` runs a single measurement and prints RULE_COST {json}.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);

if (args[0] === "--one") {
  const [, dirArg, rule] = args;
  const { ESLint } = await import("eslint");
  const tseslint = (await import("typescript-eslint")).default;
  const dir = path.resolve(dirArg);
  const config = [{ files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } } }];
  if (rule !== "baseline") {
    const { default: devbound } = await import("@devbound/eslint-plugin");
    if (!devbound.rules[rule]) throw new Error(`no rule ${rule} in @devbound/eslint-plugin (run pnpm build)`);
    config.push({ files: ["**/*.ts"], plugins: { devbound }, rules: { [`devbound/${rule}`]: "error" } });
  }
  const eslint = new ESLint({ cwd: dir, overrideConfigFile: true, overrideConfig: config, cache: false });
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const results = await eslint.lintFiles(["**/*.ts"]);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  const messages = results.reduce((n, r) => n + r.messages.filter((m) => m.ruleId?.startsWith("devbound/")).length, 0);
  const fatal = results.reduce((n, r) => n + r.messages.filter((m) => m.fatal).length, 0);
  process.stdout.write(`RULE_COST ${JSON.stringify({ rule, files: results.length, ms, cpuMs: (cpu.user + cpu.system) / 1000, messages, fatal })}\n`);
  process.exit(0);
}

const [dirArg, ...ruleArgs] = args;
if (!dirArg) {
  process.stderr.write("usage: node scripts/bench-rule-cost.mjs <dir> [rule ...]\n");
  process.exit(2);
}
const rules = ruleArgs.length > 0 ? ruleArgs : ["no-mixed-devm-teardown", "no-devres-in-release", "no-manual-free-of-devres"];
function one(rule) {
  const r = spawnSync(process.execPath, ["--max-old-space-size=4096", self, "--one", dirArg, rule], { encoding: "utf8" });
  const line = r.stdout.split("\n").find((l) => l.startsWith("RULE_COST "));
  if (r.status !== 0 || !line) throw new Error(`${rule}: exit ${r.status}\n${r.stderr.slice(-2000)}`);
  return JSON.parse(line.slice("RULE_COST ".length));
}
const base = one("baseline");
process.stdout.write(`baseline (typed parse, no devbound rule): ${base.files} files, ${base.cpuMs.toFixed(0)} ms CPU\n`);
for (const rule of rules) {
  const r = one(rule);
  process.stdout.write(
    `${rule}: ${r.cpuMs.toFixed(0)} ms CPU, ${(r.cpuMs / base.cpuMs).toFixed(2)}x baseline (+${(((r.cpuMs - base.cpuMs) / base.cpuMs) * 100).toFixed(0)}%), ${r.messages} finding(s), ${r.fatal} fatal\n`,
  );
}
