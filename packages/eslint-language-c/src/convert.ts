/**
 * Converts a tree-sitter tree into the CNode tree in one TreeCursor walk (per-node property
 * calls across the WASM boundary cost several times more), collecting comments on the way.
 *
 * Invariants: `children` holds named, non-comment nodes only, in source order; an anonymous
 * child in the `operator` field sets its parent's `operator`; `hasError` is set on an ERROR or
 * MISSING node and on every ancestor of one; leaf named nodes carry their source text.
 */
import type { Tree, TreeCursor } from "web-tree-sitter";
import { COMMENT_TYPE_ID, ERROR_TYPE_ID, fieldNames, namedType, operatorType, typeNames, wasmModule } from "./grammar.js";
import { CNodeImpl, type CNode, type Comment, LineTable } from "./node.js";

export interface Converted {
  ast: CNode;
  comments: Comment[];
  lines: LineTable;
}

const OPERATOR_FIELD = fieldNames.indexOf("operator");

/**
 * `text` is the ORIGINAL source (the pre-pass keeps lengths, so offsets coincide). `fast: false`
 * walks with web-tree-sitter's public TreeCursor (the same result, slower; tests compare them).
 */
export function convert(tree: Tree, text: string, fast?: boolean): Converted {
  const lines = new LineTable(text);
  const comments: Comment[] = [];
  const cursor = openCursor(tree, fast);
  try {
    const root = new CNodeImpl("translation_unit", 0, text.length, null, null, lines);
    // `stack[i]` is the CNode of the cursor's ancestor at depth i (null for an anonymous one).
    const stack: (CNodeImpl | null)[] = [root];
    let parent: CNodeImpl | null = root;
    if (!cursor.firstChild()) return { ast: root, comments, lines };
    /** Moves to the next node after a finished subtree (climbing as needed); false at the end. */
    const nextNode = (): boolean => {
      while (!cursor.nextSibling()) {
        if (!cursor.parent()) return false;
        // a named node whose children were all anonymous is a leaf of the CNode tree
        if (parent && parent.children.length === 0 && parent !== root) parent.text = text.slice(parent.range[0], parent.range[1]);
        parent = stack.pop() ?? null;
        if (stack.length === 0) return false;
      }
      return true;
    };
    for (;;) {
      const typeId = cursor.typeId();
      let node: CNodeImpl | null = null;
      if (typeId === ERROR_TYPE_ID || namedType[typeId] === 1) {
        const start = cursor.start();
        const end = cursor.end();
        if (typeId === COMMENT_TYPE_ID) {
          comments.push(comment(text, start, end, lines));
        } else {
          const field = fieldNames[cursor.fieldId()] ?? null;
          node = new CNodeImpl(typeId === ERROR_TYPE_ID ? "ERROR" : typeNames[typeId]!, start, end, parent, field, lines);
          if (parent) parent.adopt(node);
          if (typeId === ERROR_TYPE_ID) markError(node);
          else if (start === end && cursor.missing()) {
            node.missing = true;
            markError(node);
          }
        }
      } else {
        // An anonymous token (always a leaf): an operator, or a MISSING token (`;`, `)`)
        // inserted by error recovery; punctuation and keywords need one call, not four.
        if (parent) {
          let start = -1;
          let end = -1;
          const isOperator = operatorType[typeId] === 1;
          if (isOperator) {
            start = cursor.start();
            end = cursor.end();
          }
          if (isOperator ? start === end && cursor.missing() : cursor.missing()) {
            // `out: }`, a file-scope macro call without `;`: see completeWithoutSemicolon.
            if (!completeWithoutSemicolon(parent)) markError(parent);
          } else if (isOperator && cursor.fieldId() === OPERATOR_FIELD) {
            // A GNU case range `case A ... B:` was parsed as `A + B` (see hints.ts): say what it is.
            parent.operator = text.charCodeAt(start) === 46 && text.startsWith("...", start) ? "..." : text.slice(start, end);
          }
        }
        if (nextNode()) continue;
        return { ast: root, comments, lines };
      }
      if (cursor.firstChild()) {
        stack.push(parent);
        parent = node;
        continue;
      }
      if (node) node.text = text.slice(node.range[0], node.range[1]);
      if (!nextNode()) return { ast: root, comments, lines };
    }
  } finally {
    cursor.close();
  }
}

/** The cursor operations the conversion needs. */
export interface CursorOps {
  typeId(): number;
  start(): number;
  end(): number;
  fieldId(): number;
  missing(): boolean;
  firstChild(): boolean;
  nextSibling(): boolean;
  parent(): boolean;
  close(): void;
}

type WasmFn = (tree: number) => number;

/** The WASM exports the fast cursor calls, or null when this web-tree-sitter build lacks them. */
const exports = (() => {
  const m = wasmModule;
  const names = [
    "_ts_tree_cursor_current_node_type_id_wasm",
    "_ts_tree_cursor_start_index_wasm",
    "_ts_tree_cursor_end_index_wasm",
    "_ts_tree_cursor_current_field_id_wasm",
    "_ts_tree_cursor_current_node_is_missing_wasm",
    "_ts_tree_cursor_goto_first_child_wasm",
    "_ts_tree_cursor_goto_next_sibling_wasm",
    "_ts_tree_cursor_goto_parent_wasm",
    "_ts_init",
  ];
  if (!names.every((n) => typeof m[n] === "function") || !(m.HEAP32 instanceof Int32Array)) return null;
  const f = (n: string) => m[n] as WasmFn;
  return {
    typeId: f(names[0]!), start: f(names[1]!), end: f(names[2]!), fieldId: f(names[3]!), missing: f(names[4]!),
    firstChild: f(names[5]!), nextSibling: f(names[6]!), parent: f(names[7]!),
    transferBuffer: (m._ts_init as () => number)(),
  };
})();

/**
 * A cursor over `tree`. The fast one calls the WASM exports directly: web-tree-sitter's TreeCursor
 * copies the cursor state into the WASM transfer buffer before each call and back after each
 * move (8 generic setValue/getValue calls); the C side keeps it in that buffer anyway, so as long
 * as nothing else uses the buffer during the walk (nothing does: the walk is synchronous), the
 * copies are not needed. Its state is copied back to the JS cursor before it is freed.
 */
export function openCursor(tree: Tree, fast: boolean = exports !== null): CursorOps {
  const cursor = tree.walk() as TreeCursor & { handles: Int32Array | number[] };
  if (!fast || !exports) return publicCursor(cursor);
  const x = exports;
  const t = (tree as unknown as { 0: number })[0];
  void cursor.nodeTypeId; // copies the cursor into the transfer buffer
  return {
    typeId: () => x.typeId(t),
    start: () => x.start(t),
    end: () => x.end(t),
    fieldId: () => x.fieldId(t),
    missing: () => x.missing(t) === 1,
    firstChild: () => x.firstChild(t) === 1,
    nextSibling: () => x.nextSibling(t) === 1,
    parent: () => x.parent(t) === 1,
    close() {
      const heap = wasmModule.HEAP32 as Int32Array; // re-read: the memory may have grown
      const at = x.transferBuffer >> 2;
      for (let k = 0; k < 4; k++) cursor.handles[k] = heap[at + k]!;
      cursor.delete();
    },
  };
}

function publicCursor(cursor: TreeCursor): CursorOps {
  return {
    typeId: () => cursor.nodeTypeId,
    start: () => cursor.startIndex,
    end: () => cursor.endIndex,
    fieldId: () => cursor.currentFieldId,
    missing: () => cursor.nodeIsMissing,
    firstChild: () => cursor.gotoFirstChild(),
    nextSibling: () => cursor.gotoNextSibling(),
    parent: () => cursor.gotoParent(),
    close: () => cursor.delete(),
  };
}

/**
 * A statement whose MISSING `;` is no error: an empty one closing a labelled block end (C23,
 * GCC), and a macro invocation at file scope (`module_init(foo_init)`, `ACPI_MODULE_NAME("x")`
 * with no `;`: the macro supplies its own; file scope has no other expression statements).
 */
function completeWithoutSemicolon(statement: CNode): boolean {
  if (statement.type !== "expression_statement") return false;
  if (statement.children.length === 0) return statement.parent?.type === "labeled_statement";
  if (statement.children[0]!.type !== "call_expression") return false;
  for (let n = statement.parent; n; n = n.parent) {
    if (n.type !== "translation_unit" && !n.type.startsWith("preproc_")) return false;
  }
  return true;
}

function markError(node: CNode): void {
  for (let n: CNode | null = node; n && !n.hasError; n = n.parent) n.hasError = true;
}

function comment(text: string, start: number, end: number, lines: LineTable): Comment {
  const block = text.charCodeAt(start + 1) === 42; /* '*' */
  const value = block ? text.slice(start + 2, text.endsWith("*/", end) && end - start >= 4 ? end - 2 : end) : text.slice(start + 2, end);
  return { type: block ? "Block" : "Line", value, range: [start, end], loc: lines.loc(start, end) };
}
