/**
 * no-revocable-escape: a value obtained inside a revocable access section (the guard and its
 * `.value`, a `tryAccessWith` callback's parameter, `Devres.access(dev)`'s result) leaving it:
 * stored outside, returned as itself, captured by a deferred callback, or handed to a helper
 * that does so (C's REVOCABLE() scope, seeds/002; Rust's borrow of the guard, seeds/000).
 *
 * Sections come from analysis/sections.ts (by the AccessSection brand), flows from
 * analysis/escapes.ts with member objects counted as part of the value. Plain values
 * (primitives, decided by type) are copies and never escape.
 */
import { ts } from "../util/typescript.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import {
  calleeName,
  describeEscape,
  describeSection,
  escapesOf,
  getAnalysis,
  isPrimitiveType,
  sectionOpenedBy,
  sectionValues,
  typeInfoMessages,
  type AccessSection,
  type Escape,
} from "../analysis/index.js";

type MessageIds = "stored" | "returned" | "captured" | "helper" | keyof typeof typeInfoMessages;

const OBTAINED = "`{{name}}` was obtained {{section}} and is valid only {{until}}";

export default createRule<[], MessageIds>({
  name: "no-revocable-escape",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow a value obtained inside a revocable access section from escaping it",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: {
      ...typeInfoMessages,
      stored: `${OBTAINED}, but it is stored in {{sink}}, which outlives the section: once unbind revokes \`{{resource}}\` that is a use-after-free; copy the plain values you need instead`,
      returned: `${OBTAINED}, but it is returned out of the section as {{sink}}: once unbind revokes \`{{resource}}\` the caller holds a released resource; return a plain value read inside the section instead`,
      captured: `${OBTAINED}, but {{sink}} captures it and may run after unbind revokes \`{{resource}}\` (use-after-free); open a new access section inside the callback instead`,
      helper: `${OBTAINED}, but it is passed to {{sink}}, which outlives the section: once unbind revokes \`{{resource}}\` that is a use-after-free`,
    },
  },
  defaultOptions: [],
  create(context) {
    const an = getAnalysis(context);
    if (!an) return {};
    const { checker } = an;
    const done = new Set<string>();

    function sectionPhrases(section: AccessSection): { section: string; until: string } {
      const resource = an!.text(section.resource);
      if (section.kind === "access") {
        const dev = an!.text(section.device!);
        return { section: `from \`${an!.text(section.opener)}\``, until: `while \`${dev}\` proves the device bound (the call that received \`${dev}\`)` };
      }
      return { section: `inside ${describeSection(an!, section)} on \`${resource}\``, until: "until that section ends" };
    }

    function report(e: Escape, section: AccessSection): void {
      const es = an!.esNode(e.node);
      if (!es) return;
      const key = `${e.node.pos}:${e.node.end}:${e.kind}`;
      if (done.has(key)) return;
      done.add(key);
      const messageId: MessageIds = e.kind === "captured" ? "captured" : e.kind === "helper" ? "helper" : e.kind === "return" || e.kind === "driver-data" ? "returned" : "stored";
      let sink = describeEscape(e);
      if (e.kind === "return" && section.kind === "callback" && e.site && isOwnReturn(e.site, section)) {
        sink = `the callback's result, which ${calleeName(section.opener) ?? "the call"}() hands to its caller`;
      }
      context.report({
        node: es,
        messageId,
        data: { name: an!.text(e.node), ...sectionPhrases(section), resource: an!.text(section.resource), sink },
      });
    }

    return {
      CallExpression(node: TSESTree.CallExpression) {
        if (node.callee.type !== "MemberExpression") return;
        const section = sectionOpenedBy(an, an.tsNode(node) as ts.CallExpression);
        if (!section) return;
        for (const v of sectionValues(an, section)) {
          // escapes first: most section values go nowhere, and typing one resolves the section's call
          const escapes = escapesOf(an, v, { home: section.home, members: true });
          if (escapes.length === 0 || isPrimitiveType(checker, checker.getTypeAtLocation(v))) continue;
          for (const e of escapes) report(e, section);
        }
      },
    };
  },
});

function isOwnReturn(site: ts.Node, section: AccessSection): boolean {
  const fn = section.callback!;
  if (ts.isArrowFunction(site) && site === fn) return true;
  for (let p: ts.Node | undefined = site.parent; p; p = p.parent) {
    if (ts.isFunctionLike(p)) return p === fn;
  }
  return false;
}
