/**
 * Shared helpers of the C language tests: parse a snippet, find nodes, lint with an inline rule.
 */
import { Linter } from "eslint";
import { language, parseC, walk, type CNode, type MacroHints } from "../../packages/eslint-language-c/src/index.js";

export function parse(code: string, hints?: MacroHints): CNode {
  const outcome = parseC(code, "test.c", hints);
  if (!outcome.ok) throw new Error(outcome.message);
  return outcome.ast;
}

/** Every node of `type` in source order. */
export function all(root: CNode, type: string): CNode[] {
  const out: CNode[] = [];
  walk(root, (n) => {
    if (n.type === type) out.push(n);
  });
  return out;
}

/** The first node of `type` (whose text is `text`, when given); throws when there is none. */
export function find(root: CNode, type: string, text?: string): CNode {
  const found = all(root, type).find((n) => text === undefined || n.text === text);
  if (!found) throw new Error(`no ${type}${text ? ` "${text}"` : ""}`);
  return found;
}

/** Reports every call (`call <callee>`), so directives and error recovery are observable. */
export const callsRule = {
  meta: { type: "problem" as const, messages: { call: "call {{callee}}" }, schema: [] },
  create(context: { sourceCode: { getText(node: CNode): string }; report(d: object): void }) {
    return {
      call_expression(node: CNode) {
        context.report({ node, messageId: "call", data: { callee: context.sourceCode.getText(node.children[0]!) } });
      },
    };
  },
};

export const testPlugin = { languages: { c: language }, rules: { calls: callsRule } };

export function lint(code: string, options: { hints?: MacroHints; filename?: string; rules?: Record<string, unknown> } = {}) {
  const linter = new Linter();
  return linter.verify(
    code,
    [
      {
        files: ["**/*.c"],
        plugins: { t: testPlugin },
        language: "t/c",
        languageOptions: options.hints ? { macroHints: options.hints } : {},
        rules: (options.rules ?? { "t/calls": "error" }) as never,
      },
    ] as never,
    options.filename ?? "driver.c",
  );
}
