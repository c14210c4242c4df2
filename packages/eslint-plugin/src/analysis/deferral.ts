/**
 * deferral.ts: when does a callback run relative to the code that created it?
 *
 * Invariant: only callbacks that are KNOWN to run later are "deferred" (no guessing: an
 * unknown API taking a callback is "unknown", which the bug rules treat as not deferred). The
 * cheap syntactic filters (timer/microtask/promise/listener names, array methods, the Promise
 * executor) come first; the checker is asked for brands only when they do not decide.
 *
 * Kinds
 *   deferred          timers, microtasks, process.nextTick, promise then/catch/finally, event
 *                     listeners, a DeferredCallback-branded parameter (the unmanaged IRQ handler,
 *                     an unmanaged work item)
 *   stored            assigned to a field/property or a module variable, a class field initializer,
 *                     pushed/set/added into a field's or module variable's collection: called
 *                     later by whoever reads it
 *   kobject-release   a KobjectRelease-branded position: runs at the last put, maybe long after unbind
 *   file-operation    a FileOperation-branded position (fops.read, fops.release, ...): user space
 *   bound             a BoundCallback-branded position: runs only while bound and receives its own
 *                     Device<Bound> (devm IRQ handlers, devm work items)
 *   sync              array methods, the Promise executor, SyncCallback/AccessSection positions, a
 *                     local function only ever called directly; also callbacks the enclosing
 *                     function awaits: `await p.then(cb)`, a chain returned by probe/remove (the
 *                     bus awaits it), a timer/listener that settles an awaited `new Promise`
 *   unknown           anything else
 *
 * API
 *   classifyCallback(an, fn)     CallbackClass { kind, description, site } (memoised per program)
 *   mayRunAfterUnbind(kind)      deferred | stored | kobject-release | file-operation
 *   isSyncOrBound(kind)          sync | bound
 *   isAsync(fn) / isAwaited(call) / isAfterAwait(fn, node)
 *                                async helpers: a call whose promise is dropped leaves what follows
 *                                the callee's first await to run later (deferred)
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { brandsOfType, type FileOperationKind, type TypeBrands } from "./brands.js";
import { argumentBrands, expectedTypeAt, functionBrands } from "./call-sites.js";
import { argumentIndex, calleeName, declaredName, enclosingFunction, isModuleLevel, skipOuter, symbolOf, type FunctionNode } from "./ast.js";
import { driverRoleOf } from "./drivers.js";
import { referencesTo } from "./presentation.js";
import { defineSummary } from "./summaries.js";

export type CallbackKind = "deferred" | "stored" | "kobject-release" | "file-operation" | "bound" | "sync" | "unknown";

export interface CallbackClass {
  kind: CallbackKind;
  /** For messages: "a setTimeout callback", "a promise continuation", "the kobject release callback". */
  description: string;
  /** The node that decided (the call taking the callback, the assignment storing it). */
  site: ts.Node | undefined;
  /** file-operation: which operation(s) (`release` runs at the last close, possibly long after unbind). */
  fileOps?: FileOperationKind[];
  /**
   * An async function whose promise nobody awaits: only what runs after its first `await` is
   * deferred (the part before runs synchronously in the caller). See isAfterAwait().
   */
  afterAwaitOnly?: boolean;
}

const TIMERS = new Set(["setTimeout", "setInterval", "setImmediate", "queueMicrotask", "nextTick", "requestAnimationFrame", "requestIdleCallback"]);
const PROMISE_REACTIONS = new Set(["then", "catch", "finally"]);
const LISTENERS = new Set(["addEventListener", "on", "once", "addListener", "prependListener", "prependOnceListener"]);
const ARRAY_METHODS = new Set([
  "map", "forEach", "filter", "reduce", "reduceRight", "some", "every", "find", "findIndex", "findLast",
  "findLastIndex", "flatMap", "sort", "toSorted",
]);

const COLLECTION_ADDERS = new Set(["push", "unshift", "set", "add", "splice"]);

/** A container read from a field (`this.handlers`, `obj.handlers`) or a module variable. */
function outlivesCall(an: Analysis, container: ts.Expression): boolean {
  const e = skipOuter(container);
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return true;
  if (!ts.isIdentifier(e)) return false;
  const decl = symbolOf(an.checker, e)?.valueDeclaration;
  return !!decl && ts.isVariableDeclaration(decl) && isModuleLevel(decl);
}

// Worst first: a callback used in several places takes the worst classification.
const SEVERITY: CallbackKind[] = ["kobject-release", "file-operation", "deferred", "stored", "unknown", "bound", "sync"];

export function mayRunAfterUnbind(kind: CallbackKind): boolean {
  return kind === "deferred" || kind === "stored" || kind === "kobject-release" || kind === "file-operation";
}

export function isSyncOrBound(kind: CallbackKind): boolean {
  return kind === "sync" || kind === "bound";
}

const UNKNOWN: CallbackClass = { kind: "unknown", description: "a callback", site: undefined };
/** Runs before the function awaiting it continues: in that function's context, like a sync callback. */
const AWAITED: CallbackClass = { kind: "sync", description: "a callback the enclosing function awaits", site: undefined };

/** `await p.then(cb)`, `await p.then(a).catch(b)`, `return p.finally(cb)`: the reaction completes before the awaiter goes on. */
function awaitedReaction(an: Analysis, call: ts.CallExpression): boolean {
  let c: ts.CallExpression = call;
  for (;;) {
    const access = c.parent;
    const next = access?.parent;
    if (access && next && ts.isPropertyAccessExpression(access) && access.expression === c && ts.isCallExpression(next) && next.expression === access && PROMISE_REACTIONS.has(access.name.text)) {
      c = next;
      continue;
    }
    return awaitedInPlace(an, c);
  }
}

/**
 * Stricter than isAwaited: the promise is awaited right here (`await`, an awaited Promise.all),
 * or returned by a driver's probe/remove (the bus awaits those). A promise merely returned by
 * a callback may be dropped by whoever called it.
 */
function awaitedInPlace(an: Analysis, expr: ts.Expression): boolean {
  let n: ts.Node = expr;
  while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isSatisfiesExpression(n.parent))) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (ts.isAwaitExpression(p)) return true;
  if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === n)) {
    const fn = ts.isArrowFunction(p) ? p : enclosingFunction(p);
    const role = fn && driverRoleOf(an, fn);
    return role?.role === "probe" || role?.role === "remove";
  }
  if (ts.isArrayLiteralExpression(p)) {
    const arg = argumentIndex(p);
    const name = arg && calleeName(arg[0]);
    return !!arg && !!name && ["all", "allSettled", "race", "any"].includes(name) && awaitedInPlace(an, arg[0]);
  }
  return false;
}

/**
 * A timer/listener callback written inside an awaited `new Promise((resolve, reject) => ...)`
 * that settles that promise itself: the awaiting function cannot go on (and, in probe, unbind
 * cannot start) before the callback ran. `await new Promise((r) => setTimeout(() => { ...; r(); }, 5))`.
 */
function settlesAwaitedPromise(an: Analysis, cb: FunctionNode): boolean {
  for (let exec = enclosingFunction(cb); exec; exec = enclosingFunction(exec)) {
    const arg = argumentIndex(exec);
    if (!arg || !ts.isNewExpression(arg[0]) || arg[1] !== 0 || calleeName(arg[0]) !== "Promise") continue;
    if (!awaitedInPlace(an, arg[0])) return false;
    const settlers = new Set<ts.Symbol>();
    for (const p of exec.parameters.slice(0, 2)) {
      const sym = ts.isIdentifier(p.name) ? an.checker.getSymbolAtLocation(p.name) : undefined;
      if (sym) settlers.add(sym);
    }
    let settles = false;
    const visit = (n: ts.Node): void => {
      if (settles) return;
      if (ts.isIdentifier(n)) {
        const sym = an.checker.getSymbolAtLocation(n);
        if (sym && settlers.has(sym)) settles = true;
      }
      ts.forEachChild(n, visit);
    };
    if (cb.body) visit(cb.body);
    // setTimeout(resolve, 5) passes the settler itself; covered by the reference check too.
    return settles;
  }
  return false;
}

function fromBrands(b: TypeBrands, api: string | undefined, site: ts.Node): CallbackClass | undefined {
  const of = api ? ` of \`${api}\`` : "";
  if (b.kobjectRelease) return { kind: "kobject-release", description: `a kobject release callback${of}`, site };
  if (b.fileOperation) {
    const op = b.fileOperation.length === 1 ? `${b.fileOperation[0]}()` : "a file operation";
    return { kind: "file-operation", description: `the file operation ${op}`, site, fileOps: b.fileOperation };
  }
  if (b.boundCallback) return { kind: "bound", description: `a bound callback${of}`, site };
  if (b.deferredCallback) return { kind: "deferred", description: `a deferred callback${of}`, site };
  if (b.syncCallback || b.accessSection) return { kind: "sync", description: `a synchronous callback${of}`, site };
  return undefined;
}

function worst(a: CallbackClass, b: CallbackClass): CallbackClass {
  return SEVERITY.indexOf(a.kind) <= SEVERITY.indexOf(b.kind) ? a : b;
}

/** How the value at `expr` (a function, or a reference to one) will be called. */
function classifyUse(an: Analysis, fn: FunctionNode, expr: ts.Expression, depth: number): CallbackClass {
  let node: ts.Node = expr;
  while (node.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent))) node = node.parent;
  const parent = node.parent;
  if (!parent) return UNKNOWN;

  // Passed as an argument.
  const arg = argumentIndex(node);
  if (arg) {
    const [call, i] = arg;
    const name = calleeName(call);
    const callee = skipOuter(call.expression);
    if (ts.isNewExpression(call)) {
      if (name === "Promise" && i === 0) return { kind: "sync", description: "a Promise executor", site: call };
    } else if (name && TIMERS.has(name)) {
      if (settlesAwaitedPromise(an, fn)) return AWAITED;
      return { kind: "deferred", description: `a ${name === "nextTick" ? "process.nextTick" : name} callback`, site: call };
    } else if (name && PROMISE_REACTIONS.has(name) && ts.isPropertyAccessExpression(callee)) {
      if (awaitedReaction(an, call)) return AWAITED;
      return { kind: "deferred", description: `a promise continuation (.${name})`, site: call };
    } else if (name && LISTENERS.has(name) && ts.isPropertyAccessExpression(callee)) {
      if (settlesAwaitedPromise(an, fn)) return AWAITED;
      return { kind: "deferred", description: `an event listener (.${name})`, site: call };
    } else if (name && ARRAY_METHODS.has(name) && ts.isPropertyAccessExpression(callee)) {
      const recv = an.checker.getTypeAtLocation(callee.expression);
      if (an.checker.isArrayType(recv) || an.checker.isTupleType(recv)) return { kind: "sync", description: `an array .${name} callback`, site: call };
    }
    const branded = fromBrands(argumentBrands(an.checker, call, i), declaredName(an.checker, call), call);
    if (branded) return branded;
    // Put into a collection that outlives the call: a field's or a module variable's array/map/set.
    if (name && COLLECTION_ADDERS.has(name) && ts.isPropertyAccessExpression(callee) && outlivesCall(an, callee.expression)) {
      return { kind: "stored", description: `a callback stored in \`${an.text(callee.expression)}\``, site: call };
    }
    return { ...UNKNOWN, site: call };
  }

  // The value of a property in an object literal (fops, a Device's release option, ...).
  if ((ts.isPropertyAssignment(parent) && parent.initializer === node) || ts.isShorthandPropertyAssignment(parent)) {
    const obj = parent.parent;
    const objType = ts.isObjectLiteralExpression(obj) ? expectedTypeAt(an.checker, obj) : undefined;
    const name = parent.name && (ts.isIdentifier(parent.name) || ts.isStringLiteral(parent.name)) ? parent.name.text : undefined;
    const prop = objType && name ? an.checker.getPropertyOfType(objType, name) : undefined;
    const branded = prop ? fromBrands(brandsOfType(an.checker, an.checker.getTypeOfSymbol(prop)), undefined, parent) : undefined;
    if (branded) return branded;
    return { ...UNKNOWN, site: parent };
  }

  // Stored: `this.handler = fn`, `obj.cb = fn`, `moduleVar = fn`.
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === node) {
    const left = skipOuter(parent.left);
    const branded = fromBrands(brandsOfType(an.checker, an.checker.getTypeAtLocation(left)), undefined, parent);
    if (branded) return branded;
    if (ts.isPropertyAccessExpression(left) || ts.isElementAccessExpression(left)) {
      return { kind: "stored", description: `a callback stored in \`${an.text(left)}\``, site: parent };
    }
    if (ts.isIdentifier(left)) {
      const decl = symbolOf(an.checker, left)?.valueDeclaration;
      if (decl && isModuleLevel(decl)) return { kind: "stored", description: `a callback stored in the module variable \`${left.text}\``, site: parent };
      if (decl && ts.isVariableDeclaration(decl) && depth < 3) return classifyReferences(an, fn, decl.name, depth + 1);
    }
    return { ...UNKNOWN, site: parent };
  }

  // Stored in an array/collection: `handlers.push(fn)` is covered above as an argument (unknown).
  if (ts.isReturnStatement(parent) || ts.isArrowFunction(parent)) return { ...UNKNOWN, site: parent };

  // A direct call: runs when its caller runs. A local function called from inside a deferred
  // callback (or a file operation) runs in that callback's context. An async function called
  // without awaiting its promise continues after its first await on its own: deferred.
  if (ts.isCallExpression(parent) && parent.expression === node) {
    if (isAsync(fn) && !isAwaited(parent)) {
      const name = functionNameOf(fn);
      return {
        kind: "deferred",
        description: `the continuation of async ${name ? `\`${name}\`` : "function"} after an await (its promise is not awaited)`,
        site: parent,
        afterAwaitOnly: true,
      };
    }
    const declScope = enclosingFunction(fn);
    for (let g = enclosingFunction(parent); g && g !== declScope && g !== fn; g = enclosingFunction(g)) {
      const c = classifyCallback(an, g);
      if (mayRunAfterUnbind(c.kind)) return c;
    }
    return { kind: "sync", description: "a function called directly", site: parent };
  }
  return { ...UNKNOWN, site: parent };
}

/** Classify a named local function (`const f = () => ...`, `function f() {}`) by every reference to it. */
function classifyReferences(an: Analysis, fn: FunctionNode, name: ts.BindingName | ts.Identifier, depth: number): CallbackClass {
  if (!ts.isIdentifier(name)) return UNKNOWN;
  // Exported or module-level functions are called from anywhere: no lexical claim.
  const scope = enclosingFunction(name.parent) ?? name.getSourceFile();
  let result: CallbackClass | undefined;
  for (const ref of referencesTo(an.checker, name, scope)) {
    const c = classifyUse(an, fn, ref, depth);
    result = result ? worst(result, c) : c;
  }
  return result ?? UNKNOWN;
}

function classifyUncached(an: Analysis, fn: FunctionNode, depth: number): CallbackClass {
  // Methods and class-field initialisers: the contextual type (an implemented interface, a
  // typed object literal) may brand them.
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessor(fn) || ts.isSetAccessor(fn)) {
    const b = fromBrands(functionBrands(an.checker, fn), undefined, fn);
    return b ?? UNKNOWN;
  }
  if (ts.isConstructorDeclaration(fn)) return { kind: "sync", description: "a constructor", site: fn };
  if (ts.isFunctionDeclaration(fn)) {
    return fn.name && !isModuleLevel(fn) ? classifyReferences(an, fn, fn.name, depth) : UNKNOWN;
  }
  // Arrow functions and function expressions.
  const parent = fn.parent;
  if (parent && ts.isPropertyDeclaration(parent) && parent.initializer === fn) {
    const b = fromBrands(functionBrands(an.checker, fn), undefined, parent);
    return b ?? { kind: "stored", description: `a callback stored in the class field \`${an.text(parent.name)}\``, site: parent };
  }
  if (parent && ts.isVariableDeclaration(parent) && parent.initializer === fn) {
    if (isModuleLevel(parent)) return UNKNOWN;
    return classifyReferences(an, fn, parent.name, depth);
  }
  return classifyUse(an, fn, fn, depth);
}

/**
 * Per program. A function whose classification comes back to itself (a local function called from
 * a callback it registers) reads "unknown" there: not a claim that it runs later.
 */
const callbackClass = defineSummary<FunctionNode, CallbackClass, Analysis>("callback-class", (an, fn) => classifyUncached(an, fn, 0), { onCycle: () => UNKNOWN });

export function classifyCallback(an: Analysis, fn: FunctionNode): CallbackClass {
  return callbackClass.get(an, fn);
}

export function isAsync(fn: FunctionNode): boolean {
  return (ts.getCombinedModifierFlags(fn as ts.Declaration) & ts.ModifierFlags.Async) !== 0;
}

function functionNameOf(fn: FunctionNode): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  const p = fn.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  if (ts.isMethodDeclaration(fn) && ts.isIdentifier(fn.name)) return fn.name.text;
  return undefined;
}

/** The promise of `call` is awaited (or returned to an awaiting caller, or joined by an awaited Promise.all). */
export function isAwaited(call: ts.Expression): boolean {
  let n: ts.Node = call;
  while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAsExpression(n.parent) || ts.isSatisfiesExpression(n.parent))) n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (ts.isAwaitExpression(p) || ts.isReturnStatement(p)) return true;
  if (ts.isArrowFunction(p) && p.body === n) return true;
  if (ts.isArrayLiteralExpression(p)) {
    const arg = argumentIndex(p);
    const name = arg && calleeName(arg[0]);
    return !!arg && !!name && ["all", "allSettled", "race", "any"].includes(name) && isAwaited(arg[0]);
  }
  return false;
}

/** `node` (inside `fn`) runs after an `await` of `fn` itself: later in the body than the first one. */
export function isAfterAwait(fn: FunctionNode, node: ts.Node): boolean {
  if (!fn.body) return false;
  let first: number | undefined;
  const visit = (n: ts.Node): void => {
    if (first !== undefined && n.pos > first) return;
    if (n !== fn && (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isArrowFunction(n) || ts.isMethodDeclaration(n))) return;
    if (ts.isAwaitExpression(n) || (ts.isForOfStatement(n) && n.awaitModifier)) {
      first = first === undefined ? n.end : Math.min(first, n.end);
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn.body, visit);
  return first !== undefined && node.pos >= first;
}
