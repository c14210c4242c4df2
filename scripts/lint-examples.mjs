// The main job: lint the bundled example drivers (fixtures/) with devbound's `recommended`
// config and print the findings. Exits 0 when linting ran (findings are the output, not a
// failure); exits 2 when ESLint itself could not run (a configuration or parser error).
import { ESLint } from "eslint";

const eslint = new ESLint({ cwd: process.cwd() });
try {
  const results = await eslint.lintFiles(["fixtures/**/*.ts"]);
  const formatter = await eslint.loadFormatter("stylish");
  const text = await formatter.format(results);
  const problems = results.reduce((n, r) => n + r.errorCount + r.warningCount, 0);
  process.stdout.write(text || "No findings.\n");
  process.stdout.write(`\ndevbound: ${problems} finding(s) in ${results.length} example file(s).\n`);
} catch (error) {
  process.stderr.write(`devbound: could not lint the examples: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(2);
}
