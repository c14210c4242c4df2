/**
 * The macro-hint pre-pass: rewrites macros tree-sitter cannot know (they come from headers
 * the parser never sees) into plain C of the SAME LENGTH, so every offset, line and column of
 * the rewritten text is the original's. Generic: the names come from `languageOptions.macroHints`.
 *
 * - annotations (`__iomem`, `__init`, ...): blanked with spaces;
 * - annotation functions (`__acquires(x)`, `__printf(1, 2)`): the name and its balanced
 *   argument list blanked (newlines kept);
 * - iterators (`list_for_each_entry(pos, head, member) {`): the name becomes `while` padded
 *   with spaces, so the call parses as a loop over a comma expression and its arguments stay
 *   visible as expressions;
 * - with `heuristics` on (the default), an unknown `NAME(args)` directly followed by `{` where
 *   a statement is expected (inside a function body, after `;`, `{`, `}`, `)`, `:` or `else`) is
 *   read as an iterator too: no C statement has that shape.
 */

export interface MacroHints {
  annotations?: readonly string[];
  annotationFunctions?: readonly string[];
  iterators?: readonly string[];
  /** Read `NAME(args) {` in statement position as a loop (default true). */
  heuristics?: boolean;
}

const C_KEYWORDS = new Set([
  "if", "while", "for", "switch", "do", "else", "return", "sizeof", "case", "default", "goto", "break", "continue",
  "typeof", "__typeof__", "_Alignof", "alignof", "_Generic", "asm", "__asm__", "__asm", "__attribute__", "__attribute",
  "_Static_assert", "static_assert", "defined", "__extension__",
]);

function isIdentStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isIdentChar(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57);
}

/** A compiled hint set: lookups by name. */
export class HintSet {
  readonly annotations: ReadonlySet<string>;
  readonly annotationFunctions: ReadonlySet<string>;
  readonly iterators: ReadonlySet<string>;
  readonly heuristics: boolean;

  constructor(hints: MacroHints = {}) {
    this.annotations = new Set(hints.annotations ?? []);
    this.annotationFunctions = new Set(hints.annotationFunctions ?? []);
    this.iterators = new Set(hints.iterators ?? []);
    this.heuristics = hints.heuristics ?? true;
  }

  get empty(): boolean {
    return this.annotations.size === 0 && this.annotationFunctions.size === 0 && this.iterators.size === 0 && !this.heuristics;
  }
}

const cache = new WeakMap<MacroHints, HintSet>();

export function compileHints(hints: MacroHints | undefined): HintSet {
  if (!hints) return new HintSet({ heuristics: true });
  let set = cache.get(hints);
  if (!set) cache.set(hints, (set = new HintSet(hints)));
  return set;
}

/**
 * Returns `text` rewritten by the hints; the result always has `text.length` and the same
 * line breaks at the same offsets. Comments, string and character literals and preprocessor
 * lines other than the code they guard are left alone.
 */
export function applyHints(text: string, hints: HintSet): string {
  if (hints.empty) return text;
  let out: string[] | null = null; // chunks, built only when something is rewritten
  let copied = 0;
  const n = text.length;
  let depth = 0; // brace depth: statements exist only inside a body
  let prev = ";"; // last significant character or keyword before the current token
  let i = 0;
  let lineStart = true; // only whitespace since the last newline

  const replace = (from: number, to: number, replacement: string) => {
    out ??= [];
    out.push(text.slice(copied, from), replacement);
    copied = to;
  };

  while (i < n) {
    const c = text.charCodeAt(i);
    // newline
    if (c === 10 || c === 13) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11) {
      i++;
      continue;
    }
    // comments
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      i = close < 0 ? n : close + 2;
      continue;
    }
    if (c === 47 && text.charCodeAt(i + 1) === 47) {
      i = lineEnd(text, i);
      continue;
    }
    // preprocessor directive: skip to the end of the (continued) line
    if (c === 35 /* # */ && lineStart) {
      i = directiveEnd(text, i);
      continue;
    }
    lineStart = false;
    // string and character literals
    if (c === 34 || c === 39) {
      i = literalEnd(text, i, c);
      prev = "x";
      continue;
    }
    if (c === 123 /* { */) {
      depth++;
      prev = "{";
      i++;
      continue;
    }
    if (c === 125 /* } */) {
      if (depth > 0) depth--;
      prev = "}";
      i++;
      continue;
    }
    if (c >= 48 && c <= 57) {
      // a number literal (0x1f, 10UL, 1.5e3): not an identifier
      i++;
      while (i < n && (isIdentChar(text.charCodeAt(i)) || text.charCodeAt(i) === 46)) i++;
      prev = "x";
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      const name = text.slice(i, j);
      if (hints.annotations.has(name)) {
        replace(i, j, " ".repeat(j - i));
        i = j;
        continue;
      }
      if (hints.annotationFunctions.has(name)) {
        const open = skipSpace(text, j);
        if (text.charCodeAt(open) === 40 /* ( */) {
          const close = matchParen(text, open);
          if (close > 0) {
            replace(i, close + 1, blank(text.slice(i, close + 1)));
            i = close + 1;
            continue;
          }
        }
        replace(i, j, " ".repeat(j - i));
        i = j;
        continue;
      }
      const statementStart = depth > 0 && (prev === ";" || prev === "{" || prev === "}" || prev === ")" || prev === ":" || prev === "else");
      if (statementStart && name.length >= 5 && !C_KEYWORDS.has(name)) {
        const known = hints.iterators.has(name);
        if (known || hints.heuristics) {
          const open = skipSpace(text, j);
          if (text.charCodeAt(open) === 40) {
            const close = matchParen(text, open);
            if (close > 0) {
              const after = skipSpace(text, close + 1);
              const next = text.charCodeAt(after);
              // A known iterator may take any statement as its body; a guessed one only a block.
              if (next === 123 || (known && next !== 59 /* ; */ && after < n)) {
                replace(i, j, "while" + " ".repeat(j - i - 5));
                prev = ")";
                i = close + 1;
                continue;
              }
            }
          }
        }
      }
      prev = name === "else" ? "else" : "x";
      i = j;
      continue;
    }
    prev = text[i]!;
    i++;
  }
  if (!out) return text;
  (out as string[]).push(text.slice(copied));
  return (out as string[]).join("");
}

/** Same length, spaces for everything but line breaks. */
function blank(s: string): string {
  return s.replace(/[^\r\n]/g, " ");
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11) i++;
    else if (c === 92 /* \ */ && (text.charCodeAt(i + 1) === 10 || text.charCodeAt(i + 1) === 13)) i++;
    else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const close = text.indexOf("*/", i + 2);
      if (close < 0) return text.length;
      i = close + 2;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) i = lineEnd(text, i);
    else return i;
  }
}

function lineEnd(text: string, i: number): number {
  const nl = text.indexOf("\n", i);
  return nl < 0 ? text.length : nl;
}

function directiveEnd(text: string, i: number): number {
  for (;;) {
    const nl = text.indexOf("\n", i);
    if (nl < 0) return text.length;
    let k = nl - 1;
    if (text.charCodeAt(k) === 13) k--;
    if (text.charCodeAt(k) !== 92) return nl;
    i = nl + 1;
  }
}

function literalEnd(text: string, i: number, quote: number): number {
  let j = i + 1;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 92) j += 2;
    else if (c === quote) return j + 1;
    else if (c === 10) return j; // unterminated: stop at the line end
    else j++;
  }
  return n;
}

/** The index of the `)` matching the `(` at `open`, or -1; skips comments and literals. */
function matchParen(text: string, open: number): number {
  let depth = 0;
  const n = text.length;
  for (let j = open; j < n; j++) {
    const c = text.charCodeAt(j);
    if (c === 40) depth++;
    else if (c === 41) {
      if (--depth === 0) return j;
    } else if (c === 34 || c === 39) j = literalEnd(text, j, c) - 1;
    else if (c === 47 && text.charCodeAt(j + 1) === 42) {
      const close = text.indexOf("*/", j + 2);
      if (close < 0) return -1;
      j = close + 1;
    } else if (c === 47 && text.charCodeAt(j + 1) === 47) j = lineEnd(text, j) - 1;
    else if (c === 123 || c === 125 || c === 59) return -1; // a brace or `;` inside: not a macro's argument list
  }
  return -1;
}
