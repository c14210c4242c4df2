// What the checker questions devbound's rules must ask cost on their own: one probe rule that
// asks only one kind of question, against the same typed parser with no rule. This is the
// floor under any typed rule set asking that question (see README "Performance").
//
//   node scripts/bench-floor.mjs <corpus dir> <none|callee-symbol|callee-type|call-signature|section-receiver|define-driver> [...]
//
// Each experiment runs in a fresh process; prints CPU time (user + system) and the ratio to the
// `none` run of the same invocation (list `none` first).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const EXPERIMENTS = ["none", "callee-symbol", "callee-type", "call-signature", "section-receiver", "define-driver"];
const [dirArg, ...exps] = process.argv.slice(2);

if (process.env.BENCH_FLOOR_CHILD) {
  const { ESLint } = await import("eslint");
  const { default: tseslint } = await import("typescript-eslint");
  const { default: ts } = await import("typescript");
  const exp = exps[0];
  const dir = path.resolve(dirArg);
  const probe = {
    meta: { type: "problem", schema: [] },
    create(context) {
      const { program, esTreeNodeToTSNodeMap: map } = context.sourceCode.parserServices;
      const checker = program.getTypeChecker();
      if (exp === "none") return {};
      return {
        CallExpression(node) {
          const call = map.get(node);
          const callee = call.expression;
          if (exp === "callee-symbol") {
            const name = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
            const sym = ts.isIdentifier(name) ? checker.getSymbolAtLocation(name) : undefined;
            if (sym && sym.flags & ts.SymbolFlags.Alias) checker.getAliasedSymbol(sym);
          } else if (exp === "callee-type") checker.getTypeAtLocation(callee);
          else if (exp === "call-signature") checker.getResolvedSignature(call);
          else if (exp === "section-receiver") {
            if (ts.isPropertyAccessExpression(callee) && ["tryAccess", "tryAccessWith", "access"].includes(callee.name.text)) checker.getTypeAtLocation(callee.expression);
          } else if (exp === "define-driver") {
            if (ts.isIdentifier(callee) && callee.text === "defineDriver") checker.getResolvedSignature(call);
          }
        },
      };
    },
  };
  const eslint = new ESLint({
    cwd: dir,
    overrideConfigFile: true,
    cache: false,
    overrideConfig: [
      { files: ["**/*.ts"], languageOptions: { parser: tseslint.parser, parserOptions: { projectService: true, tsconfigRootDir: dir } } },
      { files: ["**/*.ts"], plugins: { floor: { rules: { probe } } }, rules: { "floor/probe": "error" } },
    ],
  });
  const c0 = process.cpuUsage();
  const results = await eslint.lintFiles(["**/*.ts"]);
  const cpu = process.cpuUsage(c0);
  console.log(`FLOOR ${JSON.stringify({ exp, files: results.length, cpuMs: (cpu.user + cpu.system) / 1000 })}`);
} else {
  if (!dirArg || exps.length === 0 || exps.some((e) => !EXPERIMENTS.includes(e))) {
    console.error(`usage: node scripts/bench-floor.mjs <corpus dir> <${EXPERIMENTS.join("|")}> [...]`);
    process.exit(2);
  }
  let base;
  for (const exp of exps) {
    const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), dirArg, exp], { env: { ...process.env, BENCH_FLOOR_CHILD: "1" }, encoding: "utf8" });
    const line = r.stdout.split("\n").find((l) => l.startsWith("FLOOR "));
    if (r.status !== 0 || !line) {
      console.error(`bench-floor: ${exp} failed (exit ${r.status}):\n${r.stderr}`);
      process.exit(1);
    }
    const { files, cpuMs } = JSON.parse(line.slice(6));
    if (exp === "none") base = cpuMs;
    console.log(`${exp.padEnd(17)} ${files} files  cpu ${(cpuMs / 1000).toFixed(2)} s${base ? `  ${(cpuMs / base).toFixed(2)}x none` : ""}`);
  }
}
