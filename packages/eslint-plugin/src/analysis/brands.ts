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
 *   brandsOfType(checker, type)          TypeBrands: every parameter/callback brand of a type
 *   hasAnyBrand(brands)
 *   signatureMayBrand(checker, sig)      can a parameter of this signature carry a brand (or is it generic)
 *   isDevresType(checker, type)          a Devres<T>-like type: `access(dev)` takes a bound device
 *   typeMentions(checker, type, own, budget), signatureMentions(...)   may a type (signature) name one of these type parameters
 *
 * Layer: the bottom of the typed layers (imports syntax helpers at most). What a call site's
 * arguments and parameters carry (argumentBrands, expectedTypeAt, ...) is call-sites.ts.
 *
 * Cost: brandsOfType and deviceContextOf are memoised per ts.Type (types belong to one checker),
 * signatureMayBrand per signature.
 */
import { ts } from "../util/typescript.js";

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

/** Per ts.Type (a type belongs to one checker): every rule asks it of the same parameter and value types. */
const contextMemo = new WeakMap<ts.Type, DeviceContextName | null>();

/** The device context of a `Device<Ctx>` type; for a union the weakest context it may hold. */
export function deviceContextOf(checker: ts.TypeChecker, type: ts.Type): DeviceContextName | undefined {
  const known = contextMemo.get(type);
  if (known !== undefined) return known ?? undefined;
  let weakest: DeviceContextName | undefined;
  for (const t of constituents(checker, type)) {
    const c = contextOfSingle(checker, t);
    if (c && (!weakest || RANK[c] < RANK[weakest])) weakest = c;
  }
  contextMemo.set(type, weakest ?? null);
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

/** How many types typeMentions visits before it answers "may" (deep or recursive types). */
export const MENTION_BUDGET = 64;

/**
 * A type that may mention one of `own` (type parameters, by symbol): true when unsure. A generic
 * interface or class instantiated mentions what its type arguments do (declared elsewhere, it
 * cannot name `own` otherwise); a type literal or function type, what its members do.
 */
export function typeMentions(checker: ts.TypeChecker, t: ts.Type, own: ReadonlySet<ts.Symbol>, budget: { left: number }): boolean {
  if (--budget.left < 0) return true;
  if (t.flags & ts.TypeFlags.TypeParameter) return !!t.symbol && own.has(t.symbol);
  if (t.isUnionOrIntersection()) return t.types.some((u) => typeMentions(checker, u, own, budget));
  if (!(t.flags & ts.TypeFlags.Object)) {
    // conditional, indexed access, keyof, template literal, substitution types may; primitives and literals do not
    return !!(t.flags & (ts.TypeFlags.Conditional | ts.TypeFlags.IndexedAccess | ts.TypeFlags.Index | ts.TypeFlags.TemplateLiteral | ts.TypeFlags.StringMapping | ts.TypeFlags.Substitution));
  }
  const flags = (t as ts.ObjectType).objectFlags;
  if (flags & ts.ObjectFlags.Reference) return checker.getTypeArguments(t as ts.TypeReference).some((a) => typeMentions(checker, a, own, budget));
  if (flags & (ts.ObjectFlags.Class | ts.ObjectFlags.Interface)) return false;
  if (!(flags & ts.ObjectFlags.Anonymous)) return true; // mapped, reverse-mapped, ...
  for (const sig of [...t.getCallSignatures(), ...t.getConstructSignatures()]) if (signatureMentions(checker, sig, own, budget, true)) return true;
  if (checker.getIndexInfosOfType(t).some((info) => typeMentions(checker, info.keyType, own, budget) || typeMentions(checker, info.type, own, budget))) return true;
  return t.getProperties().some((prop) => typeMentions(checker, checker.getTypeOfSymbol(prop), own, budget));
}

/** A signature that may mention one of `own` in its parameters (and, `withReturn`, its return type); a generic one may. */
export function signatureMentions(checker: ts.TypeChecker, sig: ts.Signature, own: ReadonlySet<ts.Symbol>, budget: { left: number }, withReturn: boolean): boolean {
  if (sig.typeParameters?.length) return true;
  if (sig.thisParameter && typeMentions(checker, checker.getTypeOfSymbol(sig.thisParameter), own, budget)) return true;
  if (sig.getParameters().some((p) => typeMentions(checker, checker.getTypeOfSymbol(p), own, budget))) return true;
  return withReturn && typeMentions(checker, checker.getReturnTypeOfSignature(sig), own, budget);
}
