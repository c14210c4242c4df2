// The plugin as eslint-doc-generator sees it (`pnpm docs`, `pnpm docs:check`; options in
// /.eslint-doc-generatorrc.js). A shim, for two reasons that are eslint-doc-generator 3.7.1's:
// - it derives the rule prefix from `meta.name`: "@devbound/eslint-plugin" gives "@devbound",
//   but the plugin's namespace in its configs is `devbound` (rule ids `devbound/<rule>`), so
//   no rule would be found in `recommended`/`strict`; "eslint-plugin-devbound" gives `devbound`;
// - it cannot follow the package's nested `exports` conditions to find the entry point.
// Everything else (rules, their meta, the configs) is the built plugin itself.
import plugin from "../../packages/eslint-plugin/dist/index.js";

export default { ...plugin, meta: { ...plugin.meta, name: "eslint-plugin-devbound" } };
