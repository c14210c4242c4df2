/**
 * Generic helpers over the CNode tree (C syntax only, no kernel knowledge). Also the package's
 * `./syntax` entry, which loads without the grammar: import nothing here but types (the grammar
 * module uses top-level await, which require() cannot load).
 */
import type { CNode } from "./node.js";

/** The first child in `field`, if any. */
export function child(node: CNode, field: string): CNode | undefined {
  for (const c of node.children) if (c.field === field) return c;
  return undefined;
}

/** Every child in `field`, in source order. */
export function childrenByField(node: CNode, field: string): CNode[] {
  return node.children.filter((c) => c.field === field);
}

/**
 * Depth-first, pre-order walk. `visit` returning `false` skips the node's children
 * (e.g. to stay out of ERROR subtrees: `walk(root, (n) => !n.hasError || n.type !== "ERROR")`).
 */
export function walk(node: CNode, visit: (node: CNode) => boolean | void): void {
  const stack: CNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (visit(n) === false) continue;
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
}

/** The nearest ancestor (not the node itself) of one of `types`, if any. */
export function ancestor(node: CNode, ...types: string[]): CNode | undefined {
  for (let n = node.parent; n; n = n.parent) if (types.includes(n.type)) return n;
  return undefined;
}

/** Whether `inner` is `outer` or lies inside it. */
export function contains(outer: CNode, inner: CNode): boolean {
  return outer.range[0] <= inner.range[0] && inner.range[1] <= outer.range[1] && (outer === inner || isAncestor(outer, inner));
}

function isAncestor(outer: CNode, inner: CNode): boolean {
  for (let n = inner.parent; n; n = n.parent) if (n === outer) return true;
  return false;
}
