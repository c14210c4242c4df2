/**
 * values.ts (C): where a value comes from. C has no type checker and kernel APIs are global
 * names, so APIs are recognised by the vocabulary, but values are FOLLOWED:
 *   - locals and parameters through their assignments (the writes that reach the use: the last
 *     one that dominates it in its block, and every conditional one after that),
 *   - struct members by their struct type and path (`priv->irq`, `&priv->clk`,
 *     `priv->res.base`, `priv->ctx->buf` with the struct definitions of this file): every
 *     `p->x = ...`, designated initialiser and out-parameter `&p->x` of the file writes the
 *     same member of every object of that type (what probe stores in priv->buf is what remove
 *     reads back from its own priv),
 *   - `container_of(ptr, struct foo, member)`: the objects of struct foo the file allocates,
 *   - drvdata: a getter (`platform_get_drvdata(pdev)`) reads what the setters of the same
 *     driver stored (`platform_set_drvdata(pdev, priv)`),
 *   - the driver's helpers: a call of a function defined here is what its `return`s give
 *     (a helper that returns a devm allocation); a parameter of a helper that is only called
 *     (not used as a callback) is what its callers pass.
 * A value ends at a SOURCE: an acquisition (`devm_kzalloc(...)`, managed or not), a call the
 * analysis does not follow (`platform_get_irq(...)`), a member or parameter nobody in the file
 * writes (`client->irq`), an address (`&priv->adap`), NULL, or unknown.
 *
 * Resources identified by an argument (the IRQ number of devm_request_irq, the controller of
 * devm_spi_register_controller): `marks()` maps the source keys of each such argument to the
 * acquisitions that took it, so `free_irq(priv->irq, priv)` finds the devm_request_irq that
 * took the same number. The data of a devm action whose callback releases it
 * (`devm_add_action_or_reset(dev, foo_disable, priv->vdd)`, foo_disable calling
 * regulator_disable(data), or a release cast to the action type) is marked too (`action`).
 *
 * Invariant: memoised per node and per member key; cycles (`p = p->next`) and depth (>24) end
 * in an `unknown` source; a set larger than 64 sources collapses to `unknown`. Never throws.
 *
 * API
 *   getValues(unit)                 -> Values (memoised per unit)
 *   Values.sourcesOf(expr)          Source[] (deduplicated by key)
 *   Values.typeOf(expr)             TypeInfo | undefined (declared types, casts, struct fields)
 *   Values.memberKey(expr)          "foo_priv.res.base" for a member place of a known struct type
 *   Values.marks()                  source key -> Mark[] (acquisitions whose resource is an argument;
 *                                   devm actions that release their data: `action: true`)
 *   Values.memberSourcesAt(ptr, path) sources of a member of what `ptr` points at
 *   Values.objectsOfType(tag)       sources of the objects of a struct type the file stores in typed pointers
 *   callerArguments(unit, id)       a helper's parameter read at `id` as what each caller passes (the
 *                                   checks follow a registration or release into the callers with it)
 *   Source { key, type, node, api?, acquire?, managed }
 */
import {
  CONTAINER_OF,
  DEFERRED,
  DEVDATA_GET,
  DRVDATA_GET,
  DRVDATA_SET,
  PASS_THROUGH,
  acquireApi,
  isConventionallyManaged,
  lookup,
  releaseApi,
  type AcquireApi,
  type ResourceKind,
} from "../vocabulary/index.js";
import { argumentsOf, child, isNullValue, strip, stripParens, type CNode } from "./syntax.js";
import { driversReaching, reachedFrom } from "./drivers.js";
import type { TypeInfo, Unit, Variable, Write } from "./unit.js";

export type SourceType =
  | "acquire" // a vocabulary acquisition returning the resource, or a conventionally managed devm_ call
  | "call" // a call not followed (its result is opaque)
  | "out" // an out-parameter written by a call (`&x` argument)
  | "place" // a member, parameter or variable nobody in the file writes
  | "address" // `&place`
  | "function" // a function designator
  | "null"
  | "unknown";

export interface Source {
  /** identity for comparison: "call@<offset>", "place:foo_priv.irq", "addr:foo_priv.adap", ... */
  key: string;
  type: SourceType;
  node: CNode;
  /** the called API (acquire, call, out) */
  api?: string;
  acquire?: AcquireApi;
  /** released by devres (acquire sources and conventionally managed devm_ calls) */
  managed: boolean;
}

export interface Mark {
  call: CNode;
  api: string;
  acquire: AcquireApi;
  /** a devm action whose callback releases its data with this kind: devres releases it at unbind */
  action?: true;
}

const MAX_DEPTH = 24;
const MAX_SOURCES = 64;
const unknown = (node: CNode): Source => ({ key: "?", type: "unknown", node, managed: false });

function dedupe(list: Source[], node: CNode): Source[] {
  const seen = new Map<string, Source>();
  for (const s of list) if (!seen.has(s.key)) seen.set(s.key, s);
  if (seen.size > MAX_SOURCES) return [unknown(node)];
  return [...seen.values()];
}

export class Values {
  readonly unit: Unit;
  readonly #memo = new Map<CNode, Source[]>();
  readonly #memberMemo = new Map<string, Source[]>();
  readonly #visiting = new Set<CNode | string>();
  #memberIndex: Map<string, Write[]> | undefined;
  #marks: Map<string, Mark[]> | undefined;
  #objects = new Map<string, Source[]>();
  #depth = 0;
  /** set when a result was cut by a cycle: such results are not memoised */
  #cut = false;

  constructor(unit: Unit) {
    this.unit = unit;
  }

  // ---- types --------------------------------------------------------------------------

  typeOf(expr: CNode): TypeInfo | undefined {
    const e = stripParens(expr);
    switch (e.type) {
      case "identifier": {
        const b = this.unit.resolve(e);
        return b.kind === "local" || b.kind === "param" || b.kind === "global" ? b.variable.type : undefined;
      }
      case "cast_expression": {
        const td = child(e, "type");
        if (!td) return undefined;
        const tag = this.#tag(child(td, "type"));
        let pointer = 0;
        for (let d = child(td, "declarator"); d; d = child(d, "declarator") ?? d.children.find((c) => c.type.endsWith("declarator"))) if (d.type === "abstract_pointer_declarator") pointer++;
        return { tag, pointer };
      }
      case "field_expression": {
        const base = child(e, "argument");
        const field = child(e, "field")?.text;
        const bt = base ? this.typeOf(base) : undefined;
        if (!bt?.tag || !field) return undefined;
        const ft = this.unit.fieldTypes(bt.tag)?.get(field);
        return ft ? { tag: ft.tag && this.unit.typedefs.has(ft.tag) ? this.unit.typedefs.get(ft.tag) : ft.tag, pointer: ft.pointer } : undefined;
      }
      case "pointer_expression": {
        const a = child(e, "argument");
        const t = a ? this.typeOf(a) : undefined;
        if (!t) return undefined;
        return e.operator === "&" ? { tag: t.tag, pointer: t.pointer + 1 } : { tag: t.tag, pointer: Math.max(0, t.pointer - 1) };
      }
      case "subscript_expression": {
        const a = child(e, "argument");
        const t = a ? this.typeOf(a) : undefined;
        return t ? { tag: t.tag, pointer: Math.max(0, t.pointer - 1) } : undefined;
      }
      case "call_expression": {
        const name = this.unit.isKernelCall(e);
        if (name && CONTAINER_OF.has(name)) {
          const tag = this.#containerTag(e);
          return tag ? { tag, pointer: 1 } : undefined;
        }
        const f = child(e, "function");
        const b = f && stripParens(f).type === "identifier" ? this.unit.resolve(stripParens(f)) : undefined;
        return b?.kind === "function" ? b.fn.returnType : undefined;
      }
      default:
        return undefined;
    }
  }

  #tag(typeNode: CNode | undefined): string | undefined {
    if (!typeNode) return undefined;
    let tag: string | undefined;
    if (typeNode.type === "struct_specifier" || typeNode.type === "union_specifier") tag = child(typeNode, "name")?.text;
    else if (typeNode.type === "type_identifier") tag = typeNode.text;
    return tag && this.unit.typedefs.has(tag) ? this.unit.typedefs.get(tag) : tag;
  }

  /** `container_of(ptr, struct foo, member)`: "foo" (tree-sitter reads `struct foo` as `struct` + ERROR(foo), or a type). */
  #containerTag(call: CNode): string | undefined {
    const list = child(call, "arguments");
    if (!list) return undefined;
    const kids = list.children;
    for (let i = 1; i < kids.length; i++) {
      const k = kids[i]!;
      if (k.type === "type_descriptor") return this.#tag(child(k, "type"));
      if (k.type === "identifier" && k.text === "struct") {
        const next = kids[i + 1];
        const id = next?.type === "ERROR" ? next.children.find((c) => c.type === "identifier" || c.type === "type_identifier") : next;
        if (id?.text) return this.unit.typedefs.get(id.text) ?? id.text;
      }
    }
    // container_of(ptr, foo_t, member): a typedef name reads as an identifier; the language's
    // pre-pass reads a type argument `struct foo` as one identifier whose text is "struct foo"
    const second = kids[1];
    if (second?.type === "identifier" && second.text && second.text !== "struct") {
      const name = second.text.split(/\s+/).filter((w) => w !== "struct" && w !== "union" && w !== "const").pop();
      return name ? (this.unit.typedefs.get(name) ?? name) : undefined;
    }
    return undefined;
  }

  // ---- member keys ------------------------------------------------------------------------

  /**
   * The identity of a member place, by struct type and path: `priv->res.base` with `struct
   * foo_priv *priv` -> "foo_priv.res.base"; `priv->ctx->buf` -> "foo_ctx.buf" when this file
   * defines struct foo_priv's `ctx` as a `struct foo_ctx *`. Undefined when no struct type is
   * known on the way.
   */
  memberKey(expr: CNode): string | undefined {
    const e = stripParens(expr);
    const path: string[] = [];
    let n = e;
    for (let guard = 0; guard < 32; guard++) {
      n = stripParens(n);
      if (n.type === "field_expression") {
        const field = child(n, "field")?.text;
        const base = child(n, "argument");
        if (!field || !base) return undefined;
        // The type of the base, when known, names the place from here on.
        const bt = this.typeOf(base);
        if (bt?.tag && (n.operator === "->" ? bt.pointer === 1 : bt.pointer === 0)) return [bt.tag, field, ...path].join(".");
        path.unshift(field);
        n = base;
      } else if (n.type === "subscript_expression") {
        path.unshift("[]");
        const a = child(n, "argument");
        if (!a) return undefined;
        n = a;
      } else return undefined;
    }
    return undefined;
  }

  #memberWrites(key: string): Write[] {
    if (!this.#memberIndex) {
      const index = new Map<string, Write[]>();
      for (const w of this.unit.memberWrites) {
        let key: string | undefined;
        if (w.member) key = w.member.tag ? [w.member.tag, ...w.member.path].join(".") : undefined;
        else key = this.memberKey(w.target);
        if (!key) continue;
        const list = index.get(key);
        if (list) list.push(w);
        else index.set(key, [w]);
      }
      this.#memberIndex = index;
    }
    return this.#memberIndex.get(key) ?? [];
  }

  // ---- sources ----------------------------------------------------------------------------

  sourcesOf(expr: CNode): Source[] {
    const e = stripParens(expr);
    const memo = this.#memo.get(e);
    if (memo) return memo;
    if (this.#visiting.has(e) || this.#depth > MAX_DEPTH) {
      this.#cut = true;
      return [unknown(e)];
    }
    this.#visiting.add(e);
    this.#depth++;
    const outerCut = this.#cut;
    this.#cut = false;
    let result: Source[];
    try {
      result = dedupe(this.#compute(e), e);
    } catch {
      result = [unknown(e)];
    } finally {
      this.#depth--;
      this.#visiting.delete(e);
    }
    if (!this.#cut) this.#memo.set(e, result);
    this.#cut = this.#cut || outerCut;
    return result;
  }

  #compute(e: CNode): Source[] {
    if (isNullValue(e)) return [{ key: "null", type: "null", node: e, managed: false }];
    switch (e.type) {
      case "cast_expression": {
        const v = child(e, "value");
        return v ? this.sourcesOf(v) : [unknown(e)];
      }
      case "conditional_expression": {
        const out: Source[] = [];
        const cons = child(e, "consequence");
        // GNU `a ?: b`: the condition is the value when true
        out.push(...this.sourcesOf(cons ?? child(e, "condition") ?? e));
        const alt = child(e, "alternative");
        if (alt) out.push(...this.sourcesOf(alt));
        return out;
      }
      case "comma_expression": {
        const r = child(e, "right");
        return r ? this.sourcesOf(r) : [unknown(e)];
      }
      case "assignment_expression": {
        const r = child(e, "right");
        return r && e.operator === "=" ? this.sourcesOf(r) : [unknown(e)];
      }
      case "call_expression":
        return this.#callSources(e);
      case "identifier":
        return this.#identifierSources(e);
      case "field_expression":
      case "subscript_expression":
        return this.#memberSources(e);
      case "pointer_expression": {
        const a = child(e, "argument");
        if (!a) return [unknown(e)];
        if (e.operator === "&") {
          const inner = stripParens(a);
          if (inner.type === "identifier") {
            const b = this.unit.resolve(inner);
            if (b.kind === "function") return [{ key: `fn:${b.fn.name}`, type: "function", node: e, managed: false }];
            if (b.kind === "local" || b.kind === "param" || b.kind === "global") return [{ key: `addr:var@${b.variable.id.range[0]}`, type: "address", node: e, managed: false }];
            return [{ key: `addr:ext:${inner.text}`, type: "address", node: e, managed: false }];
          }
          const key = this.memberKey(inner);
          return key ? [{ key: `addr:${key}`, type: "address", node: e, managed: false }] : [unknown(e)];
        }
        return [unknown(e)];
      }
      default:
        return [unknown(e)];
    }
  }

  #callSources(call: CNode): Source[] {
    const fnNode = child(call, "function");
    const callee = fnNode ? stripParens(fnNode) : undefined;
    if (callee?.type !== "identifier" || !callee.text) return [{ key: `call@${call.range[0]}`, type: "call", node: call, managed: false }];
    const b = this.unit.resolve(callee);
    const name = callee.text;
    if (b.kind === "function") {
      // A helper of this file: what its returns give.
      const fn = b.fn;
      const values = fn.returns.map((r) => r.children[0]).filter((v): v is CNode => v !== undefined);
      if (values.length === 0) return [{ key: `call@${call.range[0]}`, type: "call", node: call, api: name, managed: false }];
      return values.flatMap((v) => this.sourcesOf(v));
    }
    if (b.kind !== "external") return [{ key: `call@${call.range[0]}`, type: "call", node: call, managed: false }];
    const acquire = acquireApi(name);
    if (acquire?.resource === "return") return [{ key: `call@${call.range[0]}`, type: "acquire", node: call, api: name, acquire, managed: acquire.managed }];
    if (!acquire && isConventionallyManaged(name)) return [{ key: `call@${call.range[0]}`, type: "acquire", node: call, api: name, managed: true }];
    const args = argumentsOf(call);
    const through = lookup(PASS_THROUGH, name);
    if (through !== undefined) return args[through] ? this.sourcesOf(args[through]!) : [unknown(call)];
    if (CONTAINER_OF.has(name)) {
      const tag = this.#containerTag(call);
      const objects = tag ? this.objectsOfType(tag) : [];
      return objects.length > 0 ? objects : [{ key: tag ? `objects:${tag}` : `call@${call.range[0]}`, type: "place", node: call, managed: false }];
    }
    if (lookup(DRVDATA_GET, name)) return this.#drvdataSources(call);
    const devdata = lookup(DEVDATA_GET, name);
    if (devdata) {
      // the private area of a subsystem object lives and dies with the object
      const obj = args[devdata.object];
      return obj ? this.sourcesOf(obj).map((s) => ({ ...s, key: `${s.key}#priv`, type: "place" as const, managed: false })) : [unknown(call)];
    }
    return [{ key: `call@${call.range[0]}`, type: "call", node: call, api: name, managed: false }];
  }

  /** What the drvdata setters reached by the same driver(s) stored. */
  #drvdataSources(getter: CNode): Source[] {
    const unit = this.unit;
    const here = unit.functionOf(getter);
    const drivers = here ? driversReaching(unit, here) : [];
    // One answer per set of drivers (a file asks it from every remove and callback).
    const memoKey = `drvdata:${drivers.map((d) => d.name).join(",")}`;
    const memo = this.#memberMemo.get(memoKey);
    if (memo) return memo;
    const scope = drivers.length > 0 ? reachedFrom(unit, drivers.flatMap((d) => [...d.probe, ...d.remove, ...d.shutdown, ...d.pm])) : undefined;
    const outerCut = this.#cut;
    this.#cut = false;
    const result = dedupe(this.#drvdataStores(scope), getter);
    if (!this.#cut) this.#memberMemo.set(memoKey, result);
    this.#cut = this.#cut || outerCut;
    return result;
  }

  #drvdataStores(scope: Set<unknown> | undefined): Source[] {
    const unit = this.unit;
    const getter = unit.root;
    const out: Source[] = [];
    for (const call of unit.calls) {
      const name = unit.isKernelCall(call);
      const set = name ? lookup(DRVDATA_SET, name) : undefined;
      if (!set) continue;
      const fn = unit.functionOf(call);
      if (scope && fn && !scope.has(fn)) continue;
      const data = argumentsOf(call)[set.data];
      if (data) out.push(...this.sourcesOf(data));
    }
    return out.length > 0 ? out : [{ key: "drvdata", type: "place", node: getter, managed: false }];
  }

  #identifierSources(id: CNode): Source[] {
    const b = this.unit.resolve(id);
    switch (b.kind) {
      case "function":
        return [{ key: `fn:${b.fn.name}`, type: "function", node: id, managed: false }];
      case "macro":
      case "external":
        return [{ key: `ext:${id.text}`, type: "place", node: id, managed: false }];
      case "global":
        return this.#fromWrites(b.variable, this.unit.writesTo(b.variable), id);
      case "local":
      case "param":
        return this.#fromWrites(b.variable, reachingWrites(this.unit.writesTo(b.variable), id), id);
    }
  }

  #fromWrites(v: Variable, writes: readonly Write[], use: CNode): Source[] {
    const out: Source[] = [];
    for (const w of writes) out.push(...this.#writeSources(w));
    if (v.kind === "param" && (writes.length === 0 || !dominated(writes, use))) out.push(...this.#paramSources(v));
    if (out.length === 0) out.push({ key: `place:var@${v.id.range[0]}`, type: "place", node: v.id, managed: false });
    return out;
  }

  #writeSources(w: Write): Source[] {
    if (w.kind === "out") {
      const call = w.call!;
      const name = this.unit.isKernelCall(call);
      const acquire = name ? acquireApi(name) : undefined;
      if (acquire && acquire.resource === w.argIndex) return [{ key: `call@${call.range[0]}`, type: "acquire", node: call, api: name!, acquire, managed: acquire.managed }];
      return [{ key: `out@${call.range[0]}:${w.argIndex}`, type: "out", node: call, ...(name ? { api: name } : {}), managed: false }];
    }
    return w.value ? this.sourcesOf(w.value) : [unknown(w.node)];
  }

  /** A parameter of a helper only called here is what its callers pass; otherwise it is its own place. */
  #paramSources(p: Variable): Source[] {
    const fn = p.fn!;
    const callers = this.unit.callersOf(fn);
    if (callers.length === 0 || this.unit.addressTaken(fn)) return [{ key: `place:param:${fn.name}:${p.index}`, type: "place", node: p.id, managed: false }];
    const out: Source[] = [];
    for (const c of callers) {
      const arg = argumentsOf(c)[p.index ?? -1];
      out.push(...(arg ? this.sourcesOf(arg) : [unknown(c)]));
    }
    return out;
  }

  /** Sources of the member `path` of what `pointer` points at (`&hw->bitbang` + ["master"]). */
  memberSourcesAt(pointer: CNode, path: readonly string[]): Source[] {
    const p = stripParens(pointer);
    let key: string | undefined;
    if (p.type === "pointer_expression" && p.operator === "&") {
      const obj = child(p, "argument");
      const t = obj ? this.typeOf(obj) : undefined;
      const base = t?.tag && t.pointer === 0 ? t.tag : obj ? this.memberKey(obj) : undefined;
      key = base ? [base, ...path].join(".") : undefined;
    } else {
      const t = this.typeOf(p);
      key = t?.tag && t.pointer === 1 ? [t.tag, ...path].join(".") : undefined;
    }
    return key ? this.#sourcesOfKey(key, p) : [unknown(p)];
  }

  #memberSources(e: CNode): Source[] {
    const key = this.memberKey(e);
    if (!key) {
      // No struct type known: a member of whatever the base is.
      const base = child(e, "argument");
      const field = e.type === "field_expression" ? child(e, "field")?.text : "[]";
      if (!base || !field) return [unknown(e)];
      const bases = this.sourcesOf(base);
      if (bases.some((s) => s.type === "unknown")) return [unknown(e)];
      return bases.map((s) => ({ key: `place:${s.key}.${field}`, type: "place" as const, node: e, managed: false }));
    }
    return this.#sourcesOfKey(key, e);
  }

  #sourcesOfKey(key: string, e: CNode): Source[] {
    const memo = this.#memberMemo.get(key);
    if (memo) return memo;
    if (this.#visiting.has(key)) {
      this.#cut = true;
      return [unknown(e)];
    }
    this.#visiting.add(key);
    const outerCut = this.#cut;
    this.#cut = false;
    let result: Source[];
    try {
      const writes = this.#memberWrites(key);
      const out: Source[] = [];
      for (const w of writes) out.push(...this.#writeSources(w));
      if (out.length === 0) out.push({ key: `place:${key}`, type: "place", node: e, managed: false });
      result = dedupe(out, e);
    } finally {
      this.#visiting.delete(key);
    }
    if (!this.#cut) this.#memberMemo.set(key, result);
    this.#cut = this.#cut || outerCut;
    return result;
  }

  /**
   * The objects of `struct tag` this file keeps: the sources of every value stored in a
   * variable or member declared `struct tag *`. What `container_of(..., struct tag, ...)` may be.
   */
  objectsOfType(tag: string): Source[] {
    const memo = this.#objects.get(tag);
    if (memo) return memo;
    if (this.#visiting.has(`objects:${tag}`)) {
      this.#cut = true;
      return [];
    }
    this.#visiting.add(`objects:${tag}`);
    const out: Source[] = [];
    try {
      const vars = this.unit.variables;
      for (const v of vars) {
        if (v.type.tag !== tag || v.type.pointer !== 1) continue;
        for (const w of this.unit.writesTo(v)) for (const s of this.#writeSources(w)) if (s.type === "acquire") out.push(s);
      }
    } finally {
      this.#visiting.delete(`objects:${tag}`);
    }
    const result = dedupe(out, this.unit.root);
    this.#objects.set(tag, result);
    return result;
  }

  // ---- marks ------------------------------------------------------------------------------

  /** Source key -> the acquisitions (managed or not) whose resource argument has that source. */
  marks(): Map<string, Mark[]> {
    if (this.#marks) return this.#marks;
    const marks = new Map<string, Mark[]>();
    for (const call of this.unit.calls) {
      const name = this.unit.isKernelCall(call);
      const acquire = name ? acquireApi(name) : undefined;
      if (!acquire || acquire.resource === "return") continue;
      const arg = argumentsOf(call)[acquire.resource];
      if (!arg) continue;
      for (const s of acquire.member ? this.memberSourcesAt(arg, acquire.member) : this.sourcesOf(arg)) {
        if (s.type === "unknown" || s.type === "null") continue;
        const list = marks.get(s.key);
        const m: Mark = { call, api: name!, acquire };
        if (list) list.push(m);
        else marks.set(s.key, [m]);
      }
    }
    // devm_add_action_or_reset(dev, foo_disable, priv->vdd) with foo_disable(data) calling
    // regulator_disable(data): devres releases priv->vdd (regulator-enable) at unbind.
    for (const call of this.unit.calls) {
      const name = this.unit.isKernelCall(call);
      const spec = name ? lookup(DEFERRED, name) : undefined;
      if (!spec || spec.kind !== "action" || !spec.managed || spec.data === undefined) continue;
      const args = argumentsOf(call);
      const cbArg = args[spec.callbacks[0] ?? -1];
      const data = args[spec.data];
      const cb = cbArg ? strip(cbArg) : undefined;
      const b = cb?.type === "identifier" ? this.unit.resolve(cb) : undefined;
      if (!data || !b) continue;
      // the action is a kernel release itself, cast to the action type:
      // devm_add_action_or_reset(dev, (void (*)(void *))clk_disable_unprepare, clk)
      const direct = b.kind === "external" ? releaseApi(b.name) : undefined;
      if (b.kind !== "function" && !(direct && !direct.managedRelease && direct.resource === 0)) continue;
      const kinds = b.kind === "function" ? this.#releasedParamKinds(b.fn.name, b.fn.calls) : [direct!.kind];
      if (kinds.length === 0) continue;
      const acquire: AcquireApi = { kinds, managed: true, resource: spec.data };
      for (const s of this.sourcesOf(data)) {
        if (s.type === "unknown" || s.type === "null") continue;
        const m: Mark = { call, api: name!, acquire, action: true };
        const list = marks.get(s.key);
        if (list) list.push(m);
        else marks.set(s.key, [m]);
      }
    }
    this.#marks = marks;
    return marks;
  }

  /** The kinds a callback releases its first parameter (the action's data) with. */
  #releasedParamKinds(fnName: string, calls: readonly CNode[]): ResourceKind[] {
    const key = `place:param:${fnName}:0`;
    const kinds: ResourceKind[] = [];
    for (const call of calls) {
      const name = this.unit.isKernelCall(call);
      const release = name ? releaseApi(name) : undefined;
      const arg = release && !release.managedRelease ? argumentsOf(call)[release.resource] : undefined;
      if (!arg) continue;
      const srcs = this.sourcesOf(arg);
      if (srcs.length > 0 && srcs.every((x) => x.key === key) && !kinds.includes(release!.kind)) kinds.push(release!.kind);
    }
    return kinds;
  }
}

/** The writes of a variable that can reach `use`: the last dominating one before it and every later one. */
export function reachingWrites(writes: readonly Write[], use: CNode): readonly Write[] {
  const before = writes.filter((w) => w.node.range[1] <= use.range[0]);
  if (before.length === 0) return writes.filter((w) => !(w.node.range[0] <= use.range[0] && use.range[1] <= w.node.range[1]));
  const out: Write[] = [];
  for (let i = before.length - 1; i >= 0; i--) {
    const w = before[i]!;
    out.push(w);
    if (dominates(w, use)) break;
  }
  return out;
}

/**
 * The parameter read at `id` as what each caller passes: the helper's name and, per call of it,
 * the argument at the parameter's position (undefined when the call passes none). Undefined when
 * `id` is not such a read: not a parameter, a helper never called here or also named as a
 * callback (callers this file does not show), or a parameter written before `id`.
 */
export function callerArguments(unit: Unit, id: CNode): { helper: string; calls: Array<{ call: CNode; arg: CNode | undefined }> } | undefined {
  if (id.type !== "identifier") return undefined;
  const b = unit.resolve(id);
  if (b.kind !== "param") return undefined;
  const fn = b.variable.fn!;
  const callers = unit.callersOf(fn);
  if (callers.length === 0 || unit.addressTaken(fn) || reachingWrites(unit.writesTo(b.variable), id).length > 0) return undefined;
  return { helper: fn.name, calls: callers.map((call) => ({ call, arg: argumentsOf(call)[b.variable.index ?? -1] })) };
}

function dominated(writes: readonly Write[], use: CNode): boolean {
  return writes.some((w) => w.node.range[1] <= use.range[0] && dominates(w, use));
}

/** The write's statement sits directly in a block that also holds the use (straight-line before it). */
function dominates(w: Write, use: CNode): boolean {
  let stmt: CNode | null = w.node;
  while (stmt && stmt.parent && stmt.parent.type !== "compound_statement" && stmt.parent.type !== "function_definition") {
    const p: CNode = stmt.parent;
    // a write inside a condition or a loop header still runs whenever the statement does
    if (p.type === "if_statement" && stmt.field !== "condition") return false;
    if ((p.type === "while_statement" || p.type === "for_statement" || p.type === "do_statement") && stmt.field === "body") return false;
    if (p.type === "conditional_expression" && stmt.field !== "condition") return false;
    if (p.type === "binary_expression" && (p.operator === "&&" || p.operator === "||") && stmt.field === "right") return false;
    if (p.type === "case_statement" || p.type === "preproc_ifdef" || p.type === "preproc_if" || p.type === "preproc_else" || p.type === "preproc_elif") return false;
    stmt = p;
  }
  const block = stmt?.parent;
  if (!block) return false;
  return block.range[0] <= use.range[0] && use.range[1] <= block.range[1];
}

const values = new WeakMap<Unit, Values>();

export function getValues(unit: Unit): Values {
  let v = values.get(unit);
  if (!v) values.set(unit, (v = new Values(unit)));
  return v;
}

export { strip };
