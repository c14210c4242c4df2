/**
 * Converts a tree-sitter tree into the CNode tree in one TreeCursor walk (per-node property
 * calls across the WASM boundary cost several times more), collecting comments on the way.
 *
 * Invariants: `children` holds named, non-comment nodes only, in source order; an anonymous
 * child in the `operator` field sets its parent's `operator`; `hasError` is set on an ERROR or
 * MISSING node and on every ancestor of one; leaf named nodes carry their source text.
 */
import type { Tree } from "web-tree-sitter";
import { COMMENT_TYPE_ID, ERROR_TYPE_ID, fieldNames, namedType, typeNames } from "./grammar.js";
import { CNodeImpl, type CNode, type Comment, LineTable } from "./node.js";

export interface Converted {
  ast: CNode;
  comments: Comment[];
  lines: LineTable;
}

const OPERATOR_FIELD = fieldNames.indexOf("operator");

/** `text` is the ORIGINAL source (the pre-pass keeps lengths, so offsets coincide). */
export function convert(tree: Tree, text: string): Converted {
  const lines = new LineTable(text);
  const comments: Comment[] = [];
  const cursor = tree.walk();
  try {
    const root = new CNodeImpl("translation_unit", 0, text.length, null, null, lines);
    // The walk: `stack[i]` is the CNode of the cursor's ancestor at depth i (null for an anonymous one).
    const stack: (CNodeImpl | null)[] = [root];
    let parent: CNodeImpl | null = root;
    if (!cursor.gotoFirstChild()) return { ast: root, comments, lines };
    for (;;) {
      const typeId = cursor.nodeTypeId;
      const start = cursor.startIndex;
      const end = cursor.endIndex;
      let node: CNodeImpl | null = null;
      if (typeId === COMMENT_TYPE_ID) {
        comments.push(comment(text, start, end, lines));
      } else if (typeId === ERROR_TYPE_ID || namedType[typeId] === 1) {
        const field = fieldNames[cursor.currentFieldId] ?? null;
        node = new CNodeImpl(typeId === ERROR_TYPE_ID ? "ERROR" : typeNames[typeId]!, start, end, parent, field, lines);
        if (parent) parent.children.push(node);
        if (typeId === ERROR_TYPE_ID) markError(node);
        else if (start === end && cursor.nodeIsMissing) {
          node.missing = true;
          markError(node);
        }
      } else if (parent) {
        // An anonymous token: an operator, or a MISSING token (`;`, `)`) inserted by error recovery.
        if (start === end && cursor.nodeIsMissing) {
          // `out: }`: a label closing a block is C23 (and GCC's C); tree-sitter repairs it with an
          // empty statement whose `;` is MISSING. Not an error.
          if (!(parent.type === "expression_statement" && parent.children.length === 0 && parent.parent?.type === "labeled_statement")) markError(parent);
        }
        else if (cursor.currentFieldId === OPERATOR_FIELD) {
          // A GNU case range `case A ... B:` was parsed as `A + B` (see hints.ts): say what it is.
          parent.operator = text.charCodeAt(start) === 46 && text.startsWith("...", start) ? "..." : text.slice(start, end);
        }
      }
      if (cursor.gotoFirstChild()) {
        stack.push(parent);
        parent = node;
        continue;
      }
      if (node && node.children.length === 0) node.text = text.slice(start, end);
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return { ast: root, comments, lines };
        if (parent && parent.children.length === 0 && parent !== root) parent.text = text.slice(parent.range[0], parent.range[1]);
        parent = stack.pop() ?? null;
        if (stack.length === 0) return { ast: root, comments, lines };
      }
    }
  } finally {
    cursor.delete();
  }
}

function markError(node: CNode): void {
  for (let n: CNode | null = node; n && !n.hasError; n = n.parent) n.hasError = true;
}

function comment(text: string, start: number, end: number, lines: LineTable): Comment {
  const block = text.charCodeAt(start + 1) === 42; /* '*' */
  const value = block ? text.slice(start + 2, text.endsWith("*/", end) && end - start >= 4 ? end - 2 : end) : text.slice(start + 2, end);
  return { type: block ? "Block" : "Line", value, range: [start, end], loc: lines.loc(start, end) };
}
