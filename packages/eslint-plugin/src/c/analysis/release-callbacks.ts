/**
 * release-callbacks.ts (C): the file's functions installed as a release callback (a kobject's
 * `kobj_type.release`, a `device.release` / `device_type.release` / `class.dev_release`, a
 * `file_operations.release`), and the managed (devm) calls a function makes, itself or through
 * the file's helpers it calls.
 *
 * A release callback is found where it is installed: a designated initialiser (`static const
 * struct file_operations foo_fops = { .release = foo_release }`, also nested: `.dev = {
 * .release = ... }` of a struct this file lays out) or an assignment (`priv->dev.release =
 * foo_dev_release;`). The member's container type comes from the file's struct layouts and
 * variable types, and for kernel structs the file does not lay out from the vocabulary's
 * embedded members (`pdev->dev` is a `struct device`).
 *
 * Invariant: one pass over the unit's member writes; `managedCallIn` walks each function's
 * calls once (memoised, cycles cut, helpers followed MAX_HELPER_DEPTH deep). Never throws:
 * what cannot be typed is not a release callback.
 *
 * API
 *   installedCallbacks(unit)      InstalledCallback[] { fn, container, field, site, base }: every file function
 *                                 installed in a member of a struct of known type (memoised)
 *   releaseCallbacks(unit)        ReleaseCallback[] { fn, role, member ("kobj_type.release"), site } (memoised)
 *   structTagOf(unit, expr)       the struct tag an expression's value has (or points at), when known
 *   managedCallIn(unit, fn)       { call, api } of the first devm call fn makes, directly or through helpers
 *   debugfsOnlyFops(unit)         names of the file's struct variables given to debugfs_create_file()
 *                                 and to nothing else (debugfs_remove() drains their calls)
 */
import { DEBUGFS_FILE_CREATORS, EMBEDDED_MEMBER_TYPES, RELEASE_CALLBACK_MEMBERS, isManagedName, lookup, type ReleaseCallbackRole } from "../vocabulary/index.js";
import { argumentsOf, calleeName, child, inError, strip, stripParens, type CNode } from "./syntax.js";
import type { CFunction, Unit } from "./unit.js";

export interface ReleaseCallback {
  fn: CFunction;
  role: ReleaseCallbackRole;
  /** "kobj_type.release", "device.release", "class.dev_release", "file_operations.release" */
  member: string;
  /** where it is installed: the initializer_pair or the assignment */
  site: CNode;
}

const MAX_HELPER_DEPTH = 4;

/** The type of member `field` of a struct `tag` (the file's layout, else the kernel's embedded members). */
function memberTag(unit: Unit, tag: string | undefined, field: string): string | undefined {
  const t = tag ? unit.fieldTypes(tag)?.get(field) : undefined;
  if (t?.tag) return unit.typedefs.get(t.tag) ?? t.tag;
  return lookup(EMBEDDED_MEMBER_TYPES, field);
}

export function structTagOf(unit: Unit, expr: CNode, depth = 0): string | undefined {
  if (depth > 8) return undefined;
  const e = strip(expr);
  switch (e.type) {
    case "identifier": {
      const b = unit.resolve(e);
      return b.kind === "local" || b.kind === "param" || b.kind === "global" ? b.variable.type.tag : undefined;
    }
    case "field_expression": {
      const arg = child(e, "argument");
      const field = child(e, "field")?.text;
      if (!arg || !field) return undefined;
      return memberTag(unit, structTagOf(unit, arg, depth + 1), field);
    }
    case "pointer_expression":
    case "subscript_expression": {
      const arg = child(e, "argument");
      return arg ? structTagOf(unit, arg, depth + 1) : undefined;
    }
    default:
      return undefined;
  }
}

/** The file functions a value names (`foo_release`, `&foo_release`, a cast). */
function functionsNamed(unit: Unit, value: CNode): CFunction[] {
  const v = strip(value);
  if (v.type === "identifier" && v.text) {
    const b = unit.resolve(v);
    return b.kind === "function" ? [b.fn] : [];
  }
  if (v.type === "pointer_expression" && v.operator === "&") {
    const a = child(v, "argument");
    return a ? functionsNamed(unit, a) : [];
  }
  return [];
}

export interface InstalledCallback {
  fn: CFunction;
  /** the struct tag holding the member ("file_operations") */
  container: string;
  /** the member ("release", "unlocked_ioctl") */
  field: string;
  /** where it is installed: the initializer_pair or the assignment */
  site: CNode;
  /** for an initialiser: the declared identifier of the struct variable (`foo_fops`) */
  base?: CNode | undefined;
}

const installedOf = new WeakMap<Unit, InstalledCallback[]>();

/** Every file function installed in a member of a struct whose type is known (initialisers and assignments). */
export function installedCallbacks(unit: Unit): readonly InstalledCallback[] {
  let out = installedOf.get(unit);
  if (out) return out;
  out = [];
  for (const w of unit.memberWrites) {
    if (!w.value || inError(w.node)) continue;
    let container: string | undefined;
    let field: string | undefined;
    if (w.kind === "init" && w.member) {
      const path = w.member.path;
      field = path[path.length - 1];
      container = w.member.tag;
      for (const p of path.slice(0, -1)) container = memberTag(unit, container, p);
    } else if (w.kind === "assign" && w.target.type === "field_expression") {
      field = child(w.target, "field")?.text;
      const arg = child(w.target, "argument");
      container = arg ? structTagOf(unit, arg) : undefined;
    }
    if (!field || !container) continue;
    for (const fn of functionsNamed(unit, w.value)) out.push({ fn, container, field, site: w.node, base: w.kind === "init" ? w.member?.base : undefined });
  }
  installedOf.set(unit, out);
  return out;
}

const callbacksOf = new WeakMap<Unit, ReleaseCallback[]>();

export function releaseCallbacks(unit: Unit): readonly ReleaseCallback[] {
  let out = callbacksOf.get(unit);
  if (out) return out;
  out = [];
  for (const ic of installedCallbacks(unit)) {
    const role = lookup(RELEASE_CALLBACK_MEMBERS, ic.container);
    const r = role ? lookup(role, ic.field) : undefined;
    if (r && !out.some((c) => c.fn === ic.fn && c.role === r)) out.push({ fn: ic.fn, role: r, member: `${ic.container}.${ic.field}`, site: ic.site });
  }
  callbacksOf.set(unit, out);
  return out;
}

export interface ManagedCall {
  call: CNode;
  api: string;
}

const reachOf = new WeakMap<Unit, Map<CFunction, ManagedCall | null>>();

/** The first devm call (in source order) `fn` makes, directly or through the file's helpers it calls. */
export function managedCallIn(unit: Unit, fn: CFunction, depth = 0): ManagedCall | undefined {
  let memo = reachOf.get(unit);
  if (!memo) reachOf.set(unit, (memo = new Map()));
  if (memo.has(fn)) return memo.get(fn) ?? undefined;
  memo.set(fn, null); // cuts recursion
  let found: ManagedCall | undefined;
  for (const call of fn.calls) {
    if (inError(call)) continue;
    const name = unit.isKernelCall(call);
    if (name && isManagedName(name)) {
      found = { call, api: name };
      break;
    }
    const callee = child(call, "function");
    if (!callee || depth >= MAX_HELPER_DEPTH || !calleeName(call)) continue;
    const b = unit.resolve(stripParens(callee));
    if (b.kind !== "function") continue;
    const inner = managedCallIn(unit, b.fn, depth + 1);
    if (inner) {
      found = inner;
      break;
    }
  }
  // A miss past the depth limit is not memoised as "none": a shallower caller may look again.
  if (found || depth === 0) memo.set(fn, found ?? null);
  else memo.delete(fn);
  return found;
}

/** The variable an argument names (`&foo_fops`, `foo_fops`, a cast), or undefined. */
function namedVariable(value: CNode): string | undefined {
  let v = strip(value);
  if (v.type === "pointer_expression" && v.operator === "&") v = strip(child(v, "argument") ?? v);
  return v.type === "identifier" ? v.text : undefined;
}

const debugfsOf = new WeakMap<Unit, ReadonlySet<string>>();

/**
 * The file's struct variables (file_operations) handed to debugfs_create_file() and named by no
 * other call or member write: their operations run only while the debugfs file exists.
 */
export function debugfsOnlyFops(unit: Unit): ReadonlySet<string> {
  let out = debugfsOf.get(unit);
  if (out) return out;
  const debugfs = new Set<string>();
  const elsewhere = new Set<string>();
  for (const call of unit.calls) {
    const name = unit.isKernelCall(call);
    const fopsArg = name ? lookup(DEBUGFS_FILE_CREATORS, name) : undefined;
    argumentsOf(call).forEach((arg, i) => {
      const v = namedVariable(arg);
      if (v) (i === fopsArg ? debugfs : elsewhere).add(v);
    });
  }
  for (const w of unit.memberWrites) {
    const v = w.value ? namedVariable(w.value) : undefined;
    if (v) elsewhere.add(v);
  }
  out = new Set([...debugfs].filter((v) => !elsewhere.has(v) && unit.globals.has(v)));
  debugfsOf.set(unit, out);
  return out;
}
