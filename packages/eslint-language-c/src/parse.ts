/**
 * Parsing a file: the macro-hint pre-pass, tree-sitter, conversion to CNodes, and the
 * tree-sitter tree freed right after. A file that cannot be parsed at all yields one error
 * naming the file (never an exception); a file with ERROR nodes parses, errors marked.
 */
import { convert, type Converted } from "./convert.js";
import { parser } from "./grammar.js";
import { applyHints, compileHints, type MacroHints } from "./hints.js";
import type { CNode } from "./node.js";
import { walk } from "./syntax.js";

export type ParseOutcome = ({ ok: true } & Converted) | { ok: false; message: string; line: number; column: number };

export function parseC(text: string, path: string, macroHints?: MacroHints): ParseOutcome {
  const nul = text.indexOf("\0");
  if (nul >= 0) {
    const { line, column } = position(text, nul);
    return { ok: false, message: `${path} is not C source text (a NUL byte at ${line}:${column}; binary file?)`, line, column };
  }
  const hints = compileHints(macroHints);
  let converted = read(text, path, applyHints(text, hints));
  if (!converted.ok) return converted;
  // A statement split by a conditional (`if (x)` under `#ifdef`, its body after `#endif`) breaks
  // the parse: read such a file again with each conditional in a body taken as its first branch,
  // and keep the reading with fewer errors.
  if (converted.ast.hasError && hints.heuristics && CONDITIONAL_LINE.test(text)) {
    const second = read(text, path, applyHints(text, hints, { conditionals: true }));
    if (second.ok && errorCount(second.ast) < errorCount(converted.ast)) converted = second;
  }
  if (isGarbage(converted.ast)) {
    const { line, column } = converted.ast.children[0]!.loc.start;
    return { ok: false, message: `${path} could not be parsed as C: no part of it is C syntax`, line, column: column + 1 };
  }
  return converted;
}

const CONDITIONAL_LINE = /^[ \t]*#[ \t]*(?:if|ifdef|ifndef)\b/m;

/** One tree-sitter parse of the rewritten text, converted against the original; the tree freed. */
function read(text: string, path: string, rewritten: string): ({ ok: true } & Converted) | Extract<ParseOutcome, { ok: false }> {
  let tree;
  try {
    tree = parser.parse(rewritten);
  } catch (error) {
    parser.reset();
    return { ok: false, message: `${path} could not be parsed as C: the parser failed (${(error as Error)?.message ?? String(error)})`, line: 1, column: 1 };
  }
  if (!tree) return { ok: false, message: `${path} could not be parsed as C: the parser returned no tree`, line: 1, column: 1 };
  try {
    return { ok: true, ...convert(tree, text) };
  } finally {
    tree.delete();
  }
}

/** ERROR and MISSING nodes, and nodes holding a MISSING token. */
function errorCount(root: CNode): number {
  let count = 0;
  walk(root, (n) => {
    if (!n.hasError) return false;
    if (n.type === "ERROR" || n.missing || !n.children.some((c) => c.hasError)) count++;
  });
  return count;
}

/**
 * No part of the file is C: everything at the top is an ERROR, and nothing inside them is a
 * construct (a node with named children other than an ERROR), only stray tokens. A truncated
 * or macro-heavy file still has constructs and is linted outside its ERRORs.
 */
function isGarbage(root: CNode): boolean {
  if (root.children.length === 0 || root.children.some((n) => n.type !== "ERROR")) return false;
  let construct = false;
  walk(root, (n) => {
    if (construct) return false;
    if (n !== root && n.type !== "ERROR" && n.children.length > 0) construct = true;
    return !construct;
  });
  return !construct;
}

/** 1-based line and column of an offset (for error messages only). */
function position(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}
