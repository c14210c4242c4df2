// The main job: lint the bundled example drivers (fixtures/: TypeScript with devbound's
// `recommended` config, kernel-style C with its `kernel` config) and print the findings. Exits
// 0 when linting ran (findings are the output, not a failure); exits 2 when ESLint itself could
// not run (a configuration or parser error), or could not lint a file (a fatal parse error, e.g.
// a file outside the TypeScript project): those are printed too, but a partial run is not a
// result.
import fs from "node:fs";
import path from "node:path";
import { ESLint } from "eslint";

/** Some `.c` file under dir (the C pattern is asked for only then: ESLint rejects a pattern matching nothing). */
function hasC(dir) {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((e) => (e.isDirectory() ? e.name !== "node_modules" && hasC(path.join(dir, e.name)) : e.name.endsWith(".c")));
  } catch {
    return false;
  }
}

const eslint = new ESLint({ cwd: process.cwd() });
try {
  const results = await eslint.lintFiles(["fixtures/**/*.ts", ...(hasC("fixtures") ? ["fixtures/**/*.c"] : [])]);
  const formatter = await eslint.loadFormatter("stylish");
  const text = await formatter.format(results);
  const fatal = results.flatMap((r) => r.messages.filter((m) => m.fatal).map((m) => `${r.filePath}:${m.line}:${m.column}: ${m.message}`));
  const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0) - fatal.length;
  process.stdout.write(text || "No findings.\n");
  process.stdout.write(`\ndevbound: ${problems} finding(s) in ${results.length} example file(s).\n`);
  if (fatal.length > 0) {
    process.stderr.write(`devbound: ESLint could not lint ${fatal.length} file(s):\n${fatal.map((f) => `  ${f}`).join("\n")}\n`);
    process.exit(2);
  }
} catch (error) {
  process.stderr.write(`devbound: could not lint the examples: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
