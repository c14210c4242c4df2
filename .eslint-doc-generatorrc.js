// eslint-doc-generator (https://github.com/eslint-community/eslint-doc-generator) options for
// `pnpm docs` (regenerate the README's rules table and each rule page's header from rule
// metadata) and `pnpm docs:check` (fail when they drift; part of `pnpm test`).
// Paths are relative to the plugin path given on the command line, scripts/doc-generator/
// (see the comment there for why the generator reads the plugin through that shim).
import plugin from "./packages/eslint-plugin/dist/index.js";

/** @type {import('eslint-doc-generator').GenerateOptions} */
const config = {
  pathRuleDoc: "../../rules-docs/{name}.md",
  pathRuleList: "../../README.md",
  // Link each rule to exactly its meta.docs.url (test/integration/docs-urls.test.ts checks that
  // every such URL maps to an existing rules-docs/ page).
  urlRuleDoc: (name) => plugin.rules[name].meta.docs.url,
  configEmoji: [
    ["recommended", "✅"],
    ["strict", "🔒"],
    ["kernel", "🐧"],
  ],
  // Title "<description> (`devbound/<rule>`)": the description is in the title, not repeated below it.
  ruleDocTitleFormat: "desc-parens-prefix-name",
  ruleDocNotices: ["deprecated", "configs", "fixableAndHasSuggestions", "requiresTypeChecking"],
  ruleListColumns: ["name", "description", "configsError", "configsWarn", "configsOff", "fixable", "hasSuggestions", "requiresTypeChecking"],
  // Every page has an "Options" section, also for rules without options ("none"): the
  // generator's own section check would reject those. docs-urls.test.ts checks instead that
  // each named option of a rule's schema is documented on its page.
  ruleDocSectionOptions: false,
};

export default config;
