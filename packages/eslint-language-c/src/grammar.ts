/**
 * The tree-sitter-c grammar, loaded once at module load (top-level await), so that ESLint's
 * synchronous `parse` can use it. The WASM files come from the pinned `web-tree-sitter` and
 * `tree-sitter-c` packages: no native build, so it runs in an editor's Node as well.
 *
 * Invariant: `parser` is ready (language set) once this module has been imported; type ids
 * index `typeNames`/`namedType`, field ids index `fieldNames`.
 */
import { createRequire } from "node:module";
import { Language, Parser } from "web-tree-sitter";

const require = createRequire(import.meta.url);

/**
 * The emscripten module object: web-tree-sitter builds its module ON the options object given to
 * `Parser.init`, so this object ends up holding the WASM exports (see fastCursor in convert.ts).
 */
export const wasmModule: Record<string, unknown> = {};

await Parser.init(wasmModule as object);

export const language: Language = await Language.load(require.resolve("tree-sitter-c/tree-sitter-c.wasm"));

export const parser: Parser = new Parser();
parser.setLanguage(language);

/** The name of every node type by id ("ERROR" is id 65535, outside the table). */
export const typeNames: readonly string[] = Array.from({ length: language.nodeTypeCount }, (_, id) => language.types[id] ?? "");

/** Whether a type id is a named node type (anonymous tokens such as `;` or `->` are not). */
export const namedType: Uint8Array = Uint8Array.from({ length: language.nodeTypeCount }, (_, id) =>
  language.nodeTypeIsNamed(id) && language.nodeTypeIsVisible(id) ? 1 : 0,
);

/**
 * Anonymous tokens that can be an `operator` field (`->`, `+=`, `!`, ...), per type id, read from
 * the grammar's node-types.json: other anonymous tokens (`;`, `(`, keywords) need no field lookup.
 */
export const operatorType: Uint8Array = (() => {
  const nodeTypes = require("tree-sitter-c/src/node-types.json") as { fields?: Record<string, { types: { type: string; named: boolean }[] }> }[];
  const names = new Set<string>();
  for (const t of nodeTypes) for (const x of t.fields?.operator?.types ?? []) if (!x.named) names.add(x.type);
  return Uint8Array.from({ length: language.nodeTypeCount }, (_, id) => (namedType[id] === 0 && names.has(typeNames[id]!) ? 1 : 0));
})();

/** Field names by id (id 0 is "no field"). */
export const fieldNames: readonly (string | null)[] = Array.from({ length: language.fields.length }, (_, id) => language.fields[id] ?? null);

/** The type id of ERROR nodes. */
export const ERROR_TYPE_ID = 65535;

/** The type id of comments (extras: kept out of the tree, listed in `comments`). */
export const COMMENT_TYPE_ID: number = language.idForNodeType("comment", true) ?? -1;

/** Every named node type of the grammar, plus ERROR: the keys of `visitorKeys`. */
export const namedTypes: readonly string[] = [...new Set([...typeNames.filter((name, id) => namedType[id] === 1 && name !== ""), "ERROR"])];
