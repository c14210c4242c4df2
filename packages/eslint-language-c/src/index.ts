/**
 * @devbound/eslint-language-c: an ESLint language for C (tree-sitter-c in WASM), with no
 * kernel knowledge in it. Register it in a plugin as `languages: { c: language }`.
 */
export { language, visitorKeys, validateLanguageOptions, type CLanguageOptions } from "./language.js";
export { CSourceCode, type CSyntaxElement } from "./source-code.js";
export type { CNode, Comment, Position, SourceLocation } from "./node.js";
export { child, childrenByField, walk, ancestor, contains } from "./syntax.js";
export { applyHints, compileHints, type MacroHints } from "./hints.js";
export { parseC, type ParseOutcome } from "./parse.js";
