/**
 * syntax.ts (C): small helpers over the language package's CNode tree that the C analysis
 * layers share (no kernel knowledge here; names come from vocabulary/ only).
 *
 * Invariant: total functions: any node (ERROR subtrees, MISSING nodes, K&R declarations)
 * gives an answer or `undefined`, never a throw.
 *
 * API
 *   child(node, field) / childrenByField(node, field)   re-exported from the language package
 *   strip(expr)            through parentheses and casts (`(void *)(x)` -> x)
 *   stripParens(expr)      through parentheses only
 *   calleeName(call)       `foo` of `foo(...)` (also `(foo)(...)`), or undefined
 *   argumentsOf(call)      argument expressions (ERROR children and comments dropped)
 *   declaredName(decl)     the identifier a declarator declares (through pointer/array/init/function declarators)
 *   functionNameOf(fn)     the name of a function_definition
 *   pointerDepth(decl)     `**p` -> 2
 *   typeTag(typeNode)      `struct foo` / `union foo` / typedef name -> "foo"
 *   inError(node)          the node is inside an ERROR subtree
 *   statementOf(node)      the statement (child of a compound_statement / labeled_statement / case) holding a node
 *   isNullValue(expr)      `NULL`, `0`, `(void *)0`
 *   contains(outer, inner) range containment
 *   sourceText(text, node) the node's source on one line (whitespace runs collapsed), for messages
 */
// The await-free subpath: plugin.ts must stay loadable by require() (see its header).
import { child, childrenByField } from "@devbound/eslint-language-c/syntax";
import type { CNode } from "@devbound/eslint-language-c";

export { child, childrenByField };
export type { CNode };

export function stripParens(node: CNode): CNode {
  let n = node;
  while (n.type === "parenthesized_expression" && n.children.length >= 1) n = n.children[n.children.length - 1]!;
  return n;
}

/** Through parentheses and casts: the value a cast converts is the same resource. */
export function strip(node: CNode): CNode {
  let n = node;
  for (let guard = 0; guard < 64; guard++) {
    if (n.type === "parenthesized_expression" && n.children.length >= 1) n = n.children[n.children.length - 1]!;
    else if (n.type === "cast_expression") {
      const v = child(n, "value");
      if (!v) return n;
      n = v;
    } else return n;
  }
  return n;
}

export function calleeName(call: CNode): string | undefined {
  const fn = child(call, "function");
  if (!fn) return undefined;
  const f = stripParens(fn);
  return f.type === "identifier" ? f.text : undefined;
}

export function argumentsOf(call: CNode): CNode[] {
  const list = child(call, "arguments");
  return list ? list.children.filter((c) => c.type !== "ERROR" && c.type !== "comment") : [];
}

export function declaredName(declarator: CNode | undefined): CNode | undefined {
  let d = declarator;
  for (let guard = 0; d && guard < 32; guard++) {
    if (d.type === "identifier" || d.type === "field_identifier" || d.type === "type_identifier") return d;
    d = child(d, "declarator") ?? d.children.find((c) => c.type.endsWith("declarator") || c.type === "identifier");
  }
  return undefined;
}

export function functionDeclaratorOf(fn: CNode): CNode | undefined {
  let d = child(fn, "declarator");
  for (let guard = 0; d && guard < 16; guard++) {
    if (d.type === "function_declarator") return d;
    d = child(d, "declarator") ?? d.children.find((c) => c.type.endsWith("declarator"));
  }
  return undefined;
}

export function functionNameOf(fn: CNode): string | undefined {
  const d = functionDeclaratorOf(fn);
  return d ? declaredName(child(d, "declarator"))?.text : undefined;
}

export function pointerDepth(declarator: CNode | undefined): number {
  let depth = 0;
  let d = declarator;
  for (let guard = 0; d && guard < 32; guard++) {
    if (d.type === "pointer_declarator" || d.type === "abstract_pointer_declarator") depth++;
    if (d.type === "identifier" || d.type === "field_identifier") break;
    d = child(d, "declarator") ?? d.children.find((c) => c.type.endsWith("declarator"));
  }
  return depth;
}

export function typeTag(type: CNode | undefined): string | undefined {
  if (!type) return undefined;
  if (type.type === "struct_specifier" || type.type === "union_specifier") return child(type, "name")?.text;
  if (type.type === "type_identifier") return type.text;
  return undefined;
}

export function inError(node: CNode): boolean {
  for (let n: CNode | null = node; n; n = n.parent) if (n.type === "ERROR") return true;
  return false;
}

const STATEMENT_LISTS = new Set(["compound_statement", "translation_unit", "case_statement", "labeled_statement", "preproc_if", "preproc_ifdef", "preproc_else", "preproc_elif", "preproc_elifdef"]);

/** The statement holding `node`: the ancestor-or-self whose parent is a statement list. */
export function statementOf(node: CNode): CNode | undefined {
  for (let n: CNode | null = node; n && n.parent; n = n.parent) {
    if (STATEMENT_LISTS.has(n.parent.type) && n.field !== "label" && n.field !== "condition" && n.field !== "name" && n.field !== "value") return n;
    if (n.parent.type === "if_statement" || n.parent.type === "while_statement" || n.parent.type === "for_statement" || n.parent.type === "do_statement") {
      if (n.field === "consequence" || n.field === "alternative" || n.field === "body") return n;
    }
    if (n.parent.type === "else_clause") return n;
  }
  return undefined;
}

export function isNullValue(expr: CNode): boolean {
  const e = strip(expr);
  if (e.type === "null") return true;
  if (e.type === "identifier" && e.text === "NULL") return true;
  return e.type === "number_literal" && /^0+[uUlL]*$/.test(e.text ?? "");
}

export function contains(outer: CNode, inner: CNode): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1];
}

export function sourceText(text: string, node: CNode): string {
  return text.slice(node.range[0], node.range[1]).replace(/\s+/g, " ").trim();
}
