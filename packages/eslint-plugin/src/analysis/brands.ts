/**
 * brands.ts: read the runtime's phantom brands (packages/runtime/src/brands.ts) off types.
 *
 * Invariant: recognition is by type, never by name. Anything whose type carries a brand
 * property (the runtime's own API, a renamed import, a re-export, a wrapper, the user's own
 * branded API) is recognised identically. Unions are read constituent by constituent
 * (nullable parts ignored), intersections and aliases through the checker's property lookup,
 * type parameters through their constraint.
 *
 * API
 *   deviceContextOf(checker, type)       "normal" | "bound" | "core" | undefined (weakest of a union)
 *   isBoundContext(ctx)                  ctx is "bound" or "core"
 *   isDeviceType(checker, type)
 *   managedKindOf(checker, type)         ManagedKind[] | undefined   (Managed<T, K>)
 *   isManaged(checker, type)
 *   brandsOfType(checker, type)          TypeBrands: every parameter/callback brand of a type
 *   argumentParameterType(checker, call, i)   a type carrying the brands of the parameter argument i maps to
 *   argumentBrands(checker, call, i)     brands of that parameter (DevresTarget, KobjectParam, ...)
 *   expectedTypeAt(checker, expr)        the contextual type of an expression, read off declarations
 *                                        where they say it (no inference of generic calls)
 *   declaredParameterType(checker, p)    a parameter's type from declarations only, or undefined
 *   functionBrands(checker, fn)          brands of a function node's contextual type (an arrow passed
 *                                        as an argument, a method/property of a typed object literal,
 *                                        a class member whose implemented interface brands it)
 *
 * Cost: brandsOfType is memoised per ts.Type (types belong to one checker). argumentBrands is
 * memoised per call node and checker, and asks the checker to resolve the call (inference,
 * argument checking: the expensive part) only when some signature of the callee has a
 * parameter that can carry a brand; a callee whose declared, non-generic signatures carry none
 * cannot produce a branded argument position.
 */
import ts from "typescript";
import { mayCallBranded } from "./name-index.js";

export const BRAND = {
  context: "__devboundContext",
  normal: "__devboundNormal",
  bound: "__devboundBound",
  core: "__devboundCore",
  devresTarget: "__devboundDevresTarget",
  managed: "__devboundManaged",
  releases: "__devboundReleases",
  devresRelease: "__devboundDevresRelease",
  kobjectParam: "__devboundKobjectParam",
  boundCallback: "__devboundBoundCallback",
  syncCallback: "__devboundSyncCallback",
  deferredCallback: "__devboundDeferredCallback",
  kobjectRelease: "__devboundKobjectRelease",
  fileOperation: "__devboundFileOperation",
  accessSection: "__devboundAccessSection",
} as const;

export type DeviceContextName = "normal" | "bound" | "core";
export type ManagedKind = "alloc" | "irq" | "iomem" | "workqueue" | "action" | "group";
export type FileOperationKind = "open" | "read" | "write" | "ioctl" | "release";

const RANK: Record<DeviceContextName, number> = { normal: 0, bound: 1, core: 2 };

export function isBoundContext(ctx: DeviceContextName | undefined): boolean {
  return ctx === "bound" || ctx === "core";
}

/** Non-nullable constituents of a type; type parameters replaced by their constraint. */
export function constituents(checker: ts.TypeChecker, type: ts.Type): ts.Type[] {
  let t = type;
  if (t.flags & ts.TypeFlags.TypeParameter) {
    const c = checker.getBaseConstraintOfType(t);
    if (!c) return [];
    t = c;
  }
  if (t.isUnion()) {
    return t.types.filter((u) => !(u.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void)));
  }
  if (t.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null | ts.TypeFlags.Void | ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return [];
  return [t];
}

function contextOfSingle(checker: ts.TypeChecker, t: ts.Type): DeviceContextName | undefined {
  const prop = t.getProperty(BRAND.context) ?? checker.getPropertyOfType(t, BRAND.context);
  if (!prop) return undefined;
  const ctxType = checker.getTypeOfSymbol(prop);
  let weakest: DeviceContextName | undefined;
  for (const c of constituents(checker, ctxType)) {
    const name = checker.getPropertyOfType(c, BRAND.core)
      ? "core"
      : checker.getPropertyOfType(c, BRAND.bound)
        ? "bound"
        : checker.getPropertyOfType(c, BRAND.normal)
          ? "normal"
          : undefined;
    if (name && (!weakest || RANK[name] < RANK[weakest])) weakest = name;
  }
  return weakest ?? "normal";
}

/** The device context of a `Device<Ctx>` type; for a union the weakest context it may hold. */
export function deviceContextOf(checker: ts.TypeChecker, type: ts.Type): DeviceContextName | undefined {
  let weakest: DeviceContextName | undefined;
  for (const t of constituents(checker, type)) {
    const c = contextOfSingle(checker, t);
    if (c && (!weakest || RANK[c] < RANK[weakest])) weakest = c;
  }
  return weakest;
}

export function isDeviceType(checker: ts.TypeChecker, type: ts.Type): boolean {
  return deviceContextOf(checker, type) !== undefined;
}

function literalValues(checker: ts.TypeChecker, prop: ts.Symbol): string[] {
  const out: string[] = [];
  for (const t of constituents(checker, checker.getTypeOfSymbol(prop))) {
    if (t.isStringLiteral()) out.push(t.value);
  }
  return out;
}

export function managedKindOf(checker: ts.TypeChecker, type: ts.Type): ManagedKind[] | undefined {
  let kinds: ManagedKind[] | undefined;
  for (const t of constituents(checker, type)) {
    const prop = checker.getPropertyOfType(t, BRAND.managed);
    if (!prop) continue;
    kinds = [...(kinds ?? []), ...(literalValues(checker, prop) as ManagedKind[])];
  }
  return kinds;
}

export function isManaged(checker: ts.TypeChecker, type: ts.Type): boolean {
  return managedKindOf(checker, type) !== undefined;
}

export interface TypeBrands {
  devresTarget: boolean;
  kobjectParam: boolean;
  devresRelease: boolean;
  /** `Releases<T, K>`: the kinds a manual release function frees. */
  releases: ManagedKind[] | undefined;
  managed: ManagedKind[] | undefined;
  boundCallback: boolean;
  syncCallback: boolean;
  deferredCallback: boolean;
  kobjectRelease: boolean;
  fileOperation: FileOperationKind[] | undefined;
  accessSection: boolean;
}

export const NO_BRANDS: TypeBrands = Object.freeze({
  devresTarget: false,
  kobjectParam: false,
  devresRelease: false,
  releases: undefined,
  managed: undefined,
  boundCallback: false,
  syncCallback: false,
  deferredCallback: false,
  kobjectRelease: false,
  fileOperation: undefined,
  accessSection: false,
});

/**
 * Brands per type: the same parameter types are asked about at every call of an API. Memos are
 * plain Maps held per checker (a WeakMap per node or type would cost the garbage collector an
 * ephemeron for each of hundreds of thousands of entries); they go when the checker goes.
 */
const typeBrandsMemo = new WeakMap<ts.TypeChecker, Map<ts.Type, TypeBrands>>();

/** Every brand carried by any non-nullable constituent of `type`. */
export function brandsOfType(checker: ts.TypeChecker, type: ts.Type | undefined): TypeBrands {
  if (!type) return NO_BRANDS;
  let perChecker = typeBrandsMemo.get(checker);
  if (!perChecker) typeBrandsMemo.set(checker, (perChecker = new Map()));
  let b = perChecker.get(type);
  if (!b) perChecker.set(type, (b = brandsOfTypeUncached(checker, type)));
  return b;
}

function brandsOfTypeUncached(checker: ts.TypeChecker, type: ts.Type): TypeBrands {
  const b: TypeBrands = { ...NO_BRANDS };
  let any = false;
  for (const t of constituents(checker, type)) {
    const has = (name: string) => checker.getPropertyOfType(t, name);
    if (has(BRAND.devresTarget)) (b.devresTarget = true), (any = true);
    if (has(BRAND.kobjectParam)) (b.kobjectParam = true), (any = true);
    if (has(BRAND.devresRelease)) (b.devresRelease = true), (any = true);
    if (has(BRAND.boundCallback)) (b.boundCallback = true), (any = true);
    if (has(BRAND.syncCallback)) (b.syncCallback = true), (any = true);
    if (has(BRAND.deferredCallback)) (b.deferredCallback = true), (any = true);
    if (has(BRAND.kobjectRelease)) (b.kobjectRelease = true), (any = true);
    if (has(BRAND.accessSection)) (b.accessSection = true), (any = true);
    const rel = has(BRAND.releases);
    if (rel) (b.releases = [...(b.releases ?? []), ...(literalValues(checker, rel) as ManagedKind[])]), (any = true);
    const man = has(BRAND.managed);
    if (man) (b.managed = [...(b.managed ?? []), ...(literalValues(checker, man) as ManagedKind[])]), (any = true);
    const fop = has(BRAND.fileOperation);
    if (fop) (b.fileOperation = [...(b.fileOperation ?? []), ...(literalValues(checker, fop) as FileOperationKind[])]), (any = true);
  }
  return any ? b : NO_BRANDS;
}

export function hasAnyBrand(b: TypeBrands): boolean {
  return b !== NO_BRANDS;
}

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
    if (own?.length && brandsDependOn(checker, decl.type, new Set(own.map((tp) => tp.symbol.name)))) return RESOLVE;
  }
  const t = checker.getTypeOfSymbol(param);
  return param === last && lastIsRest && index >= params.length - 1 ? (checker.getIndexTypeOfType(t, ts.IndexKind.Number) ?? undefined) : t;
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

export function mentionsName(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(node)) return names.has(node.text);
  return !!ts.forEachChild(node, (c) => mentionsName(c, names) || undefined);
}

/** Per checker, per call: the callee's call (or construct) signatures, read off its type. */
const calleeSignaturesMemo = new WeakMap<ts.TypeChecker, Map<ts.Node, readonly ts.Signature[]>>();

function calleeSignatures(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): readonly ts.Signature[] {
  let perChecker = calleeSignaturesMemo.get(checker);
  if (!perChecker) calleeSignaturesMemo.set(checker, (perChecker = new Map()));
  let sigs = perChecker.get(call);
  if (!sigs) {
    const calleeType = checker.getTypeAtLocation(call.expression);
    perChecker.set(call, (sigs = ts.isNewExpression(call) ? calleeType.getConstructSignatures() : calleeType.getCallSignatures()));
  }
  return sigs;
}

/** Per checker, per call: brands of each argument position (filled lazily). */
const argumentBrandsMemo = new WeakMap<ts.TypeChecker, Map<ts.Node, Array<TypeBrands | undefined> | null>>();
/** Per signature: can any of its parameters carry a brand (or depend on inference)? (signatures are few) */
const signatureMayBrandMemo = new WeakMap<ts.Signature, boolean>();

export function signatureMayBrand(checker: ts.TypeChecker, sig: ts.Signature): boolean {
  let may = signatureMayBrandMemo.get(sig);
  if (may === undefined) {
    may = false;
    // A generic signature is instantiated per call: its parameter types are known only then.
    if (sig.typeParameters?.length) may = true;
    else {
      for (const p of sig.getParameters()) {
        const t = checker.getTypeOfSymbol(p);
        const decl = p.valueDeclaration;
        const elem = decl && ts.isParameter(decl) && decl.dotDotDotToken ? checker.getIndexTypeOfType(t, ts.IndexKind.Number) : undefined;
        if (hasAnyBrand(brandsOfType(checker, t)) || (elem && hasAnyBrand(brandsOfType(checker, elem)))) {
          may = true;
          break;
        }
      }
    }
    signatureMayBrandMemo.set(sig, may);
  }
  return may;
}

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

function propertyNameText(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

/**
 * The type expected where `expr` is written (its contextual type, for brand reading). Read off
 * declarations where they say it: an argument takes the callee's declared parameter type when
 * its brands cannot depend on inference (argumentParameterType), a property value the member
 * type of the object literal's expected type, an annotated variable or `satisfies`/`as` its
 * written type. Only other positions ask the checker for the contextual type, which for a
 * generic call means inferring it over all its arguments.
 */
export function expectedTypeAt(checker: ts.TypeChecker, expr: ts.Expression): ts.Type | undefined {
  let node: ts.Expression = expr;
  while (ts.isParenthesizedExpression(node.parent)) node = node.parent;
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
  const sigs = contextualFunctionType(checker, p.parent)?.getCallSignatures();
  if (sigs?.length !== 1) return undefined;
  const t = parameterTypeAt(checker, sigs[0]!, p.parent.parameters.indexOf(p), false);
  return t === RESOLVE || !t || t.flags & ts.TypeFlags.TypeParameter ? undefined : t;
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
  // maps to: when no parameter of the callee can carry a brand, neither can it (no resolution).
  const parent = fn.parent;
  if (
    (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) &&
    parent &&
    (ts.isCallExpression(parent) || ts.isNewExpression(parent)) &&
    parent.arguments?.includes(fn) &&
    callMemo(checker, parent) === null
  ) {
    return NO_BRANDS;
  }
  return brandsOfType(checker, contextualFunctionType(checker, fn));
}

/**
 * A `Devres<T>`-like type: it has `access(dev)` taking a bound device (the zero-cost path a
 * bound scope may use instead of `tryAccess`). A plain `Revocable<T>` has no such method.
 */
export function isDevresType(checker: ts.TypeChecker, type: ts.Type): boolean {
  for (const t of constituents(checker, type)) {
    const access = checker.getPropertyOfType(t, "access");
    if (!access) continue;
    for (const sig of checker.getTypeOfSymbol(access).getCallSignatures()) {
      const p = sig.getParameters()[0];
      if (p && isBoundContext(deviceContextOf(checker, checker.getTypeOfSymbol(p)))) return true;
    }
  }
  return false;
}
