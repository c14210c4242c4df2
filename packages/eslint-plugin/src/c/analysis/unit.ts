/**
 * unit.ts (C): the translation unit's functions, declarations and scopes, in one walk.
 *
 * What a name means at a point: a local (block-scoped: the innermost declaration of that name
 * whose block holds the use and that precedes it), a parameter, a file-scope variable, a
 * function defined in this file, a macro `#define`d in this file, or none of these: then it is
 * external, i.e. the kernel's (a local, parameter, global, function or macro named `kfree` is
 * not the kernel API; a prototype `void kfree(const void *);` is).
 *
 * Invariant: built once per file (memoised on the translation_unit node) by one linear walk;
 * every later question is a map lookup or a walk up the parents of one node. Never throws on
 * ERROR subtrees (they are walked like any node; what they hold is simply not recognised).
 *
 * API
 *   getUnit(root)                       -> Unit (memoised)
 *   Unit.functions                      name -> CFunction (first definition; `#ifdef` branches too)
 *   Unit.globals                        name -> Variable (file-scope variables, with their initialisers)
 *   Unit.variables                      every global, parameter and local
 *   Unit.typedefs                       typedef alias -> struct tag
 *   Unit.fieldTypes(tag)                field -> TypeInfo of a struct defined in this file
 *   Unit.resolve(identifier)            Binding: local | param | global | function | macro | external
 *   Unit.isKernelCall(call, names?)     the callee is an external name (optionally one of `names`)
 *   Unit.functionOf(node)               the CFunction enclosing a node
 *   Unit.writesTo(variable)             Write[] to a local/param/global, in source order
 *   Unit.memberWrites                   every write whose target is not a plain variable (`p->x = ...`,
 *                                       `&p->x` given to a call, `.x = ...` of an initialiser)
 *   Unit.calls                          every call_expression, in source order
 *   Unit.callersOf(fn)                  the calls of a file function by name
 *   Unit.referencedFunctions(fn)        file functions a function calls or names (callbacks it registers)
 *   Unit.addressTaken(fn)               the function is named other than as a callee (a callback)
 *   CFunction.labels / gotos / returns  per function, for error paths and helper summaries
 */
import { argumentsOf, calleeName, child, declaredName, functionDeclaratorOf, functionNameOf, pointerDepth, stripParens, typeTag, type CNode } from "./syntax.js";

export interface TypeInfo {
  /** struct/union tag or typedef name (typedefs of structs resolved to the tag) */
  tag: string | undefined;
  /** levels of pointer */
  pointer: number;
}

export interface Variable {
  name: string;
  kind: "local" | "param" | "global";
  /** the declaring identifier */
  id: CNode;
  type: TypeInfo;
  /** the block that scopes it (compound_statement, for_statement, function_definition for params, translation_unit) */
  scope: CNode;
  /** parameter index */
  index?: number;
  fn?: CFunction;
}

export interface Write {
  /** "assign": `target = value`; "init": a declaration's or designated initialiser's value;
   * "out": `&target` given to a call (the callee may write it) */
  kind: "assign" | "init" | "out";
  /** the written expression (identifier, field_expression, ...); for designated initialisers the initializer_pair */
  target: CNode;
  /** for designated initialisers: the struct tag and the member path written */
  member?: { tag: string | undefined; path: string[]; base: CNode | undefined };
  value: CNode | undefined;
  /** "out": the call and the argument index */
  call?: CNode;
  argIndex?: number;
  /** the node whose completion is the write (assignment, init_declarator, call) */
  node: CNode;
  fn: CFunction | undefined;
}

export interface CFunction {
  name: string;
  node: CNode;
  body: CNode | undefined;
  params: Variable[];
  returnType: TypeInfo;
  isStatic: boolean;
  labels: Map<string, CNode>;
  gotos: Map<string, CNode[]>;
  returns: CNode[];
  calls: CNode[];
}

export type Binding =
  | { kind: "local" | "param" | "global"; variable: Variable }
  | { kind: "function"; fn: CFunction }
  | { kind: "macro"; name: string }
  | { kind: "external"; name: string };

const SCOPES = new Set(["compound_statement", "for_statement", "translation_unit"]);

export class Unit {
  readonly root: CNode;
  readonly functions = new Map<string, CFunction>();
  readonly globals = new Map<string, Variable>();
  readonly typedefs = new Map<string, string>();
  readonly macros = new Set<string>();
  readonly calls: CNode[] = [];
  readonly memberWrites: Write[] = [];
  /** every variable: globals, parameters and locals, in source order of their functions */
  readonly variables: Variable[] = [];
  readonly #structFields = new Map<string, Map<string, TypeInfo>>();
  readonly #locals = new Map<CNode, Map<string, Variable[]>>(); // function node -> name -> declarations
  readonly #writes = new Map<Variable, Write[]>();
  readonly #callers = new Map<string, CNode[]>();
  readonly #referenced = new Map<CFunction, Set<CFunction>>();
  readonly #addressTaken = new Set<string>();
  readonly #fnOf = new Map<CNode, CFunction>();
  readonly #pendingWrites: Write[] = [];
  #addressTakenBuilt = false;

  constructor(root: CNode) {
    this.root = root;
    this.#collect(root);
    // Variable writes need name resolution, which needs every declaration: second, cheap pass.
    for (const w of this.#pendingWrites) {
      const b = this.#resolveIn(w.target, w.fn);
      if (b.kind === "local" || b.kind === "param" || b.kind === "global") {
        const list = this.#writes.get(b.variable);
        if (list) list.push(w);
        else this.#writes.set(b.variable, [w]);
      }
    }
    this.#pendingWrites.length = 0;
    // Callers and referenced functions: identifiers naming file functions.
    for (const call of this.calls) {
      const name = calleeName(call);
      if (!name || !this.functions.has(name)) continue;
      const list = this.#callers.get(name);
      if (list) list.push(call);
      else this.#callers.set(name, [call]);
    }
  }

  #typeOf(typeNode: CNode | undefined, declarator: CNode | undefined): TypeInfo {
    let tag = typeTag(typeNode);
    if (tag && this.typedefs.has(tag)) tag = this.typedefs.get(tag);
    return { tag, pointer: pointerDepth(declarator) };
  }

  #collect(root: CNode): void {
    // Iterative walk; `fn` tracks the function being walked (functions do not nest in C).
    // Two parallel stacks (no object a node): the walk is the hot path of every C rule.
    const nodes: CNode[] = [root];
    const fns: (CFunction | undefined)[] = [undefined];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      let fn = fns.pop();
      switch (n.type) {
        case "function_definition": {
          const name = functionNameOf(n);
          if (name) {
            const f: CFunction = {
              name,
              node: n,
              body: child(n, "body"),
              params: [],
              returnType: this.#typeOf(child(n, "type"), child(n, "declarator")),
              isStatic: n.children.some((c) => c.type === "storage_class_specifier" && c.text === "static"),
              labels: new Map(),
              gotos: new Map(),
              returns: [],
              calls: [],
            };
            const fd = functionDeclaratorOf(n);
            const list = fd ? child(fd, "parameters") : undefined;
            let i = 0;
            for (const p of list?.children ?? []) {
              if (p.type !== "parameter_declaration" && p.type !== "identifier" && p.type !== "variadic_parameter") continue;
              const id = p.type === "identifier" ? p : declaredName(child(p, "declarator"));
              if (id?.text) f.params.push({ name: id.text, kind: "param", id, type: p.type === "identifier" ? { tag: undefined, pointer: 0 } : this.#typeOf(child(p, "type"), child(p, "declarator")), scope: n, index: i, fn: f });
              i++;
            }
            // K&R: `int f(a, b) int a; char *b; { ... }`: the declarations type the parameters.
            for (const d of n.children) {
              if (d.type !== "declaration" || d.field === "body") continue;
              for (const dd of d.children) {
                if (dd.field !== "declarator") continue;
                const id = declaredName(dd);
                const p = f.params.find((q) => q.name === id?.text);
                if (p) p.type = this.#typeOf(child(d, "type"), dd);
              }
            }
            this.variables.push(...f.params);
            if (!this.functions.has(name)) this.functions.set(name, f);
            this.#fnOf.set(n, f);
            this.#locals.set(n, new Map());
            fn = f;
          }
          break;
        }
        case "preproc_def":
        case "preproc_function_def": {
          const name = child(n, "name")?.text;
          if (name) this.macros.add(name);
          break;
        }
        case "type_definition": {
          const tag = typeTag(child(n, "type"));
          for (const d of n.children) if (d.field === "declarator") {
            const alias = declaredName(d)?.text;
            if (alias && tag && pointerDepth(d) === 0) this.typedefs.set(alias, tag);
          }
          break;
        }
        case "struct_specifier":
        case "union_specifier": {
          const tag = child(n, "name")?.text;
          const body = child(n, "body");
          if (tag && body && !this.#structFields.has(tag)) {
            const fields = new Map<string, TypeInfo>();
            for (const fd of body.children) {
              if (fd.type !== "field_declaration") continue;
              for (const d of fd.children) if (d.field === "declarator") {
                const id = declaredName(d)?.text;
                if (id) fields.set(id, { tag: typeTag(child(fd, "type")), pointer: pointerDepth(d) });
              }
            }
            this.#structFields.set(tag, fields);
          }
          break;
        }
        case "declaration": {
          this.#declaration(n, fn);
          break;
        }
        case "call_expression": {
          this.calls.push(n);
          fn?.calls.push(n);
          const args = argumentsOf(n);
          args.forEach((a, i) => {
            const e = stripParens(a);
            if (e.type === "pointer_expression" && e.operator === "&") {
              const target = child(e, "argument");
              if (target) this.#addWrite(target, { kind: "out", target, value: undefined, call: n, argIndex: i, node: n, fn });
            }
          });
          break;
        }
        case "assignment_expression": {
          const left = child(n, "left");
          if (left && n.operator === "=") this.#addWrite(stripParens(left), { kind: "assign", target: stripParens(left), value: child(n, "right"), node: n, fn });
          break;
        }
        case "labeled_statement": {
          const label = child(n, "label")?.text;
          if (fn && label && !fn.labels.has(label)) fn.labels.set(label, n);
          break;
        }
        case "goto_statement": {
          const label = child(n, "label")?.text;
          if (fn && label) {
            const list = fn.gotos.get(label);
            if (list) list.push(n);
            else fn.gotos.set(label, [n]);
          }
          break;
        }
        case "return_statement":
          fn?.returns.push(n);
          break;
      }
      const kids = n.children;
      for (let i = kids.length - 1; i >= 0; i--) {
        nodes.push(kids[i]!);
        fns.push(fn);
      }
    }
  }

  #declaration(decl: CNode, fn: CFunction | undefined): void {
    const typeNode = child(decl, "type");
    const scope = decl.parent && SCOPES.has(decl.parent.type) ? decl.parent : this.#scopeOf(decl);
    for (const d of decl.children) {
      if (d.field !== "declarator") continue;
      // a prototype (`void kfree(const void *);`), not a function pointer (`void (*fn)(void *);`)
      if (d.type === "function_declarator" && child(d, "declarator")?.type === "identifier") continue;
      const id = declaredName(d);
      if (!id?.text) continue;
      const v: Variable = { name: id.text, kind: fn ? "local" : "global", id, type: this.#typeOf(typeNode, d), scope, ...(fn ? { fn } : {}) };
      this.variables.push(v);
      if (fn) {
        const byName = this.#locals.get(fn.node)!;
        const list = byName.get(v.name);
        if (list) list.push(v);
        else byName.set(v.name, [v]);
      } else if (!this.globals.has(v.name)) this.globals.set(v.name, v);
      const value = d.type === "init_declarator" ? child(d, "value") : undefined;
      if (value) {
        const w: Write = { kind: "init", target: id, value, node: d, fn };
        const list = this.#writes.get(v);
        if (list) list.push(w);
        else this.#writes.set(v, [w]);
        if (value.type === "initializer_list") this.#designated(value, v.type.tag, [], id, fn);
      }
    }
  }

  /** `.a = x, .b = { .c = y }` -> member writes tag.a, tag.b.c */
  #designated(list: CNode, tag: string | undefined, path: string[], base: CNode, fn: CFunction | undefined): void {
    for (const pair of list.children) {
      if (pair.type !== "initializer_pair") continue;
      const names = pair.children.filter((c) => c.field === "designator" && c.type === "field_designator").map((c) => c.children[0]?.text ?? "");
      const value = child(pair, "value");
      if (!value || names.length === 0 || names.includes("")) continue;
      const p = [...path, ...names];
      if (value.type === "initializer_list") this.#designated(value, tag, p, base, fn);
      else this.memberWrites.push({ kind: "init", target: pair, member: { tag, path: p, base }, value, node: pair, fn });
    }
  }

  #scopeOf(node: CNode): CNode {
    for (let p = node.parent; p; p = p.parent) if (SCOPES.has(p.type) || p.type === "function_definition") return p;
    return this.root;
  }

  #addWrite(target: CNode, w: Write): void {
    if (target.type === "identifier") this.#pendingWrites.push(w);
    else this.memberWrites.push(w);
  }

  fieldTypes(tag: string): Map<string, TypeInfo> | undefined {
    return this.#structFields.get(tag);
  }

  functionOf(node: CNode): CFunction | undefined {
    for (let p: CNode | null = node; p; p = p.parent) if (p.type === "function_definition") return this.#fnOf.get(p);
    return undefined;
  }

  resolve(id: CNode): Binding {
    return this.#resolveIn(id, this.functionOf(id));
  }

  #resolveIn(id: CNode, fn: CFunction | undefined): Binding {
    const name = id.text ?? "";
    if (fn) {
      const decls = this.#locals.get(fn.node)?.get(name);
      let best: Variable | undefined;
      for (const v of decls ?? []) {
        if (v.id.range[0] > id.range[0]) continue;
        if (v.scope.range[0] > id.range[0] || id.range[1] > v.scope.range[1]) continue;
        if (!best || v.scope.range[0] >= best.scope.range[0]) best = v;
      }
      if (best) return { kind: "local", variable: best };
      const p = fn.params.find((q) => q.name === name);
      if (p) return { kind: "param", variable: p };
    }
    const g = this.globals.get(name);
    if (g) return { kind: "global", variable: g };
    const f = this.functions.get(name);
    if (f) return { kind: "function", fn: f };
    if (this.macros.has(name)) return { kind: "macro", name };
    return { kind: "external", name };
  }

  /** The call's callee is an external (kernel) function, not a local, parameter, global, file function or file macro. */
  isKernelCall(call: CNode): string | undefined {
    const fnNode = child(call, "function");
    if (!fnNode) return undefined;
    const f = stripParens(fnNode);
    if (f.type !== "identifier" || !f.text) return undefined;
    return this.resolve(f).kind === "external" ? f.text : undefined;
  }

  writesTo(v: Variable): readonly Write[] {
    return this.#writes.get(v) ?? [];
  }

  callersOf(fn: CFunction): readonly CNode[] {
    return (this.#callers.get(fn.name) ?? []).filter((c) => {
      const f = child(c, "function");
      return f ? this.resolve(stripParens(f)).kind === "function" : false;
    });
  }

  /** A file function named other than as a callee: a callback (`.probe = foo_probe`, an IRQ handler). Built on first use. */
  addressTaken(fn: CFunction): boolean {
    if (!this.#addressTakenBuilt) {
      this.#addressTakenBuilt = true;
      const stack: CNode[] = [this.root];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.type === "identifier") {
          if (n.text && this.functions.has(n.text) && (n.field !== "function" || n.parent?.type === "parenthesized_expression") && n.parent?.type !== "function_declarator") this.#addressTaken.add(n.text);
          continue;
        }
        const kids = n.children;
        for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
      }
    }
    return this.#addressTaken.has(fn.name);
  }

  /** File functions that `fn` calls or names (a callback it registers), memoised. */
  referencedFunctions(fn: CFunction): ReadonlySet<CFunction> {
    let set = this.#referenced.get(fn);
    if (set) return set;
    set = new Set();
    if (fn.body) {
      const stack: CNode[] = [fn.body];
      while (stack.length > 0) {
        const n = stack.pop()!;
        if (n.type === "identifier" && n.text && this.functions.has(n.text)) {
          const b = this.resolve(n);
          if (b.kind === "function" && b.fn !== fn) set.add(b.fn);
        }
        for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
      }
    }
    this.#referenced.set(fn, set);
    return set;
  }
}

const units = new WeakMap<CNode, Unit>();

export function getUnit(root: CNode): Unit {
  let u = units.get(root);
  if (!u) units.set(root, (u = new Unit(root)));
  return u;
}
