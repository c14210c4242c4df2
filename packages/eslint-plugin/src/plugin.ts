/**
 * plugin.ts: the plugin object and its flat configs (the package's entry points, index.ts for
 * `import` and require.cts for `require()`, export it).
 *
 *   import devbound from "@devbound/eslint-plugin";
 *   export default [...devbound.configs.recommended];
 *
 * Invariant: nothing this module imports uses top-level await, so `require()` (Node's
 * require(esm)) can load it. The C language can only be loaded with `import`: its grammar is a
 * WebAssembly module that web-tree-sitter loads asynchronously (top-level await in
 * @devbound/eslint-language-c), so index.ts registers it (registerCLanguage) and, loaded with
 * `require()` alone, `languages.c` throws an error saying to use an ES module config. C
 * helpers come from the language's await-free subpath (`@devbound/eslint-language-c/syntax`).
 *
 * `recommended`: every rule at its `meta.docs.recommended` level (errors for bugs, warnings for
 * smells). `strict`: the same plus the soft checks (`meta.docs.strict`: a level and/or options
 * that switch a soft check on). Each config is an array shaped like typescript-eslint's flat
 * configs: first `devbound/base` (the plugin under `devbound`, no `files`, so a rule override in
 * the user's own config object, `{ rules: { "devbound/<rule>": "error" } }`, finds the plugin
 * whatever files it names), then one object per language with its `files`, parser and rules
 * (TypeScript: typescript-eslint's parser with `projectService: true`, since every rule needs
 * type information). The parser (and with it `typescript`) is loaded when ESLint first reads
 * `languageOptions.parser`, so a C-only run never loads it (util/typescript.ts says why).
 *
 * `kernel`: C files (`**\/*.{c,h}`) with the `devbound/c` language, the kernel's macro hints
 * (c/vocabulary/hints.ts) and the rules that have a C check, at their recommended level;
 * usable beside `recommended`: `[...devbound.configs.recommended, ...devbound.configs.kernel]`.
 */
import { createRequire } from "node:module";
import type { TSESLint } from "@typescript-eslint/utils";
import { rules } from "./rules/index.js";
import { hasCCheck, type DevboundDocs } from "./util/create-rule.js";
import { kernelMacroHints } from "./c/vocabulary/index.js";
import { C_LANGUAGE } from "./c/dispatch.js";

const require = createRequire(import.meta.url);
const { name, version } = require("../package.json") as { name: string; version: string };

export const FILES = ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts"];
/** The files of `kernel`: C sources and headers. */
export const KERNEL_FILES = ["**/*.c", "**/*.h"];

type RuleEntry = TSESLint.SharedConfig.RuleEntry;

function ruleLevels(preset: "recommended" | "strict" | "kernel"): Record<string, RuleEntry> {
  const out: Record<string, RuleEntry> = {};
  for (const [ruleName, rule] of Object.entries(rules)) {
    if (preset === "kernel" && !hasCCheck(rule)) continue;
    const docs = rule.meta.docs as DevboundDocs | undefined;
    if (!docs) continue;
    const level = preset === "strict" ? (docs.strict?.level ?? docs.recommended) : docs.recommended;
    const options = preset === "strict" ? docs.strict?.options : undefined;
    out[`devbound/${ruleName}`] = options ? ([level, ...options] as RuleEntry) : level;
  }
  return out;
}

const C_NEEDS_IMPORT =
  `${name}: the C language (${C_LANGUAGE}) loads its WebAssembly grammar asynchronously, which require() cannot wait for: ` +
  "load the plugin with import, in an ES module config (eslint.config.mjs, or eslint.config.js in a \"type\": \"module\" package).";

/** `languages.c` until index.ts registers the language: a clear error, not ESLint's "could not find language". */
const languages: Record<string, unknown> = {};
Object.defineProperty(languages, "c", {
  configurable: true,
  enumerable: false,
  get() {
    throw new Error(C_NEEDS_IMPORT);
  },
});

/** Called by index.ts once @devbound/eslint-language-c (and its grammar) has loaded. */
export function registerCLanguage(language: unknown): void {
  Object.defineProperty(languages, "c", { value: language, enumerable: true, configurable: true, writable: false });
}

const plugin = {
  meta: { name, version },
  rules,
  /** C files: `language: "devbound/c"` (registered by index.ts). */
  languages,
  configs: {} as Record<"recommended" | "strict" | "kernel", TSESLint.FlatConfig.ConfigArray>,
};

// The plugin's registration, shared by every config: no `files`, so it applies to whatever files
// any later config object names (ESLint accepts the same plugin object registered twice).
const base: TSESLint.FlatConfig.Config = {
  name: "devbound/base",
  plugins: { devbound: plugin as unknown as TSESLint.FlatConfig.Plugin },
};

function preset(which: "recommended" | "strict"): TSESLint.FlatConfig.ConfigArray {
  return [
    base,
    {
      name: `devbound/${which}`,
      files: FILES,
      languageOptions: {
        get parser() {
          return require("@typescript-eslint/parser") as TSESLint.FlatConfig.Parser;
        },
        parserOptions: { projectService: true },
      },
      rules: ruleLevels(which),
    },
  ];
}

plugin.configs.recommended = preset("recommended");
plugin.configs.strict = preset("strict");
plugin.configs.kernel = [
  base,
  {
    name: "devbound/kernel",
    files: KERNEL_FILES,
    language: C_LANGUAGE,
    languageOptions: { macroHints: kernelMacroHints },
    rules: ruleLevels("kernel"),
  } as TSESLint.FlatConfig.Config,
];

export { rules };
export default plugin;
