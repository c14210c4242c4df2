/**
 * devres-calls.ts: which calls register or release devres or release a resource by hand, and
 * which of the user's functions do so, transitively.
 *
 * Invariant: a call is classified by the brands on the parameters of the signature it resolves
 * to (never by the callee's name): a `DevresTarget` parameter makes a devres registration, a
 * `DevresRelease` parameter a devres release, a `Releases<kind>` parameter a manual release of
 * that argument (values.ts's sinks follow such arguments through helpers). A user
 * function is summarised once per ts.Program by walking its body (nested
 * callbacks included: they are part of what calling it sets in motion) and the bodies of the
 * user functions it calls, in any file; recursion is cut by a cycle guard.
 *
 * API
 *   devresCallKind(an, call)           "registration" | "release" | undefined
 *   devresReach(an, fn)                the first devres call reached from fn's body, with the chain
 *                                      of helper calls leading to it, or undefined
 *   calleeText(an, call)               the callee as written ("kfree", "wq.queue", "this.cleanup")
 *   callSummary(an, call)              the call with its simple arguments, for messages:
 *                                      "devmKfree(dev, buffer)", "devmKzalloc(dev, …)"
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { defineSummary } from "./summaries.js";
import { argumentBrands, userFunctionOf } from "./call-sites.js";
import { forEachDescendant, skipOuter, type FunctionNode } from "./ast.js";

export type DevresCallKind = "registration" | "release";

export function devresCallKind(an: Analysis, call: ts.CallExpression | ts.NewExpression): DevresCallKind | undefined {
  const args = call.arguments ?? [];
  if (args.length === 0) return undefined;
  let registration = false;
  for (let i = 0; i < args.length; i++) {
    const b = argumentBrands(an.checker, call, i);
    if (b.devresRelease) return "release";
    if (b.devresTarget) registration = true;
  }
  return registration ? "registration" : undefined;
}

export function calleeText(an: Analysis, call: ts.CallExpression | ts.NewExpression): string {
  return an.text(skipOuter(call.expression));
}

/** Names (identifiers, member chains) are shown, anything else is elided: they name the device and the resource. */
function argumentSummary(an: Analysis, arg: ts.Expression): string {
  const e = skipOuter(arg);
  let cur: ts.Expression = e;
  while (ts.isPropertyAccessExpression(cur)) cur = cur.expression;
  const simple = ts.isIdentifier(cur) || cur.kind === ts.SyntaxKind.ThisKeyword;
  const text = an.text(e);
  return simple && text.length <= 40 ? text : "…";
}

export function callSummary(an: Analysis, call: ts.CallExpression | ts.NewExpression): string {
  const args = (call.arguments ?? []).map((a) => argumentSummary(an, a));
  return `${calleeText(an, call)}(${args.join(", ")})`;
}

function calls(node: ts.Node, cb: (call: ts.CallExpression | ts.NewExpression) => boolean | void): void {
  let stop = false;
  forEachDescendant(node, (n) => {
    if (stop) return false;
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && cb(n) === false) stop = true;
    return !stop;
  });
}

export interface DevresReach {
  /** The devres call itself (in whatever file it is). */
  call: ts.CallExpression | ts.NewExpression;
  kind: DevresCallKind;
  /** Helper calls from fn's body down to the devres call (empty when fn makes it itself). */
  via: Array<ts.CallExpression | ts.NewExpression>;
}

/** A function on the current chain reads as reaching nothing: cycles add nothing (summaries.ts keeps no partial answer). */
const devresReachSummary = defineSummary<FunctionNode, DevresReach | null, Analysis>(
  "devres-reach",
  (an, fn) => {
    let found: DevresReach | null = null;
    const body = (fn as ts.FunctionLikeDeclaration).body;
    if (body) {
      calls(body, (call) => {
        const kind = devresCallKind(an, call);
        if (kind) {
          found = { call, kind, via: [] };
          return false;
        }
        const callee = userFunctionOf(an, call);
        const inner = callee && callee !== fn ? devresReach(an, callee) : undefined;
        if (inner) {
          found = { call: inner.call, kind: inner.kind, via: [call, ...inner.via] };
          return false;
        }
        return true;
      });
    }
    return found;
  },
  { onCycle: () => null },
);

export function devresReach(an: Analysis, fn: FunctionNode): DevresReach | undefined {
  return devresReachSummary.get(an, fn) ?? undefined;
}
