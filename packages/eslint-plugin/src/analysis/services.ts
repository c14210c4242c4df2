/**
 * services.ts: typed-linting entry point of the analysis layer.
 *
 * Invariant: a rule never runs without a TypeScript program and never throws for the lack of
 * one. Without type information (plain JavaScript, a parser without `projectService`) the
 * FIRST devbound rule that runs on the file reports one error at 1:1 telling how to enable
 * typed linting, every devbound rule then does nothing for that file.
 *
 * All analysis works on the TypeScript AST (so a helper in another file, which has no ESTree,
 * is walked by the same code as the current file); rules translate at the edges.
 *
 * API
 *   typeInfoMessages                spread into every rule's `meta.messages`
 *   getAnalysis(context)            -> Analysis | undefined (undefined: rule returns `{}`)
 *   Analysis
 *     .checker / .program / .services / .sourceFile (ts.SourceFile of the linted file)
 *     .tsNode(esNode)               ESTree -> TS node
 *     .esNode(tsNode)               TS -> ESTree node (only nodes of the linted file) or undefined
 *     .text(tsNode)                 source text of a node (any file)
 *     .memo(key)                    a Map cached per ts.Program (WeakMap keyed by the program):
 *                                   summaries and indexes survive across files and rules
 *     .usesBrands                   false when no file of the program mentions a devbound brand
 *                                   property (`__devbound…`): nothing can be branded, so a rule may
 *                                   return no visitors at all (third-party code costs one text scan
 *                                   per program)
 */
import ts from "typescript";
import {
  ESLintUtils,
  type ParserServicesWithTypeInformation,
  type TSESLint,
  type TSESTree,
} from "@typescript-eslint/utils";
import { registerProgram } from "./name-index.js";

export const MISSING_TYPE_INFO = "missingTypeInfo";

export const typeInfoMessages = {
  [MISSING_TYPE_INFO]:
    "devbound needs type information: enable typed linting with typescript-eslint's parser and `parserOptions.projectService: true` (and `tsconfigRootDir`), and make sure this file is included by a tsconfig.json. {{detail}}",
} as const;

export interface Analysis {
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  readonly services: ParserServicesWithTypeInformation;
  readonly sourceFile: ts.SourceFile;
  tsNode(node: TSESTree.Node): ts.Node;
  esNode(node: ts.Node): TSESTree.Node | undefined;
  text(node: ts.Node): string;
  memo<K, V>(key: string): Map<K, V>;
  readonly usesBrands: boolean;
}

const programMemo = new WeakMap<ts.Program, Map<string, Map<unknown, unknown>>>();
/** SourceCode objects already told about missing type information: one report a file. */
const told = new WeakSet<object>();

function memoFor(program: ts.Program) {
  let m = programMemo.get(program);
  if (!m) programMemo.set(program, (m = new Map()));
  return m;
}

/** The program cache without a rule context (for analysis code holding only a checker). */
export function programMemoMap<K, V>(program: ts.Program, key: string): Map<K, V> {
  const m = memoFor(program);
  let inner = m.get(key);
  if (!inner) m.set(key, (inner = new Map()));
  return inner as Map<K, V>;
}

type AnyContext = Readonly<TSESLint.RuleContext<string, readonly unknown[]>>;

export function getAnalysis(context: AnyContext): Analysis | undefined {
  const sourceCode = context.sourceCode;
  let services: ReturnType<typeof ESLintUtils.getParserServices> | undefined;
  let detail = "";
  try {
    services = ESLintUtils.getParserServices(context, true);
  } catch (error) {
    // Not typescript-eslint's parser at all (espree on a .js file, another parser).
    detail = "This file was parsed without typescript-eslint's parser (is it a .js file outside the typed config?).";
  }
  const program = services?.program ?? null;
  if (!services || !program) {
    if (!detail) detail = "The parser ran without a TypeScript program (no `projectService`/`project` in parserOptions).";
    if (!told.has(sourceCode)) {
      told.add(sourceCode);
      context.report({
        loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } },
        messageId: MISSING_TYPE_INFO,
        data: { detail },
      });
    }
    return undefined;
  }
  const typed = services as ParserServicesWithTypeInformation;
  const checker = program.getTypeChecker();
  registerProgram(checker, program);
  const sourceFile = typed.esTreeNodeToTSNodeMap.get(sourceCode.ast) as unknown as ts.SourceFile;
  return {
    checker,
    program,
    services: typed,
    sourceFile,
    tsNode: (node) => typed.esTreeNodeToTSNodeMap.get(node as never) as ts.Node,
    esNode: (node) =>
      node.getSourceFile() === sourceFile
        ? (typed.tsNodeToESTreeNodeMap.get(node as never) as TSESTree.Node | undefined)
        : undefined,
    text: (node) => node.getText(node.getSourceFile()),
    memo: <K, V>(key: string) => programMemoMap<K, V>(program, key),
    get usesBrands() {
      const m = programMemoMap<"uses", boolean>(program, "usesBrands");
      let v = m.get("uses");
      if (v === undefined) {
        // TypeScript's own lib files (no-default-lib: the largest texts) cannot carry a brand.
        v = program.getSourceFiles().some((sf) => !sf.hasNoDefaultLib && sf.text.includes("__devbound"));
        m.set("uses", v);
      }
      return v;
    },
  };
}
