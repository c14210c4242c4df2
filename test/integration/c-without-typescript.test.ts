// Linting C never loads TypeScript (packages/eslint-plugin/src/util/typescript.ts, plugin.ts's
// parser getter): devbound-kernel-check runs once per .c file under kbuild, and loading the
// compiler and typescript-eslint's parser was half of each run's CPU. Each case runs a fresh
// node over the BUILT plugin (`pnpm build`) and reads Node's module cache (require.cache, which
// also holds CommonJS modules loaded through `import`) for the two packages' entry files.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const PLUGIN = path.join(ROOT, "packages/eslint-plugin");
const BAD_C = "fixtures/no-manual-free-of-devres/bad.c";
const BAD_TS = "fixtures/no-manual-free-of-devres/bad.ts";

/** Which of typescript and @typescript-eslint/parser (as the plugin resolves them) are loaded. */
const LOADED = `
  const { createRequire } = await import("node:module");
  const fromPlugin = createRequire(${JSON.stringify(path.join(PLUGIN, "package.json"))});
  const watched = { typescript: fromPlugin.resolve("typescript"), parser: fromPlugin.resolve("@typescript-eslint/parser") };
  const loaded = () => Object.entries(watched).filter(([, file]) => file in fromPlugin.cache).map(([name]) => name);
`;

function node(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** `// expect: rule` comments of a fixture as rule@line, sorted (as fixtures.test.ts reads them). */
function expected(file: string): string[] {
  return fs
    .readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .flatMap((line, i) => {
      const m = /\/\/\s*expect:\s*([\w-]+)\s*$/.exec(line);
      return m ? [`devbound/${m[1]}@${i + 1}`] : [];
    })
    .sort();
}

describe("C linting loads no TypeScript", () => {
  it("configs.kernel lints a .c file without loading typescript or its parser; a .ts file in the same process then gets its findings", () => {
    const script = `
      ${LOADED}
      const { ESLint } = await import("eslint");
      const { default: devbound } = await import(${JSON.stringify(new URL("dist/index.js", `file://${PLUGIN}/`).href)});
      const afterLoad = loaded();
      const findings = (results) => results.flatMap((r) => r.messages.map((m) => (m.ruleId ?? "fatal: " + m.message) + "@" + m.line)).sort();
      const c = new ESLint({ cwd: process.cwd(), overrideConfigFile: true, overrideConfig: devbound.configs.kernel });
      const cFindings = findings(await c.lintFiles([${JSON.stringify(BAD_C)}]));
      const afterC = loaded();
      const ts = new ESLint({
        cwd: process.cwd(),
        overrideConfigFile: true,
        overrideConfig: devbound.configs.recommended.map((config) =>
          config.files ? { ...config, languageOptions: { ...config.languageOptions, parserOptions: { ...config.languageOptions.parserOptions, tsconfigRootDir: process.cwd() } } } : config),
      });
      const tsFindings = findings(await ts.lintFiles([${JSON.stringify(BAD_TS)}]));
      console.log(JSON.stringify({ afterLoad, cFindings, afterC, tsFindings, afterTs: loaded() }));
    `;
    const run = node(["--input-type=module", "-e", script]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const out = JSON.parse(run.stdout) as Record<string, string[]>;
    expect(out.afterLoad).toEqual([]);
    expect(out.cFindings).toEqual(expected(BAD_C));
    expect(out.cFindings!.length).toBeGreaterThan(0);
    expect(out.afterC).toEqual([]);
    expect(out.tsFindings).toEqual(expected(BAD_TS));
    expect(out.tsFindings!.length).toBeGreaterThan(0);
    // the probe sees them once TypeScript is linted: an empty list above is not a blind probe
    expect(out.afterTs).toEqual(["typescript", "parser"]);
  });

  it("devbound-kernel-check on a .c file loads neither (its findings unchanged)", () => {
    const probe = `
      const { createRequire } = require("node:module");
      const fromPlugin = createRequire(${JSON.stringify(path.join(PLUGIN, "package.json"))});
      const watched = { typescript: fromPlugin.resolve("typescript"), parser: fromPlugin.resolve("@typescript-eslint/parser") };
      process.on("exit", () => {
        const loaded = Object.entries(watched).filter(([, file]) => file in fromPlugin.cache).map(([name]) => name);
        process.stdout.write("loaded: " + JSON.stringify(loaded) + "\\n");
      });
    `;
    const dir = fs.mkdtempSync(path.join(ROOT, "node_modules/.devbound-probe-"));
    try {
      const preload = path.join(dir, "probe.cjs");
      fs.writeFileSync(preload, probe);
      const run = node(["--require", preload, path.join(PLUGIN, "bin/devbound-kernel-check.js"), "-D__KERNEL__", "-I./include", BAD_C]);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('loaded: []\n');
      const lines = run.stderr.split("\n").filter(Boolean);
      expect(lines.map((l) => `${/\[(devbound\/[\w-]+)\]$/.exec(l)?.[1]}@${l.split(":")[1]}`).sort()).toEqual(expected(BAD_C));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
