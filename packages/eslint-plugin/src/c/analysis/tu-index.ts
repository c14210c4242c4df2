/**
 * tu-index.ts (C): one walk of a translation unit, indexing what the teardown analysis asks
 * about again and again: function definitions by name (inside `#ifdef` blocks too), every
 * call in file order, the values given to each struct field (designated initialisers and
 * member assignments), file-scope variables, the structs the file defines, and per function
 * its parameters, locals and own calls in source order.
 *
 * Invariant: built once per file (memoised on the translation_unit node), linear in its
 * size; never throws on ERROR subtrees (they are walked like any node, and what they hold
 * is simply not recognised).
 */
import type { CNode } from "@devbound/eslint-language-c";
import { argumentsOf, calleeName, child, declaredName, functionNameOf, stripParens, typeTag } from "./syntax.js";

export interface Variable {
  name: string;
  /** init_declarator / parameter_declaration / declaration holding it */
  declarator: CNode;
  /** The `struct x` / typedef name of its type when it is a struct (pointer or not), e.g. "foo_priv". */
  structType: string | undefined;
  /** The initialiser (locals and globals). */
  init: CNode | undefined;
}

export interface FunctionDef {
  name: string;
  node: CNode;
  body: CNode | undefined;
  params: (Variable | undefined)[];
}

export interface FunctionInfo {
  locals: Map<string, Variable>;
  /** Assignments `name = value` to each local, in source order. */
  assignments: Map<string, CNode[]>;
  /** Calls of the body in source order (outer call before the calls in its arguments). */
  calls: CNode[];
  /** `x = local` and `T x = local` stores of each local into another place, in source order (the left side / declarator). */
  stores: Map<string, CNode[]>;
  /** return statements' values. */
  returns: CNode[];
}

export { argumentsOf, calleeName, child, declaredName, functionNameOf, stripParens };

const structNameOf = typeTag;

function variablesOfDeclaration(decl: CNode): Variable[] {
  const structType = structNameOf(child(decl, "type"));
  const out: Variable[] = [];
  for (const d of decl.children) {
    if (d.field !== "declarator") continue;
    const id = declaredName(d);
    if (!id?.text) continue;
    if (d.type === "function_declarator") continue; // a prototype, not a variable
    const init = d.type === "init_declarator" ? child(d, "value") : undefined;
    out.push({ name: id.text, declarator: d, structType, init });
  }
  return out;
}

function paramsOf(fn: CNode): (Variable | undefined)[] {
  let d = child(fn, "declarator");
  for (let guard = 0; d && d.type !== "function_declarator" && guard < 8; guard++) d = child(d, "declarator");
  const list = d ? child(d, "parameters") : undefined;
  if (!list) return [];
  return list.children
    .filter((p) => p.type === "parameter_declaration" || p.type === "variadic_parameter")
    .map((p) => {
      const id = declaredName(child(p, "declarator"));
      return id?.text ? { name: id.text, declarator: p, structType: structNameOf(child(p, "type")), init: undefined } : undefined;
    });
}

export class FileIndex {
  readonly root: CNode;
  /** The source text the node ranges index into. */
  readonly text: string;
  readonly functions = new Map<string, FunctionDef>();
  readonly globals = new Map<string, Variable>();
  /** Structs and unions defined (with a body) in this file, and typedef names of such. */
  readonly structs = new Set<string>();
  readonly calls: CNode[] = [];
  readonly #fieldValues = new Map<string, CNode[]>();
  readonly #infos = new Map<CNode, FunctionInfo>();
  readonly #memo = new Map<string, unknown>();

  constructor(root: CNode, text: string) {
    this.root = root;
    this.text = text;
    const stack: CNode[] = [root];
    while (stack.length > 0) {
      const n = stack.pop()!;
      switch (n.type) {
        case "function_definition": {
          const name = functionNameOf(n);
          if (name && !this.functions.has(name)) this.functions.set(name, { name, node: n, body: child(n, "body"), params: paramsOf(n) });
          break;
        }
        case "declaration":
          if (n.parent && this.#fileScope(n)) for (const v of variablesOfDeclaration(n)) if (!this.globals.has(v.name)) this.globals.set(v.name, v);
          break;
        case "struct_specifier":
        case "union_specifier": {
          const name = child(n, "name")?.text;
          if (name && child(n, "body")) this.structs.add(name);
          break;
        }
        case "type_definition": {
          const type = child(n, "type");
          if (type && child(type, "body")) {
            const alias = declaredName(child(n, "declarator"));
            if (alias?.text) this.structs.add(alias.text);
          }
          break;
        }
        case "call_expression":
          this.calls.push(n);
          break;
        case "initializer_pair": {
          const designator = n.children.find((c) => c.field === "designator");
          const value = child(n, "value");
          if (designator?.type === "field_designator" && value) {
            const name = designator.children[0]?.text;
            if (name) this.#addFieldValue(name, value);
          }
          break;
        }
        case "assignment_expression": {
          const left = child(n, "left");
          const right = child(n, "right");
          if (left?.type === "field_expression" && right && n.operator === "=") {
            const name = child(left, "field")?.text;
            if (name) this.#addFieldValue(name, right);
          }
          break;
        }
      }
      for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
    }
    // the walk pops in source order for siblings, so `calls` is in file order
  }

  #fileScope(decl: CNode): boolean {
    for (let p = decl.parent; p; p = p.parent) if (p.type === "function_definition") return false;
    return true;
  }

  #addFieldValue(field: string, value: CNode): void {
    const list = this.#fieldValues.get(field);
    if (list) list.push(value);
    else this.#fieldValues.set(field, [value]);
  }

  /** The values assigned or designated-initialised to any struct's field `field` in this file. */
  fieldValues(field: string): CNode[] {
    return this.#fieldValues.get(field) ?? [];
  }

  /** A function or file-scope variable of this file carries this name (so it is not the kernel API). */
  shadows(name: string): boolean {
    return this.functions.has(name) || this.globals.has(name);
  }

  /** Per-file memo for derived tables. */
  memo<T>(key: string, compute: () => T): T {
    if (this.#memo.has(key)) return this.#memo.get(key) as T;
    const value = compute();
    this.#memo.set(key, value);
    return value;
  }

  /** Locals, their assignments, and the own calls of a function, in source order (memoised). */
  info(fn: FunctionDef): FunctionInfo {
    let info = this.#infos.get(fn.node);
    if (info) return info;
    info = { locals: new Map(), assignments: new Map(), calls: [], stores: new Map(), returns: [] };
    const store = (name: string | undefined, target: CNode): void => {
      if (!name) return;
      const list = info!.stores.get(name);
      if (list) list.push(target);
      else info!.stores.set(name, [target]);
    };
    if (fn.body) {
      const stack: CNode[] = [fn.body];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.type === "declaration") for (const v of variablesOfDeclaration(n)) if (!info.locals.has(v.name)) info.locals.set(v.name, v);
        if (n.type === "call_expression") info.calls.push(n);
        if (n.type === "assignment_expression" && n.operator === "=") {
          const left = child(n, "left");
          const right = child(n, "right");
          if (left?.type === "identifier" && left.text && right) {
            const list = info.assignments.get(left.text);
            if (list) list.push(right);
            else info.assignments.set(left.text, [right]);
          }
          const value = right ? stripParens(right) : undefined;
          if (left && value?.type === "identifier") store(value.text, left);
        }
        if (n.type === "init_declarator") {
          const value = child(n, "value");
          const v = value ? stripParens(value) : undefined;
          if (v?.type === "identifier") store(v.text, n);
        }
        if (n.type === "return_statement" && n.children[0]) info.returns.push(n.children[0]);
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
      }
    }
    this.#infos.set(fn.node, info);
    return info;
  }

  /** A local or parameter of `fn` named `name`. */
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
    for (let p: CNode | null = node; p; p = p.parent) {
      if (p.type === "function_definition") {
        const name = functionNameOf(p);
        const fn = name ? this.functions.get(name) : undefined;
        return fn?.node === p ? fn : undefined;
      }
    }
    return undefined;
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
