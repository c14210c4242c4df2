/**
 * dispatch.ts: which half of a rule runs on a file. Every rule id is one module
 * (rules/<rule>.ts); util/create-rule.ts wraps its `create` so that a C file (parsed by the
 * `devbound/c` language) goes to the rule's C check (`c:` in the rule definition, a module of
 * src/c/checks/) and everything else to its TypeScript check. A rule without a C check does
 * nothing on C files: the TypeScript checks call getAnalysis(context), which would report
 * "needs type information" on a file that has no TypeScript program, so a C file never
 * reaches them.
 *
 * Invariant: C is recognised by the SourceCode the language produced (its AST root is the
 * tree-sitter-c `translation_unit` of the AST contract), never by the file's extension: a
 * `.h` file, a file without extension or an editor's unsaved buffer linted as C is C.
 *
 * API
 *   C_LANGUAGE                "devbound/c" (the plugin registers the language as `languages.c`)
 *   RULE_LANGUAGES            `meta.languages` of every devbound rule: JavaScript/TypeScript and C
 *   isCSourceCode(sourceCode) the file was parsed by the C language
 */
export const C_LANGUAGE = "devbound/c";

/** ESLint 10 `meta.languages`: the languages a rule supports ("js/js" is typescript-eslint's parser too). */
export const RULE_LANGUAGES: readonly string[] = ["js/js", C_LANGUAGE];

export function isCSourceCode(sourceCode: unknown): boolean {
  const ast = (sourceCode as { ast?: { type?: unknown } } | undefined)?.ast;
  return ast?.type === "translation_unit";
}
