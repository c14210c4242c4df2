/**
 * teardown.ts: what a driver's remove() tears down by hand, where its probe() acquired it,
 * and whether some other code uses it.
 *
 * Invariant: remove() tears down a value when it passes it (or a member of it) to a manual
 * release (a `Releases<kind>` parameter), directly or through the user's helpers
 * (values.ts's sinks); the value is then traced back (values.ts's origins) through the driver data
 * remove() receives from probe(), class fields, aliases and helper returns to the manual
 * allocation that produced it. Values that devres manages are not remove()'s to tear down
 * (no-manual-free-of-devres reports those) and are left out. A use matches a teardown when
 * it reads the same allocation at the freed member path or below it.
 *
 * API
 *   removeTeardowns(an, driver)        Teardown[] (memoised per driver)
 *     .site      the call in remove()'s body (the release itself, or the helper call)
 *     .release   "kfree()" or "teardownRing() (through kfree())", for messages
 *     .freed     the manual-allocation origins it frees (kind "call")
 *   probeAcquisitions(an, driver)      Acquisition[]: the torn-down allocations made in probe(),
 *                                      each anchored at a node of probe()'s own body (the
 *                                      allocation, or the helper call leading to it), in source order
 *   useOfTeardown(an, driver, fn)      the first expression in `fn`, or in the methods and helpers
 *                                      it calls (3 calls deep), that reads what remove() frees:
 *                                      { expr, teardown } or undefined
 *   ownSteps(fn)                       the calls of a function's own body in source order (not
 *                                      those inside nested functions)
 *   boundCallbacksOf(an, call)         the bound callbacks `call` registers, itself or through the
 *                                      user's helpers, with the bindings to resolve their uses
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { defineSummary } from "./summaries.js";
import type { DriverInfo } from "./drivers.js";
import { NO_BINDINGS, argumentSinks, bindArguments, originsOf, pathStartsWith, type Bindings, type Origin } from "./values.js";
import { argumentBrands, referencedFunction, userFunctionOf } from "./call-sites.js";
import { calleeText } from "./devres-calls.js";
import { isFunctionNode, type FunctionNode } from "./ast.js";
import { memberText } from "./presentation.js";

type CallOrigin = Extract<Origin, { kind: "call" }>;

export interface Teardown {
  site: ts.CallExpression | ts.NewExpression;
  release: string;
  /** The released expression as written in remove() (plus the member path a helper frees). */
  resource: string;
  freed: CallOrigin[];
}

export interface Acquisition {
  /** A node of probe()'s own body: the allocation call or the helper call that leads to it. */
  anchor: ts.Node;
  /** A name for messages: the variable or field it is stored in, else what remove() frees. */
  name: string;
  teardown: Teardown;
}

function within(node: ts.Node, container: ts.Node): boolean {
  for (let p: ts.Node | undefined = node; p; p = p.parent) if (p === container) return true;
  return false;
}

/** Nearest enclosing function, or undefined at top level. */
function ownerFunction(node: ts.Node): ts.Node | undefined {
  for (let p = node.parent; p; p = p.parent) if (isFunctionNode(p)) return p;
  return undefined;
}

export function ownSteps(fn: FunctionNode): Array<ts.CallExpression | ts.NewExpression> {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  const out: Array<ts.CallExpression | ts.NewExpression> = [];
  if (!body) return out;
  const visit = (n: ts.Node): void => {
    if (isFunctionNode(n)) return;
    if (ts.isCallExpression(n) || ts.isNewExpression(n)) out.push(n);
    ts.forEachChild(n, visit);
  };
  visit(body);
  // forEachChild visits a call's callee and arguments after the call itself: sort by position.
  return out.sort((a, b) => a.getStart() - b.getStart());
}

const teardownSummary = defineSummary<DriverInfo, readonly Teardown[], Analysis>("remove-teardowns", (an, driver) => {
  const out: Teardown[] = [];
  const body = driver.remove && (driver.remove as ts.FunctionLikeDeclaration).body;
  if (body) {
    const visit = (n: ts.Node): void => {
      if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments) {
        n.arguments.forEach((arg, i) => {
          const sink = argumentSinks(an, n, i).find((s) => s.brand === "releases");
          if (!sink) return;
          const freed = originsOf(an, arg, sink.path).filter((o): o is CallOrigin => o.kind === "call");
          if (freed.length === 0) return;
          const written = `${calleeText(an, n)}()`;
          out.push({
            site: n,
            release: sink.via.length === 0 ? written : `${written} (through ${sink.api}())`,
            resource: memberText(an.text(arg), sink.path),
            freed,
          });
        });
      }
      ts.forEachChild(n, visit);
    };
    visit(body);
  }
  return out;
});

export function removeTeardowns(an: Analysis, driver: DriverInfo): readonly Teardown[] {
  return teardownSummary.get(an, driver);
}

function nameOf(an: Analysis, anchor: ts.Node, fallback: string): string {
  let node = anchor;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent))) node = node.parent;
  const p = node.parent;
  if (p && ts.isVariableDeclaration(p) && p.initializer === node && ts.isIdentifier(p.name)) return p.name.text;
  if (p && ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === node) return an.text(p.left);
  return fallback;
}

export function probeAcquisitions(an: Analysis, driver: DriverInfo): readonly Acquisition[] {
  const probe = driver.probe;
  const body = probe && (probe as ts.FunctionLikeDeclaration).body;
  if (!body) return [];
  const out: Acquisition[] = [];
  const seen = new Set<ts.Node>();
  for (const t of removeTeardowns(an, driver)) {
    for (const o of t.freed) {
      // Anchor in probe's own body: the allocation itself, or the outermost helper call there.
      const candidates: ts.Node[] = [...o.via, o.call];
      const anchor = candidates.find((c) => within(c, body) && ownerFunction(c) === probe);
      if (!anchor || seen.has(anchor)) continue;
      seen.add(anchor);
      out.push({ anchor, name: nameOf(an, anchor, t.resource), teardown: t });
    }
  }
  return out.sort((a, b) => a.anchor.getStart() - b.anchor.getStart());
}

function matches(an: Analysis, expr: ts.Expression, teardowns: readonly Teardown[], bindings: Bindings): Teardown | undefined {
  const used = originsOf(an, expr, [], bindings).filter((o): o is CallOrigin => o.kind === "call");
  for (const u of used) {
    for (const t of teardowns) {
      if (t.freed.some((f) => f.call === u.call && pathStartsWith(u.path, f.path))) return t;
    }
  }
  return undefined;
}

/** Is this identifier a value read (not a property name, a declaration name, a label)? */
function isValueIdentifier(id: ts.Identifier): boolean {
  const p = id.parent;
  if (!p) return false;
  if ((ts.isPropertyAccessExpression(p) && p.name === id) || (ts.isQualifiedName(p) && p.right === id)) return false;
  if ((ts.isVariableDeclaration(p) || ts.isParameter(p) || ts.isBindingElement(p) || ts.isFunctionDeclaration(p) || ts.isClassLike(p) || ts.isMethodDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && (p as { name?: ts.Node }).name === id) return false;
  if (ts.isTypeReferenceNode(p) || ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p) || ts.isImportSpecifier(p)) return false;
  return true;
}

export function useOfTeardown(
  an: Analysis,
  driver: DriverInfo,
  fn: FunctionNode,
  bindings: Bindings = NO_BINDINGS,
): { expr: ts.Expression; teardown: Teardown } | undefined {
  const teardowns = removeTeardowns(an, driver);
  if (teardowns.length === 0) return undefined;
  return useIn(an, teardowns, fn, bindings, new Set([fn]), 0);
}

/** How many calls deep a callback's methods and helpers are looked into (`(b) => this.handle(b)`). */
const CALL_DEPTH = 3;

function useIn(
  an: Analysis,
  teardowns: readonly Teardown[],
  fn: FunctionNode,
  bindings: Bindings,
  seen: Set<FunctionNode>,
  depth: number,
): { expr: ts.Expression; teardown: Teardown } | undefined {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return undefined;
  let found: { expr: ts.Expression; teardown: Teardown } | undefined;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if ((ts.isIdentifier(n) && isValueIdentifier(n)) || n.kind === ts.SyntaxKind.ThisKeyword) {
      // From the variable outwards along the member chain: `priv`, `priv.ring`, `priv.ring.push`.
      let e: ts.Expression = n as ts.Expression;
      for (;;) {
        const t = n.kind === ts.SyntaxKind.ThisKeyword && e === n ? undefined : matches(an, e, teardowns, bindings);
        if (t) {
          found = { expr: e, teardown: t };
          return;
        }
        const p = e.parent;
        if (p && (ts.isPropertyAccessExpression(p) || ts.isElementAccessExpression(p)) && p.expression === e) e = p;
        else break;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  if (found || depth >= CALL_DEPTH) return found;
  // The methods and helpers the callback calls run inside it: their parameters read its arguments.
  for (const call of ownSteps(fn)) {
    const callee = userFunctionOf(an, call);
    if (!callee || seen.has(callee)) continue;
    seen.add(callee);
    const use = useIn(an, teardowns, callee, bindArguments(call, callee, bindings), seen, depth + 1);
    if (use) return use;
  }
  return undefined;
}

export interface BoundCallbackSite {
  /** The call that registers the callback (in `call` itself or in a helper it calls). */
  registration: ts.CallExpression | ts.NewExpression;
  fn: FunctionNode;
  /** How the helpers' parameters read the outer call's arguments. */
  bindings: Bindings;
}

/**
 * The bound callbacks (devm IRQ handlers, devm work items: `BoundCallback` parameters) that
 * `call` registers, itself or through the user's helpers it calls (any file, a few levels).
 */
export function boundCallbacksOf(an: Analysis, call: ts.CallExpression | ts.NewExpression, bindings: Bindings = NO_BINDINGS, depth = 0): BoundCallbackSite[] {
  const out: BoundCallbackSite[] = [];
  (call.arguments ?? []).forEach((arg, i) => {
    if (!argumentBrands(an.checker, call, i).boundCallback) return;
    const fn = referencedFunction(an, arg);
    if (fn) out.push({ registration: call, fn, bindings });
  });
  if (out.length > 0 || depth >= 3) return out;
  const helper = userFunctionOf(an, call);
  if (!helper) return out;
  const inner = bindArguments(call, helper, bindings);
  for (const step of ownSteps(helper)) out.push(...boundCallbacksOf(an, step, inner, depth + 1));
  return out;
}
