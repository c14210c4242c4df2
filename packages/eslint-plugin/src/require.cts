/**
 * @devbound/eslint-plugin, CommonJS entry (the `require` condition of the package's exports):
 * `require("@devbound/eslint-plugin")` is the plugin itself, not a namespace with `.default`.
 * It loads plugin.ts through Node's require(esm) (Node 20.19+), which is why plugin.ts and
 * everything it imports stay free of top-level await; the C language needs `import`
 * (index.ts), so here `languages.c` throws an error saying so.
 */
import plugin = require("./plugin.js");

export = plugin.default;
