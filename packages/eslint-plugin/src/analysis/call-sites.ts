/**
 * call-sites.ts: what a call site says, read off types and declarations: the parameter an
 * argument maps to and its brands, the type expected where an expression is written, and the
 * one answer to "which of the program's own functions does this call (or reference) run".
 *
 * Layer: above syntax (ast.ts), types (brands.ts) and the name index (name-index.ts); below
 * values, roles and rules. Invariant: cheap questions first, the checker last. Resolving a
 * callee asks the name index whether any function with a body in the program's own sources
 * (or an import under a name of the importer's choosing) is known by the callee's name before
 * asking the checker for its symbol; most calls in non-driver code (library calls, logging,
 * register reads) stop there. Argument brands ask the checker to resolve the call only when a
 * signature of the callee can carry a brand.
 *
 * API
 *   calledFunction(an, call)             the function with a body in the program's own sources that
 *                                        `call` runs: a function declaration (an overloaded one's
 *                                        implementation), a const/property initialised with an
 *                                        arrow or function expression, a method (class or object
 *                                        literal, `this.m()`, `super.m()`), an accessor, the
 *                                        constructor `new C()` runs (C's own or its base's); through
 *                                        imports, re-exports, `{ f }` shorthand and const aliases
 *                                        (`const g = f`). Undefined for a parameter or a property of
 *                                        unknown value called like a function, and for functions
 *                                        without a body here (declaration files, dependencies).
 *   referencedFunction(an, expr)         the same for an expression naming a function by value
 *                                        (`probe: fooProbe`, a callback passed by reference); a
 *                                        function literal is itself
 *   userFunctionOf(an, call)             calledFunction for a call, none for `new`: the helper a call
 *                                        runs (devres reach, teardown and release callbacks do not
 *                                        follow a constructor)
 *   constructedClass(an, newExpr)        the class of the program's own sources `new` constructs
 *                                        (a class declaration or expression, through imports and
 *                                        const aliases)
 *   getterRun(an, read)                  the get accessor with a body in the program's own sources a
 *                                        member read `o.name` runs
 *   argumentParameterType(checker, call, i)   a type carrying the brands of the parameter argument i maps to
 *   argumentBrands(checker, call, i)     brands of that parameter (DevresTarget, KobjectParam, ...)
 *   expectedTypeAt(checker, expr)        the contextual type of an expression, read off declarations
 *                                        where they say it (no inference of generic calls)
 *   contextualFunctionType(checker, fn)  the type a function node is expected to have where written
 *   declaredParameterType(checker, p)    a parameter's type from declarations only, or undefined
 *   typeOf(checker, expr), declaredTypeOf(checker, expr)   an expression's type read off declarations
 *                                        (remove()'s `data.regs` off the literal probe() returns), the
 *                                        checker last; declaredTypeOf: undefined where only it can tell
 *   implementedMemberType(checker, cls, name)  member `name` of what a class implements or extends
 *   functionBrands(checker, fn)          brands of a function node's contextual type (an arrow passed
 *                                        as an argument, a method/property of a typed object literal,
 *                                        a class member whose implemented interface brands it)
 *
 * Cost: argumentBrands is memoised per call node and checker, brandsDependOn per signature and
 * annotation, inferredLiterals per parameter and checker; calledFunction/referencedFunction
 * are summaries (summaries.ts) per program and node (symbols are cached by ast.symbolOf);
 * constructedClass and getterRun ask the name index before the checker and are not memoised.
 */
import { ts } from "../util/typescript.js";
import { isFunctionNode, propertyNameText, returnedExpressions, skipOuter, skipParens, symbolOf, type FunctionNode } from "./ast.js";
import { MENTION_BUDGET, NO_BRANDS, brandsOfType, constituents, deviceContextOf, isBoundContext, signatureMayBrand, typeMentions, type TypeBrands } from "./brands.js";
import { mayCallBranded, mayNameFunction } from "./name-index.js";
import { defineSummary } from "./summaries.js";

/** What resolving a function needs of an Analysis (services.ts's Analysis is one). */
export interface TypedProgram {
  readonly checker: ts.TypeChecker;
  readonly program: ts.Program;
}

// ---- which function a call runs -------------------------------------------------------------

/** Aliases followed (`const g = f; const h = g`) before giving up. */
const MAX_ALIASES = 8;

/**
 * Per program, per node: two summaries, since a call node has both meanings (the function it
 * runs, and none when it is itself passed by value). Neither recurses through the other.
 */
const functionCalled = defineSummary<ts.CallExpression | ts.NewExpression, FunctionNode | null, TypedProgram>("call-sites:called-function", (an, call) =>
  (ts.isNewExpression(call) ? constructorRun(an, call.expression, 0) : functionNamed(an, call.expression, 0)) ?? null,
);
const functionReferenced = defineSummary<ts.Expression, FunctionNode | null, TypedProgram>("call-sites:referenced-function", (an, e) => functionNamed(an, e, 0) ?? null);

export function calledFunction(an: TypedProgram, call: ts.CallExpression | ts.NewExpression): FunctionNode | undefined {
  return functionCalled.get(an, call) ?? undefined;
}

export function referencedFunction(an: TypedProgram, expr: ts.Expression): FunctionNode | undefined {
  const e = skipOuter(expr);
  if (isFunctionNode(e)) return ownFunction(an, e);
  return functionReferenced.get(an, e) ?? undefined;
}

/** The helper a call runs: not a constructor (`new` is not followed into as a helper). */
export function userFunctionOf(an: TypedProgram, call: ts.CallExpression | ts.NewExpression): FunctionNode | undefined {
  return ts.isNewExpression(call) ? undefined : calledFunction(an, call);
}

export function constructedClass(an: TypedProgram, call: ts.NewExpression): ts.ClassLikeDeclaration | undefined {
  return classNamed(an, call.expression, 0);
}

export function getterRun(an: TypedProgram, read: ts.PropertyAccessExpression): ts.GetAccessorDeclaration | undefined {
  // Most member reads name no accessor with a body anywhere in the program: no symbol lookup.
  if (!mayNameFunction(an.checker, read.name.text)) return undefined;
  const sym = an.checker.getSymbolAtLocation(read.name);
  if (!sym || !(sym.flags & ts.SymbolFlags.GetAccessor)) return undefined;
  const getter = sym.declarations?.find((d): d is ts.GetAccessorDeclaration => ts.isGetAccessorDeclaration(d) && d.body !== undefined);
  return ownFunction(an, getter) ? getter : undefined;
}

/** A node of the program's own sources (not a declaration file, not a dependency). */
function isOwn(an: TypedProgram, node: ts.Node): boolean {
  const sf = node.getSourceFile();
  return !sf.isDeclarationFile && !an.program.isSourceFileFromExternalLibrary(sf);
}

/** A function with a body in the program's own sources. */
function ownFunction(an: TypedProgram, fn: ts.Node | undefined): FunctionNode | undefined {
  return fn && isFunctionNode(fn) && fn.body && isOwn(an, fn) ? fn : undefined;
}

/** The name an expression reads a function by (`f`, `a.b.f`, `this.#f`), if it is one. */
function nameOf(expr: ts.Expression): ts.Identifier | ts.PrivateIdentifier | undefined {
  const e = skipOuter(expr);
  if (ts.isIdentifier(e)) return e;
  if (ts.isPropertyAccessExpression(e)) return e.name;
  return undefined;
}

/** The symbol a name reads: through aliases (ast.symbolOf), and `{ f }` reads the variable f. */
function valueSymbol(checker: ts.TypeChecker, name: ts.Identifier | ts.PrivateIdentifier): ts.Symbol | undefined {
  if (ts.isShorthandPropertyAssignment(name.parent) && name.parent.name === name) return checker.getShorthandAssignmentValueSymbol(name.parent);
  return symbolOf(checker, name);
}

function functionNamed(an: TypedProgram, expr: ts.Expression, depth: number): FunctionNode | undefined {
  const e = skipOuter(expr);
  if (isFunctionNode(e)) return ownFunction(an, e);
  const name = nameOf(e);
  // The syntactic filter: no function with a body (nor an opaque import) is known by this name.
  if (!name || !mayNameFunction(an.checker, name.text)) return undefined;
  return functionOfSymbol(an, valueSymbol(an.checker, name), depth);
}

/** The function a symbol's declarations define: one with a body (an overload's implementation), or an initialiser's. */
function functionOfSymbol(an: TypedProgram, sym: ts.Symbol | undefined, depth: number): FunctionNode | undefined {
  for (const decl of sym?.declarations ?? []) {
    if (isFunctionNode(decl)) {
      if (decl.body) return ownFunction(an, decl);
      continue; // an overload signature: the implementation is another declaration
    }
    if (ts.isShorthandPropertyAssignment(decl)) {
      // `const ops = { read }; ops.read()`: the property is the variable `read`
      if (depth < MAX_ALIASES) return functionOfSymbol(an, an.checker.getShorthandAssignmentValueSymbol(decl), depth + 1);
      continue;
    }
    if ((ts.isVariableDeclaration(decl) || ts.isPropertyAssignment(decl) || ts.isPropertyDeclaration(decl)) && decl.initializer) {
      const init = skipOuter(decl.initializer);
      if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return ownFunction(an, init);
      // An alias (`const g = f`, `{ read: readRegs }`): a `let`/`var` may be reassigned, so only a const.
      const alias = ts.isVariableDeclaration(decl) ? (ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) !== 0 : true;
      if (alias && depth < MAX_ALIASES && nameOf(init)) return functionNamed(an, init, depth + 1);
    }
  }
  return undefined;
}

/** The constructor `new <expr>(...)` runs: the class's own, or the nearest base class's. */
function constructorRun(an: TypedProgram, expr: ts.Expression, depth: number): FunctionNode | undefined {
  const cls = classNamed(an, expr, depth);
  return cls && constructorOfClass(an, cls, depth);
}

/** The class of the program's own sources an expression names: a class expression, a class declaration, a const alias of either. */
function classNamed(an: TypedProgram, expr: ts.Expression, depth: number): ts.ClassLikeDeclaration | undefined {
  const e = skipOuter(expr);
  if (ts.isClassExpression(e)) return isOwn(an, e) ? e : undefined;
  const name = nameOf(e);
  // (the name index records every class by name: `new C()` runs C's constructor)
  if (!name || !mayNameFunction(an.checker, name.text)) return undefined;
  for (const decl of valueSymbol(an.checker, name)?.declarations ?? []) {
    if (ts.isClassDeclaration(decl)) return isOwn(an, decl) ? decl : undefined;
    if (ts.isVariableDeclaration(decl) && decl.initializer && depth < MAX_ALIASES && ts.getCombinedNodeFlags(decl) & ts.NodeFlags.Const) {
      return classNamed(an, decl.initializer, depth + 1);
    }
  }
  return undefined;
}

function constructorOfClass(an: TypedProgram, cls: ts.ClassLikeDeclaration, depth: number): FunctionNode | undefined {
  const own = cls.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
  if (own) return ownFunction(an, own);
  if (cls.members.some(ts.isConstructorDeclaration)) return undefined; // declared without a body
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  return base && depth < MAX_ALIASES ? constructorRun(an, base.expression, depth + 1) : undefined;
}

// ---- argument and parameter types -----------------------------------------------------------

/**
 * A type whose brands are those of the parameter argument `index` of `call` maps to (the
 * instantiated parameter type for a generic call, when its brands depend on the instantiation).
 * When the callee has a single signature whose parameter brands cannot depend on the call's
 * type arguments (see brandsDependOn), the declared parameter type is read without resolving
 * the call: resolution checks every argument, and an argument such as an unannotated probe
 * parameter pulls in inference of the whole driver object.
 */
export function argumentParameterType(
  checker: ts.TypeChecker,
  call: ts.CallExpression | ts.NewExpression,
  index: number,
): ts.Type | undefined {
  const sigs = calleeSignatures(checker, call);
  const declared = sigs.length === 1 ? parameterTypeAt(checker, sigs[0]!, index, true) : RESOLVE;
  if (declared !== RESOLVE) return declared;
  const sig = checker.getResolvedSignature(call);
  if (sig && sig.getParameters().length > 0) {
    const t = parameterTypeAt(checker, sig, index, false);
    return t === RESOLVE ? undefined : t;
  }
  const arg = call.arguments?.[index];
  return arg ? checker.getContextualType(arg) : undefined;
}

/** Argument `index` of `call` maps to a parameter that takes a bound device (`access(dev)`), by its declared type. */
export function argumentTakesBoundDevice(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, index: number): boolean {
  const p = argumentParameterType(checker, call, index);
  return p !== undefined && isBoundContext(deviceContextOf(checker, p));
}

const RESOLVE = Symbol("resolve the call");

/** Type of the parameter argument `index` maps to; RESOLVE when `declaredOnly` and its brands depend on inference. */
function parameterTypeAt(checker: ts.TypeChecker, sig: ts.Signature, index: number, declaredOnly: boolean): ts.Type | undefined | typeof RESOLVE {
  const params = sig.getParameters();
  const last = params[params.length - 1];
  const lastDecl = last?.valueDeclaration;
  const lastIsRest = !!lastDecl && ts.isParameter(lastDecl) && !!lastDecl.dotDotDotToken;
  const param = index < params.length - (lastIsRest ? 1 : 0) ? params[index] : lastIsRest ? last : undefined;
  if (!param) return undefined;
  if (declaredOnly) {
    const decl = param.valueDeclaration;
    if (!decl || !ts.isParameter(decl) || !decl.type) return RESOLVE;
    const own = sig.typeParameters;
    if (own?.length && parameterBrandsDependOn(checker, own, decl.type)) return RESOLVE;
  }
  const t = checker.getTypeOfSymbol(param);
  return param === last && lastIsRest && index >= params.length - 1 ? (checker.getIndexTypeOfType(t, ts.IndexKind.Number) ?? undefined) : t;
}

/**
 * Per signature's type parameters (the checker's own array, one per declared signature), per
 * parameter annotation: brandsDependOn, asked for every call of a generic, resolves the names in
 * the annotation each time.
 */
const dependsMemo = new WeakMap<readonly ts.TypeParameter[], Map<ts.TypeNode, boolean>>();

function parameterBrandsDependOn(checker: ts.TypeChecker, own: readonly ts.TypeParameter[], type: ts.TypeNode): boolean {
  let perSignature = dependsMemo.get(own);
  if (!perSignature) dependsMemo.set(own, (perSignature = new Map()));
  let depends = perSignature.get(type);
  if (depends === undefined) perSignature.set(type, (depends = brandsDependOn(checker, type, new Set(own.map((tp) => tp.symbol.name)))));
  return depends;
}

/**
 * Can the brands of a type written as `node` change with the type parameters `names`? Not
 * through a function type (its signature's types are not properties of it), nor through the
 * type arguments of an interface or class (neither can extend a type parameter, so which
 * properties exist does not depend on them). Anything else that mentions one may: a bare `T`,
 * `T & X`, a type alias's argument (`FileOperation<F, K>` puts K into a brand's value).
 */
function brandsDependOn(checker: ts.TypeChecker, node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isFunctionTypeNode(node) || ts.isConstructorTypeNode(node)) return false;
  if (ts.isTypeReferenceNode(node)) {
    if (ts.isIdentifier(node.typeName) && names.has(node.typeName.text)) return true;
    if (!node.typeArguments?.length) return false;
    const sym = checker.getSymbolAtLocation(node.typeName);
    const target = sym && sym.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(sym) : sym;
    if (target && target.flags & (ts.SymbolFlags.Interface | ts.SymbolFlags.Class)) return false;
  }
  if (ts.isIdentifier(node)) return names.has(node.text);
  return !!ts.forEachChild(node, (c) => brandsDependOn(checker, c, names) || undefined);
}

/** Per checker, per call: the callee's call (or construct) signatures, read off its type. */
const calleeSignaturesMemo = new WeakMap<ts.TypeChecker, Map<ts.Node, readonly ts.Signature[]>>();

function calleeSignatures(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): readonly ts.Signature[] {
  let perChecker = calleeSignaturesMemo.get(checker);
  if (!perChecker) calleeSignaturesMemo.set(checker, (perChecker = new Map()));
  let sigs = perChecker.get(call);
  if (!sigs) {
    // Off declarations where they say it: typing `m.readl` infers the call that typed `m`.
    const calleeType = typeOf(checker, call.expression);
    perChecker.set(call, (sigs = ts.isNewExpression(call) ? calleeType.getConstructSignatures() : calleeType.getCallSignatures()));
  }
  return sigs;
}

/** Per checker, per call: brands of each argument position (filled lazily). */
const argumentBrandsMemo = new WeakMap<ts.TypeChecker, Map<ts.Node, Array<TypeBrands | undefined> | null>>();

/**
 * Cheap filter before resolving a call: false when every signature of the callee's type is
 * non-generic and none of its parameters carries a brand, so no argument position can be
 * branded. Asks only for the callee's type (no argument checking, no inference). An untyped
 * callee (any, no signatures) answers true: the full resolution decides as before.
 */
function calleeMayBrand(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  if (!mayCallBranded(checker, call)) return false;
  const sigs = calleeSignatures(checker, call);
  if (sigs.length === 0) return true;
  return sigs.some((sig) => signatureMayBrand(checker, sig));
}

/** The call's memo slot: null when no argument position can be branded (calleeMayBrand). */
function callMemo(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): Array<TypeBrands | undefined> | null {
  let perChecker = argumentBrandsMemo.get(checker);
  if (!perChecker) argumentBrandsMemo.set(checker, (perChecker = new Map()));
  let perCall = perChecker.get(call);
  if (perCall === undefined) perChecker.set(call, (perCall = calleeMayBrand(checker, call) ? [] : null));
  return perCall;
}

export function argumentBrands(
  checker: ts.TypeChecker,
  call: ts.CallExpression | ts.NewExpression,
  index: number,
): TypeBrands {
  const perCall = callMemo(checker, call);
  if (perCall === null) return NO_BRANDS;
  let b = perCall[index];
  if (!b) perCall[index] = b = brandsOfType(checker, argumentParameterType(checker, call, index));
  return b;
}

// ---- contextual types ----------------------------------------------------------------------

/**
 * The type expected where `expr` is written (its contextual type, for brand reading). Read off
 * declarations where they say it: an argument takes the callee's declared parameter type when
 * its brands cannot depend on inference (argumentParameterType), a property value the member
 * type of the object literal's expected type, an annotated variable or `satisfies`/`as` its
 * written type. Only other positions ask the checker for the contextual type, which for a
 * generic call means inferring it over all its arguments.
 */
export function expectedTypeAt(checker: ts.TypeChecker, expr: ts.Expression): ts.Type | undefined {
  const node = skipParensUp(expr);
  const parent = node.parent;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments) {
    const i = parent.arguments.indexOf(node);
    if (i >= 0 && !parent.arguments.slice(0, i + 1).some(ts.isSpreadElement)) return argumentParameterType(checker, parent, i);
  }
  if (ts.isPropertyAssignment(parent) && parent.initializer === node && ts.isObjectLiteralExpression(parent.parent)) {
    const name = propertyNameText(parent.name);
    return name === undefined ? undefined : memberType(checker, expectedTypeAt(checker, parent.parent), name);
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === node) {
    return parent.type ? checker.getTypeFromTypeNode(parent.type) : undefined;
  }
  if ((ts.isSatisfiesExpression(parent) || ts.isAsExpression(parent)) && !ts.isConstTypeReference(parent.type)) {
    return checker.getTypeFromTypeNode(parent.type);
  }
  return checker.getContextualType(node);
}

/** The type of property `name` of (any constituent of) `type`. */
function memberType(checker: ts.TypeChecker, type: ts.Type | undefined, name: string): ts.Type | undefined {
  if (!type) return undefined;
  for (const t of constituents(checker, type)) {
    const prop = checker.getPropertyOfType(t, name);
    if (prop) return checker.getTypeOfSymbol(prop);
  }
  return undefined;
}

/** The type a function node is expected to have where it is written. */
export function contextualFunctionType(checker: ts.TypeChecker, fn: ts.Node): ts.Type | undefined {
  if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) return expectedTypeAt(checker, fn);
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessor(fn) || ts.isSetAccessor(fn)) {
    const name = propertyNameText(fn.name);
    if (!name) return undefined;
    if (ts.isObjectLiteralExpression(fn.parent)) return memberType(checker, expectedTypeAt(checker, fn.parent), name);
    if (ts.isClassLike(fn.parent)) return implementedMemberType(checker, fn.parent, name);
  }
  if (ts.isPropertyDeclaration(fn.parent) && fn.parent.initializer === fn && ts.isClassLike(fn.parent.parent)) {
    const name = propertyNameText(fn.parent.name);
    if (fn.parent.type) return checker.getTypeAtLocation(fn.parent.type);
    return name ? implementedMemberType(checker, fn.parent.parent, name) : undefined;
  }
  return undefined;
}

/**
 * The type of parameter `p` as declared: its annotation, or the matching parameter of the
 * function's contextual type read off declarations (contextualFunctionType). Undefined when
 * only inference can tell: no single contextual signature, or a parameter typed by one of a
 * generic callee's type parameters (remove()'s driver data `D`).
 */
export function declaredParameterType(checker: ts.TypeChecker, p: ts.ParameterDeclaration): ts.Type | undefined {
  if (p.type) return checker.getTypeFromTypeNode(p.type);
  if (p.dotDotDotToken) return undefined;
  // An optional member (`remove?(dev, data)`, `release?: (d) => void`) is typed `… | undefined`:
  // like the checker's contextual signature, read the function type without undefined.
  const expected = contextualFunctionType(checker, p.parent);
  const sigs = expected && checker.getNonNullableType(expected).getCallSignatures();
  if (sigs?.length !== 1) return undefined;
  const t = parameterTypeAt(checker, sigs[0]!, p.parent.parameters.indexOf(p), false);
  return t === RESOLVE || !t || t.flags & ts.TypeFlags.TypeParameter ? undefined : t;
}

/** The type of an expression: read off declarations where they say it (declaredTypeOf), the checker last. */
export function typeOf(checker: ts.TypeChecker, expr: ts.Expression): ts.Type {
  return declaredTypeOf(checker, expr) ?? checker.getTypeAtLocation(expr);
}

/**
 * The type of `expr` read off declarations, without typing the expression (which infers the
 * generic call a callback parameter belongs to, a whole `defineDriver({...})`, and runs flow
 * analysis again on every ask): a parameter (declaredParameterType), an annotated or `const`
 * variable, a function or class, `this`, a member of such a value, a member of remove()'s driver
 * data read off what probe() returns (inferredLiterals), the result of a call of a single
 * non-generic signature, an `as` type. Undefined where only the checker can tell, and for
 * a name or member wherever narrowing could make the checker's answer narrower: a union, any,
 * unknown, `object`, a type parameter. Callers fall back to the checker.
 */
export function declaredTypeOf(checker: ts.TypeChecker, expr: ts.Expression, depth = 0): ts.Type | undefined {
  const t = declaredTypeOfWorker(checker, expr, depth);
  // Only a reference (a name, a member) is narrowed: a call's or an assertion's type is as declared.
  const e = skipParens(expr);
  const isReference = e.kind === ts.SyntaxKind.Identifier || e.kind === ts.SyntaxKind.PropertyAccessExpression;
  return t && (!isReference || isSettledType(checker, t)) ? t : undefined;
}

function declaredTypeOfWorker(checker: ts.TypeChecker, expr: ts.Expression, depth: number): ts.Type | undefined {
  if (depth > MAX_ALIASES) return undefined;
  const e = skipParens(expr);
  switch (e.kind) {
    case ts.SyntaxKind.ThisKeyword:
      return checker.getTypeAtLocation(e);
    case ts.SyntaxKind.AsExpression:
    case ts.SyntaxKind.TypeAssertionExpression: {
      const type = (e as ts.AsExpression).type;
      return ts.isConstTypeReference(type) ? undefined : checker.getTypeFromTypeNode(type);
    }
    case ts.SyntaxKind.Identifier:
      return declaredTypeOfSymbol(checker, symbolOf(checker, e), depth);
    case ts.SyntaxKind.PropertyAccessExpression: {
      const access = e as ts.PropertyAccessExpression;
      if (access.questionDotToken || !ts.isIdentifier(access.name)) return undefined;
      // A member is read off a non-null object (`g.value` after `if (!g) return`: the checker narrows
      // null away first), so it is looked up on the declared type without null and undefined.
      const declared = declaredTypeOfWorker(checker, access.expression, depth + 1);
      if (!declared) return inferredMemberType(checker, access, depth);
      const object = declared && checker.getNonNullableType(declared);
      if (!object || !isSettledType(checker, object)) return undefined;
      const prop = checker.getPropertyOfType(object, access.name.text);
      return prop && !(prop.flags & ts.SymbolFlags.Optional) ? checker.getTypeOfSymbol(prop) : undefined;
    }
    case ts.SyntaxKind.CallExpression: {
      const call = e as ts.CallExpression;
      if (call.questionDotToken || call.typeArguments) return undefined;
      const sigs = declaredTypeOf(checker, call.expression, depth + 1)?.getCallSignatures();
      const sig = sigs?.length === 1 ? sigs[0]! : undefined;
      return sig && !sig.typeParameters?.length ? checker.getReturnTypeOfSignature(sig) : undefined;
    }
    default:
      return undefined;
  }
}

/** The type of a variable, parameter, function or class as declared (declaredTypeOf of a name). */
function declaredTypeOfSymbol(checker: ts.TypeChecker, sym: ts.Symbol | undefined, depth: number): ts.Type | undefined {
  const decl = sym?.valueDeclaration;
  if (!sym || !decl) return undefined;
  if (ts.isParameter(decl)) return declaredParameterType(checker, decl);
  if (ts.isVariableDeclaration(decl)) {
    if (decl.type) return checker.getTypeFromTypeNode(decl.type);
    // `const`, `using`: never reassigned, typed by the initialiser (settled, or not, by the caller)
    const isConst = (ts.getCombinedNodeFlags(decl) & (ts.NodeFlags.Const | ts.NodeFlags.Using)) !== 0;
    return isConst && ts.isIdentifier(decl.name) && decl.initializer ? declaredTypeOfWorker(checker, decl.initializer, depth + 1) : undefined;
  }
  return sym.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Class) ? checker.getTypeOfSymbol(sym) : undefined;
}

// ---- values typed by inference alone: remove()'s driver data ---------------------------------

/**
 * `data.regs` where `data` is typed by inference alone, read off the object literals inference
 * takes its type from (inferredLiterals): the declared type of `regs` in each, when they agree.
 * `data.side.regs` goes through a nested literal the same way.
 */
function inferredMemberType(checker: ts.TypeChecker, access: ts.PropertyAccessExpression, depth: number): ts.Type | undefined {
  const literals = sourceLiterals(checker, access.expression);
  if (!literals) return undefined;
  let type: ts.Type | undefined;
  for (const literal of literals) {
    const value = literalMember(literal, access.name.text);
    if (!value) return undefined;
    const t = ts.isShorthandPropertyAssignment(value)
      ? declaredTypeOfSymbol(checker, checker.getShorthandAssignmentValueSymbol(value), depth + 1)
      : declaredTypeOfWorker(checker, value, depth + 1);
    if (!t || (type && t !== type)) return undefined;
    type = t;
  }
  return type;
}

/** The object literals an inferred parameter (or a member of one that is a literal too) is made of. */
function sourceLiterals(checker: ts.TypeChecker, expr: ts.Expression): readonly ts.ObjectLiteralExpression[] | undefined {
  const e = skipParens(expr);
  if (ts.isIdentifier(e)) {
    const decl = symbolOf(checker, e)?.valueDeclaration;
    return decl && ts.isParameter(decl) ? inferredLiterals(checker, decl) : undefined;
  }
  if (!ts.isPropertyAccessExpression(e) || e.questionDotToken || !ts.isIdentifier(e.name)) return undefined;
  const outer = sourceLiterals(checker, e.expression);
  const inner: ts.ObjectLiteralExpression[] = [];
  for (const literal of outer ?? []) {
    const value = literalMember(literal, e.name.text);
    const v = value && !ts.isShorthandPropertyAssignment(value) ? skipParens(value) : undefined;
    if (!v || !ts.isObjectLiteralExpression(v)) return undefined;
    inner.push(v);
  }
  return outer && inner;
}

/** The value of property `name` in an object literal (the last one written); undefined when a spread or computed name may set it. */
function literalMember(literal: ts.ObjectLiteralExpression, name: string): ts.Expression | ts.ShorthandPropertyAssignment | undefined {
  let found: ts.Expression | ts.ShorthandPropertyAssignment | undefined;
  for (const p of literal.properties) {
    if (ts.isSpreadAssignment(p) || (p.name && ts.isComputedPropertyName(p.name))) return undefined;
    if (propertyNameText(p.name) !== name) continue;
    if (ts.isPropertyAssignment(p)) found = p.initializer;
    else if (ts.isShorthandPropertyAssignment(p)) found = p;
    else return undefined; // a method or an accessor
  }
  return found;
}

/** Per checker, per parameter: inferredLiterals (null: none). */
const inferredLiteralsMemo = new WeakMap<ts.TypeChecker, Map<ts.ParameterDeclaration, readonly ts.ObjectLiteralExpression[] | null>>();

/**
 * The object literals an unannotated parameter's type is inferred from, when that is all it is
 * inferred from: in `defineDriver<D>({ probe(dev) { …; return { regs, irq }; }, remove(dev, data) {…} })`,
 * `data` is D, and D is inferred from what probe() returns alone. Typing `data.regs` with the
 * checker infers the whole call (every member of the driver object); reading `regs` off the literal
 * does not. Only when the callee has one generic signature, the parameter's declared type is one
 * of its type parameters T (no constraint), one member of the argument's declared type returns T
 * (`T`, `Promise<T>` or a union of them) and the literal's function for it returns object literals
 * only, the others take T only as a whole parameter and do not annotate it, and nothing else in
 * the call's parameters mentions T. Undefined otherwise (the checker decides).
 */
function inferredLiterals(checker: ts.TypeChecker, p: ts.ParameterDeclaration): readonly ts.ObjectLiteralExpression[] | undefined {
  let perChecker = inferredLiteralsMemo.get(checker);
  if (!perChecker) inferredLiteralsMemo.set(checker, (perChecker = new Map()));
  let literals = perChecker.get(p);
  if (literals === undefined) perChecker.set(p, (literals = computeInferredLiterals(checker, p) ?? null));
  return literals ?? undefined;
}

function computeInferredLiterals(checker: ts.TypeChecker, p: ts.ParameterDeclaration): ts.ObjectLiteralExpression[] | undefined {
  if (p.type || p.dotDotDotToken) return undefined;
  const fn = p.parent;
  const literal = objectLiteralOf(fn);
  const call = literal && skipParensUp(literal).parent;
  if (!literal || !call || !(ts.isCallExpression(call) || ts.isNewExpression(call)) || !call.arguments || call.typeArguments) return undefined;
  const at = call.arguments.indexOf(skipParensUp(literal));
  if (at < 0 || call.arguments.slice(0, at + 1).some(ts.isSpreadElement) || literal.properties.some(ts.isSpreadAssignment)) return undefined;
  const sigs = calleeSignatures(checker, call);
  const sig = sigs.length === 1 ? sigs[0]! : undefined;
  const params = sig?.getParameters() ?? [];
  if (!sig?.typeParameters?.length || at >= params.length) return undefined;
  const argType = checker.getNonNullableType(checker.getTypeOfSymbol(params[at]!));
  const t = memberSignature(checker, argType, memberNameOf(fn))?.getParameters()[fn.parameters.indexOf(p)];
  const tp = t && checker.getTypeOfSymbol(t);
  if (!tp || !(tp.flags & ts.TypeFlags.TypeParameter) || !sig.typeParameters.includes(tp as ts.TypeParameter) || (tp as ts.TypeParameter).getConstraint()) return undefined;
  const own = new Set([tp.symbol]);
  const mentions = (x: ts.Type) => typeMentions(checker, x, own, { left: MENTION_BUDGET });
  // T only through the argument the literal is
  if (params.some((q, i) => i !== at && mentions(checker.getTypeOfSymbol(q)))) return undefined;
  if (checker.getIndexInfosOfType(argType).length > 0) return undefined;
  let source: FunctionNode | undefined;
  for (const prop of checker.getPropertiesOfType(argType)) {
    const propType = checker.getNonNullableType(checker.getTypeOfSymbol(prop));
    if (!mentions(propType)) continue;
    const member = literalFunction(literal, prop.name);
    const memberSig = propType.getCallSignatures();
    if (memberSig.length !== 1 || propType.getConstructSignatures().length > 0 || propType.getProperties().length > 0 || memberSig[0]!.typeParameters?.length) return undefined;
    const s = memberSig[0]!;
    const ret = checker.getReturnTypeOfSignature(s);
    if (mentions(ret)) {
      // the one member T is inferred from: it returns T (or a promise of it), takes no T
      if (source || !returnsOnly(checker, ret, tp) || s.getParameters().some((q) => mentions(checker.getTypeOfSymbol(q)))) return undefined;
      if (member === null) return undefined; // written but not as a function literal here
      source = member;
      continue;
    }
    // takes T as a whole parameter, which the literal's function (if any) leaves unannotated: no inference from it
    if (member === null) return undefined;
    const takes = s.getParameters().map((q) => checker.getTypeOfSymbol(q));
    if (takes.some((q) => q !== tp && mentions(q))) return undefined;
    // (an annotation or a binding pattern there could contribute to T's inference)
    if (member && takes.some((q, i) => q === tp && member.parameters[i] && (member.parameters[i]!.type || !ts.isIdentifier(member.parameters[i]!.name)))) return undefined;
  }
  if (!source || source.type || source.typeParameters || (source as ts.FunctionLikeDeclaration).asteriskToken) return undefined;
  const out: ts.ObjectLiteralExpression[] = [];
  for (const r of returnedExpressions(source)) {
    const e = r && skipParens(r);
    if (!e || !ts.isObjectLiteralExpression(e)) return undefined;
    out.push(e);
  }
  return out.length > 0 ? out : undefined;
}

/** `ret` is T, Promise<T>, or a union of them. */
function returnsOnly(checker: ts.TypeChecker, ret: ts.Type, tp: ts.Type): boolean {
  return (ret.isUnion() ? ret.types : [ret]).every(
    (part) => part === tp || (part.symbol?.name === "Promise" && checker.getTypeArguments(part as ts.TypeReference)[0] === tp && checker.getTypeArguments(part as ts.TypeReference).length === 1),
  );
}

/** The object literal a function is a member of (`{ probe(dev) {…} }`, `{ probe: (dev) => … }`). */
function objectLiteralOf(fn: ts.Node): ts.ObjectLiteralExpression | undefined {
  if (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent)) return fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && ts.isPropertyAssignment(fn.parent) && fn.parent.initializer === fn) return fn.parent.parent;
  return undefined;
}

function memberNameOf(fn: ts.Node): string | undefined {
  return propertyNameText(ts.isMethodDeclaration(fn) ? fn.name : ts.isPropertyAssignment(fn.parent) ? fn.parent.name : undefined);
}

/** The single call signature of member `name` of `type` (an optional member without undefined). */
function memberSignature(checker: ts.TypeChecker, type: ts.Type, name: string | undefined): ts.Signature | undefined {
  const member = name === undefined ? undefined : memberType(checker, type, name);
  const sigs = member && checker.getNonNullableType(member).getCallSignatures();
  return sigs?.length === 1 ? sigs[0] : undefined;
}

/** Member `name` of the literal as a function literal; undefined when absent, null when written otherwise. */
function literalFunction(literal: ts.ObjectLiteralExpression, name: string): FunctionNode | null | undefined {
  let found: FunctionNode | null | undefined;
  for (const p of literal.properties) {
    if (propertyNameText(p.name) !== name) continue;
    if (ts.isMethodDeclaration(p)) found = p;
    else if (ts.isPropertyAssignment(p) && (ts.isArrowFunction(skipParens(p.initializer)) || ts.isFunctionExpression(skipParens(p.initializer)))) found = skipParens(p.initializer) as FunctionNode;
    else found = null;
  }
  return found;
}

/** Up through parentheses around `node`. */
function skipParensUp(node: ts.Expression): ts.Expression {
  let n = node;
  while (ts.isParenthesizedExpression(n.parent)) n = n.parent;
  return n;
}

/** A type narrowing cannot make narrower in a way brand, kind and thenable questions would see. */
function isSettledType(checker: ts.TypeChecker, t: ts.Type): boolean {
  if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.TypeParameter | ts.TypeFlags.NonPrimitive | ts.TypeFlags.Union | ts.TypeFlags.Never)) return false;
  // `{}` and the like: anything can be narrowed out of them
  return !(t.flags & ts.TypeFlags.Object) || checker.getPropertiesOfType(t).length > 0 || t.getCallSignatures().length > 0;
}

/** The type of member `name` in the interfaces/base class a class implements or extends. */
export function implementedMemberType(checker: ts.TypeChecker, cls: ts.ClassLikeDeclaration, name: string): ts.Type | undefined {
  for (const clause of cls.heritageClauses ?? []) {
    for (const t of clause.types) {
      const type = checker.getTypeAtLocation(t);
      const prop = checker.getPropertyOfType(type, name);
      if (prop) return checker.getTypeOfSymbol(prop);
    }
  }
  return undefined;
}

/** Brands of the type a function node is expected to have (see contextualFunctionType). */
export function functionBrands(checker: ts.TypeChecker, fn: ts.Node): TypeBrands {
  // An arrow/function expression passed directly as an argument is typed by the parameter it
  // maps to: when no parameter of the callee can carry a brand, neither can it (no resolution);
  // else it has that parameter's brands (argumentBrands, memoised per call: other rules ask it).
  const parent = fn.parent;
  if ((ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) && parent && (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments) {
    const i = parent.arguments.indexOf(fn);
    if (i >= 0 && callMemo(checker, parent) === null) return NO_BRANDS;
    if (i >= 0 && !parent.arguments.slice(0, i + 1).some(ts.isSpreadElement)) return argumentBrands(checker, parent, i);
  }
  return brandsOfType(checker, contextualFunctionType(checker, fn));
}
