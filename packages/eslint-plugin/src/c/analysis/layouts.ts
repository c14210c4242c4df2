/**
 * layouts.ts (C): the struct layouts a translation unit can see: the structs and typedefs the
 * file defines, then those of the quoted headers beside it (`#include "foo.h"`, resolved
 * relative to the including file's directory, read with fs and parsed with the same C
 * language; the quoted headers those include too, MAX_INCLUDE_DEPTH deep). Angle-bracket
 * includes (`<linux/device.h>`) are the kernel's: never read.
 *
 * A member's layout is what C says: `struct device dev;` (or an array of them) is embedded,
 * `struct device *dev;` is a pointer to an object elsewhere. A struct no layout defines is
 * unknown (undefined), never guessed.
 *
 * Invariant: a header is read and parsed once per (path, mtime, size), across files (module
 * cache holding only its fields, typedefs and includes, not its tree); a header that cannot be
 * found, read or parsed contributes nothing. The headers of a unit are read only when a tag is
 * not found in the file itself. Never throws.
 *
 * The plugin module must stay loadable by require() (plugin.ts), so it cannot import the C
 * language (top-level await): index.ts hands its parser over with registerHeaderParser().
 * Without one, headers are unknown.
 *
 * API
 *   registerHeaderParser(parse)           the C language's parseC (index.ts)
 *   getLayouts(unit, text, filename, hints?) -> Layouts (memoised per unit; text: the file's source)
 *   Layouts.field(tag, name)              TypeInfo of a member (its tag typedef-resolved), or undefined
 *   Layouts.resolve(name)                 a typedef name -> its struct tag (else the name)
 *   Layouts.headers                       the header paths read for this unit (once asked)
 */
import fs from "node:fs";
import path from "node:path";
import type { MacroHints } from "@devbound/eslint-language-c";
import { child, declaredName, pointerDepth, typeTag, type CNode } from "./syntax.js";
import type { TypeInfo, Unit } from "./unit.js";

export type HeaderParser = (text: string, path: string, hints?: MacroHints) => { ok: true; ast: CNode } | { ok: false };

let parser: HeaderParser | undefined;

/** Called by index.ts once the C language has loaded. */
export function registerHeaderParser(parse: HeaderParser): void {
  parser = parse;
}

const MAX_INCLUDE_DEPTH = 4;
const QUOTED_INCLUDE = /^[ \t]*#[ \t]*include[ \t]*"([^"\n]+)"/gm;

interface HeaderLayout {
  fields: Map<string, Map<string, TypeInfo>>;
  typedefs: Map<string, string>;
  /** absolute paths of its own quoted includes */
  includes: string[];
}

const headerCache = new Map<string, { stamp: string; layout: HeaderLayout | null }>();

function quotedIncludes(text: string, dir: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(QUOTED_INCLUDE)) out.push(path.resolve(dir, m[1]!));
  return out;
}

/**
 * A struct's tag, or for an anonymous one (`struct { struct device dev; } ports[4];`, `typedef
 * struct { ... } foo_t;`) a name no C tag can have, unique in its file.
 */
function tagOf(type: CNode | undefined, origin: string): string | undefined {
  if (!type) return undefined;
  const tag = typeTag(type);
  if (tag) return tag;
  return (type.type === "struct_specifier" || type.type === "union_specifier") && child(type, "body") ? `<anonymous ${origin}@${type.range[0]}>` : undefined;
}

/** The fields and typedefs of a parsed file (struct/union bodies anywhere, anonymous ones too; typedefs of structs). */
function extract(root: CNode, origin: string, includes: string[]): HeaderLayout {
  const fields = new Map<string, Map<string, TypeInfo>>();
  const typedefs = new Map<string, string>();
  const stack: CNode[] = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === "struct_specifier" || n.type === "union_specifier") {
      const tag = tagOf(n, origin);
      const body = child(n, "body");
      if (tag && body && !fields.has(tag)) {
        const map = new Map<string, TypeInfo>();
        for (const fd of body.children) {
          if (fd.type !== "field_declaration") continue;
          for (const d of fd.children) if (d.field === "declarator") {
            const id = declaredName(d)?.text;
            if (id) map.set(id, { tag: tagOf(child(fd, "type"), origin), pointer: pointerDepth(d) });
          }
        }
        fields.set(tag, map);
      }
    } else if (n.type === "type_definition") {
      const tag = tagOf(child(n, "type"), origin);
      for (const d of n.children) if (d.field === "declarator") {
        const alias = declaredName(d)?.text;
        if (alias && tag && pointerDepth(d) === 0) typedefs.set(alias, tag);
      }
    }
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]!);
  }
  return { fields, typedefs, includes };
}

/** A header's layout (cached by path, mtime and size), or null when it cannot be read or parsed. */
function readHeader(file: string, hints: MacroHints | undefined): HeaderLayout | null {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    return null;
  }
  if (!stat.isFile()) return null;
  const stamp = `${stat.mtimeMs}:${stat.size}`;
  const cached = headerCache.get(file);
  if (cached?.stamp === stamp) return cached.layout;
  let layout: HeaderLayout | null = null;
  try {
    const text = fs.readFileSync(file, "utf8");
    const parsed = parser?.(text, file, hints);
    if (parsed?.ok) layout = extract(parsed.ast, file, quotedIncludes(text, path.dirname(file)));
  } catch {
    layout = null;
  }
  headerCache.set(file, { stamp, layout });
  return layout;
}

export class Layouts {
  readonly #unit: Unit;
  readonly #text: string;
  readonly #filename: string | undefined;
  readonly #hints: MacroHints | undefined;
  #own: HeaderLayout | undefined;
  #headers: HeaderLayout[] | undefined;
  #headerPaths: string[] = [];

  constructor(unit: Unit, text: string, filename: string | undefined, hints: MacroHints | undefined) {
    this.#unit = unit;
    this.#text = text;
    this.#filename = filename && path.isAbsolute(filename) ? filename : undefined;
    this.#hints = hints;
  }

  /** The header paths read for this unit (empty until a tag was looked up outside the file). */
  get headers(): readonly string[] {
    return this.#headerPaths;
  }

  #loadHeaders(): HeaderLayout[] {
    if (this.#headers) return this.#headers;
    const out: HeaderLayout[] = [];
    const seen = new Set<string>();
    const visit = (files: readonly string[], depth: number) => {
      for (const f of files) {
        if (seen.has(f)) continue;
        seen.add(f);
        const h = readHeader(f, this.#hints);
        if (!h) continue;
        out.push(h);
        this.#headerPaths.push(f);
        if (depth + 1 < MAX_INCLUDE_DEPTH) visit(h.includes, depth + 1);
      }
    };
    if (this.#filename && parser) visit(quotedIncludes(this.#text, path.dirname(this.#filename)), 0);
    this.#headers = out;
    return out;
  }

  /** The file's own layouts (read from its tree on first use: anonymous structs, which unit.ts leaves untyped, included). */
  #ownLayout(): HeaderLayout {
    return (this.#own ??= extract(this.#unit.root, "", []));
  }

  resolve(name: string): string {
    const own = this.#ownLayout();
    const t = own.typedefs.get(name);
    if (t) return t;
    if (own.fields.has(name)) return name;
    for (const h of this.#loadHeaders()) {
      const t = h.typedefs.get(name);
      if (t) return t;
    }
    return name;
  }

  /** The layout of struct `tag` (typedef-resolved): the file's own, else the first header's. */
  #fieldsOf(tag: string): Map<string, TypeInfo> | undefined {
    const own = this.#ownLayout().fields.get(tag);
    if (own) return own;
    for (const h of this.#loadHeaders()) {
      const f = h.fields.get(tag);
      if (f) return f;
    }
    return undefined;
  }

  field(tag: string, name: string): TypeInfo | undefined {
    const t = this.#fieldsOf(this.resolve(tag))?.get(name);
    return t ? { tag: t.tag === undefined ? undefined : this.resolve(t.tag), pointer: t.pointer } : undefined;
  }
}

const layoutsOf = new WeakMap<Unit, Layouts>();

export function getLayouts(unit: Unit, text: string, filename: string | undefined, hints?: MacroHints): Layouts {
  let l = layoutsOf.get(unit);
  if (!l) layoutsOf.set(unit, (l = new Layouts(unit, text, filename, hints)));
  return l;
}
