/**
 * name-index.ts: per program, name sets that let the analysis skip the checker for most calls.
 * Resolving a callee's type or symbol, or typing a local, can force the checker to infer a
 * generic call over a whole driver object literal; in driver code most calls are register
 * reads, bit helpers and logging, which no rule needs typed.
 *
 * Invariant: each set over-approximates. A name missing from a set proves the fact false;
 * a name in it only means "ask the checker". Declarations are collected once per program in
 * one syntactic walk over the files that matter; no expression is type-checked, and a
 * declaration's annotations are read only when a call by its name is first asked about.
 *
 *   branded        names a call of a signature with a branded parameter can be made by. Walked:
 *                  only files that can see a brand (a file mentioning `__devbound` and every file
 *                  importing one, transitively: lib, @types/node and unrelated packages drop out).
 *                  In: a function, method or constructor (its class's name) whose own parameter
 *                  annotation carries a brand or mentions one of its own type parameters; a
 *                  variable, property or parameter whose annotation has such a signature; a name
 *                  whose type is not written down and may be a function (an unannotated variable
 *                  or property initialised from anything but a literal, a contextually typed
 *                  parameter, a destructured binding, a default import, a class without its own
 *                  constructor). Type parameters of an enclosing class or interface count as
 *                  instantiated by the receiver (`Ring<number>.push`).
 *   deviceResult   names of the same kinds whose call may return a bound device (declared return
 *                  type, awaited; no annotation or an own type parameter in it counts as may).
 *   functions      names under which a function with a body in the program's own sources can be
 *                  called: function declarations, methods and accessors with bodies, variables
 *                  and properties initialised with a function, classes (constructors), default
 *                  imports.
 * A renaming import or export specifier (`{ a as b }`) puts b in every set a is in.
 *
 * API
 *   registerProgram(checker, program)   (services.ts, once per program) lets the sets be found by checker
 *   mayCallBranded(checker, call)        false: no argument of `call` can map to a branded parameter
 *   mayNameFunction(checker, name)       false: no function with a body is known by this name
 *   mayBeDeviceValue(checker, expr)      false: `expr` cannot evaluate to a bound device (a literal,
 *                                        a function, a `new`, a call of nothing declared to return one)
 */
import ts from "typescript";
import { brandsOfType, deviceContextOf, hasAnyBrand, isBoundContext, mentionsName, signatureMayBrand } from "./brands.js";
import { calleeName, skipOuter, skipParens } from "./ast.js";

const programOf = new WeakMap<ts.TypeChecker, ts.Program>();
interface NameIndex {
  /** BRANDED | DEVICE facts of a name, evaluated on first ask (most names are never called). */
  facts(name: string): number;
  functions: Set<string>;
}
const BRANDED = 1;
const DEVICE = 2;
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
  return !index || (index.facts(name!) & BRANDED) !== 0;
}

/**
 * false: `expr` cannot evaluate to a bound device (a literal, a function, a call of something declared
 * to return no device, ...). An `as` cast, a name or a member read may.
 */
export function mayBeDeviceValue(checker: ts.TypeChecker, expr: ts.Expression | undefined): boolean {
  if (!expr) return true;
  const e = skipParens(expr);
  if (ts.isAwaitExpression(e)) return mayBeDeviceValue(checker, e.expression);
  if (isPlainValue(e) || ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e) || ts.isNewExpression(e)) return false;
  if (ts.isCallExpression(e)) {
    const name = calleeName(e);
    const index = name === undefined ? undefined : indexFor(checker);
    return !index || (index.facts(name!) & DEVICE) !== 0;
  }
  return true;
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
  // Declarations are collected by name in one syntactic walk; their types are read only when a
  // call by that name is asked about (reading every annotation of a large program up front
  // would cost more than it saves).
  const pending = new Map<string, Array<() => number>>();
  const memo = new Map<string, number>();
  const functions = new Set<string>();
  const renames: Array<[alias: string, original: string]> = [];
  const nameText = (n: ts.Node | undefined) =>
    n && (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) ? n.text : undefined;
  const add = (n: ts.Node | undefined, facts: () => number) => {
    const t = nameText(n);
    if (t === undefined) return;
    const list = pending.get(t);
    if (list) list.push(facts);
    else pending.set(t, [facts]);
  };
  const factsOf = (name: string): number => {
    let f = memo.get(name);
    if (f !== undefined) return f;
    memo.set(name, 0); // a rename cycle reads as nothing more
    f = 0;
    for (const thunk of pending.get(name) ?? []) {
      f |= thunk();
      if (f === (BRANDED | DEVICE)) break;
    }
    memo.set(name, f);
    return f;
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
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression:
        // `new C(..)` runs C's constructor (or its base's)
        addFunction((n as ts.ClassLikeDeclaration).name);
        if (ts.isVariableDeclaration(n.parent)) addFunction(n.parent.name);
        break;
      case ts.SyntaxKind.ImportSpecifier:
      case ts.SyntaxKind.ExportSpecifier: {
        const spec = n as ts.ImportSpecifier | ts.ExportSpecifier;
        if (spec.propertyName) renames.push([spec.name.text, spec.propertyName.text]);
        break;
      }
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
  const mayBeDevice = (t: ts.Type) => isBoundContext(deviceContextOf(checker, t)) || isBoundContext(deviceContextOf(checker, checker.getAwaitedType(t) ?? t));
  /** What calling a declared signature can do: pass a branded argument, return a device. */
  const signatureFacts = (fn: ts.SignatureDeclaration): number => {
    const own = new Set((fn.typeParameters ?? []).map((tp) => tp.name.text));
    let facts = fn.parameters.some((p) => parameterMayBrand(p, own)) ? BRANDED : 0;
    const ret = fn.type;
    if (!ret || (own.size > 0 && mentionsName(ret, own)) || (!NOT_CALLABLE_TYPE.has(ret.kind) && mayBeDevice(checker.getTypeFromTypeNode(ret)))) facts |= DEVICE;
    return facts;
  };
  /** An annotated value (variable, property, parameter): what calling it can do. */
  const typeFacts = (type: ts.TypeNode): number => {
    if (NOT_CALLABLE_TYPE.has(type.kind)) return 0;
    if (ts.isFunctionTypeNode(type) || ts.isConstructorTypeNode(type)) return signatureFacts(type);
    const t = checker.getTypeFromTypeNode(type);
    let facts = 0;
    for (const part of t.isUnionOrIntersection() ? t.types : [t]) {
      for (const sig of [...part.getCallSignatures(), ...part.getConstructSignatures()]) {
        if (signatureMayBrand(checker, sig)) facts |= BRANDED;
        if (sig.typeParameters?.length || mayBeDevice(checker.getReturnTypeOfSignature(sig))) facts |= DEVICE;
      }
    }
    return facts;
  };
  const valueFacts = (type: ts.TypeNode | undefined, init: ts.Expression | undefined): number => {
    if (type) return typeFacts(type);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return signatureFacts(init);
    return init && isPlainValue(init) ? 0 : BRANDED | DEVICE;
  };

  const visit = (n: ts.Node): void => {
    switch (n.kind) {
      case ts.SyntaxKind.FunctionDeclaration:
      case ts.SyntaxKind.MethodDeclaration:
      case ts.SyntaxKind.MethodSignature: {
        const fn = n as ts.FunctionDeclaration | ts.MethodDeclaration | ts.MethodSignature;
        add(fn.name, () => signatureFacts(fn));
        break;
      }
      case ts.SyntaxKind.Constructor: {
        // `new C(..)` is named by the class; a constructed device is never bound (only brands matter)
        const cls = n.parent as ts.ClassLikeDeclaration;
        const facts = () => signatureFacts(n as ts.ConstructorDeclaration) & BRANDED;
        add(cls.name, facts);
        if (!cls.name && ts.isVariableDeclaration(cls.parent)) add(cls.parent.name, facts);
        break;
      }
      case ts.SyntaxKind.ClassDeclaration:
      case ts.SyntaxKind.ClassExpression: {
        // Without a constructor of its own a class is constructed through its base's.
        const cls = n as ts.ClassLikeDeclaration;
        if (cls.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword) && !cls.members.some(ts.isConstructorDeclaration)) {
          add(cls.name, () => BRANDED);
          if (!cls.name && ts.isVariableDeclaration(cls.parent)) add(cls.parent.name, () => BRANDED);
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
        if (ts.isIdentifier(d.name) || !ts.isVariableDeclaration(d)) add(d.name, () => valueFacts(type, init));
        break;
      }
      case ts.SyntaxKind.Parameter: {
        const p = n as ts.ParameterDeclaration;
        const fn = p.parent;
        // An unannotated parameter of a function declaration is `any`; of a function expression,
        // arrow or object method it takes the contextual type, which may be branded.
        const contextual = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent));
        if (ts.isIdentifier(p.name)) add(p.name, () => (p.type ? typeFacts(p.type) : contextual || p.initializer ? BRANDED | DEVICE : 0));
        break;
      }
      case ts.SyntaxKind.ImportSpecifier:
      case ts.SyntaxKind.ExportSpecifier: {
        // A rename reads as what it renames; no rename adds nothing.
        const spec = n as ts.ImportSpecifier | ts.ExportSpecifier;
        const original = spec.propertyName?.text;
        if (original !== undefined) add(spec.name, () => factsOf(original));
        break;
      }
      case ts.SyntaxKind.BindingElement:
      case ts.SyntaxKind.ShorthandPropertyAssignment:
      case ts.SyntaxKind.ImportClause:
      case ts.SyntaxKind.ImportEqualsDeclaration:
      case ts.SyntaxKind.GetAccessor:
        add((n as ts.NamedDeclaration).name, () => BRANDED | DEVICE);
        break;
    }
    ts.forEachChild(n, visit);
  };
  const files = program.getSourceFiles().filter((sf) => !program.isSourceFileDefaultLibrary(sf));
  for (const sf of brandCapableFiles(program, files)) visit(sf);
  for (const sf of files) if (!sf.isDeclarationFile) visitUser(sf);
  // `import { a as b }`, `export { a as b }`: b names a function when a does (chains: to a fixpoint).
  for (let changed = true; changed; ) {
    changed = false;
    for (const [alias, original] of renames) {
      if (functions.has(original) && !functions.has(alias)) functions.add(alias), (changed = true);
    }
  }
  return { facts: factsOf, functions };
}
