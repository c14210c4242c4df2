/**
 * teardown.ts (C): what a driver's remove() tears down (frees, disables, destroys,
 * unregisters), what it fences first (free_irq/disable_irq/synchronize_irq, cancel_work_sync,
 * del_timer_sync, ...), what probe() acquires and registers and in which order, and which
 * places a callback touches. Everything is a PLACE: a member path of a struct this file
 * defines (`foo_priv` + ["rx", "buf"]) or a file-scope variable, so remove()'s `priv->rx.buf`,
 * probe()'s `priv->rx.buf = kzalloc(...)` and an IRQ handler's `p->rx.buf[i]` (p recovered
 * from `void *dev_id`, container_of, drvdata or a helper) are the same place.
 *
 * Invariant: a place is resolved through locals (initialiser, else the first assignment that
 * resolves, else the declared struct type), parameters (bound to the caller's argument when
 * a function is followed from a call, else their declared struct type), members, subscripts,
 * `&`/`*`, casts, container_of-style macros (the member suffix is stripped), and return values
 * of the file's own helpers; a value of a struct the file does not define (a `struct clk *`
 * parameter nobody binds) has no place, so kernel-typed values never match by type alone.
 * Functions are followed through the file's own helpers up to MAX_DEPTH calls deep, each
 * root's walk bounded by MAX_STEPS calls, so a file costs near-linear time. Never throws on
 * ERROR subtrees: what cannot be resolved has no place.
 *
 * API
 *   new TeardownAnalysis(index)
 *     .steps(frame)                  the calls of a function and of the helpers it calls, in order
 *     .removeTeardowns(remove)       Teardown[] and Fence[] of a remove() (memoised)
 *     .probeEvents(probe)            Acquisition[] and callback registrations of a probe(), in order (memoised)
 *     .isManagedRegistration(step)   a devm call whose object stays live until devres releases it
 *     .queuedOnManagedWorkqueue(w)   the devm workqueue a work item is queued on, if any
 *     .resolve(expr, frame)          the place of an expression
 *     .functionsNamed(expr, frame)   the file's functions an expression names (names, fields,
 *                                    function-pointer parameters and locals, conditionals)
 *     .rootExpression(expr, frame)   a helper parameter as the root function passed it
 *     .memberCallbacks(step)         functions assigned to members of what a registration's arguments point at
 *     .callbackUse(frame, accept)    the first expression a callback (and its helpers) touches
 *                                    whose place `accept` matches
 *   rootFrame(fn, bindings), placeKey(place), placeWithin(inner, outer), releaseVerbs(kind),
 *   releasedKindAt(node), callTakingArgument(node), isConstantFalse(expr)
 */
import type { CNode } from "@devbound/eslint-language-c";
import { CANCEL, CONTAINER_OF, RELEASE, WORKQUEUE_DRAIN, MANAGED_ALLOCATIONS, acquireApi, isConventionalManagedRegistration, isConventionallyManaged, lookup, type ResourceKind } from "../vocabulary/index.js";
import { callbackRegistration, functionsNamedBy, queueings, type CallbackRegistration } from "./callbacks.js";
import { argumentsOf, calleeName, child, stripParens, type FileIndex, type FunctionDef } from "./tu-index.js";

/** How deep the file's own helpers are followed from a probe(), remove() or callback. */
export const MAX_DEPTH = 4;
/** Calls visited from one root function (probe, remove, callback) at most. */
export const MAX_STEPS = 4000;

export interface Place {
  /** A struct defined in this file ("foo_priv"), or "@name" for a file-scope variable. */
  root: string;
  fields: readonly string[];
}

export const placeKey = (p: Place): string => (p.fields.length > 0 ? `${p.root}.${p.fields.join(".")}` : p.root);

/** `inner` is `outer` or a member below it. */
export function placeWithin(inner: Place, outer: Place): boolean {
  if (inner.root !== outer.root || inner.fields.length < outer.fields.length) return false;
  return outer.fields.every((f, i) => inner.fields[i] === f);
}

/** A function being followed: its parameters' places as bound by the call that led here. */
export interface Frame {
  fn: FunctionDef;
  bindings: readonly (Place | undefined)[];
  depth: number;
  key: string;
  /** The call that led here and the frame it was made in (for function-pointer parameters). */
  caller?: { args: CNode[]; frame: Frame };
}

export function rootFrame(fn: FunctionDef, bindings: readonly (Place | undefined)[] = []): Frame {
  return { fn, bindings, depth: 0, key: frameKey(fn, bindings) };
}

function frameKey(fn: FunctionDef, bindings: readonly (Place | undefined)[]): string {
  return `${fn.name}(${bindings.map((b) => (b ? placeKey(b) : "")).join(",")})`;
}

export interface Step {
  call: CNode;
  /** The callee's name, when called by name. */
  name: string | undefined;
  frame: Frame;
  /** The call of the root function's own body this step is, or is reached through. */
  anchor: CNode;
  /** Helpers followed from the anchor to this call (outermost first). */
  via: string[];
  seq: number;
}

/** What remove() tears down. */
export interface Teardown {
  place: Place;
  kind: ResourceKind;
  /** The releasing API, e.g. "kfree". */
  api: string;
  /** The released argument as written. */
  expr: CNode;
  step: Step;
}

/** What remove() stops and waits for before tearing down. */
export interface Fence {
  kind: "irq" | "work" | "timer" | "hrtimer" | "tasklet" | "action" | "workqueue";
  /** The IRQ / work / timer / workqueue place (undefined: not resolvable, matches any). */
  place: Place | undefined;
  /** For actions: the function removed. */
  fnName: string | undefined;
  step: Step;
}

/** An acquisition or registration in probe() (managed or manual). */
export interface Acquisition {
  place: Place;
  kinds: readonly ResourceKind[];
  managed: boolean;
  api: string;
  /** The acquired place as written (the assigned member, or the argument). */
  expr: CNode;
  step: Step;
}

export interface ProbeEvents {
  steps: Step[];
  acquisitions: Acquisition[];
  /** Callback registrations (managed or not) with the step they are made in. */
  callbacks: { registration: CallbackRegistration; step: Step }[];
}

type ReleaseVerbs = { verb: string; state: string; acquired: string };

/** How messages say what a release does to a resource of each kind. */
export function releaseVerbs(kind: ResourceKind): ReleaseVerbs {
  if (kind === "memory" || kind === "pages" || kind === "dma-coherent" || kind === "netdev" || kind === "iio-device" || kind === "input-device")
    return { verb: "frees", state: "freed", acquired: "allocated" };
  if (kind === "clock-enable" || kind === "clock-prepare" || kind === "regulator-enable") return { verb: "disables", state: "disabled", acquired: "enabled" };
  if (kind === "workqueue" || kind === "dma-pool" || kind === "regmap") return { verb: "destroys", state: "destroyed", acquired: "created" };
  if (kind === "mmio") return { verb: "unmaps", state: "unmapped", acquired: "mapped" };
  if (kind.endsWith("-registration") || kind === "i2c-adapter") return { verb: "unregisters", state: "unregistered", acquired: "registered" };
  return { verb: "releases", state: "released", acquired: "acquired" };
}

/** Managed kinds whose object stays live and can call into the driver until devres releases it. */
function isActiveKind(kinds: readonly ResourceKind[]): boolean {
  if (kinds.includes("input-device") || kinds.includes("iio-device")) return false; // allocations; the registration comes later
  return kinds.some((k) => k === "irq" || k === "action" || k === "work" || k === "i2c-adapter" || k.endsWith("-registration"));
}

export class TeardownAnalysis {
  readonly index: FileIndex;
  readonly #places = new Map<string, Map<CNode, Place | null>>();
  readonly #resolving = new Set<string>();
  readonly #teardowns = new Map<CNode, { teardowns: Teardown[]; fences: Fence[] }>();
  readonly #probes = new Map<CNode, ProbeEvents>();

  constructor(index: FileIndex) {
    this.index = index;
  }

  // ---- places ----------------------------------------------------------------------------

  typePlace(structType: string | undefined): Place | undefined {
    if (!structType || !this.index.definesStruct(structType)) return undefined;
    return { root: this.index.unit.typedefs.get(structType) ?? structType, fields: [] };
  }

  resolve(expr: CNode, frame: Frame): Place | undefined {
    let memo = this.#places.get(frame.key);
    if (!memo) this.#places.set(frame.key, (memo = new Map()));
    const hit = memo.get(expr);
    if (hit !== undefined) return hit ?? undefined;
    const place = this.#resolve(expr, frame);
    memo.set(expr, place ?? null);
    return place;
  }

  #resolve(expr: CNode, frame: Frame): Place | undefined {
    const e = stripParens(expr);
    switch (e.type) {
      case "identifier":
        return e.text ? this.#resolveName(e.text, frame) : undefined;
      case "field_expression": {
        const base = child(e, "argument");
        const field = child(e, "field")?.text;
        const place = base && field ? this.resolve(base, frame) : undefined;
        return place && field ? { root: place.root, fields: [...place.fields, field] } : undefined;
      }
      case "subscript_expression":
      case "pointer_expression": {
        const arg = child(e, "argument");
        return arg ? this.resolve(arg, frame) : undefined;
      }
      case "cast_expression": {
        const value = child(e, "value");
        const inner = value ? this.resolve(value, frame) : undefined;
        if (inner) return inner;
        const type = child(e, "type");
        const spec = type?.children.find((c) => c.field === "type");
        return this.typePlace(spec ? (spec.type === "type_identifier" ? spec.text : child(spec, "name")?.text) : undefined);
      }
      case "call_expression":
        return this.#resolveCall(e, frame);
      default:
        return undefined;
    }
  }

  #resolveName(name: string, frame: Frame): Place | undefined {
    const found = this.index.variable(frame.fn, name);
    if (found) {
      const { variable, param } = found;
      if (param >= 0) return frame.bindings[param] ?? this.typePlace(variable.structType);
      const guard = `${frame.key}/${name}`;
      if (this.#resolving.has(guard)) return undefined;
      this.#resolving.add(guard);
      try {
        if (variable.init) {
          const p = this.resolve(variable.init, frame);
          if (p) return p;
        }
        for (const value of this.index.info(frame.fn).assignments.get(name) ?? []) {
          const p = this.resolve(value, frame);
          if (p) return p;
        }
      } finally {
        this.#resolving.delete(guard);
      }
      return this.typePlace(variable.structType);
    }
    const global = this.index.globals.get(name);
    if (global) return this.typePlace(global.structType) ?? { root: `@${name}`, fields: [] };
    return undefined;
  }

  #resolveCall(call: CNode, frame: Frame): Place | undefined {
    const name = calleeName(call);
    if (!name || this.index.shadowedIn(frame.fn, name)) return undefined;
    if (CONTAINER_OF.has(name) && !this.index.functions.has(name)) return this.#containerOf(call, frame);
    const helper = this.index.functions.get(name);
    if (helper && frame.depth < MAX_DEPTH) {
      const inner = this.frameFor(call, helper, frame);
      for (const value of this.index.info(helper).returns) {
        const p = this.resolve(value, inner);
        if (p) return p;
      }
    }
    return undefined;
  }

  /**
   * container_of(ptr, type, member) and the from_*(var, ptr, member) forms: the place of `ptr`
   * with the member suffix stripped, else the named (or declared) containing struct.
   */
  #containerOf(call: CNode, frame: Frame): Place | undefined {
    const args = argumentsOf(call);
    if (args.length < 3) return undefined;
    // from_timer(priv, t, timer): the first argument names the variable being initialised.
    const target = initialisedName(call);
    const fromForm = args[0]!.type === "identifier" && target !== undefined && args[0]!.text === target;
    const ptr = fromForm ? args[1]! : args[0]!;
    const member = memberPath(args[args.length - 1]!);
    const base = this.resolve(ptr, frame);
    if (base && member && base.fields.length >= member.length && member.every((m, i) => base.fields[base.fields.length - member.length + i] === m)) {
      return { root: base.root, fields: base.fields.slice(0, base.fields.length - member.length) };
    }
    if (fromForm) {
      const v = this.index.variable(frame.fn, target!);
      return this.typePlace(v?.variable.structType);
    }
    const between = this.index.text.slice(args[0]!.range[1], args[args.length - 1]!.range[0]);
    const m = /\bstruct\s+([A-Za-z_]\w*)/.exec(between) ?? /,\s*([A-Za-z_]\w*)\s*,/.exec(between);
    return this.typePlace(m?.[1]);
  }

  /** The frame `callee` runs in when called by `call` from `frame`. */
  frameFor(call: CNode, callee: FunctionDef, frame: Frame): Frame {
    const args = argumentsOf(call);
    const bindings = args.map((a) => this.resolve(a, frame));
    return { fn: callee, bindings, depth: frame.depth + 1, key: frameKey(callee, bindings), caller: { args, frame } };
  }

  /**
   * The file's functions assigned to members of what a registration's arguments point at
   * (`priv->gpio.get = foo_gpio_get; ... devm_gpiochip_add_data(dev, &priv->gpio, priv)`), in any
   * function of the file: the registered object's callbacks set up by member assignments.
   */
  memberCallbacks(step: Step): FunctionDef[] {
    const out: FunctionDef[] = [];
    const places = argumentsOf(step.call).flatMap((a) => {
      const p = this.resolve(a, step.frame);
      return p ? [p] : [];
    });
    if (places.length === 0) return out;
    for (const w of this.index.unit.memberWrites) {
      if (w.kind !== "assign" || !w.value || w.target.type !== "field_expression") continue;
      let v = stripParens(w.value);
      if (v.type === "pointer_expression" && v.operator === "&") v = child(v, "argument") ?? v;
      const fn = v.type === "identifier" && v.text ? this.index.functions.get(v.text) : undefined;
      if (!fn || out.includes(fn)) continue;
      const owner = this.index.enclosingFunction(w.target);
      const target = owner ? this.resolve(w.target, rootFrame(owner)) : undefined;
      if (target && places.some((p) => target.fields.length > p.fields.length && placeWithin(target, p))) out.push(fn);
    }
    return out;
  }

  /**
   * The expression as the root function wrote it: a helper's parameter (`kfree(buf)` in
   * `foo_free_buf(u8 *buf)`) is what the call that led there passed (`foo_free_buf(priv->buf)`).
   */
  rootExpression(expr: CNode, frame: Frame): CNode {
    let e = expr;
    let f: Frame | undefined = frame;
    for (let guard = 0; f?.caller && guard <= MAX_DEPTH; guard++) {
      const id = stripParens(e);
      if (id.type !== "identifier" || !id.text) break;
      const found = this.index.variable(f.fn, id.text);
      const arg = found && found.param >= 0 ? f.caller.args[found.param] : undefined;
      if (!arg) break;
      e = arg;
      f = f.caller.frame;
    }
    return e;
  }

  /** The functions an expression names in a frame: through the file's names and fields, and a
   * function-pointer parameter to the caller's argument. */
  functionsNamed(expr: CNode, frame: Frame, depth = 0): FunctionDef[] {
    const e = stripParens(expr);
    if (e.type === "identifier" && e.text && depth < MAX_DEPTH) {
      const found = this.index.variable(frame.fn, e.text);
      if (found && found.param >= 0) {
        const arg = frame.caller?.args[found.param];
        return arg ? this.functionsNamed(arg, frame.caller!.frame, depth + 1) : [];
      }
      if (!found && this.index.globals.has(e.text) && !this.index.functions.has(e.text)) {
        // a file-scope function pointer set by probe (`lcdc_irq_handler = lcdc_irq_handler_rev02;`)
        const out: FunctionDef[] = [];
        for (const v of this.index.globalValues(e.text)) for (const fn of this.functionsNamed(v, frame, depth + 1)) if (!out.includes(fn)) out.push(fn);
        return out;
      }
      if (found) {
        // a function-pointer local: `handler = rev2 ? foo_isr_v2 : foo_isr;` -> every function it is given
        const out: FunctionDef[] = [];
        const values = [...(found.variable.init ? [found.variable.init] : []), ...(this.index.info(frame.fn).assignments.get(e.text) ?? [])];
        for (const v of values) for (const fn of this.functionsNamed(v, frame, depth + 1)) if (!out.includes(fn)) out.push(fn);
        return out;
      }
    }
    if (e.type === "conditional_expression" && depth < MAX_DEPTH) {
      const out: FunctionDef[] = [];
      for (const c of e.children.slice(1)) for (const fn of this.functionsNamed(c, frame, depth + 1)) if (!out.includes(fn)) out.push(fn);
      return out;
    }
    return functionsNamedBy(e, this.index);
  }

  // ---- walking a function and its helpers -------------------------------------------------

  /** The calls of `frame.fn` and, in place, of the file's helpers it calls, in source order. */
  steps(frame: Frame): Step[] {
    const out: Step[] = [];
    const onStack = new Set<string>();
    const visit = (f: Frame, anchor: CNode | undefined, via: string[]): void => {
      if (onStack.has(f.fn.name)) return;
      onStack.add(f.fn.name);
      for (const call of this.index.info(f.fn).calls) {
        if (out.length >= MAX_STEPS) break;
        const name = calleeName(call);
        const step: Step = { call, name, frame: f, anchor: anchor ?? call, via, seq: out.length };
        out.push(step);
        const helper = name && !this.index.shadowedIn(f.fn, name) ? this.index.functions.get(name) : undefined;
        if (helper && f.depth < MAX_DEPTH) visit(this.frameFor(call, helper, f), anchor ?? call, [...via, helper.name]);
      }
      onStack.delete(f.fn.name);
    };
    visit(frame, undefined, []);
    return out;
  }

  // ---- remove() ----------------------------------------------------------------------------

  removeTeardowns(remove: FunctionDef): { teardowns: Teardown[]; fences: Fence[] } {
    const hit = this.#teardowns.get(remove.node);
    if (hit) return hit;
    const teardowns: Teardown[] = [];
    const fences: Fence[] = [];
    for (const step of this.steps(rootFrame(remove))) {
      const name = step.name;
      if (!name || this.index.shadows(name) || this.index.shadowedIn(step.frame.fn, name)) continue;
      const args = argumentsOf(step.call);
      const rel = lookup(RELEASE, name);
      // An IRQ freed in remove() is a fence for its handler, not a resource a callback uses;
      // devm releases are the other rule's (no-manual-free-of-devres).
      if (rel && !rel.managedRelease && rel.kind !== "irq" && rel.kind !== "action") {
        const expr = args[rel.resource];
        const place = expr ? this.resolve(expr, step.frame) : undefined;
        if (expr && place) teardowns.push({ place, kind: rel.kind, api: name, expr, step });
      }
      const cancel = lookup(CANCEL, name);
      if (cancel) {
        const object = args[cancel.object];
        const kind = cancel.kind === "threaded-irq" ? "irq" : cancel.kind === "delayed-work" ? "work" : cancel.kind;
        fences.push({ kind, place: object ? this.resolve(object, step.frame) : undefined, fnName: undefined, step });
      } else if (rel?.kind === "irq") {
        const object = args[rel.resource];
        fences.push({ kind: "irq", place: object ? this.resolve(object, step.frame) : undefined, fnName: undefined, step });
      }
      if (WORKQUEUE_DRAIN.has(name) && args[0]) fences.push({ kind: "workqueue", place: this.resolve(args[0], step.frame), fnName: undefined, step });
      if (rel?.kind === "action" && args[1]) {
        const fn = stripParens(args[1]);
        fences.push({ kind: "action", place: undefined, fnName: fn.type === "identifier" ? fn.text : undefined, step });
      }
    }
    const result = { teardowns, fences };
    this.#teardowns.set(remove.node, result);
    return result;
  }

  // ---- probe() -----------------------------------------------------------------------------

  probeEvents(probe: FunctionDef): ProbeEvents {
    const hit = this.#probes.get(probe.node);
    if (hit) return hit;
    const steps = this.steps(rootFrame(probe));
    const acquisitions: Acquisition[] = [];
    const callbacks: ProbeEvents["callbacks"] = [];
    for (const step of steps) {
      const name = step.name;
      if (!name || this.index.shadows(name) || this.index.shadowedIn(step.frame.fn, name)) continue;
      const registration = callbackRegistration(step.call, this.index, (e) => this.functionsNamed(e, step.frame));
      if (registration) callbacks.push({ registration, step });
      const api = acquireApi(name);
      const managed = api ? api.managed : isConventionallyManaged(name);
      if (!api && !managed) continue;
      const kinds = api?.kinds ?? [];
      if (!api || api.resource === "return") {
        for (const target of this.#resultTargets(step)) {
          const place = this.resolve(target, step.frame);
          if (place) acquisitions.push({ place, kinds, managed, api: name, expr: target, step });
        }
      } else {
        const expr = argumentsOf(step.call)[api.resource];
        const place = expr ? this.resolve(expr, step.frame) : undefined;
        if (expr && place) acquisitions.push({ place, kinds, managed, api: name, expr, step });
      }
    }
    const events = { steps, acquisitions, callbacks };
    this.#probes.set(probe.node, events);
    return events;
  }

  /** Where a call's result is stored: the assigned member, the initialised local, and what that local is stored into next. */
  #resultTargets(step: Step): CNode[] {
    let n: CNode = step.call;
    while (n.parent && (n.parent.type === "parenthesized_expression" || n.parent.type === "cast_expression")) n = n.parent;
    const parent = n.parent;
    let local: string | undefined;
    const out: CNode[] = [];
    if (parent?.type === "assignment_expression" && n.field === "right") {
      const left = child(parent, "left");
      if (left) {
        out.push(left);
        if (left.type === "identifier") local = left.text;
      }
    } else if (parent?.type === "init_declarator" && n.field === "value") {
      const id = child(parent, "declarator");
      let d = id;
      while (d && d.type !== "identifier") d = child(d, "declarator");
      if (d) {
        out.push(d);
        local = d.text;
      }
    }
    // `buf = kzalloc(...); ... priv->buf = buf;`
    if (local) {
      for (const target of this.index.info(step.frame.fn).stores.get(local) ?? []) {
        if (target.type === "init_declarator") {
          let d = child(target, "declarator");
          while (d && d.type !== "identifier") d = child(d, "declarator");
          if (d) out.push(d);
        } else out.push(target);
      }
    }
    return out;
  }

  /** A managed registration whose object stays live until devres releases it. */
  isManagedRegistration(step: Step): boolean {
    const name = step.name;
    if (!name) return false;
    const api = acquireApi(name);
    if (MANAGED_ALLOCATIONS.has(name)) return false;
    if (api) return api.managed && isActiveKind(api.kinds);
    return isConventionallyManaged(name) && isConventionalManagedRegistration(name);
  }

  /**
   * Whether a work item is drained by devres: some queueing call of the file puts the work
   * (at `work`) on a workqueue that probe() allocated with a managed call.
   */
  queuedOnManagedWorkqueue(work: Place, probe: ProbeEvents): Place | undefined {
    for (const q of queueings(this.index)) {
      if (!q.queue) continue;
      const fn = this.index.enclosingFunction(q.call);
      if (!fn) continue;
      const frame = rootFrame(fn);
      const w = this.resolve(q.work, frame);
      if (!w || !(placeWithin(w, work) || placeWithin(work, w))) continue;
      const queue = this.resolve(q.queue, frame);
      if (!queue) continue;
      const managed = probe.acquisitions.some((a) => a.managed && a.kinds.includes("workqueue") && placeKey(a.place) === placeKey(queue));
      if (managed) return queue;
    }
    return undefined;
  }

  // ---- callbacks ---------------------------------------------------------------------------

  /**
   * The first expression a callback (and the file's helpers it calls) reads or writes
   * through whose place `accept` returns a value for; the callback's own assignments of the
   * exact place (`priv->buf = NULL`) are stores into the containing struct, not uses.
   */
  callbackUse<T>(frame: Frame, accept: (place: Place, node: CNode) => T | undefined): { expr: CNode; match: T } | undefined {
    const seen = new Set<string>();
    const frames: Frame[] = [frame];
    for (const step of this.steps(frame)) {
      const helper = step.name ? this.index.functions.get(step.name) : undefined;
      if (helper && step.frame.depth < MAX_DEPTH && !this.index.shadowedIn(step.frame.fn, step.name!)) frames.push(this.frameFor(step.call, helper, step.frame));
    }
    for (const f of frames) {
      if (seen.has(f.key) || !f.fn.body) continue;
      seen.add(f.key);
      const stack: CNode[] = [f.fn.body];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.type === "field_expression" || (n.type === "identifier" && n.text && this.index.globals.has(n.text) && !this.index.variable(f.fn, n.text))) {
          const place = this.resolve(n, f);
          const match = place ? accept(place, n) : undefined;
          if (match !== undefined && !isStoreTarget(n)) return { expr: n, match };
          if (match !== undefined) continue; // `priv->buf = ...`: look no deeper into the stored place
        }
        // dead code (`if (debug > 2 && 0) dev_dbg(...)`) uses nothing
        const dead = n.type === "if_statement" && isConstantFalse(child(n, "condition")) ? child(n, "consequence") : undefined;
        for (let i = n.children.length - 1; i >= 0; i--) if (n.children[i] !== dead) stack.push(n.children[i]!);
      }
    }
    return undefined;
  }
}

/** The kind of the release an expression is the released argument of (`clk_put(p->clk)`), if any. */
export function releasedKindAt(node: CNode): ResourceKind | undefined {
  let n: CNode = node;
  while (n.parent && (n.parent.type === "parenthesized_expression" || n.parent.type === "cast_expression")) n = n.parent;
  const list = n.parent;
  const call = list?.type === "argument_list" ? list.parent : undefined;
  const name = call?.type === "call_expression" ? calleeName(call) : undefined;
  const rel = name ? lookup(RELEASE, name) : undefined;
  if (!rel || !call) return undefined;
  return argumentsOf(call)[rel.resource] === n ? rel.kind : undefined;
}

/** The call a node is handed to (`f(x->obj)`, `f(&x->obj)`, through casts and parentheses), if any. */
export function callTakingArgument(node: CNode): CNode | undefined {
  let n: CNode = node;
  while (n.parent && (n.parent.type === "parenthesized_expression" || n.parent.type === "cast_expression" || (n.parent.type === "pointer_expression" && n.parent.operator === "&"))) n = n.parent;
  return n.parent?.type === "argument_list" && n.parent.parent?.type === "call_expression" ? n.parent.parent : undefined;
}

/** A condition that is always false: `0`, `false`, `(...)`, `!1`, an `&&` chain with such an operand. */
export function isConstantFalse(expr: CNode | undefined): boolean {
  if (!expr) return false;
  const e = stripParens(expr.type === "condition_clause" ? (child(expr, "value") ?? expr.children[0] ?? expr) : expr);
  if (e.type === "number_literal") return /^0+[uUlL]*$/.test(e.text ?? "");
  if (e.type === "false") return true;
  if (e.type === "binary_expression" && e.operator === "&&") return e.children.some((c) => isConstantFalse(c));
  return false;
}

/** `x->f = ...`: the node is the left side of a plain assignment. */
function isStoreTarget(node: CNode): boolean {
  return node.field === "left" && node.parent?.type === "assignment_expression" && node.parent.operator === "=";
}

/** The variable a call initialises or is assigned to (`T *p = call(...)`, `p = call(...)`). */
function initialisedName(call: CNode): string | undefined {
  let n: CNode = call;
  while (n.parent && (n.parent.type === "parenthesized_expression" || n.parent.type === "cast_expression")) n = n.parent;
  const parent = n.parent;
  if (parent?.type === "assignment_expression") {
    const left = child(parent, "left");
    return left?.type === "identifier" ? left.text : undefined;
  }
  if (parent?.type === "init_declarator") {
    let d = child(parent, "declarator");
    while (d && d.type !== "identifier") d = child(d, "declarator");
    return d?.text;
  }
  return undefined;
}

/** `work` -> ["work"], `dwork.work` -> ["dwork", "work"], `chan[0].work` -> ["chan", "work"]. */
function memberPath(node: CNode): string[] | undefined {
  const e = stripParens(node);
  if (e.type === "identifier" || e.type === "field_identifier") return e.text ? [e.text] : undefined;
  if (e.type === "field_expression") {
    const base = child(e, "argument");
    const field = child(e, "field")?.text;
    const head = base ? memberPath(base) : undefined;
    return head && field ? [...head, field] : undefined;
  }
  if (e.type === "subscript_expression") {
    const base = child(e, "argument");
    return base ? memberPath(base) : undefined;
  }
  return undefined;
}
