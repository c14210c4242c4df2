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
 *
 * Languages: every rule declares `meta.languages` (ESLint 10: `["js/js", "devbound/c"]`) and may
 * give a C check, `c: (context, options) => listener` (a module of src/c/checks/). A C file
 * (c/dispatch.ts: recognised by its SourceCode, not its extension) goes to `c`, or to nothing
 * when the rule has no C check yet; every other file goes to `create`, the TypeScript check.
 *
 * The per-file early exit lives here, once for every rule: a TypeScript file that cannot hold a
 * branded value (analysis/services.ts, shouldAnalyse: neither it nor anything it imports mentions
 * a brand) gets no visitors, unless `settings.devbound.analyseAllFiles` is true. `isGated(rule)`
 * says a rule was built here (the plugin's rules all are: tested).
 */
import { ESLintUtils, type TSESLint } from "@typescript-eslint/utils";
import { RULE_LANGUAGES, isCSourceCode } from "../c/dispatch.js";
import { shouldAnalyse } from "../analysis/services.js";

export interface DevboundDocs {
  description: string;
  recommended: "error" | "warn";
  strict?: { level?: "error" | "warn"; options?: readonly unknown[] };
  requiresTypeChecking?: boolean;
}

export const docsUrl = (name: string): string =>
  `https://github.com/devbound/devbound/blob/main/rules-docs/${name}.md`;

const baseCreateRule = ESLintUtils.RuleCreator<DevboundDocs>(docsUrl);

/** The rules that have a C check: `devbound.configs.kernel` enables exactly these (src/index.ts). */
const withCCheck = new WeakSet<object>();
export const hasCCheck = (rule: object): boolean => withCCheck.has(rule);

/** The rules built by createRule, whose TypeScript check passes the per-file early exit. */
const gated = new WeakSet<object>();
export const isGated = (rule: object): boolean => gated.has(rule);

type RuleDefinition<Options extends readonly unknown[], MessageIds extends string> = Readonly<ESLintUtils.RuleWithMetaAndName<Options, MessageIds, DevboundDocs>> & {
  /** The rule's C check: gets C files (the `devbound/c` language). */
  c?: (context: Readonly<TSESLint.RuleContext<MessageIds, Options>>, options: Readonly<Options>) => TSESLint.RuleListener;
};

export function createRule<Options extends readonly unknown[], MessageIds extends string>({ c, create, meta, ...rest }: RuleDefinition<Options, MessageIds>) {
  const rule = baseCreateRule<Options, MessageIds>({
    ...rest,
    meta: { ...meta, languages: RULE_LANGUAGES } as typeof meta,
    create(context, options) {
      if (isCSourceCode(context.sourceCode)) return c ? c(context, options) : {};
      if (!shouldAnalyse(context as never)) return {};
      return create(context, options);
    },
  });
  if (c) withCCheck.add(rule);
  gated.add(rule);
  return rule;
}
