/**
 * presentation.ts: how the analysis's subjects are written in messages, one spelling each, and the
 * one place that finds the reads of a variable.
 *
 * Invariant: every rule writes an owner, a member path and a device context through these
 * functions, so two rules never name the same thing two ways:
 *   owner            the driver's static name or its class/variable name (`foo-i2c`, `FooDriver`),
 *                    else "the device" (code no driver reaches: a helper, a module function)
 *   driver           a known driver the same way, "this driver" when it has neither name
 *   member path      ["hw", "dev"] -> `hw.dev`, ["list", "[]"] -> `list[]`, ["0"] -> `[0]`;
 *                    after a base: `priv` + ["buf"] -> `priv.buf`, `rings` + ["[]"] -> `rings[]`
 *   device context   "bound" -> `Bound`, "core" -> `Core`, "normal" -> `Normal` (as in `Device<Bound>`)
 * referencesTo() is what every "where else is this variable used" question goes through:
 * identifiers bound to the same symbol in a scope, shorthand properties (`{ dev }`) included.
 *
 * API
 *   UNKNOWN_OWNER, ownerText(driver), ownerName(an, node), UNNAMED_DRIVER, driverText(driver)
 *   memberPathText(path), memberText(base, path)
 *   contextText(ctx), deviceTypeText(ctx)
 *   referencesTo(checker, name, scope, { writes? })   ts.Identifier[] in source order
 */
import { ts } from "../util/typescript.js";
import { identifiersByName } from "./ast.js";
import type { DeviceContextName } from "./brands.js";
import { driverDisplayName, enclosingDriver, type DriverInfo } from "./drivers.js";
import type { Analysis } from "./services.js";

/** The owner of code no driver reaches. */
export const UNKNOWN_OWNER = "the device";

/** A driver with neither a static name nor a binding (`export default defineDriver({ probe … })`). */
export const UNNAMED_DRIVER = "this driver";

/** The driver's name for messages, or the device when no driver is known. */
export function ownerText(driver: DriverInfo | undefined): string {
  return driverDisplayName(driver) || UNKNOWN_OWNER;
}

/** For messages: the driver whose code encloses `node` ("foo-i2c"), or "the device". */
export function ownerName(an: Analysis, node: ts.Node | undefined): string {
  return ownerText(node ? enclosingDriver(an, node)?.driver : undefined);
}

/** A known driver for messages ("foo-i2c's remove()", "the driver data of foo-i2c"). */
export function driverText(driver: DriverInfo): string {
  return driverDisplayName(driver) || UNNAMED_DRIVER;
}

/** A member path for messages: ["hw", "dev"] -> "hw.dev", ["list", "[]"] -> "list[]", ["0"] -> "[0]". */
export function memberPathText(path: readonly string[]): string {
  let out = "";
  for (const p of path) out += p === "[]" ? "[]" : /^\d+$/.test(p) ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** An expression's text followed by a member path: `priv` + ["buf"] -> "priv.buf", `rings` + ["[]"] -> "rings[]". */
export function memberText(base: string, path: readonly string[]): string {
  if (path.length === 0) return base;
  const tail = memberPathText(path);
  return tail.startsWith("[") ? base + tail : `${base}.${tail}`;
}

const CONTEXT_TEXT: Record<DeviceContextName, string> = { normal: "Normal", bound: "Bound", core: "Core" };

/** A device context as its type argument is spelt: "core" -> "Core". */
export function contextText(ctx: DeviceContextName): string {
  return CONTEXT_TEXT[ctx];
}

/** `Device<Core>` for "core". */
export function deviceTypeText(ctx: DeviceContextName): string {
  return `Device<${contextText(ctx)}>`;
}

/**
 * The identifiers in `scope` that refer to the variable (or function, parameter) `name` declares,
 * `name` itself excluded, in source order; a shorthand property `{ dev }` counts as a read of
 * `dev`. `writes: false` leaves out plain assignment targets (`dev = other`, `(dev) = other`).
 */
export function referencesTo(checker: ts.TypeChecker, name: ts.Identifier, scope: ts.Node, options: { writes?: boolean } = {}): ts.Identifier[] {
  const sym = checker.getSymbolAtLocation(name);
  if (!sym) return [];
  const writes = options.writes ?? true;
  const out: ts.Identifier[] = [];
  // A name is spelt a few dozen times a file at most: the file's list, kept to `scope`'s range
  // (what lies in it is below `scope`), reads in the order a walk of `scope` would.
  for (const n of identifiersByName(scope.getSourceFile()).get(name.text) ?? []) {
    if (!ts.isIdentifier(n) || n === name || n === scope || n.pos < scope.pos || n.end > scope.end || isMemberName(n)) continue;
    const s = ts.isShorthandPropertyAssignment(n.parent) && n.parent.name === n ? checker.getShorthandAssignmentValueSymbol(n.parent) : checker.getSymbolAtLocation(n);
    if (s === sym && (writes || !isAssignmentTarget(n))) out.push(n);
  }
  return out;
}

/**
 * `o.dev`'s `dev`, `{ dev: x }`'s key, a member's or a type's name: never a variable. Asking the
 * checker for its symbol would type the object it is read from.
 */
function isMemberName(n: ts.Identifier): boolean {
  const K = ts.SyntaxKind;
  const p = n.parent;
  switch (p.kind) {
    case K.QualifiedName:
      return (p as ts.Node as { right?: ts.Node }).right === n;
    case K.PropertyAccessExpression:
    case K.PropertyAssignment:
    case K.PropertyDeclaration:
    case K.PropertySignature:
    case K.MethodDeclaration:
    case K.MethodSignature:
    case K.GetAccessor:
    case K.SetAccessor:
    case K.EnumMember:
      return (p as ts.NamedDeclaration).name === n;
    default:
      return false;
  }
}

/** `x = …` with `x` (possibly parenthesised or asserted) on the left. */
function isAssignmentTarget(n: ts.Identifier): boolean {
  let top: ts.Node = n;
  while (top.parent && (ts.isParenthesizedExpression(top.parent) || ts.isNonNullExpression(top.parent) || ts.isAsExpression(top.parent) || ts.isSatisfiesExpression(top.parent) || ts.isTypeAssertionExpression(top.parent))) top = top.parent;
  const p = top.parent;
  return !!p && ts.isBinaryExpression(p) && p.left === top && p.operatorToken.kind === ts.SyntaxKind.EqualsToken;
}
