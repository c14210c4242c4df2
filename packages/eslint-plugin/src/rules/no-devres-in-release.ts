/**
 * no-devres-in-release: devres calls (registration or release) inside a kobject release
 * callback or a file release(), directly or through the user's helpers. Debug check 4 of
 * seeds/001's "proactive debug mode".
 *
 * One rule id, two checks: `create` below is the TypeScript check; C files (the `devbound/c`
 * language) go to `c`, c/checks/no-devres-in-release.ts (kobj_type/device/device_type.release,
 * class.dev_release, file_operations.release). The messages read the same in both languages.
 */
import { ts } from "../util/typescript.js";
import { createRule } from "../util/create-rule.js";
import { checkNoDevresInRelease } from "../c/checks/no-devres-in-release.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { getAnalysis, typeInfoMessages, releaseSites, type Analysis, type ReleaseSites, calleeText, callSummary, devresCallKind, devresReach, userFunctionOf, ownerName, forEachDescendant, skipOuter } from "../analysis/index.js";

const AFTER = "which can run after {{owner}} unbound, when devres has already released everything registered against the device.";

export default createRule({
  name: "no-devres-in-release",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow devres calls in kobject release callbacks and file `release()`",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: {
      ...typeInfoMessages,
      devresInRelease: `\`{{call}}\` is a devres {{kind}} inside {{context}}, ${AFTER}`,
      devresInReleaseVia: `\`{{call}}\` calls {{inner}} (a devres {{kind}}) from {{context}}, ${AFTER}`,
    },
  },
  defaultOptions: [],
  c: checkNoDevresInRelease,
  create(context) {
    let analysis: Analysis | undefined;
    let sites: ReleaseSites | undefined;
    // The sites are handed over from ESLint's traversal (no walk of our own), judged at the end.
    const site = (node: TSESTree.Node) => {
      const n = sites && (analysis!.tsNode(node) as ts.Node | undefined);
      if (n) sites!.add(n);
    };
    return {
      Program() {
        analysis = getAnalysis(context);
        sites = analysis && releaseSites(analysis);
      },
      // function nodes, and the nodes holding a reference a type is expected for (release-callbacks.ts)
      ":function": site,
      CallExpression: site,
      NewExpression: site,
      ImportExpression: site,
      Property: site,
      VariableDeclarator: site,
      AssignmentExpression: site,
      AssignmentPattern: site,
      "Program:exit"() {
        const an = analysis;
        if (!an || !sites) return;
        const reported = new Set<ts.Node>();
        const report = (node: ts.Node, messageId: "devresInRelease" | "devresInReleaseVia", data: Record<string, string>) => {
          const es = an.esNode(node);
          if (!es || reported.has(node)) return;
          reported.add(node);
          context.report({ node: es, messageId, data });
        };
        for (const rc of sites.callbacks()) {
          const owner = ownerName(an, rc.site);
          const where = rc.context === "kobject" ? "a kobject release callback" : "a file release()";
          const body = (rc.fn as ts.FunctionLikeDeclaration).body;
          if (!body) continue;
          if (rc.fn.getSourceFile() !== an.sourceFile) {
            // Declared in another file: report where this file hands it over.
            const reach = devresReach(an, rc.fn);
            if (reach) {
              report(rc.site, "devresInReleaseVia", {
                call: `${an.text(skipOuter(rc.site as ts.Expression))}()`,
                inner: `${calleeText(an, reach.call)}()`,
                kind: reach.kind,
                context: where,
                owner,
              });
            }
            continue;
          }
          const visitCall = (n: ts.Node): void => {
            if (!ts.isCallExpression(n) && !ts.isNewExpression(n)) return;
            const kind = devresCallKind(an, n);
            if (kind) {
              report(n, "devresInRelease", { call: callSummary(an, n), kind, context: where, owner });
              return;
            }
            const helper = userFunctionOf(an, n);
            const reach = helper && helper !== rc.fn ? devresReach(an, helper) : undefined;
            if (reach) {
              report(n, "devresInReleaseVia", {
                call: callSummary(an, n),
                inner: `${calleeText(an, reach.call)}()`,
                kind: reach.kind,
                context: where,
                owner,
              });
            }
          };
          // An expression-bodied arrow's body is itself the first node to look at.
          visitCall(body);
          forEachDescendant(body, (n) => void visitCall(n));
        }
      },
    };
  },
});
