/**
 * services.ts: typed-linting entry point of the analysis layer.
 *
 * Invariant: a rule never runs without a TypeScript program and never throws for the lack of
 * one. Without type information (plain JavaScript, a parser without `projectService`) the
 * FIRST devbound rule that runs on the file reports one error at 1:1 telling how to enable
 * typed linting, every devbound rule then does nothing for that file.
 *
 * Problems of the program itself are said once, by the first devbound rule that runs on a file
 * (one report, not one a rule), and the rules still run:
 * - the file imports `@devbound/runtime` (directly, or through a local module that re-exports
 *   it) but the program cannot resolve it: every runtime type is then an error type and the
 *   rules would pass silently. Reported at that import, in every such file.
 * - the program's tsconfig has errors (unknown options, a missing `extends`, deprecated
 *   options: what `tsc` reports before type-checking). Reported once per program, at 1:1 of the
 *   first file linted with it (and again whenever that file is linted with that program).
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
 *     (per-program summaries and indexes: summaries.ts's defineSummary, keyed on .program)
 *     .usesBrands                   false when no file of the program mentions a devbound brand
 *                                   property (`__devbound…`): nothing can be branded, so a rule may
 *                                   return no visitors at all (third-party code costs one text scan
 *                                   per program)
 *   shouldAnalyse(context)        the gate every rule passes (util/create-rule.ts): false when the
 *                                   linted file cannot hold a branded value (fileMayHoldBrands), or
 *                                   there is no type information (reported by getAnalysis)
 *   fileMayHoldBrands(program, sf)  the file, or a file it imports (transitively), mentions a brand,
 *                                   or a file that mentions one is global (a script, `declare global`,
 *                                   a module augmentation, ambient modules)
 *   analyseAllFiles(context)      `settings.devbound.analyseAllFiles`: true turns the per-file exit
 *                                   off (every file of a program with brands is analysed)
 *
 * Why the per-file exit is sound: the type of every expression in a file is built from the file's
 * own declarations, the files it imports (import declarations, `import("…")` types, `require`,
 * `/// <reference path>`; transitively) and global declarations. A branded type is written with a
 * `__devbound…` property, so a file whose import closure has no file mentioning one, in a program
 * whose brand-mentioning files are all plain modules (nothing global), holds no branded value, and
 * every devbound finding is about a branded value in the linted file. Its functions are still
 * analysed as callees when a driver file passes a branded value to them: only the rules' visitors
 * for the skipped file are not run.
 */
import path from "node:path";
import { ts } from "../util/typescript.js";
import {
  ESLintUtils,
  type ParserServicesWithTypeInformation,
  type TSESLint,
  type TSESTree,
} from "@typescript-eslint/utils";
import { registerProgram } from "./name-index.js";
import { deltaOf, generationOf, importersOf, lineageSlot, mentionsBrand, reachesEveryFile } from "./program-delta.js";
import { defineSummary } from "./summaries.js";

export const MISSING_TYPE_INFO = "missingTypeInfo";

export const RUNTIME_UNRESOLVED = "runtimeUnresolved";
export const TSCONFIG_ERRORS = "tsconfigErrors";
/** The module whose declarations carry the brands every rule reads. */
export const RUNTIME_MODULE = "@devbound/runtime";

export const typeInfoMessages = {
  [MISSING_TYPE_INFO]:
    "devbound needs type information: enable typed linting with typescript-eslint's parser and `parserOptions.projectService: true` (and `tsconfigRootDir`), and make sure this file is included by a tsconfig.json. {{detail}}",
  [RUNTIME_UNRESOLVED]:
    "`{{module}}` cannot be resolved{{via}} ({{reason}}): devbound's rules read its types, so they cannot check this file. Install it in this project (`npm i @devbound/runtime`, or a route from devbound's README, Install) and check that `npx tsc --noEmit` finds it.",
  [TSCONFIG_ERRORS]:
    "{{config}} has errors that `tsc` reports too ({{errors}}), so the program devbound checks may not be the one you build. Fix them (`npx tsc --noEmit -p {{config}}` lists them). Said once per TypeScript program, on the first file linted.",
} as const;

export interface Analysis {
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
  readonly services: ParserServicesWithTypeInformation;
  readonly sourceFile: ts.SourceFile;
  tsNode(node: TSESTree.Node): ts.Node;
  esNode(node: ts.Node): TSESTree.Node | undefined;
  text(node: ts.Node): string;
  readonly usesBrands: boolean;
}

/** SourceCode objects already told about missing type information: one report a file. */
const told = new WeakSet<object>();

/**
 * Whether any file of the program mentions a brand. TypeScript's own lib files (no-default-lib:
 * the largest texts) cannot carry one; the text scan is kept per SourceFile (a new program in the
 * editor scans the edited file only).
 */
const usesBrandsOf = defineSummary<"program", boolean>("uses-brands", ({ program }) =>
  program.getSourceFiles().some((sf) => !sf.hasNoDefaultLib && mentionsBrand(sf)),
);

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
  tellProgramProblems(context, program, checker, sourceFile);
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
    get usesBrands() {
      return usesBrandsOf.get({ program }, "program");
    },
  };
}

// ---- the per-file early exit ---------------------------------------------------------------

/** `settings.devbound`: the plugin's shared settings (ESLint's `settings`, set in a config object). */
export const SETTINGS_KEY = "devbound";
const checkedSettings = new WeakMap<object, boolean>();

/**
 * `settings.devbound.analyseAllFiles` (default false). true: every rule analyses every file of a
 * program that mentions a brand anywhere, including files that cannot hold a branded value
 * (robustness runs over code written elsewhere: test/integration/third-party.test.ts). Anything but
 * a boolean is a configuration error, thrown with what was found (ESLint exits with 2).
 */
export function analyseAllFiles(context: AnyContext): boolean {
  const settings = context.settings as Record<string, unknown> | undefined;
  if (!settings) return false;
  const cached = checkedSettings.get(settings);
  if (cached !== undefined) return cached;
  const own = settings[SETTINGS_KEY];
  let value = false;
  if (own !== undefined) {
    if (own === null || typeof own !== "object" || Array.isArray(own)) {
      throw new Error(`settings.${SETTINGS_KEY} must be an object (e.g. { analyseAllFiles: true }), got ${JSON.stringify(own)}`);
    }
    const all = (own as Record<string, unknown>).analyseAllFiles;
    if (all !== undefined && typeof all !== "boolean") {
      throw new Error(`settings.${SETTINGS_KEY}.analyseAllFiles must be true or false, got ${JSON.stringify(all)}`);
    }
    value = all === true;
  }
  checkedSettings.set(settings, value);
  return value;
}

/**
 * The names of the program's files that may hold a branded value (fileMayHoldBrands), or "all".
 * Per program: one text scan per SourceFile (kept across programs) and one walk of the reverse
 * import graph from the files that mention a brand.
 */
function brandReach(program: ts.Program): ReadonlySet<string> | "all" {
  return brandReachOf.get({ program }, "program");
}

const brandReachOf = defineSummary<"program", ReadonlySet<string> | "all">("brand-reach", ({ program }) => {
  const reach = new Set<string>();
  let result: ReadonlySet<string> | "all" = reach;
  const importers = importersOf(program);
  for (const sf of program.getSourceFiles()) {
    if (sf.hasNoDefaultLib || !mentionsBrand(sf)) continue;
    // A global declaration (or no readable import graph) can bring a brand into any file.
    if (reachesEveryFile(sf) || !importers) {
      result = "all";
      break;
    }
    reach.add(sf.fileName);
  }
  if (result !== "all" && importers) {
    const queue = [...reach];
    for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
      for (const importer of importers.get(name) ?? []) if (!reach.has(importer)) reach.add(importer), queue.push(importer);
    }
  }
  return result;
});

/** Whether `sf` may hold a branded value: see the header (why the per-file exit is sound). */
export function fileMayHoldBrands(program: ts.Program, sf: ts.SourceFile): boolean {
  const reach = brandReach(program);
  return reach === "all" || reach.has(sf.fileName);
}

/**
 * Whether a devbound rule should analyse the linted (TypeScript) file. Program problems and a
 * missing program are reported here first (getAnalysis), whatever the answer.
 */
export function shouldAnalyse(context: AnyContext): boolean {
  const an = getAnalysis(context);
  if (!an) return false;
  if (analyseAllFiles(context)) return an.usesBrands;
  return fileMayHoldBrands(an.program, an.sourceFile);
}

/** The checker's error type: what an unresolvable name, import or call is typed as (not a user's `any`). */
export function isErrorType(type: ts.Type): boolean {
  return (type.flags & ts.TypeFlags.Any) !== 0 && (type as { intrinsicName?: string }).intrinsicName === "error";
}

// ---- problems of the program: an unresolved runtime, a tsconfig with errors ---------------

/** SourceCode objects already told about the program's problems: the first rule reports, once. */
const toldProblems = new WeakSet<object>();
/** The file each program's tsconfig errors are reported in (the first one linted with it). */
const configReportFile = new WeakMap<ts.Program, string>();

const isRuntimeSpecifier = (spec: string) => spec === RUNTIME_MODULE || spec.startsWith(`${RUNTIME_MODULE}/`);

function moduleSpecifierOf(st: ts.Statement): ts.StringLiteral | undefined {
  const spec =
    ts.isImportDeclaration(st) || ts.isExportDeclaration(st)
      ? st.moduleSpecifier
      : ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)
        ? st.moduleReference.expression
        : undefined;
  return spec && ts.isStringLiteral(spec) ? spec : undefined;
}

/** Why `spec` (a runtime specifier the checker could not resolve) does not resolve, for the message. */
function unresolvedReason(program: ts.Program, spec: ts.StringLiteral): string {
  const sf = spec.getSourceFile();
  const options = program.getCompilerOptions();
  // Only on this failure path: ask the resolver again (the program's own resolutions are internal).
  const mode = ts.getModeForUsageLocation(sf, spec, options);
  const resolved = ts.resolveModuleName(spec.text, sf.fileName, options, ts.sys, undefined, undefined, mode).resolvedModule;
  return resolved
    ? `it resolves to ${resolved.resolvedFileName}, JavaScript without type declarations`
    : `TS2307: Cannot find module '${spec.text}'`;
}

/** The source file a module specifier resolves to in this program, if any. */
function resolvedFile(checker: ts.TypeChecker, spec: ts.StringLiteral): ts.SourceFile | undefined {
  const decl = checker.getSymbolAtLocation(spec)?.valueDeclaration;
  return decl && ts.isSourceFile(decl) ? decl : undefined;
}

/**
 * When `sf` re-exports the runtime and cannot resolve it (`export … from "@devbound/runtime"`,
 * or names it imports from the runtime and exports), directly or through further re-exporting
 * modules: why it does not resolve. Per program; a re-export cycle adds nothing.
 */
function reexportsUnresolvedRuntime(program: ts.Program, sf: ts.SourceFile): string | undefined {
  return reexportReason.get({ program }, sf) ?? undefined;
}

const reexportReason = defineSummary<ts.SourceFile, string | null>("reexports-unresolved-runtime", ({ program }, sf) => {
  const checker = program.getTypeChecker();
  let reason: string | undefined;
  const fromRuntime = new Map<string, ts.StringLiteral>(); // local names imported from an unresolved runtime
  for (const st of sf.statements) {
    const spec = moduleSpecifierOf(st);
    if (!spec || !ts.isImportDeclaration(st) || !isRuntimeSpecifier(spec.text) || checker.getSymbolAtLocation(spec)) continue;
    const clause = st.importClause;
    if (clause?.name) fromRuntime.set(clause.name.text, spec);
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) fromRuntime.set(bindings.name.text, spec);
    else if (bindings) for (const el of bindings.elements) fromRuntime.set(el.name.text, spec);
  }
  for (const st of sf.statements) {
    if (reason || !ts.isExportDeclaration(st)) continue;
    const spec = moduleSpecifierOf(st);
    if (!spec) {
      // `import { x } from "@devbound/runtime"; export { x };`
      const clause = st.exportClause;
      const named = clause && ts.isNamedExports(clause) ? clause.elements : [];
      const hit = named.map((el) => fromRuntime.get((el.propertyName ?? el.name).text)).find(Boolean);
      if (hit) reason = unresolvedReason(program, hit);
    } else if (isRuntimeSpecifier(spec.text)) {
      if (!checker.getSymbolAtLocation(spec)) reason = unresolvedReason(program, spec);
    } else {
      const target = resolvedFile(checker, spec);
      if (target) reason = reexportsUnresolvedRuntime(program, target);
    }
  }
  return reason ?? null;
}, { onCycle: () => null });

/** The first import of the linted file that reaches an unresolved runtime, with why and through what. */
export function unresolvedRuntimeImport(
  program: ts.Program,
  checker: ts.TypeChecker,
  sf: ts.SourceFile,
): { specifier: ts.StringLiteral; via: string | undefined; reason: string } | undefined {
  for (const st of sf.statements) {
    const spec = moduleSpecifierOf(st);
    if (!spec) continue;
    if (isRuntimeSpecifier(spec.text)) {
      if (!checker.getSymbolAtLocation(spec)) return { specifier: spec, via: undefined, reason: unresolvedReason(program, spec) };
      continue;
    }
    const target = resolvedFile(checker, spec);
    const reason = target && reexportsUnresolvedRuntime(program, target);
    if (reason) return { specifier: spec, via: spec.text, reason };
  }
  return undefined;
}

/**
 * The errors of the program's tsconfig, as `tsc` reports them before type-checking: parsing
 * (unknown options, an unreadable `extends`) and option checks (deprecated or conflicting
 * options). Per program.
 */
export function tsconfigErrors(program: ts.Program): { config: string | undefined; errors: string[] } | undefined {
  // The editor's next program after an edit has the same options object and the same files (only
  // module contents changed: deltaOf): what tsc reports about the config is then the same; keep it
  // from the program before instead of parsing the tsconfig again on every edit.
  const slot = lineageSlot(program, "tsconfig-errors", () => ({ generation: -1, value: null as ConfigErrors | null }));
  const generation = generationOf(program);
  if (generation > 0 && (slot.generation === generation || (slot.generation === generation - 1 && deltaOf(program)))) {
    slot.generation = generation;
    return slot.value ?? undefined;
  }
  const value = tsconfigErrorsOf.get({ program }, "program");
  if (generation > 0) Object.assign(slot, { generation, value });
  return value ?? undefined;
}

type ConfigErrors = { config: string | undefined; errors: string[] };

const tsconfigErrorsOf = defineSummary<"program", { config: string | undefined; errors: string[] } | null>("tsconfig-errors", ({ program }) => {
  const diagnostics: ts.Diagnostic[] = [];
  const configPath = program.getCompilerOptions().configFilePath;
  if (typeof configPath === "string") {
    // The project service parsed this file but keeps its errors to itself: parse it again, without
    // listing the project's files (the directory walk is the costly part, and not what we ask).
    const host: ts.ParseConfigFileHost = {
      useCaseSensitiveFileNames: ts.sys.useCaseSensitiveFileNames,
      getCurrentDirectory: () => ts.sys.getCurrentDirectory(),
      fileExists: (f) => ts.sys.fileExists(f),
      readFile: (f) => ts.sys.readFile(f),
      readDirectory: () => [],
      onUnRecoverableConfigFileDiagnostic: (d) => diagnostics.push(d),
    };
    const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, host);
    // TS18003 "No inputs were found": only because the directory was not read above.
    diagnostics.push(...(parsed?.errors ?? []).filter((d) => d.code !== 18003));
  }
  diagnostics.push(...program.getConfigFileParsingDiagnostics(), ...program.getOptionsDiagnostics());
  const errors = [
    ...new Set(
      diagnostics
        .filter((d) => d.category === ts.DiagnosticCategory.Error)
        .map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, " ").replace(/\s+/g, " ").trim().replace(/\.$/, "")}`),
    ),
  ];
  return errors.length ? { config: typeof configPath === "string" ? configPath : undefined, errors } : null;
});

/** `file` relative to ESLint's cwd when it lies below it (not below `/`: RuleTester's cwd), else absolute. */
function displayPath(cwd: string, file: string): string {
  if (!cwd || path.dirname(cwd) === cwd) return file;
  const rel = path.relative(cwd, file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function tellProgramProblems(context: AnyContext, program: ts.Program, checker: ts.TypeChecker, sf: ts.SourceFile): void {
  const sourceCode = context.sourceCode;
  if (toldProblems.has(sourceCode)) return;
  toldProblems.add(sourceCode);
  const config = tsconfigErrors(program);
  if (config) {
    let file = configReportFile.get(program);
    if (!file) configReportFile.set(program, (file = sf.fileName));
    if (file === sf.fileName) {
      const name = config.config ? displayPath(context.cwd, config.config) : "The compiler options";
      context.report({
        loc: { start: { line: 1, column: 0 }, end: { line: 1, column: 0 } },
        messageId: TSCONFIG_ERRORS,
        data: { config: name, errors: config.errors.join("; ") },
      });
    }
  }
  const runtime = unresolvedRuntimeImport(program, checker, sf);
  if (runtime) {
    const spec = runtime.specifier;
    context.report({
      loc: { start: sourceCode.getLocFromIndex(spec.getStart(sf)), end: sourceCode.getLocFromIndex(spec.end) },
      messageId: RUNTIME_UNRESOLVED,
      data: { module: RUNTIME_MODULE, via: runtime.via ? ` through \`${runtime.via}\`, which re-exports it` : "", reason: runtime.reason },
    });
  }
}
