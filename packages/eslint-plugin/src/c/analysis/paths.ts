/**
 * paths.ts (C): goto-unwinding error paths, as much of control flow as the C checks need.
 *
 * A kernel function unwinds with labels at its end (`err_clk: clk_disable_unprepare(...);
 * err_free: kfree(priv->buf); return ret;`): the code after a label runs when a `goto` to it,
 * or to an earlier label of the same chain, runs, or when the code before the chain falls
 * into it. `canRunAfter(first, then)` answers whether `then` may execute after `first` in one
 * call of the function: a release on an error path that only gotos placed BEFORE an
 * acquisition reach runs before that acquisition (not a double free).
 *
 * Invariant: looks only at the function body's top-level statements and the gotos of the
 * function (unit.ts indexes them); a loop holding both nodes, a `goto` into a nested block, or
 * nodes in different functions answer `true` (may run after: the conservative answer for a
 * "may be released twice" question is the one that keeps the finding, and the C checks use it
 * only to DROP findings). Linear in the function's top-level statements.
 *
 * API
 *   canRunAfter(unit, first, then)   boolean
 *   inFailureBranchOf(call, node)    node sits in the branch taken when `call` failed
 *                                    (`if (call(...)) { node }`, `ret = call(...); if (ret) { node }`)
 *   labelChainEntries(fn, stmt)      the gotos that enter the label chain holding a top-level statement
 */
import { child, contains, statementOf, stripParens, type CNode } from "./syntax.js";
import type { CFunction, Unit } from "./unit.js";

const LOOPS = new Set(["for_statement", "while_statement", "do_statement"]);

function topLevelStatement(body: CNode, node: CNode): CNode | undefined {
  for (let n: CNode | null = node; n && n.parent; n = n.parent) if (n.parent === body) return n;
  return undefined;
}

/** Ends control flow: nothing falls through past it. */
function terminates(stmt: CNode): boolean {
  let s = stmt;
  while (s.type === "labeled_statement") {
    const inner = s.children.find((c) => c.field !== "label");
    if (!inner) return false;
    s = inner;
  }
  if (s.type === "return_statement" || s.type === "goto_statement" || s.type === "break_statement" || s.type === "continue_statement") return true;
  if (s.type === "compound_statement") {
    const last = s.children[s.children.length - 1];
    return last ? terminates(last) : false;
  }
  return false;
}

interface ChainEntries {
  /** gotos that jump into the chain at or before the statement */
  gotos: CNode[];
  /** the first statement of the chain (its first label) */
  start: CNode;
  /** the code before the chain falls into it */
  fallsIn: boolean;
}

/** When `stmt` (a top-level statement of fn's body) is in a label chain: how control enters it. */
export function labelChainEntries(fn: CFunction, stmt: CNode): ChainEntries | undefined {
  const body = fn.body;
  if (!body) return undefined;
  const kids = body.children;
  let i = kids.indexOf(stmt);
  if (i < 0) return undefined;
  const gotos: CNode[] = [];
  let start: CNode | undefined;
  // Walk back over the chain: statements after labels, up to a statement before the first label that terminates.
  for (; i >= 0; i--) {
    const s = kids[i]!;
    if (s.type === "labeled_statement") {
      const label = child(s, "label")?.text;
      if (label) gotos.push(...(fn.gotos.get(label) ?? []));
      start = s;
      const prev = kids[i - 1];
      if (!prev || terminates(prev)) return { gotos, start, fallsIn: false };
    }
  }
  return start ? { gotos, start, fallsIn: true } : undefined;
}

/** May `then` execute after `first` has executed, in the same call? */
export function canRunAfter(unit: Unit, first: CNode, then: CNode): boolean {
  const fn = unit.functionOf(then);
  if (!fn || fn !== unit.functionOf(first) || !fn.body) return true;
  for (let p = then.parent; p && p !== fn.body; p = p.parent) if (LOOPS.has(p.type) && p.range[0] <= first.range[0] && first.range[1] <= p.range[1]) return true;
  const stmt = topLevelStatement(fn.body, then);
  const chain = stmt ? labelChainEntries(fn, stmt) : undefined;
  if (!chain) return first.range[1] <= then.range[0];
  // Inside the chain itself, straight-line order.
  if (first.range[0] >= chain.start.range[0]) return first.range[1] <= then.range[0];
  if (chain.fallsIn) return true;
  return chain.gotos.some((g) => g.range[0] >= first.range[1]);
}

/** The name `call`'s result is stored in (`ret = call(...)`, `int ret = call(...)`). */
function resultName(call: CNode): string | undefined {
  let n: CNode = call;
  while (n.parent && (n.parent.type === "parenthesized_expression" || n.parent.type === "cast_expression")) n = n.parent;
  const p = n.parent;
  if (p?.type === "assignment_expression" && n.field === "right") {
    const left = child(p, "left");
    return left && stripParens(left).type === "identifier" ? stripParens(left).text : undefined;
  }
  if (p?.type === "init_declarator" && n.field === "value") {
    const d = child(p, "declarator");
    return d?.type === "identifier" ? d.text : undefined;
  }
  return undefined;
}

function mentions(node: CNode, name: string): boolean {
  if (node.type === "identifier") return node.text === name;
  return node.children.some((c) => mentions(c, name));
}

/**
 * `node` is in the branch taken when `call` failed: the consequence of an `if` whose condition
 * holds the call, or of the `if` right after the statement that stores its result and tests it.
 */
export function inFailureBranchOf(call: CNode, node: CNode): boolean {
  const stmt = statementOf(call);
  if (!stmt) return false;
  const cons = (ifs: CNode) => child(ifs, "consequence");
  if (stmt.type === "if_statement") {
    const cond = child(stmt, "condition");
    const c = cons(stmt);
    if (cond && contains(cond, call) && c && contains(c, node)) return true;
  }
  const name = resultName(call);
  const list = stmt.parent;
  if (!name || !list) return false;
  const next = list.children[list.children.indexOf(stmt) + 1];
  if (next?.type !== "if_statement") return false;
  const cond = child(next, "condition");
  const c = cons(next);
  return !!cond && mentions(cond, name) && !!c && contains(c, node);
}
