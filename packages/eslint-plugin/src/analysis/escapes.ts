/**
 * escapes.ts: where a value goes, and whether it outlives the scope it is valid in.
 *
 * Invariant: a value is followed only through what keeps it the SAME value: parentheses and
 * assertions, conditionals and `??`/`||`, `await`, object and array literals (with the member
 * path it ends up under), spreads, local variables (every reference: aliases), a local object
 * or array it is put into (`data.dev = dev`, `list.push(dev)`), the return of a synchronous
 * callback (to the call that ran it), and the user's own helpers (in any file: the checker
 * resolves the callee; its body is walked on the TypeScript AST) that keep their parameter or
 * hand it back. Calls that compute something new (`dev.get()`, `m.readl(0)`) end the flow.
 *
 * A value escapes its `home` (the function, block or callback it is valid in) when it reaches
 *   field            `this.x = v`, `obj.x = v` (obj not a local literal), a parameter property,
 *                    `Object.assign(this, { x: v })`
 *   module-variable  a variable declared outside every function
 *   outer-variable   a variable declared outside `home` (an enclosing function's, or before a block)
 *   collection       push/unshift/splice/set/add on a field's or an outer variable's Array/Map/Set
 *   driver-data      the return of a driver's probe() (what the bus keeps until remove())
 *   return           the return of the function that contains `home` (or of `home` itself)
 *   captured         a read inside a function nested in `home` that may run later (deferral.ts:
 *                    deferred, stored, kobject-release, file-operation)
 *   helper           an argument whose helper parameter escapes in one of these ways
 *
 * API
 *   escapesOf(an, leaf, scope)        Escape[] for the value at `leaf`
 *   parameterEscapes(an, fn, i)       { escapes, returns } for parameter i of a user function (a summary)
 *   describeEscape(an, e)             short English for messages ("field `this.dev`", ...)
 *   isPrimitiveType(checker, type)    numbers, strings, booleans, bigints, symbols, enums, literals
 *                                     (copies: they cannot carry a resource out of its scope)
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { defineSummary } from "./summaries.js";
import { calleeName, enclosingFunction, functionName, isFunctionNode, isModuleLevel, propertyNameText, skipOuter, symbolOf, type FunctionNode } from "./ast.js";
import { calledFunction } from "./call-sites.js";
import { classifyCallback, mayRunAfterUnbind, type CallbackClass } from "./deferral.js";
import { driverRoleOf, type DriverInfo } from "./drivers.js";
import { UNNAMED_DRIVER, driverText, memberPathText, memberText, referencesTo } from "./presentation.js";

export type EscapeKind =
  | "field"
  | "module-variable"
  | "outer-variable"
  | "collection"
  | "driver-data"
  | "return"
  | "captured"
  | "helper";

export interface Escape {
  kind: EscapeKind;
  /** Where to report: the expression that carries the value into the sink. */
  node: ts.Expression;
  /** The sink: the field or variable text, the returning function's name, the callback's description. */
  target: string;
  /** Members of the stored/returned value that hold the tracked value: ["dev"] for `return { dev }`. */
  path: string[];
  /** The assignment, return, call or callback that decided. */
  site: ts.Node;
  /** kind "captured": the callback's classification. */
  callback?: CallbackClass;
  /** kind "driver-data": the driver whose probe returns it. */
  driver?: DriverInfo;
  /** kind "helper": the helper, the parameter's name and index, and what it does with the parameter. */
  helper?: { name: string; param: string; inner: Escape; fn: FunctionNode; index: number };
}

export interface EscapeScope {
  /** The node the value is valid in: a function (its parameters), a block (a guard's), a callback. */
  home: ts.Node;
  /** Member objects of the value are part of it (a resource's sub-objects): follow `v.sub`. */
  members?: boolean;
}

const MAX_DEPTH = 8;
const COLLECTION_METHODS = new Set(["push", "unshift", "splice", "set", "add"]);
const COLLECTION_TYPES = new Set(["Array", "ReadonlyArray", "Map", "Set", "WeakMap", "WeakSet"]);

export function isPrimitiveType(checker: ts.TypeChecker, type: ts.Type): boolean {
  const PRIM =
    ts.TypeFlags.NumberLike |
    ts.TypeFlags.StringLike |
    ts.TypeFlags.BooleanLike |
    ts.TypeFlags.BigIntLike |
    ts.TypeFlags.ESSymbolLike |
    ts.TypeFlags.EnumLike |
    ts.TypeFlags.Undefined |
    ts.TypeFlags.Null |
    ts.TypeFlags.Void |
    ts.TypeFlags.Never;
  if (type.isUnion()) return type.types.every((t) => isPrimitiveType(checker, t));
  return (type.flags & PRIM) !== 0;
}

function isInside(node: ts.Node, container: ts.Node): boolean {
  for (let p: ts.Node | undefined = node; p; p = p.parent) if (p === container) return true;
  return false;
}

function homeFunction(home: ts.Node): FunctionNode | undefined {
  return isFunctionNode(home) ? home : enclosingFunction(home);
}

/** Climb through nodes that keep the value as it is. */
function climb(node: ts.Node): ts.Node {
  let n = node;
  while (
    n.parent &&
    (ts.isParenthesizedExpression(n.parent) ||
      ts.isNonNullExpression(n.parent) ||
      ts.isAsExpression(n.parent) ||
      ts.isSatisfiesExpression(n.parent) ||
      ts.isTypeAssertionExpression(n.parent))
  ) {
    n = n.parent;
  }
  return n;
}

interface Walk {
  an: Analysis;
  scope: EscapeScope;
  homeFn: FunctionNode | undefined;
  out: Escape[];
  seen: Set<ts.Node>;
}

function push(w: Walk, e: Escape): void {
  if (!w.out.some((o) => o.node === e.node && o.kind === e.kind && o.target === e.target)) w.out.push(e);
}

export function escapesOf(an: Analysis, leaf: ts.Expression, scope: EscapeScope): Escape[] {
  const w: Walk = { an, scope, homeFn: homeFunction(scope.home), out: [], seen: new Set() };
  walk(w, leaf, leaf, [], 0);
  return w.out;
}

/** Every read of a variable (its declaring scope searched), assignment targets excluded. */
function referencesOf(an: Analysis, name: ts.Identifier): ts.Identifier[] {
  return referencesTo(an.checker, name, enclosingFunction(name) ?? name.getSourceFile(), { writes: false });
}

/** Follow a local variable that now holds the value (or holds it under `path`). */
function followVariable(w: Walk, name: ts.Identifier, report: ts.Expression, path: string[], depth: number): void {
  if (w.seen.has(name)) return;
  w.seen.add(name);
  for (const ref of referencesOf(w.an, name)) walk(w, ref, path.length > 0 ? report : ref, path, depth + 1);
}

/** The value (under `path`) is written to `left`: a sink, or a local that holds it now. */
function storeInto(w: Walk, left: ts.Expression, report: ts.Expression, path: string[], site: ts.Node, depth: number, collection: boolean): void {
  const { an } = w;
  const l = skipOuter(left);
  if (ts.isPropertyAccessExpression(l) || ts.isElementAccessExpression(l)) {
    const member = ts.isPropertyAccessExpression(l) ? l.name.text : ts.isStringLiteralLike(l.argumentExpression) || ts.isNumericLiteral(l.argumentExpression) ? l.argumentExpression.text : "[]";
    const base = skipOuter(l.expression);
    if (ts.isIdentifier(base)) {
      const decl = symbolOf(an.checker, base)?.valueDeclaration;
      if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && !isModuleLevel(decl) && isInside(decl, w.scope.home)) {
        // A local object/array now holds the value: follow the object.
        followVariable(w, decl.name, report, [member, ...path], depth);
        return;
      }
    }
    push(w, { kind: collection ? "collection" : "field", node: report, target: an.text(l), path, site });
    return;
  }
  if (ts.isIdentifier(l)) {
    const decl = symbolOf(an.checker, l)?.valueDeclaration;
    if (!decl) return;
    if (ts.isVariableDeclaration(decl) && isModuleLevel(decl)) {
      push(w, { kind: collection ? "collection" : "module-variable", node: report, target: l.text, path, site });
      return;
    }
    if (!isInside(decl, w.scope.home)) {
      push(w, { kind: collection ? "collection" : "outer-variable", node: report, target: l.text, path, site });
      return;
    }
    if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name)) followVariable(w, decl.name, report, collection ? ["[]", ...path] : path, depth);
  }
}

function walk(w: Walk, node: ts.Expression, report: ts.Expression, path: string[], depth: number): void {
  const { an, scope } = w;
  if (depth > MAX_DEPTH) return;

  // Read inside a function nested in `home` that may run later: captured.
  if (isInside(node, scope.home)) {
    for (let fn = enclosingFunction(node); fn && fn !== w.homeFn && isInside(fn, scope.home); fn = enclosingFunction(fn)) {
      if (driverRoleOf(an, fn)) break;
      const cls = classifyCallback(an, fn);
      if (mayRunAfterUnbind(cls.kind)) {
        push(w, { kind: "captured", node: report, target: cls.description, path, site: fn, callback: cls });
        return;
      }
    }
  }

  const n = climb(node);
  const parent = n.parent;
  if (!parent) return;

  // Containers and value-preserving operators.
  if (ts.isPropertyAssignment(parent) && parent.initializer === n) {
    const key = propertyNameText(parent.name) ?? "[]";
    return walk(w, parent.parent as ts.ObjectLiteralExpression, report, [key, ...path], depth + 1);
  }
  if (ts.isShorthandPropertyAssignment(parent)) {
    return walk(w, parent.parent as ts.ObjectLiteralExpression, report, [parent.name.text, ...path], depth + 1);
  }
  if (ts.isSpreadAssignment(parent)) return walk(w, parent.parent as ts.ObjectLiteralExpression, report, path, depth + 1);
  if (ts.isArrayLiteralExpression(parent)) return walk(w, parent, report, [String(parent.elements.indexOf(n as ts.Expression)), ...path], depth + 1);
  if (ts.isSpreadElement(parent)) return walk(w, parent, report, path, depth + 1);
  if (ts.isConditionalExpression(parent) && parent.condition !== n) return walk(w, parent, report, path, depth + 1);
  if (
    ts.isBinaryExpression(parent) &&
    [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken, ts.SyntaxKind.AmpersandAmpersandToken].includes(parent.operatorToken.kind)
  ) {
    if (parent.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && parent.left === n) return;
    return walk(w, parent, report, path, depth + 1);
  }
  if (ts.isAwaitExpression(parent)) return walk(w, parent, report, path, depth + 1);

  // Members of the value are part of it (a resource's sub-objects), unless plain values.
  if ((ts.isPropertyAccessExpression(parent) || ts.isElementAccessExpression(parent)) && parent.expression === n) {
    if (!scope.members || path.length > 0) return;
    const outer = climb(parent);
    if (outer.parent && ts.isCallExpression(outer.parent) && outer.parent.expression === outer) return; // a method call computes something new
    const t = an.checker.getTypeAtLocation(parent);
    if (isPrimitiveType(an.checker, t) || t.getCallSignatures().length > 0) return;
    return walk(w, parent, parent, path, depth + 1);
  }

  // Stores.
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === n) {
    storeInto(w, parent.left, report, path, parent, depth, false);
    return;
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === n) {
    if (ts.isIdentifier(parent.name)) {
      if (isModuleLevel(parent)) push(w, { kind: "module-variable", node: report, target: parent.name.text, path, site: parent });
      else followVariable(w, parent.name, report, path, depth);
    } else if (scope.members && ts.isObjectBindingPattern(parent.name) && path.length === 0) {
      for (const el of parent.name.elements) if (ts.isIdentifier(el.name) && !el.dotDotDotToken) followVariable(w, el.name, el.name, [], depth);
    }
    return;
  }

  // Returns.
  const returned = ts.isReturnStatement(parent) ? enclosingFunction(parent) : ts.isArrowFunction(parent) && parent.body === n ? parent : undefined;
  if (returned) {
    if (returned === w.homeFn || !isInside(returned, scope.home) || returned === scope.home) {
      const role = driverRoleOf(an, returned);
      if (role?.role === "probe") {
        push(w, { kind: "driver-data", node: report, target: path.length ? memberPathText(path) : an.text(report), path, site: parent, driver: role.driver });
      } else {
        push(w, { kind: "return", node: report, target: functionName(returned) ?? "this function", path, site: parent });
      }
      return;
    }
    // A synchronous callback nested in `home` hands its result to the call that ran it.
    const cls = classifyCallback(an, returned);
    const runner = climb(returned).parent;
    if (cls.kind === "sync" && runner && (ts.isCallExpression(runner) || ts.isNewExpression(runner))) walk(w, runner, report, path, depth + 1);
    return;
  }

  // Arguments: collections, helpers.
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(n as ts.Expression)) {
    const i = parent.arguments.indexOf(n as ts.Expression);
    const callee = skipOuter(parent.expression);
    if (ts.isCallExpression(parent) && ts.isPropertyAccessExpression(callee) && COLLECTION_METHODS.has(callee.name.text)) {
      const recv = an.checker.getTypeAtLocation(callee.expression);
      const sym = recv.getSymbol() ?? recv.aliasSymbol;
      if (an.checker.isArrayType(recv) || (sym && COLLECTION_TYPES.has(sym.name))) {
        storeInto(w, callee.expression, report, path, parent, depth, true);
        return;
      }
    }
    // `Object.assign(target, { dev })`: a store into the target's members.
    if (ts.isCallExpression(parent) && i > 0 && isObjectAssign(an, callee)) {
      const target = skipOuter(parent.arguments[0]!);
      if (target.kind === ts.SyntaxKind.ThisKeyword) {
        if (path.length > 0) push(w, { kind: "field", node: report, target: memberText("this", path), path: [], site: parent });
        return;
      }
      if (ts.isIdentifier(target) || ts.isPropertyAccessExpression(target) || ts.isElementAccessExpression(target)) {
        if (path.length > 0) {
          const [first, ...rest] = path;
          storeIntoMember(w, target, first!, report, rest, parent, depth);
        }
      }
      return;
    }
    const fn = calledFunction(an, parent);
    if (!fn || !fn.parameters[i] || fn.parameters[i]!.dotDotDotToken) return;
    const pe = parameterEscapes(an, fn, i);
    const inner = pe.escapes[0];
    // Reported at the call even when the helper's parameter has the tracked type itself: the
    // caller's value leaves the caller's scope here (the helper's own store is its own escape).
    if (inner) {
      const name = functionName(fn) ?? (ts.isConstructorDeclaration(fn) ? `new ${fn.parent.name?.text ?? "class"}()` : "a helper");
      const param = ts.isIdentifier(fn.parameters[i]!.name) ? fn.parameters[i]!.name.text : `#${i + 1}`;
      push(w, { kind: "helper", node: report, target: name, path, site: parent, helper: { name, param, inner, fn, index: i } });
      return;
    }
    if (pe.returns) walk(w, parent, report, path, depth + 1);
  }
}

/** `Object.assign` (the lib's ObjectConstructor method, however it is reached). */
function isObjectAssign(an: Analysis, callee: ts.Expression): boolean {
  if (!ts.isPropertyAccessExpression(callee) || callee.name.text !== "assign") return false;
  const recv = an.checker.getTypeAtLocation(callee.expression);
  return (recv.getSymbol() ?? recv.aliasSymbol)?.name === "ObjectConstructor";
}

/** `Object.assign(target, { member: v })`: like `target.member = v` (a local target is followed). */
function storeIntoMember(w: Walk, target: ts.Expression, member: string, report: ts.Expression, path: string[], site: ts.Node, depth: number): void {
  const { an } = w;
  if (ts.isIdentifier(target)) {
    const decl = symbolOf(an.checker, target)?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && !isModuleLevel(decl) && isInside(decl, w.scope.home)) {
      followVariable(w, decl.name, report, [member, ...path], depth);
      return;
    }
  }
  push(w, { kind: "field", node: report, target: `${an.text(target)}.${member}`, path, site });
}

export interface ParameterEscapes {
  /** Where the helper keeps its parameter (empty: it only uses it). */
  escapes: Escape[];
  /** The helper hands the parameter back (`return p`, `return { p }`): the caller's flow continues. */
  returns: boolean;
}

const NO_ESCAPES: ParameterEscapes = { escapes: [], returns: false };

/**
 * One summary per (helper, parameter). Recursion reads as "no escapes" and a helper nested deeper
 * than HELPER_DEPTH is cut; summaries.ts keeps neither as a fact (a value that read one is
 * recomputed by the next asker), so the answer does not depend on who asked first.
 */
const HELPER_DEPTH = 6;
const parameterEscapeSummary = defineSummary<readonly [FunctionNode, number], ParameterEscapes, Analysis>(
  "parameter-escapes",
  (an, [fn, index]) => {
    const param = fn.parameters[index];
    if (!param || !ts.isIdentifier(param.name)) return NO_ESCAPES;
    const escapes: Escape[] = [];
    let returns = false;
    // `constructor(private dev: ...)`: a parameter property is a field.
    if (ts.isConstructorDeclaration(fn) && ts.getModifiers(param)?.length) {
      escapes.push({ kind: "field", node: param.name, target: `this.${param.name.text}`, path: [], site: param });
    }
    const w: Walk = { an, scope: { home: fn }, homeFn: fn, out: [], seen: new Set() };
    followVariable(w, param.name, param.name, [], 0);
    for (const e of w.out) {
      if (e.kind === "return" || e.kind === "driver-data") returns = true;
      else escapes.push(e);
    }
    return { escapes, returns };
  },
  { onCycle: () => NO_ESCAPES, budget: { depth: HELPER_DEPTH, onCut: () => NO_ESCAPES }, keyParts: (k) => k },
);

export function parameterEscapes(an: Analysis, fn: FunctionNode, index: number): ParameterEscapes {
  return parameterEscapeSummary.get(an, [fn, index]);
}

/** For messages: what the sink is. */
export function describeEscape(e: Escape): string {
  const under = e.path.length ? ` (as \`${memberPathText(e.path)}\`)` : "";
  switch (e.kind) {
    case "field":
      return `the field \`${e.target}\`${under}`;
    case "module-variable":
      return `the module variable \`${e.target}\`${under}`;
    case "outer-variable":
      return `the variable \`${e.target}\` declared outside this scope${under}`;
    case "collection":
      return `the collection \`${e.target}\`${under}`;
    case "driver-data":
      return `the driver data of ${e.driver ? driverText(e.driver) : UNNAMED_DRIVER} (\`${e.target}\`)`;
    case "return":
      return `the return value of \`${e.target}\`${under}`;
    case "captured":
      return e.target;
    case "helper":
      return `\`${e.helper!.name}\`, which keeps its parameter \`${e.helper!.param}\` in ${describeEscape(e.helper!.inner)}`;
  }
}
