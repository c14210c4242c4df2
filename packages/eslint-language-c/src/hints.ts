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
 * - with `heuristics` on (the default), rewrites that need no names, each for a shape no C has
 *   (an unknown `NAME(args) {` in statement position is an iterator; a type as a macro argument;
 *   a case range; `static MACRO(args);`; a macro missing its `;` or `,`; conditionals inside an
 *   initializer list; ...): the table in the package README lists them all, each one marked
 *   where it is done below.
 *
 * The scanner skips comments, literals and directives, and tracks just enough context: brace
 * depth, whether a brace opens an initializer list, and the previous token.
 */

export interface MacroHints {
  annotations?: readonly string[];
  annotationFunctions?: readonly string[];
  iterators?: readonly string[];
  /** The name-free rewrites (default true; see the README's table): unknown iterators, type arguments, case ranges, ... */
  heuristics?: boolean;
}

const C_KEYWORDS = new Set([
  "if", "while", "for", "switch", "do", "else", "return", "sizeof", "case", "default", "goto", "break", "continue",
  "typeof", "__typeof__", "__typeof", "_Alignof", "alignof", "__alignof__", "__alignof", "_alignof", "__builtin_offsetof", "_Generic", "asm", "__asm__", "__asm", "__attribute__", "__attribute",
  "_Static_assert", "static_assert", "defined", "__extension__",
  // storage classes, qualifiers and specifiers: never macros to blank
  "static", "extern", "inline", "__inline", "__inline__", "register", "auto", "typedef", "_Thread_local", "__thread",
  "thread_local", "_Noreturn", "_Atomic", "__restrict", "__restrict__", "restrict", "__volatile__", "__volatile",
  "volatile", "const", "__const", "__signed__", "_Complex", "__int128", "_Alignas", "alignas", "__label__",
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
}

const cache = new WeakMap<MacroHints, HintSet>();

const DEFAULT_HINTS = new HintSet({ heuristics: true });

export function compileHints(hints: MacroHints | undefined): HintSet {
  if (!hints) return DEFAULT_HINTS;
  let set = cache.get(hints);
  if (!set) cache.set(hints, (set = new HintSet(hints)));
  return set;
}

/** Keywords after which an expression (so a macro call, not a declaration) starts. */
const EXPRESSION_KEYWORDS = new Set(["return", "case", "else", "do", "sizeof", "goto"]);

/** Words a type argument is made of besides a struct/union/enum tag or a typedef name. */
const TYPE_WORDS = new Set([
  "const", "volatile", "restrict", "signed", "unsigned", "short", "long", "int", "char", "float", "double", "void", "_Bool",
]);
const TAG_WORDS = new Set(["struct", "union", "enum"]);

/** Words that start a declaration and cannot follow a name (qualifiers can: `u8 const x`). */
const DECLARATION_STARTS = new Set([
  "static", "extern", "inline", "__inline", "__inline__", "register", "void", "int", "char", "short", "long",
  "float", "double", "signed", "unsigned", "_Bool", "struct", "union", "enum",
]);

/**
 * A macro invocation ending its line without its separator: a `;` (`module_init(foo_init)` at
 * file scope, `DBG(__func__)` in a body), or in an initializer list a `,`
 * (`SET_RUNTIME_PM_OPS(s, r, i)`); tree-sitter would run it into the next line. Returns where
 * to supply the separator (a blank after the `)`, the `\r` of a CRLF, or the line break itself
 * when the next line is no directive), or -1 when the line goes on, or the next line continues
 * it (`{` opening a body as after `SYSCALL_DEFINE1(...)`, an operator, a separator, or the list's
 * end). A file ending right after the `)` has no room for one.
 */
function missingSeparator(text: string, close: number, inList: boolean): number {
  let k = close + 1;
  while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
  const c = text.charCodeAt(k);
  if (c !== 10 && c !== 13) return -1;
  const next = skipSpace(text, k);
  if (next >= text.length) return inList ? -1 : k > close + 1 ? close + 1 : k; // the last line: nothing to merge with
  const n = text.charCodeAt(next);
  if (inList ? !(isIdentStart(n) || n === 46 /* . */ || n === 91 /* [ */ || n === 123 /* { */) : /[{;,=]/.test(text[next]!)) return -1;
  if (k > close + 1) return close + 1;
  if (c === 13) return k;
  return text.charCodeAt(k + 1) === 35 /* # */ ? -1 : k;
}

const DEFINE_PARAMS = /^#\s*define\s+[A-Za-z_]\w*\(/;

const ELSE = /^#\s*(?:elif|elifdef|elifndef|else)\b/;

/** The start of the `#endif` line closing the conditional whose `#else`/`#elif` ends at `from`. */
function matchingEndif(text: string, from: number): number {
  let nesting = 0;
  const re = /^[ \t]*#[ \t]*(if|ifdef|ifndef|endif)\b/gm;
  re.lastIndex = from;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m[1] !== "endif") nesting++;
    else if (nesting-- === 0) return m.index + m[0].length - m[0].trimStart().length;
  }
  return text.length;
}

/** `text[from, to)` with code blanked and comments kept (they stay in `sourceCode.comments`). */
function blankCode(text: string, from: number, to: number): string {
  let out = "";
  let k = from;
  while (k < to) {
    const c = text.charCodeAt(k);
    if (c === 47 && text.charCodeAt(k + 1) === 42) {
      const close = text.indexOf("*/", k + 2);
      const end = close < 0 || close + 2 > to ? to : close + 2;
      out += text.slice(k, end);
      k = end;
    } else if (c === 47 && text.charCodeAt(k + 1) === 47) {
      const end = Math.min(lineEnd(text, k), to);
      out += text.slice(k, end);
      k = end;
    } else if (c === 34 || c === 39) {
      const end = Math.min(literalEnd(text, k, c), to);
      out += blank(text.slice(k, end));
      k = end;
    } else {
      out += c === 10 || c === 13 ? text[k] : " ";
      k++;
    }
  }
  return out;
}

const CONDITIONAL = /^#\s*(?:if|ifdef|ifndef|elif|elifdef|elifndef|else|endif)\b/;

/**
 * After `static` (ending at `at`): annotations and qualifiers, then `NAME(` not opening a
 * declarator `(*`. Returns the qualifiers' ranges (to blank with `static`), or null.
 */
function macroDeclaration(text: string, at: number, hints: HintSet): [number, number][] | null {
  const qualifiers: [number, number][] = [];
  let k = skipSpace(text, at);
  for (;;) {
    const start = k;
    while (isIdentChar(text.charCodeAt(k))) k++;
    if (k === start || /^[0-9]/.test(text[start]!)) return null;
    const word = text.slice(start, k);
    const end = k;
    k = skipSpace(text, k);
    if (hints.annotations.has(word)) continue;
    if (word === "const" || word === "volatile") {
      qualifiers.push([start, end]);
      continue;
    }
    if (C_KEYWORDS.has(word) || TYPE_WORDS.has(word) || TAG_WORDS.has(word)) return null;
    return text.charCodeAt(k) === 40 /* ( */ && text.charCodeAt(skipSpace(text, k + 1)) !== 42 /* * */ ? qualifiers : null;
  }
}

/** What tree-sitter-c reads as a number literal (digit separators, suffixes, hex floats). */
const C_NUMBER = /^(?:0[xX](?:[0-9a-fA-F']*\.?[0-9a-fA-F']*)(?:[pP][+-]?\d+)?|0[bB][01']+|\d[\d']*\.?[\d']*(?:[eE][+-]?\d+)?)[uUlLfFdDwWbBzZ]*$/;

/**
 * From a name at `at`: a run of names separated by blanks, then (after any space) a string
 * literal: returns the end of the last name, or -1. Keywords end the run.
 */
function stringMacros(text: string, at: number): number {
  let k = at;
  let names = 0;
  let lastEnd = -1;
  for (;;) {
    const start = k;
    while (isIdentChar(text.charCodeAt(k))) k++;
    const word = text.slice(start, k);
    if (k === start || C_KEYWORDS.has(word) || TYPE_WORDS.has(word) || TAG_WORDS.has(word)) return -1;
    names++;
    lastEnd = k;
    while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
    const c = text.charCodeAt(k);
    if (isIdentStart(c)) continue;
    const after = skipSpace(text, k);
    return names >= 2 && text.charCodeAt(after) === 34 /* " */ ? lastEnd : -1;
  }
}

/** The visual indentation of the line holding offset `at` (tabs to multiples of 8). */
function indentation(text: string, at: number): number {
  let k = text.lastIndexOf("\n", at - 1) + 1;
  let width = 0;
  for (; ; k++) {
    const c = text.charCodeAt(k);
    if (c === 32) width++;
    else if (c === 9) width = (width + 8) & ~7;
    else return width;
  }
}

/** `NAME(args)` then, on a later line and indented deeper, the start of a statement. */
function indentedBody(text: string, name: number, close: number, body: number): boolean {
  const c = text.charCodeAt(body);
  if (!(isIdentStart(c) || c === 42 /* * */ || c === 40 /* ( */ || c === 43 || c === 45)) return false;
  if (text.indexOf("\n", close) > body || text.indexOf("\n", close) < 0) return false;
  return indentation(text, body) > indentation(text, name);
}


/**
 * Returns `text` rewritten by the hints; the result always has `text.length`, and the same
 * line breaks at the same offsets but for two cases: a `;` or `,` supplied after a macro
 * invocation may replace the line break ending its line, and a type argument written over two
 * lines becomes one identifier (tree-sitter's rows are never used: locations come from the
 * original text). Comments, string and character literals and preprocessor directives are left
 * alone.
 *
 * `options.conditionals` (the second reading of parse.ts) also takes each conditional inside a
 * body as its first branch.
 */
export function applyHints(text: string, hints: HintSet, options: { conditionals?: boolean } = {}): string {
  const edits: Edit[] = [];
  const n = text.length;
  let depth = 0; // brace depth: statements exist only inside a body
  let prev = ";"; // the previous token: "x" for an identifier/literal/type word, else the punctuation or keyword
  let inCase = false; // between `case` and its `:`
  const initializer: boolean[] = []; // per open brace: is it an initializer list?
  const record: boolean[] = []; // per open brace: is it a struct/union body?
  let tag = 0; // 1 after `struct`/`union`, 2 after its name: a `{` now opens a record body
  let supplied = -1; // where a `;` was supplied: the scanner sees it there
  let i = 0;
  let lineStart = true; // only whitespace since the last newline

  while (i < n) {
    const c = text.charCodeAt(i);
    if (i === supplied) prev = ";";
    if (c === 10 || c === 13) {
      lineStart = true;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 12 || c === 11) {
      i++;
      continue;
    }
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
      const end = directiveEnd(text, i);
      // tree-sitter-c takes no directive inside an initializer list (`.suspend = f,` under
      // `#ifdef CONFIG_PM_SLEEP` in a driver struct): blank conditionals there, so every
      // branch's members are read.
      const directive = text.slice(i, end);
      if (hints.heuristics && initializer[initializer.length - 1] === true && CONDITIONAL.test(directive)) {
        edits.push({ start: i, end, text: blank(directive) });
      } else if (options.conditionals && depth > 0 && CONDITIONAL.test(directive)) {
        // The second reading (see parse.ts): inside bodies, take the first branch of each
        // conditional as plain code, so a statement split by `#ifdef` is whole again.
        edits.push({ start: i, end, text: blank(directive) });
        if (ELSE.test(directive)) {
          const endif = matchingEndif(text, end);
          edits.push({ start: end, end: endif, text: blankCode(text, end, endif) });
          i = endif;
          continue;
        }
      } else if (hints.heuristics) {
        // `#define dbg(fmt, args...)`: GNU's named variadic parameter, unknown to tree-sitter-c;
        // `args   ` is an ordinary parameter of the same name.
        const define = DEFINE_PARAMS.exec(text.slice(i, end));
        if (define) {
          const params = i + define[0].length;
          const close = text.indexOf(")", params);
          const dots = text.lastIndexOf("...", close);
          if (close > 0 && dots > params && isIdentChar(text.charCodeAt(dots - 1))) edits.push({ start: dots, end: dots + 3, text: "   " });
        }
      }
      i = end;
      continue;
    }
    if (c === 92 /* \ */) {
      i++;
      continue;
    }
    lineStart = false;
    if (c === 34 || c === 39) {
      i = literalEnd(text, i, c);
      prev = c === 34 ? "string" : "x";
      continue;
    }
    if (c === 44 /* , */ && hints.heuristics && text.charCodeAt(skipSpace(text, i + 1)) === 41 /* ) */) {
      // `f(a, b,)`: a macro's empty variadic tail; no C call has it
      edits.push({ start: i, end: i + 1, text: " " });
      i++;
      continue;
    }
    if (c === 123 /* { */) {
      depth++;
      const inInitializer = initializer[initializer.length - 1] === true;
      initializer.push(prev === "=" || (inInitializer && (prev === "," || prev === "{")));
      record.push(tag > 0);
      tag = 0;
      prev = "{";
      i++;
      continue;
    }
    if (c === 125 /* } */) {
      if (depth > 0) depth--;
      initializer.pop();
      record.pop();
      tag = 0;
      prev = "}";
      i++;
      continue;
    }
    if (c === 58 /* : */) inCase = false;
    if (c === 46 /* . */ && inCase && hints.heuristics && text.startsWith("...", i)) {
      // GNU `case A ... B:` as `case A +   B:`; convert.ts reports the operator as "..."
      edits.push({ start: i, end: i + 3, text: "+  " });
      prev = "+";
      i += 3;
      continue;
    }
    if (c >= 48 && c <= 57) {
      // a number literal (0x1f, 10UL, 1.5e3), not `0...2`
      const start = i;
      i++;
      for (; i < n; i++) {
        const d = text.charCodeAt(i);
        if (isIdentChar(d)) continue;
        if (d === 46 && text.charCodeAt(i + 1) !== 46) continue;
        if ((d === 43 || d === 45) && /[eEpP]/.test(text[i - 1]!)) continue; // 1e+5
        break;
      }
      // A token-pasting fragment passed to a macro (`10baseT_Full`, `400G`) is no C number:
      // read it as an identifier (`_0baseT_Full`; `text` keeps the original).
      if (hints.heuristics && !C_NUMBER.test(text.slice(start, i))) edits.push({ start, end: start + 1, text: "_" });
      prev = "x";
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < n && isIdentChar(text.charCodeAt(j))) j++;
      const name = text.slice(i, j);
      if (hints.annotations.has(name)) {
        edits.push({ start: i, end: j, text: " ".repeat(j - i) });
        i = j;
        continue;
      }
      if (hints.annotationFunctions.has(name)) {
        const open = skipSpace(text, j);
        const close = text.charCodeAt(open) === 40 /* ( */ ? matchParen(text, open) : -1;
        const end = close > 0 ? close + 1 : j;
        edits.push({ start: i, end, text: blank(text.slice(i, end)) });
        i = end;
        continue;
      }
      if (name === "case") inCase = true;
      if (name === "static" && hints.heuristics && initializer[initializer.length - 1] !== true) {
        // `static SIMPLE_DEV_PM_OPS(foo_pm, foo_suspend, foo_resume);`, `static DECLARE_WORK(w, fn);`:
        // no C declares a name with a storage class and no type, so NAME is a macro expanding to a
        // declaration; without `static` (and `const`) it reads as the call it looks like.
        const words = macroDeclaration(text, j, hints);
        if (words) {
          edits.push({ start: i, end: j, text: "      " });
          for (const [from, to] of words) edits.push({ start: from, end: to, text: " ".repeat(to - from) });
          i = j;
          continue;
        }
      }
      tag = name === "struct" || name === "union" ? 1 : tag === 1 ? 2 : 0;
      if (hints.heuristics && (name === "typeof" || name === "__typeof__" || name === "__typeof")) {
        // `typeof(clk->set_next_event) sne;`: tree-sitter-c's typeof takes a type or a name only;
        // of an expression, it reads as one type name (`text` the typeof as written).
        const open = skipSpace(text, j);
        const close = text.charCodeAt(open) === 40 ? matchParen(text, open) : -1;
        if (close > 0) {
          const inner = text.slice(open + 1, close).trim();
          const after = skipSpace(text, close + 1);
          const declares = isIdentStart(text.charCodeAt(after)) || text.charCodeAt(after) === 42; /* * */
          if (declares && !/^[A-Za-z_]\w*$/.test(inner) && !TYPE_ARGUMENT.test(inner) && !/[\r\n]/.test(text.slice(i, close))) {
            edits.push({ start: i, end: close + 1, text: text.slice(i, close + 1).replace(/[^A-Za-z0-9_]/g, "_") });
            prev = "x";
            i = close + 1;
            continue;
          }
        }
      }
      if (C_KEYWORDS.has(name) || TYPE_WORDS.has(name) || TAG_WORDS.has(name)) {
        prev = EXPRESSION_KEYWORDS.has(name) || name === "else" ? name : "x";
        i = j;
        continue;
      }
      const open = skipSpace(text, j);
      if (hints.heuristics && isIdentStart(text.charCodeAt(open))) {
        // `NAME static`, `NAME void`, `NAME int`: no C has a name before a storage class or a
        // basic type, so NAME is an annotation macro (`STATIC void`, `static SBA_INLINE void`).
        let k = open + 1;
        while (k < n && isIdentChar(text.charCodeAt(k))) k++;
        if (DECLARATION_STARTS.has(text.slice(open, k))) {
          edits.push({ start: i, end: j, text: " ".repeat(j - i) });
          i = j;
          continue;
        }
      }
      if (hints.heuristics && isIdentStart(text.charCodeAt(open)) && !/[\r\n]/.test(text.slice(j, open))) {
        // `KERN_ERR PFX "text"`: names before a string are string macros; two names in a row
        // are no C, so join them into one identifier (`KERN_ERR_PFX`) of the same length.
        const end = stringMacros(text, i);
        if (end > 0) {
          for (let k = j; k < end; k++) if (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) edits.push({ start: k, end: k + 1, text: "_" });
          prev = "x";
          i = end;
          continue;
        }
      }
      let call = true; // may take type arguments
      if (name === "offsetof" && hints.heuristics && text.charCodeAt(open) === 40) {
        // offsetof(type, a.b[i]): tree-sitter's offsetof takes one field name; a nested designator
        // reads as a call (`_ffsetof`; `text` keeps "offsetof") with the type as one identifier.
        const close = matchParen(text, open);
        const comma = close > 0 ? text.indexOf(",", open) : -1;
        if (comma > 0 && comma < close && /[.[]/.test(text.slice(comma, close))) edits.push({ start: i, end: i + 1, text: "_" });
        else call = false; // tree-sitter's own offsetof_expression, with its type_descriptor
      }
      if (text.charCodeAt(open) === 40 /* ( */) {
        let close = matchParen(text, open);
        if (close < 0 && hints.heuristics && depth > 0 && (prev === ";" || prev === "{" || prev === "}" || prev === ":")) {
          // `DEBUG2(printk(...);)`, `CHECK(c, "msg", return err;)`: statements given to a macro.
          // Their `;` blanked, the arguments are expressions (statement keywords: typeArguments).
          close = matchParen(text, open, true);
          const semicolons = close > 0 ? statementSemicolons(text, open, close) : [];
          if (semicolons.length > 0 && text.charCodeAt(skipSpace(text, close + 1)) !== 59 /* ; */) {
            // `IF_DEBUG(printk("x\n");)` with no `;` after: a statement wrapper; blank the wrapper
            // (name and parentheses) and its statements are plain statements.
            edits.push({ start: i, end: open + 1, text: blank(text.slice(i, open + 1)) }, { start: close, end: close + 1, text: " " });
            prev = ";";
            i = open + 1;
            continue;
          }
          for (const semicolon of semicolons) edits.push({ start: semicolon, end: semicolon + 1, text: " " });
        }
        if (close > 0 && hints.heuristics && record[record.length - 1] === true && (prev === "{" || prev === ";")) {
          // `DECLARE_BITMAP(map, 32);` as a struct member: no member has that shape; read it as
          // a member `map` of type DECLARE_BITMAP (`DECLARE_BITMAP map     ;`).
          const member = memberMacro(text, open, close);
          if (member) {
            edits.push({ start: open, end: open + 1, text: " " }, { start: member, end: close + 1, text: blank(text.slice(member, close + 1)) });
            prev = "x";
            i = close + 1;
            continue;
          }
        }
        if (close > 0 && prev === "string" && hints.heuristics && text.charCodeAt(skipSpace(text, close + 1)) === 34 && !/[\r\n]/.test(text.slice(i, close))) {
          // `"buf@" __stringify(__LINE__) ": "`: a macro making a string inside a concatenation
          // reads as one identifier there (like `KERN_ERR`), its `text` the call as written.
          edits.push({ start: i, end: close + 1, text: text.slice(i, close + 1).replace(/[^A-Za-z0-9_]/g, "_") });
          prev = "string";
          i = close + 1;
          continue;
        }
        if (close > 0) {
          const statementStart =
            depth > 0 && initializer[initializer.length - 1] !== true && (prev === ";" || prev === "{" || prev === "}" || prev === ")" || prev === ":" || prev === "else");
          if (statementStart) {
            const known = hints.iterators.has(name);
            const after = skipSpace(text, close + 1);
            const next = text.charCodeAt(after);
            // A known iterator may take any statement as its body; a guessed one a block, or a
            // statement indented deeper on a later line (no `;` after the call: not a call).
            // (`while` needs five characters: shorter names are never read as loops.)
            if (name.length >= 5 && (known ? next !== 59 /* ; */ && after < n : hints.heuristics && (next === 123 || indentedBody(text, i, close, after)))) {
              edits.push({ start: i, end: j, text: "while" + " ".repeat(j - i - 5) });
            } else if (!known && hints.heuristics && prev !== ")" && (isIdentStart(next) || next === 125 /* } */) && indentation(text, after) <= indentation(text, i)) {
              // `DBG(__func__)` then, on a later line no deeper, the next statement: a macro that
              // is a whole statement; supply its `;`.
              const semicolon = missingSeparator(text, close, false);
              if (semicolon >= 0) {
                edits.push({ start: semicolon, end: semicolon + 1, text: ";" });
                supplied = semicolon;
              }
            }
          }
          // A call (not a declarator: no type word before the name) may be a macro taking types.
          const callee = prev !== "x" && (depth > 0 || prev === ";" || prev === "}" || prev === "{" || prev === "=" || prev === ",");
          if (callee && call && hints.heuristics) typeArguments(text, open, close, edits);
          if (hints.heuristics && initializer[initializer.length - 1] === true && (prev === "{" || prev === ",")) {
            // `{ SET_SYSTEM_SLEEP_PM_OPS(s, r) SET_RUNTIME_PM_OPS(...) }`: macros expanding to
            // members with their own comma; supply it where the next member starts on a later line.
            const comma = missingSeparator(text, close, true);
            if (comma >= 0) {
              edits.push({ start: comma, end: comma + 1, text: "," });
              supplied = comma;
            }
          }
          if (hints.heuristics && depth === 0 && (prev === ";" || prev === "}")) {
            const semicolon = missingSeparator(text, close, false);
            if (semicolon >= 0) {
              edits.push({ start: semicolon, end: semicolon + 1, text: ";" });
              supplied = semicolon;
            }
          }
        }
      }
      prev = "x";
      i = j;
      continue;
    }
    tag = 0;
    prev = text[i]!;
    i++;
  }
  if (edits.length === 0) return text;
  edits.sort((x, y) => x.start - y.start);
  const out: string[] = [];
  let copied = 0;
  for (const edit of edits) {
    if (edit.start < copied) continue; // overlapping: the earlier edit wins
    out.push(text.slice(copied, edit.start), edit.text);
    copied = edit.end;
  }
  out.push(text.slice(copied));
  return out.join("");
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Rewrites each argument of `(`..`)` at `open`..`close` that is a type name into one identifier. */
function typeArguments(text: string, open: number, close: number, edits: Edit[]): void {
  let parens = 0;
  let argStart = open + 1;
  for (let k = open + 1; k <= close; k++) {
    const c = text.charCodeAt(k);
    if (c === 40 || c === 91) parens++;
    else if ((c === 41 || c === 93) && k < close) parens--;
    else if (c === 34 || c === 39) k = literalEnd(text, k, c) - 1;
    else if (c === 47 && (text.charCodeAt(k + 1) === 42 || text.charCodeAt(k + 1) === 47)) return; // comments inside: leave alone
    if ((c === 44 /* , */ && parens === 0) || k === close) {
      typeArgument(text, argStart, k, edits);
      argStart = k + 1;
    }
  }
}

const TYPE_ARGUMENT = /^(?:(?:const|volatile)\s+)*(?:(?:struct|union|enum)\s+[A-Za-z_]\w*|(?:(?:signed|unsigned|short|long|int|char|float|double|void|_Bool)\b\s*)+|[A-Za-z_]\w*(?=\s*\*))(?:\s*(?:\*|const\b|volatile\b|restrict\b))*$/;

function typeArgument(text: string, start: number, end: number, edits: Edit[]): void {
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end - start < 3) return;
  const arg = text.slice(start, end);
  // `PP_ASSERT(cond, "msg", return err)`: a statement as a macro argument; its keyword blanked leaves the expression.
  const statement = /^(return|goto)\s+[^\s;]/.exec(arg);
  if (statement) {
    edits.push({ start, end: start + statement[1]!.length, text: " ".repeat(statement[1]!.length) });
    return;
  }
  // One word is already an identifier (tree-sitter reads a lone `int` argument as one).
  if (!/[\s*]/.test(arg) || !TYPE_ARGUMENT.test(arg)) return;
  edits.push({ start, end, text: arg.replace(/[^A-Za-z0-9_]/g, "_") });
}

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 12 || c === 11;
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

/**
 * For `NAME(first, ...);` as a struct member: where the text after `first` starts (to blank), or
 * 0 when the first argument is not a plain name or no `;` follows.
 */
function memberMacro(text: string, open: number, close: number): number {
  if (text.charCodeAt(skipSpace(text, close + 1)) !== 59 /* ; */) return 0;
  const m = /^\s*[A-Za-z_]\w*/.exec(text.slice(open + 1, close));
  if (!m) return 0;
  const end = open + 1 + m[0].length;
  const rest = text.slice(end, close).trim();
  return rest === "" || rest.startsWith(",") ? end : 0;
}

/** The `;` directly inside the parentheses `open`..`close` (not in nested ones). */
function statementSemicolons(text: string, open: number, close: number): number[] {
  const out: number[] = [];
  let parens = 0;
  for (let k = open + 1; k < close; k++) {
    const c = text.charCodeAt(k);
    if (c === 40) parens++;
    else if (c === 41) parens--;
    else if (c === 34 || c === 39) k = literalEnd(text, k, c) - 1;
    else if (c === 47 && text.charCodeAt(k + 1) === 42) k = text.indexOf("*/", k + 2) + 1;
    else if (c === 47 && text.charCodeAt(k + 1) === 47) k = lineEnd(text, k) - 1;
    else if (c === 59 && parens === 0) out.push(k);
  }
  return out;
}

/**
 * The index of the `)` matching the `(` at `open`, or -1; skips comments and literals. A brace,
 * or a `;` unless `semicolons`, inside means this is no macro's argument list.
 */
function matchParen(text: string, open: number, semicolons = false): number {
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
    else if (c === 123 || c === 125 || (c === 59 && !semicolons)) return -1;
  }
  return -1;
}
