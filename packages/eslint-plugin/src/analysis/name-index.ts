/**
 * name-index.ts: per program, two name sets that let the analysis skip the checker for most
 * calls (resolving a callee's type or symbol can force inference of a whole driver object
 * literal; in driver code most calls are register reads, bit helpers and logging).
 *
 * Branded calls. Invariant: a call whose callee name (`f(..)`, `x.f(..)`, `x["f"](..)`, `new F(..)`) is not in
 * the index cannot resolve to a signature that has a branded parameter, so brands.ts answers "no
 * branded argument" for it without asking the checker anything. In driver code most calls are
 * register reads, bit helpers and logging: this filter is what keeps the checker away from
 * them (resolving a callee's type can force inference of a whole driver object literal).
 *
 * The index over-approximates and is built once per program from declarations only:
 *   - only files that can see a brand: a file mentioning `__devbound`, and every file that
 *     imports one (transitively). TypeScript's lib, @types/node and unrelated packages drop out;
 *   - a function, method or constructor (its class's name) whose own parameter annotation
 *     carries a brand, or mentions one of its own type parameters (known only per call);
 *   - a variable, property or parameter whose annotation has such a call/construct signature;
 *   - a name whose type is not written down and may still be a function: an unannotated variable
 *     or property initialised from anything but a literal, a contextually typed parameter, a
 *     destructured binding, an import or export specifier (renames), a class without its own
 *     constructor.
 * Type parameters of an enclosing class or interface are taken as instantiated by the receiver
 * (`Ring<number>.push`), so they do not put a method's name in the index.
 *
 * Function names. Invariant: an expression whose last name is not in the set cannot refer to a
 * function with a body in the program's own (non-declaration) sources, so ast.ts's
 * functionDeclarationOf answers undefined without resolving its symbol. The set holds the names
 * of function declarations and methods with bodies, of variables and properties initialised
 * with a function expression or arrow, and every import specifier and default import (renames).
 *
 * Both sets come from one walk per program over the files that matter (lib and dependency
 * declaration files that cannot see a brand are not walked).
 *
 * API
 *   registerProgram(checker, program)   (services.ts, once per program) lets the sets be found by checker
 *   mayCallBranded(checker, call)        false: no argument of `call` can map to a branded parameter
 *   mayNameFunction(checker, name)       false: no function with a body is known by this name
 */
import ts from "typescript";
import { brandsOfType, hasAnyBrand, mentionsName, signatureMayBrand } from "./brands.js";
import { calleeName, skipOuter } from "./ast.js";

const programOf = new WeakMap<ts.TypeChecker, ts.Program>();
interface NameIndex {
  branded: Set<string>;
  functions: Set<string>;
}
const indexOf = new WeakMap<ts.Program, NameIndex>();

function indexFor(checker: ts.TypeChecker): NameIndex | undefined {
  const program = programOf.get(checker);
  if (!program) return undefined;
  let index = indexOf.get(program);
  if (!index) indexOf.set(program, (index = buildIndex(checker, program)));
  return index;
}

export function registerProgram(checker: ts.TypeChecker, program: ts.Program): void {
  if (!programOf.has(checker)) programOf.set(checker, program);
}

export function mayCallBranded(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  const name = calleeName(call);
  const index = name === undefined ? undefined : indexFor(checker);
  return !index || index.branded.has(name!);
}

export function mayNameFunction(checker: ts.TypeChecker, name: string): boolean {
  const index = indexFor(checker);
  return !index || index.functions.has(name);
}

/** Files that mention a brand or import (transitively) a file that does. */
function brandCapableFiles(program: ts.Program, files: readonly ts.SourceFile[]): Set<ts.SourceFile> {
  // Module specifiers and their resolution are kept by the program (internal but stable API);
  // without them every file counts as capable, which only makes the index larger.
  const resolve = (program as { getResolvedModuleFromModuleSpecifier?: (s: ts.StringLiteralLike, sf: ts.SourceFile) => ts.ResolvedModuleWithFailedLookupLocations | undefined })
    .getResolvedModuleFromModuleSpecifier;
  if (typeof resolve !== "function") return new Set(files);
  const dependents = new Map<string, ts.SourceFile[]>();
  for (const sf of files) {
    for (const spec of (sf as { imports?: readonly ts.StringLiteralLike[] }).imports ?? []) {
      const target = resolve.call(program, spec, sf)?.resolvedModule?.resolvedFileName;
      if (!target) continue;
      const list = dependents.get(target);
      if (list) list.push(sf);
      else dependents.set(target, [sf]);
    }
  }
  const capable = new Set(files.filter((sf) => sf.text.includes("__devbound")));
  const queue = [...capable];
  for (let sf = queue.pop(); sf; sf = queue.pop()) {
    for (const dep of dependents.get(sf.fileName) ?? []) {
      if (!capable.has(dep)) capable.add(dep), queue.push(dep);
    }
  }
  return capable;
}

const NOT_CALLABLE_TYPE = new Set<ts.SyntaxKind>([
  ts.SyntaxKind.NumberKeyword, ts.SyntaxKind.StringKeyword, ts.SyntaxKind.BooleanKeyword, ts.SyntaxKind.VoidKeyword,
  ts.SyntaxKind.UndefinedKeyword, ts.SyntaxKind.NeverKeyword, ts.SyntaxKind.UnknownKeyword, ts.SyntaxKind.AnyKeyword,
  ts.SyntaxKind.BigIntKeyword, ts.SyntaxKind.SymbolKeyword, ts.SyntaxKind.ObjectKeyword, ts.SyntaxKind.LiteralType,
]);

/** Initialisers whose value is never a function or class. */
function isPlainValue(e: ts.Expression): boolean {
  return (
    ts.isLiteralExpression(e) || ts.isTemplateExpression(e) || ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) ||
    ts.isPrefixUnaryExpression(e) || ts.isTypeOfExpression(e) || ts.isVoidExpression(e) ||
    (ts.isBinaryExpression(e) && e.operatorToken.kind !== ts.SyntaxKind.QuestionQuestionToken && e.operatorToken.kind !== ts.SyntaxKind.BarBarToken && e.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken && e.operatorToken.kind !== ts.SyntaxKind.EqualsToken && e.operatorToken.kind !== ts.SyntaxKind.CommaToken) ||
    e.kind === ts.SyntaxKind.TrueKeyword || e.kind === ts.SyntaxKind.FalseKeyword || e.kind === ts.SyntaxKind.NullKeyword
  );
}

function buildIndex(checker: ts.TypeChecker, program: ts.Program): NameIndex {
  const names = new Set<string>();
  const functions = new Set<string>();
  const nameText = (n: ts.Node | undefined) =>
    n && (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) ? n.text : undefined;
  const add = (n: ts.Node | undefined) => {
    const t = nameText(n);
    if (t !== undefined) names.add(t);
  };
  const addFunction = (n: ts.Node | undefined) => {
    const t = nameText(n);
    if (t !== undefined) functions.add(t);
  };

  /** Function names: the declarations ast.ts's functionOfSymbol can return, and import renames. */
  const visitUser = (n: ts.Node): void => {
    switch (n.kind) {
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.MethodDeclaration:
      case ts.SyntaxKind.GetAccessor:
      case ts.SyntaxKind.SetAccessor:
        if ((n as ts.FunctionLikeDeclaration).body) addFunction((n as ts.FunctionLikeDeclaration).name);
        break;
      case ts.SyntaxKind.VariableDeclaration:
      case ts.SyntaxKind.PropertyDeclaration:
      case ts.SyntaxKind.PropertyAssignment: {
        const init = (n as ts.VariableDeclaration).initializer;
        const e = init && skipOuter(init);
        if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e))) addFunction((n as ts.VariableDeclaration).name);
        break;
      }
      case ts.SyntaxKind.ImportSpecifier:
      case ts.SyntaxKind.ImportClause:
      case ts.SyntaxKind.ImportEqualsDeclaration:
        addFunction((n as ts.NamedDeclaration).name);
        break;
    }
    ts.forEachChild(n, visitUser);
  };

  /** A parameter annotation that carries a brand, or that only a call's inference can tell. */
  const parameterMayBrand = (p: ts.ParameterDeclaration, own: ReadonlySet<string>): boolean => {
    if (!p.type || NOT_CALLABLE_TYPE.has(p.type.kind)) return false;
    if (own.size > 0 && mentionsName(p.type, own)) return true;
    const t = checker.getTypeFromTypeNode(p.type);
    if (hasAnyBrand(brandsOfType(checker, t))) return true;
    const elem = p.dotDotDotToken ? checker.getIndexTypeOfType(t, ts.IndexKind.Number) : undefined;
    return !!elem && hasAnyBrand(brandsOfType(checker, elem));
  };
  const signatureDeclMayBrand = (fn: ts.SignatureDeclaration): boolean => {
    const own = new Set((fn.typeParameters ?? []).map((tp) => tp.name.text));
    return fn.parameters.some((p) => parameterMayBrand(p, own));
  };
  /** An annotated value (variable, property, parameter) that can be called with a branded argument. */
  const typeMayBrand = (type: ts.TypeNode): boolean => {
    if (NOT_CALLABLE_TYPE.has(type.kind)) return false;
    if (ts.isFunctionTypeNode(type) || ts.isConstructorTypeNode(type)) return signatureDeclMayBrand(type);
    const t = checker.getTypeFromTypeNode(type);
    const parts = t.isUnionOrIntersection() ? t.types : [t];
    return parts.some((p) => [...p.getCallSignatures(), ...p.getConstructSignatures()].some((sig) => signatureMayBrand(checker, sig)));
  };
  const valueMayBrand = (type: ts.TypeNode | undefined, init: ts.Expression | undefined): boolean => {
    if (type) return typeMayBrand(type);
    if (!init) return true;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return signatureDeclMayBrand(init);
    return !isPlainValue(init);
  };

  const visit = (n: ts.Node): void => {
    switch (n.kind) {
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.MethodDeclaration:
      case ts.SyntaxKind.MethodSignature: {
        const fn = n as ts.FunctionDeclaration | ts.MethodDeclaration | ts.MethodSignature;
        if (signatureDeclMayBrand(fn)) add(fn.name);
        break;
      }
      case ts.SyntaxKind.Constructor: {
        const cls = n.parent as ts.ClassLikeDeclaration;
        if (signatureDeclMayBrand(n as ts.ConstructorDeclaration)) {
          add(cls.name);
          if (!cls.name && ts.isVariableDeclaration(cls.parent)) add(cls.parent.name);
        }
        break;
      }
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression: {
        // Without a constructor of its own a class is constructed through its base's.
        const cls = n as ts.ClassLikeDeclaration;
        if (cls.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword) && !cls.members.some(ts.isConstructorDeclaration)) {
          add(cls.name);
          if (!cls.name && ts.isVariableDeclaration(cls.parent)) add(cls.parent.name);
        }
        break;
      }
      case ts.SyntaxKind.VariableDeclaration:
      case ts.SyntaxKind.PropertyDeclaration:
      case ts.SyntaxKind.PropertySignature:
      case ts.SyntaxKind.PropertyAssignment: {
        const d = n as ts.VariableDeclaration | ts.PropertyDeclaration | ts.PropertySignature | ts.PropertyAssignment;
        const type = ts.isPropertyAssignment(d) ? undefined : d.type;
        const init = ts.isPropertySignature(d) ? undefined : d.initializer;
        if (ts.isIdentifier(d.name) || !ts.isVariableDeclaration(d) ? valueMayBrand(type, init) : false) add(d.name);
        break;
      }
      case ts.SyntaxKind.Parameter: {
        const p = n as ts.ParameterDeclaration;
        const fn = p.parent;
        // An unannotated parameter of a function declaration is `any`; of a function expression,
        // arrow or object method it takes the contextual type, which may be branded.
        const contextual = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent));
        if (ts.isIdentifier(p.name) && (p.type ? typeMayBrand(p.type) : contextual || !!p.initializer)) add(p.name);
        break;
      }
      case ts.SyntaxKind.BindingElement:
      case ts.SyntaxKind.ShorthandPropertyAssignment:
      case ts.SyntaxKind.ImportSpecifier:
      case ts.SyntaxKind.ExportSpecifier:
      case ts.SyntaxKind.ImportClause:
      case ts.SyntaxKind.ImportEqualsDeclaration:
      case ts.SyntaxKind.GetAccessor:
        add((n as ts.NamedDeclaration).name);
        break;
    }
    ts.forEachChild(n, visit);
  };
  const files = program.getSourceFiles().filter((sf) => !program.isSourceFileDefaultLibrary(sf));
  for (const sf of brandCapableFiles(program, files)) visit(sf);
  for (const sf of files) if (!sf.isDeclarationFile) visitUser(sf);
  return { branded: names, functions };
}
