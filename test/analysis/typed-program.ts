// A typed program for analysis unit tests: test/rules/project/'s tsconfig (the runtime's
// declarations resolve as in the rule tests), with file.ts's text replaced by the case's code.
// Returns an Analysis as services.ts builds it for a rule (without the ESTree maps).
import path from "node:path";
import ts from "typescript";
import type { Analysis } from "../../packages/eslint-plugin/src/analysis/services.js";
import { registerProgram } from "../../packages/eslint-plugin/src/analysis/name-index.js";
import { filename, projectDir } from "../rules/setup.js";

const config = (() => {
  const file = path.join(projectDir, "tsconfig.json");
  const parsed = ts.getParsedCommandLineOfConfigFile(file, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} });
  if (!parsed) throw new Error(`cannot read ${file}`);
  return parsed;
})();

let oldProgram: ts.Program | undefined;

/**
 * A new program (its own summaries) in which file.ts reads `code`; with `typeChecks`, a case
 * that does not type-check is an error (a case about types must say what it means).
 */
export function analysisOf(code: string, options: { typeChecks?: boolean } = {}): Analysis {
  const host = ts.createCompilerHost(config.options, true);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, fresh) =>
    path.resolve(name) === filename ? ts.createSourceFile(name, code, lang, true) : getSourceFile(name, lang, onError, fresh);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options, host, oldProgram });
  oldProgram = program;
  const checker = program.getTypeChecker();
  registerProgram(checker, program);
  const sourceFile = program.getSourceFile(filename)!;
  if (options.typeChecks) {
    const errors = ts.getPreEmitDiagnostics(program, sourceFile).filter((d) => d.category === ts.DiagnosticCategory.Error);
    if (errors.length) throw new Error(`case does not type-check: ${errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, " ")).join("; ")}`);
  }
  return {
    checker,
    program,
    services: undefined as never,
    sourceFile,
    tsNode: () => {
      throw new Error("no ESTree in analysis unit tests");
    },
    esNode: () => undefined,
    text: (node) => node.getText(node.getSourceFile()),
    usesBrands: true,
  };
}

/** The expression of the linted file whose text is `text` (the `occurrence`-th, innermost match last). */
export function expressionAt(an: Analysis, text: string, occurrence = 1): ts.Expression {
  const found: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isExpression(n) && n.getText(an.sourceFile) === text) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(an.sourceFile);
  const e = found[occurrence - 1];
  if (!e) throw new Error(`expressionAt(): ${JSON.stringify(text)} (#${occurrence}) not found`);
  return e;
}

/** The argument `index` of the `occurrence`-th call whose callee reads `callee`. */
export function argumentOf(an: Analysis, callee: string, index = 0, occurrence = 1): ts.Expression {
  const found: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isCallExpression(n) && n.expression.getText(an.sourceFile) === callee && n.arguments[index]) found.push(n.arguments[index]!);
    ts.forEachChild(n, visit);
  };
  visit(an.sourceFile);
  const e = found[occurrence - 1];
  if (!e) throw new Error(`argumentOf(): no call of ${callee} (#${occurrence}) with argument ${index}`);
  return e;
}
