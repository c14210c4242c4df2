/**
 * create-rule.ts: the one RuleCreator every devbound rule is built with.
 *
 * Invariant: every rule's `meta.docs.url` points at its page in `rules-docs/`, and its
 * `meta.docs` says how the `recommended` and `strict` configs enable it (src/index.ts builds
 * both configs from these fields, so a rule is configured in exactly one place).
 *
 *   createRule({ name: "my-rule", meta: { docs: { description, recommended: "error" }, ... }, ... })
 *
 * - `recommended`: level in `recommended` ("error" for bugs, "warn" for smells).
 * - `strict`: optional `{ level?, options? }` for `strict`; defaults to the recommended level
 *   with default options. A soft check that is off by default is switched on here through a
 *   rule option (e.g. `options: [{ devresWithRemove: true }]`).
 * - `requiresTypeChecking`: always true; rules call `getAnalysis(context)` (analysis/services.ts).
 */
import { ESLintUtils } from "@typescript-eslint/utils";

export interface DevboundDocs {
  description: string;
  recommended: "error" | "warn";
  strict?: { level?: "error" | "warn"; options?: readonly unknown[] };
  requiresTypeChecking?: boolean;
}

export const docsUrl = (name: string): string =>
  `https://github.com/devbound/devbound/blob/main/rules-docs/${name}.md`;

export const createRule = ESLintUtils.RuleCreator<DevboundDocs>(docsUrl);
