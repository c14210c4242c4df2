/**
 * @devbound/eslint-plugin, ES module entry (`import devbound from "@devbound/eslint-plugin"`):
 * the plugin of plugin.ts with its C language registered. @devbound/eslint-language-c loads
 * the tree-sitter-c grammar with top-level await, so this module can only be imported;
 * require.cts is the `require()` entry (the plugin without C).
 *
 *   import devbound from "@devbound/eslint-plugin";
 *   export default [...devbound.configs.recommended, ...devbound.configs.kernel];
 */
import { language, parseC } from "@devbound/eslint-language-c";
import plugin, { registerCLanguage } from "./plugin.js";
import { registerHeaderParser } from "./c/analysis/layouts.js";

registerCLanguage(language);
// the C checks read struct layouts from the quoted headers beside a file, parsed the same way
registerHeaderParser(parseC);

export { FILES, KERNEL_FILES, rules } from "./plugin.js";
export default plugin;
