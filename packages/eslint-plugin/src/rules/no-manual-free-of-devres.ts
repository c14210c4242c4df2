/**
 * no-manual-free-of-devres: a manual release (a parameter branded Releases<kind>: kfree,
 * freeIrq, iounmap, destroyWorkqueue, ...) of a devres-managed value, directly or through the
 * user's helpers: devres releases it again at unbind (the message names what that does for the
 * brand's kind: CONSEQUENCE below). What Coccinelle's devm_free.cocci and smatch's
 * check_freeing_devm find in C.
 *
 * One rule id, two checks: `create` below is the TypeScript check (type brands); C files (the
 * `devbound/c` language) go to `c`, c/checks/no-manual-free-of-devres.ts (the kernel
 * vocabulary and the C analysis). The messages read the same in both languages.
 */
import { ts } from "../util/typescript.js";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import { isSideEffectFree, negatedConditionText, statementRemovalRange } from "../util/statement-removal.js";
import { checkNoManualFreeOfDevres } from "../c/checks/no-manual-free-of-devres.js";
import { getAnalysis, typeInfoMessages, argumentSinks, argumentValues, isManagedRelease, originsOf, calleeText, memberText, ownerName, type ManagedKind } from "../analysis/index.js";

/** What the second release at unbind does, per runtime kind (the C check reads vocabulary CONSEQUENCE). */
const CONSEQUENCE: Readonly<Record<ManagedKind, string>> = {
  alloc: "double free",
  irq: "double freeIrq",
  iomem: "double unmap",
  workqueue: "double destroy",
  action: "the action runs a second time",
  group: "double release",
};

type SuggestionId = "dropRelease" | "dropReleaseIf" | "keepElse";

/**
 * The suggestion for a release call, where dropping it is faithful:
 * - a statement in a block (or a case, a module): removed with its line when alone on it;
 * - the only statement of a braceless `if` without `else`: the whole `if` when its condition has
 *   no side effects (dropping only the call would leave `if (c);`), nothing otherwise;
 * - the braceless `then` of an `if … else`: `if (!c) <else>` (the condition is still evaluated once);
 *   not when the `else` is another `if` (the chain would have to be restructured);
 * - the braceless `else` of an `if`: ` else <release>` removed.
 * Any other position (a loop body, a label, an expression `c && kfree(p)`) gets no suggestion.
 */
function dropFix(call: ts.CallExpression): { id: SuggestionId; fix: TSESLint.ReportFixFunction } | undefined {
  let node: ts.Node = call;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isVoidExpression(node.parent))) node = node.parent;
  const stmt = node.parent;
  if (!stmt || !ts.isExpressionStatement(stmt) || stmt.expression !== node) return undefined;
  const sf = stmt.getSourceFile();
  const removeStatement = (st: ts.Statement): TSESLint.ReportFixFunction | undefined => {
    const list = st.parent;
    if (list && (ts.isBlock(list) || ts.isSourceFile(list) || ts.isModuleBlock(list) || ts.isCaseClause(list) || ts.isDefaultClause(list))) {
      return (fixer) => fixer.removeRange(statementRemovalRange(sf.text, st.getStart(sf), st.end));
    }
    // `… else if (c) kfree(p);`: drop the `else` with it.
    if (list && ts.isIfStatement(list) && list.elseStatement === st) return (fixer) => fixer.removeRange([list.thenStatement.end, st.end]);
    return undefined;
  };
  const parent = stmt.parent;
  if (parent && ts.isIfStatement(parent)) {
    if (parent.elseStatement === stmt) return { id: "dropRelease", fix: (fixer) => fixer.removeRange([parent.thenStatement.end, stmt.end]) };
    const otherwise = parent.elseStatement;
    if (!otherwise) {
      const fix = isSideEffectFree(parent.expression) ? removeStatement(parent) : undefined;
      return fix && { id: "dropReleaseIf", fix };
    }
    if (ts.isIfStatement(otherwise)) return undefined;
    const replacement = `if (${negatedConditionText(parent.expression, sf)}) ${otherwise.getText(sf)}`;
    return { id: "keepElse", fix: (fixer) => fixer.replaceTextRange([parent.getStart(sf), parent.end], replacement) };
  }
  const fix = removeStatement(stmt);
  return fix && { id: "dropRelease", fix };
}

type MessageIds = "doubleFree" | SuggestionId | keyof typeof typeInfoMessages;

export default createRule<[], MessageIds>({
  name: "no-manual-free-of-devres",
  meta: {
    type: "problem",
    hasSuggestions: true,
    docs: {
      description: "Disallow manually releasing a devres-managed resource",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: {
      ...typeInfoMessages,
      doubleFree:
        "`{{resource}}` is devres-managed ({{origin}}) and is released when {{owner}} unbinds; {{release}} here releases it a second time ({{consequence}}).",
      dropRelease: "Remove this {{release}}: devres releases `{{resource}}` at unbind.",
      dropReleaseIf: "Remove this `if` and its {{release}} (the condition has no side effects): devres releases `{{resource}}` at unbind.",
      keepElse: "Remove this {{release}} and keep the `else` branch under the negated condition: devres releases `{{resource}}` at unbind.",
    },
  },
  defaultOptions: [],
  c: checkNoManualFreeOfDevres,
  create(context) {
    const an = getAnalysis(context);
    if (!an) return {};
    return {
      CallExpression(node: TSESTree.CallExpression) {
        const call = an.tsNode(node) as ts.CallExpression;
        for (const { value: arg, index: i } of argumentValues(call)) {
          // The first manual release this argument reaches (directly, or through helpers).
          const sink = argumentSinks(an, call, i).find((s) => s.brand === "releases");
          if (!sink) continue;
          const managed = isManagedRelease(originsOf(an, arg, sink.path));
          if (!managed) continue;
          const written = `${calleeText(an, call)}()`;
          const release = sink.via.length === 0 ? written : `${written} (through ${sink.api}())`;
          const resource = memberText(an.text(arg), sink.path);
          const origin = managed.allocation ? `from ${calleeText(an, managed.allocation)}()` : "typed Managed";
          const owner = ownerName(an, call);
          const drop = call.getSourceFile() === an.sourceFile ? dropFix(call) : undefined;
          const suggest: TSESLint.ReportSuggestionArray<SuggestionId> = drop ? [{ messageId: drop.id, data: { release, resource }, fix: drop.fix }] : [];
          // A release of several kinds (a union brand) names the first; every runtime release has one.
          const consequence = CONSEQUENCE[sink.releases?.[0] ?? "alloc"];
          context.report({ node, messageId: "doubleFree", data: { resource, origin, owner, release, consequence }, suggest });
        }
      },
    };
  },
});
