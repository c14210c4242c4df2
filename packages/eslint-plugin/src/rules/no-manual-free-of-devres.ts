/**
 * no-manual-free-of-devres: a manual release (a parameter branded Releases<kind>: kfree,
 * freeIrq, iounmap, destroyWorkqueue, ...) of a devres-managed value, directly or through the
 * user's helpers: devres releases it again at unbind (a double free). What Coccinelle's
 * devm_free.cocci and smatch's check_freeing_devm find in C.
 */
import ts from "typescript";
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import { getAnalysis, typeInfoMessages, argumentSinks, isManagedRelease, originsOf, calleeText, driverDisplayName, enclosingDriver } from "../analysis/index.js";

/** The statement to drop for the suggestion, when removing it cannot change other statements. */
function removableStatement(call: ts.CallExpression): ts.ExpressionStatement | undefined {
  let node: ts.Node = call;
  while (node.parent && (ts.isAwaitExpression(node.parent) || ts.isParenthesizedExpression(node.parent) || ts.isVoidExpression(node.parent))) node = node.parent;
  const stmt = node.parent;
  if (!stmt || !ts.isExpressionStatement(stmt) || stmt.expression !== node) return undefined;
  const list = stmt.parent;
  return list && (ts.isBlock(list) || ts.isSourceFile(list) || ts.isModuleBlock(list) || ts.isCaseClause(list) || ts.isDefaultClause(list)) ? stmt : undefined;
}

export default createRule({
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
        "`{{resource}}` is devres-managed ({{origin}}) and is released when {{owner}} unbinds; {{release}} here releases it a second time (double free).",
      dropRelease: "Remove this {{release}}: devres releases `{{resource}}` at unbind.",
    },
  },
  defaultOptions: [],
  create(context) {
    const an = getAnalysis(context);
    if (!an) return {};
    return {
      CallExpression(node: TSESTree.CallExpression) {
        const call = an.tsNode(node) as ts.CallExpression;
        call.arguments.forEach((arg, i) => {
          // The first manual release this argument reaches (directly, or through helpers).
          const sink = argumentSinks(an, call, i).find((s) => s.brand === "releases");
          if (!sink) return;
          const managed = isManagedRelease(originsOf(an, arg, sink.path));
          if (!managed) return;
          const written = `${calleeText(an, call)}()`;
          const release = sink.via.length === 0 ? written : `${written} (through ${sink.api}())`;
          const resource = an.text(arg) + (sink.path.length ? `.${sink.path.join(".")}` : "");
          const origin = managed.allocation ? `from ${calleeText(an, managed.allocation)}()` : "typed Managed";
          const owner = driverDisplayName(enclosingDriver(an, call)?.driver) ?? "its device";
          const stmt = removableStatement(call);
          const es = stmt && an.esNode(stmt);
          const suggest: TSESLint.ReportSuggestionArray<"dropRelease"> = es
            ? [{ messageId: "dropRelease", data: { release, resource }, fix: (fixer) => fixer.remove(es) }]
            : [];
          context.report({ node, messageId: "doubleFree", data: { resource, origin, owner, release }, suggest });
        });
      },
    };
  },
});
