/**
 * callbacks.ts (C): the callbacks a call registers (IRQ handlers and threaded handlers, devm
 * actions, work items, timers, tasklets), and where each callback's parameter comes from.
 *
 * Invariant: a registration is recognised by the vocabulary's DEFERRED table (which arguments
 * are functions, which is the data handed back, which is the IRQ/work/timer object); the
 * function is followed through a name (a function defined in this translation unit, `&fn`, a
 * cast) or a field (every `.field = fn` designated initialiser and every `x->field = fn`
 * assignment in the file: chip data tables, ops structs). A name the file defines or declares
 * itself is not the kernel API. Whether a work item is devres-managed beyond its registration
 * (queued on a devm workqueue) is the caller's question: `queueings(index)` lists the queueing
 * calls of the file for it.
 *
 * API
 *   callbackRegistration(call, index)   CallbackRegistration | undefined for one call
 *   functionsNamedBy(expr, index)       the function definitions an expression names
 *   queueings(index)                    every queue_work-style call of the file (memoised)
 *   functionsInArguments(call, index)   the file's functions a registration reaches through the
 *                                       initialisers of file-scope structs its arguments name
 *                                       (`&foo_desc` -> `.ops = &foo_ops` -> `.enable = foo_enable`)
 */
import type { CNode } from "@devbound/eslint-language-c";
import { DEFERRED, WORK_QUEUEING, callbackParameter, lookup, type DeferredKind } from "../vocabulary/index.js";
import { isNullValue } from "./syntax.js";
import { argumentsOf, calleeName, child, stripParens, type FileIndex, type FunctionDef } from "./tu-index.js";

export interface RegisteredCallback {
  fn: FunctionDef;
  /** The parameter of `fn` that receives `argument`. */
  parameter: number;
  /** The expression the callback receives: the data argument, or the object (work, timer). */
  argument: CNode | undefined;
  /** When `argument` is the object: the member of it the parameter points at. */
  objectMember: readonly string[];
}

export interface CallbackRegistration {
  call: CNode;
  /** The registering API's name, e.g. "devm_request_threaded_irq". */
  api: string;
  kind: DeferredKind;
  /** devres undoes the registration (frees the IRQ, cancels the work, runs the action) after remove(). */
  managed: boolean;
  /** The callback functions this file defines (a field can name several). */
  callbacks: RegisteredCallback[];
  /** Expressions naming callbacks that lead to no definition here (an extern function); NULL is not one. */
  unresolved: CNode[];
  /** The IRQ number, work, timer or tasklet object, when the API has one. */
  object: CNode | undefined;
}

/**
 * The function definitions an expression names: an identifier naming a function of this file,
 * `&fn`, a cast, or a field (`priv->data->isr`, `ops.handler`) whose designated initialisers
 * or assignments in this file name functions.
 */
export function functionsNamedBy(expr: CNode, index: FileIndex): FunctionDef[] {
  const e = stripParens(expr);
  if (e.type === "identifier" && e.text) {
    const fn = index.functions.get(e.text);
    return fn ? [fn] : [];
  }
  if (e.type === "pointer_expression" && e.operator === "&") {
    const arg = child(e, "argument");
    return arg ? functionsNamedBy(arg, index) : [];
  }
  if (e.type === "cast_expression") {
    const value = child(e, "value");
    return value ? functionsNamedBy(value, index) : [];
  }
  if (e.type === "field_expression") {
    const field = child(e, "field");
    if (!field?.text) return [];
    const out: FunctionDef[] = [];
    for (const value of index.fieldValues(field.text)) {
      const v = stripParens(value);
      const name = v.type === "pointer_expression" ? child(v, "argument")?.text : v.text;
      const fn = name ? index.functions.get(name) : undefined;
      if (fn && !out.includes(fn)) out.push(fn);
    }
    return out;
  }
  return [];
}

/**
 * The callbacks `call` registers (undefined when the callee is not a callback registration).
 * `named` follows a function expression further than this file's names and fields (a helper's
 * `irq_handler_t handler` parameter to what its caller passed).
 */
export function callbackRegistration(call: CNode, index: FileIndex, named: (expr: CNode) => FunctionDef[] = (e) => functionsNamedBy(e, index)): CallbackRegistration | undefined {
  const api = calleeName(call);
  if (!api || index.shadows(api)) return undefined;
  const spec = lookup(DEFERRED, api);
  if (!spec) return undefined;
  const args = argumentsOf(call);
  const object = spec.object !== undefined ? args[spec.object] : undefined;
  const { parameter, objectMember } = callbackParameter(spec.kind);
  // The callback receives the data argument when the API has one, else the object itself.
  const argument = spec.data !== undefined ? args[spec.data] : object;
  const member = spec.data !== undefined ? [] : objectMember;
  const callbacks: RegisteredCallback[] = [];
  const unresolved: CNode[] = [];
  for (const i of spec.callbacks) {
    const fnExpr = args[i];
    if (!fnExpr || isNullValue(fnExpr)) continue;
    const fns = named(fnExpr);
    if (fns.length === 0) unresolved.push(fnExpr);
    for (const fn of fns) callbacks.push({ fn, parameter, argument, objectMember: member });
  }
  return { call, api, kind: spec.kind, managed: spec.managed, callbacks, unresolved, object };
}

export interface WorkQueueing {
  call: CNode;
  work: CNode;
  /** The workqueue; undefined for a system workqueue. */
  queue: CNode | undefined;
}

/** Every work-queueing call of the file, in file order. */
export function queueings(index: FileIndex): WorkQueueing[] {
  return index.memo("callbacks.queueings", () => {
    const out: WorkQueueing[] = [];
    for (const call of index.calls) {
      const name = calleeName(call);
      if (!name || index.shadows(name)) continue;
      const spec = lookup(WORK_QUEUEING, name);
      if (!spec) continue;
      const args = argumentsOf(call);
      const work = args[spec.work];
      if (work) out.push({ call, work, queue: spec.queue !== undefined ? args[spec.queue] : undefined });
    }
    return out;
  });
}

/** How many file-scope initialisers deep `functionsInArguments` follows `&other_struct`. */
const OPS_DEPTH = 3;

/**
 * The functions of this file a registration's arguments reach through file-scope struct
 * initialisers (ops tables, descriptors): the callbacks of the object it registers, when the
 * driver describes them statically. Member assignments (`ctlr->transfer_one = f`) are not
 * followed: an empty answer means "unknown", never "no callbacks".
 */
export function functionsInArguments(call: CNode, index: FileIndex): FunctionDef[] {
  const out: FunctionDef[] = [];
  const seen = new Set<string>();
  const visit = (expr: CNode, depth: number): void => {
    const stack: CNode[] = [expr];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (n.type === "identifier" && n.text && n.field !== "function") {
        const fn = index.functions.get(n.text);
        if (fn) {
          if (!out.includes(fn)) out.push(fn);
          continue;
        }
        const g = index.globals.get(n.text);
        if (g?.init && depth < OPS_DEPTH && !seen.has(n.text)) {
          seen.add(n.text);
          visit(g.init, depth + 1);
        }
        continue;
      }
      for (const c of n.children) stack.push(c);
    }
  };
  for (const arg of argumentsOf(call)) visit(arg, 0);
  return out;
}
