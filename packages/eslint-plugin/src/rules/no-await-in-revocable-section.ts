/**
 * no-await-in-revocable-section: an `await`, a `for await`, or a promise returned to the
 * section (a `tryAccessWith` callback returning a promise: the runtime keeps the section open
 * until it settles) inside a revocable read-side section. Revoking waits for readers, so unbind
 * then waits on arbitrary I/O: the hung task of Johan Hovold's revert (seeds/001, seeds/002's
 * synchronize_srcu()).
 *
 * Sections and "inside" come from analysis/sections.ts (guards: after the declaration, before a
 * dispose, not where the guard is null; callbacks: the body; nested functions excluded). A
 * `yield` in a generator is a suspension like `await` and is reported too.
 * `Devres.access(dev)` opens no section. Option `allowAwaitOf`: call names whose await is
 * known to be prompt.
 */
import { ts } from "../util/typescript.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import {
  calleeName,
  describeSection,
  getAnalysis,
  isFunctionNode,
  isInReadSide,
  sectionOpenedBy,
  skipOuter,
  typeInfoMessages,
  type AccessSection,
  type FunctionNode,
  typeOf,
  isPrimitiveExpression,
  returnedExpressions,
} from "../analysis/index.js";

type MessageIds = "await" | "forAwait" | "yield" | "returnedPromise" | keyof typeof typeInfoMessages;
type Options = [{ allowAwaitOf?: string[] }];

export default createRule<Options, MessageIds>({
  name: "no-await-in-revocable-section",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow awaiting inside a revocable read-side section (unbind would wait on arbitrary I/O)",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [
      {
        type: "object",
        properties: {
          allowAwaitOf: {
            type: "array",
            items: { type: "string", minLength: 1 },
            uniqueItems: true,
            description: "Names of functions or methods whose await is known to complete promptly.",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ allowAwaitOf: [] }],
    messages: {
      ...typeInfoMessages,
      await:
        "`await` of {{what}} inside the read-side section of `{{resource}}` ({{section}}): unbind revokes `{{resource}}` and waits for this section, so it hangs until that settles (a hung task); copy what you need out of the section and await after it",
      forAwait:
        "`for await` inside the read-side section of `{{resource}}` ({{section}}): unbind revokes `{{resource}}` and waits for this section, so it hangs until the iteration ends (a hung task); copy what you need out of the section and iterate after it",
      yield:
        "`yield` inside the read-side section of `{{resource}}` ({{section}}): the generator suspends with the section open until its consumer resumes it, and unbind, which revokes `{{resource}}`, waits for that (a hung task); yield after the section",
      returnedPromise:
        "{{section}} on `{{resource}}` returns {{what}}: the read-side section stays open until it settles and unbind, which revokes `{{resource}}`, waits for it (a hung task); return a plain value and await outside the section",
    },
  },
  defaultOptions: [{ allowAwaitOf: [] }],
  create(context, [options]) {
    const an = getAnalysis(context);
    if (!an) return {};
    const { checker } = an;
    const allowed = new Set(options.allowAwaitOf ?? []);

    const what = (expr: ts.Expression): string => {
      const e = skipOuter(expr);
      if (ts.isCallExpression(e) || ts.isNewExpression(e)) {
        const callee = an.text(e.expression);
        return `\`${ts.isNewExpression(e) ? "new " : ""}${callee.length <= 40 ? callee : (calleeName(e) ?? "a call")}()\``;
      }
      return `\`${an.text(e)}\``;
    };
    const isAllowed = (expr: ts.Expression): boolean => {
      const e = skipOuter(expr);
      return (ts.isCallExpression(e) || ts.isNewExpression(e)) && allowed.has(calleeName(e) ?? "");
    };
    const isThenable = (t: ts.Type): boolean => {
      const parts = t.isUnion() ? t.types : [t];
      return parts.some((p) => {
        const then = checker.getPropertyOfType(p, "then");
        return !!then && checker.getTypeOfSymbol(then).getCallSignatures().length > 0;
      });
    };

    function reportAt(node: ts.Node, messageId: MessageIds, section: AccessSection, extra: Record<string, string>): void {
      if (node.getSourceFile() !== an!.sourceFile) return;
      const sectionText = describeSection(an!, section);
      const sc = context.sourceCode;
      context.report({
        // From TS positions: the `await` of a `for await` has no ESTree node of its own.
        loc: { start: sc.getLocFromIndex(node.getStart()), end: sc.getLocFromIndex(node.end) },
        messageId,
        data: { resource: an!.text(section.resource), section: messageId === "returnedPromise" ? sectionText.replace(/^a /, "This ") : sectionText, ...extra },
      });
    }

    function scan(section: AccessSection, root: ts.Node): void {
      const visit = (n: ts.Node): void => {
        if (isFunctionNode(n)) return; // its own scope: runs when called
        if (ts.isAwaitExpression(n) && isInReadSide(an!, section, n) && !isAllowed(n.expression)) {
          reportAt(n, "await", section, { what: what(n.expression) });
        }
        // A generator suspends at `yield` just like an async function at `await`.
        if (ts.isYieldExpression(n) && isInReadSide(an!, section, n)) {
          reportAt(n, "yield", section, {});
        }
        if (ts.isForOfStatement(n) && n.awaitModifier && isInReadSide(an!, section, n)) {
          reportAt(n.awaitModifier, "forAwait", section, {});
        }
        ts.forEachChild(n, visit);
      };
      ts.forEachChild(root, visit);
    }

    return {
      CallExpression(node: TSESTree.CallExpression) {
        if (node.callee.type !== "MemberExpression") return;
        const section = sectionOpenedBy(an, an.tsNode(node) as ts.CallExpression);
        if (!section || section.kind === "access") return;
        if (section.kind === "guard") {
          scan(section, section.home);
          return;
        }
        const fn = section.callback!;
        if (!fn.body) return;
        scan(section, fn.body);
        // A returned promise: the runtime keeps the section open until it settles.
        for (const ret of returnedExpressions(fn)) {
          if (!ret) continue;
          const e = skipOuter(ret);
          if (ts.isAwaitExpression(e)) continue; // reported as an await
          if (isPrimitiveExpression(e)) continue; // `m.readl(0) & 0xff`: no promise whatever the operands
          if (!isThenable(typeOf(checker, e)) || isAllowed(e)) continue;
          reportAt(ret, "returnedPromise", section, { what: `a promise (${what(e)})` });
        }
      },
    };
  },
});
