/**
 * The ESLint language object for C (ESLint's custom-language API, shaped like eslint/json
 * and eslint/css). Locations are 1-based lines and 0-based UTF-16 columns, as ESLint expects.
 */
import type { File, Language, OkParseResult, ParseResult } from "@eslint/core";
import { namedTypes } from "./grammar.js";
import type { MacroHints } from "./hints.js";
import type { CNode, Comment, LineTable } from "./node.js";
import { parseC } from "./parse.js";
import { CSourceCode } from "./source-code.js";

export interface CLanguageOptions {
  [key: string]: unknown;
  /** The macro-hint pre-pass (see README): names of annotation macros, annotation functions, iterator macros. */
  macroHints?: MacroHints;
}

export type CParseResult = OkParseResult<CNode> & { comments: Comment[]; lines: LineTable };

/** Every named node type is visited through its `children`. */
export const visitorKeys: Record<string, string[]> = Object.fromEntries(namedTypes.map((type) => [type, ["children"]]));

/** Expression nodes whose type does not end in `_expression`. */
const EXPRESSION_LEAVES = new Set([
  "identifier", "number_literal", "string_literal", "concatenated_string", "char_literal", "true", "false", "null",
  "compound_literal_expression", "initializer_list",
]);

const HINT_LISTS = ["annotations", "annotationFunctions", "iterators"] as const;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateLanguageOptions(options: CLanguageOptions): void {
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError("devbound/c: languageOptions must be an object.");
  }
  for (const key of Object.keys(options)) {
    if (key !== "macroHints") {
      throw new TypeError(`devbound/c: unknown language option "${key}" (the C language takes only "macroHints").`);
    }
  }
  const hints = options.macroHints;
  if (hints === undefined) return;
  if (typeof hints !== "object" || hints === null || Array.isArray(hints)) {
    throw new TypeError(`devbound/c: languageOptions.macroHints must be an object with ${HINT_LISTS.map((k) => `"${k}"`).join(", ")} and "heuristics"; got ${describe(hints)}.`);
  }
  for (const [key, value] of Object.entries(hints)) {
    if (key === "heuristics") {
      if (typeof value !== "boolean") throw new TypeError(`devbound/c: languageOptions.macroHints.heuristics must be a boolean; got ${describe(value)}.`);
      continue;
    }
    if (!(HINT_LISTS as readonly string[]).includes(key)) {
      throw new TypeError(`devbound/c: unknown key "${key}" in languageOptions.macroHints (expected ${HINT_LISTS.map((k) => `"${k}"`).join(", ")} or "heuristics").`);
    }
    if (!Array.isArray(value)) throw new TypeError(`devbound/c: languageOptions.macroHints.${key} must be an array of macro names; got ${describe(value)}.`);
    value.forEach((name: unknown, i: number) => {
      if (typeof name !== "string" || !IDENTIFIER.test(name)) {
        throw new TypeError(`devbound/c: languageOptions.macroHints.${key}[${i}] must be a C identifier; got ${describe(name)}.`);
      }
    });
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

function textOf(file: File): string {
  return typeof file.body === "string" ? file.body : new TextDecoder().decode(file.body);
}

export const language = {
  fileType: "text",
  lineStart: 1,
  columnStart: 0,
  nodeTypeKey: "type",
  visitorKeys,
  defaultLanguageOptions: { macroHints: {} },
  validateLanguageOptions,

  /**
   * esquery's class selectors in C terms: `:statement`, `:expression`, `:declaration`, and
   * `:error` (ERROR and MISSING nodes), e.g. `"function_definition :expression"`. (ESLint maps
   * `:function` to JavaScript's function types itself, so C rules say `function_definition`.)
   */
  matchesSelectorClass(className: string, node: CNode): boolean {
    const type = node.type;
    switch (className.toLowerCase()) {
      case "statement":
        return type.endsWith("_statement");
      case "expression":
        return type.endsWith("_expression") || EXPRESSION_LEAVES.has(type);
      case "declaration":
        return type === "declaration" || type.endsWith("_declaration") || type === "function_definition" || type === "type_definition";
      case "error":
        return type === "ERROR" || node.missing === true;
      default:
        return false;
    }
  },

  parse(file: File, context: { languageOptions?: CLanguageOptions } = {}): ParseResult<CNode> {
    const text = textOf(file);
    const outcome = parseC(text, file.path, context.languageOptions?.macroHints);
    if (!outcome.ok) return { ok: false, errors: [{ message: outcome.message, line: outcome.line, column: outcome.column }] };
    return { ok: true, ast: outcome.ast, comments: outcome.comments, lines: outcome.lines };
  },

  createSourceCode(file: File, input: OkParseResult<CNode>): CSourceCode {
    const { ast, comments, lines } = input as CParseResult;
    return new CSourceCode({ text: textOf(file), ast, comments, lines });
  },
} satisfies Language<{ LangOptions: CLanguageOptions; Code: CSourceCode; RootNode: CNode; Node: CNode }>;
