/**
 * tu-index.ts (C): the view of a translation unit the teardown analysis (teardown.ts,
 * callbacks.ts) asks about, built on unit.ts's one walk (no second walk of the file):
 * function definitions by name (inside `#ifdef` blocks too) with their parameters, every call
 * in file order, the values given to each struct field (designated initialisers and member
 * assignments), file-scope variables, the structs the file defines, and per function its
 * locals (with their initialiser and assignments), the places each local is stored into
 * (`priv->buf = buf`), its return values and its own calls in source order.
 *
 * Invariant: one FileIndex per translation_unit (memoised on the node); per-function tables
 * are built on first use from unit.ts's variables and writes, so a file costs what unit.ts
 * costs plus the functions the analysis visits. A name a function, global or `#define` of
 * the file carries is not the kernel API (`shadows`). Never throws on ERROR subtrees.
 */
import type { CNode } from "@devbound/eslint-language-c";
import { argumentsOf, calleeName, child, declaredName, functionNameOf, stripParens } from "./syntax.js";
import { getUnit, type CFunction, type Unit, type Variable as UnitVariable } from "./unit.js";

export { argumentsOf, calleeName, child, declaredName, functionNameOf, stripParens };

export interface Variable {
  name: string;
  /** The declaring identifier. */
  id: CNode;
  /** The struct/union tag of its type (typedefs resolved), pointer or not, e.g. "foo_priv". */
  structType: string | undefined;
  /** The initialiser (locals and globals). */
  init: CNode | undefined;
}

export interface FunctionDef {
  name: string;
  node: CNode;
  body: CNode | undefined;
  /** By position; undefined for an unnamed parameter. */
  params: (Variable | undefined)[];
  fn: CFunction;
}

export interface FunctionInfo {
  /** The first declaration of each local name. */
  locals: Map<string, Variable>;
  /** Values assigned (`name = value`) to each local, in source order. */
  assignments: Map<string, CNode[]>;
  /** Calls of the body in source order (outer call before the calls in its arguments). */
  calls: CNode[];
  /** Where each local is stored (`x->m = local`: the field_expression; `T v = local`, `v = local`: v's identifier). */
  stores: Map<string, CNode[]>;
  /** The values of the return statements. */
  returns: CNode[];
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export class FileIndex {
  readonly root: CNode;
  /** The source text the node ranges index into. */
  readonly text: string;
  readonly unit: Unit;
  readonly functions = new Map<string, FunctionDef>();
  readonly globals = new Map<string, Variable>();
  readonly #byFunction = new Map<CFunction, FunctionDef>();
  readonly #vars = new Map<UnitVariable, Variable>();
  readonly #localsOf = new Map<CNode, UnitVariable[]>();
  readonly #fieldValues = new Map<string, CNode[]>();
  readonly #infos = new Map<CNode, FunctionInfo>();
  readonly #memo = new Map<string, unknown>();

  constructor(root: CNode, text: string) {
    this.root = root;
    this.text = text;
    this.unit = getUnit(root);
    for (const [name, fn] of this.unit.functions) {
      const params: (Variable | undefined)[] = [];
      for (const p of fn.params) if (p.index !== undefined) params[p.index] = this.#variable(p);
      const def: FunctionDef = { name, node: fn.node, body: fn.body, params, fn };
      this.functions.set(name, def);
      this.#byFunction.set(fn, def);
    }
    for (const [name, g] of this.unit.globals) this.globals.set(name, this.#variable(g));
    for (const v of this.unit.variables) if (v.kind === "local" && v.fn) push(this.#localsOf, v.fn.node, v);
    for (const w of this.unit.memberWrites) {
      if (w.kind === "out" || !w.value) continue;
      const field = w.member ? w.member.path[w.member.path.length - 1] : w.target.type === "field_expression" ? child(w.target, "field")?.text : undefined;
      if (field) push(this.#fieldValues, field, w.value);
    }
  }

  #variable(v: UnitVariable): Variable {
    let out = this.#vars.get(v);
    if (!out) {
      const init = this.unit.writesTo(v).find((w) => w.kind === "init")?.value;
      out = { name: v.name, id: v.id, structType: v.type.tag, init };
      this.#vars.set(v, out);
    }
    return out;
  }

  /** The values a file-scope variable is initialised or assigned with, anywhere in the file. */
  globalValues(name: string): CNode[] {
    const g = this.unit.globals.get(name);
    return g ? this.unit.writesTo(g).flatMap((w) => (w.value && w.kind !== "out" ? [w.value] : [])) : [];
  }

  /** The file defines this struct or union (by tag, or by a typedef of a tagged one). */
  definesStruct(name: string | undefined): boolean {
    if (!name) return false;
    return this.unit.fieldTypes(this.unit.typedefs.get(name) ?? name) !== undefined;
  }

  /** Every call of the file, in file order. */
  get calls(): readonly CNode[] {
    return this.unit.calls;
  }

  /** The values assigned or designated-initialised to any struct's field `field` in this file. */
  fieldValues(field: string): readonly CNode[] {
    return this.#fieldValues.get(field) ?? [];
  }

  /** A function, file-scope variable or `#define` of this file carries this name (so it is not the kernel API). */
  shadows(name: string): boolean {
    return this.unit.functions.has(name) || this.unit.globals.has(name) || this.unit.macros.has(name);
  }

  /** Per-file memo for derived tables. */
  memo<T>(key: string, compute: () => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute();
    this.#memo.set(key, value);
    return value;
  }

  /** Locals, their assignments and stores, returns and own calls of a function (memoised). */
  info(fn: FunctionDef): FunctionInfo {
    let info = this.#infos.get(fn.node);
    if (info) return info;
    info = { locals: new Map(), assignments: new Map(), calls: fn.fn.calls, stores: new Map(), returns: [] };
    const locals = this.#localsOf.get(fn.node) ?? [];
    const names = new Set<string>();
    for (const v of locals) {
      if (!info.locals.has(v.name)) info.locals.set(v.name, this.#variable(v));
      names.add(v.name);
      for (const w of this.unit.writesTo(v)) {
        if (w.kind === "assign" && w.value) push(info.assignments, v.name, w.value);
        const value = w.value ? stripParens(w.value) : undefined;
        if (value?.type === "identifier" && value.text && value.text !== v.name) push(info.stores, value.text, v.id);
      }
    }
    for (const w of this.unit.memberWrites) {
      if (w.fn !== fn.fn || w.kind !== "assign" || !w.value) continue;
      const value = stripParens(w.value);
      if (value.type === "identifier" && value.text) push(info.stores, value.text, w.target);
    }
    for (const r of fn.fn.returns) {
      const value = r.children[0];
      if (value) info.returns.push(value);
    }
    this.#infos.set(fn.node, info);
    return info;
  }

  /** A local (first declaration of the name) or parameter of `fn` named `name`; param is its index, -1 for a local. */
  variable(fn: FunctionDef, name: string): { variable: Variable; param: number } | undefined {
    const local = this.info(fn).locals.get(name);
    if (local) return { variable: local, param: -1 };
    const i = fn.params.findIndex((p) => p?.name === name);
    if (i >= 0) return { variable: fn.params[i]!, param: i };
    return undefined;
  }

  /** `name` called in `fn` is a local or parameter (a function pointer), not the global function. */
  shadowedIn(fn: FunctionDef, name: string): boolean {
    return this.variable(fn, name) !== undefined;
  }

  /** The function definition enclosing a node. */
  enclosingFunction(node: CNode): FunctionDef | undefined {
    const fn = this.unit.functionOf(node);
    return fn ? this.#byFunction.get(fn) : undefined;
  }
}

const indexes = new WeakMap<CNode, FileIndex>();

/** The (memoised) index of a translation unit. */
export function fileIndex(root: CNode, text: string): FileIndex {
  let index = indexes.get(root);
  if (!index) {
    index = new FileIndex(root, text);
    indexes.set(root, index);
  }
  return index;
}
