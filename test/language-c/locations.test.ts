/**
 * Locations: 1-based lines, 0-based UTF-16 columns, ranges into the original text, through
 * non-ASCII comments and strings, CRLF line ends, and the macro-hint pre-pass.
 */
import { describe, expect, it } from "vitest";
import { child } from "../../packages/eslint-language-c/src/index.js";
import { all, find, lint, parse } from "./helpers.js";

/** Line (1-based) and column (0-based, UTF-16) of an offset, counted independently of the package. */
function at(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split(/\r\n|\r|\n/);
  return { line: before.length, column: before.at(-1)!.length };
}

describe("locations", () => {
  it("counts columns in UTF-16 code units after non-ASCII comments and strings", () => {
    const code = '/* Grüße, 😀 */ static const char *n = "naïve 🚀"; int x = f(1);\n';
    const root = parse(code);
    const call = find(root, "call_expression");
    const start = code.indexOf("f(1)");
    expect(call.range).toEqual([start, start + 4]);
    expect(call.loc).toEqual({ start: { line: 1, column: start }, end: { line: 1, column: start + 4 } });
    // The emoji are two code units each: the column is not the code point count.
    expect(call.loc.start.column).toBe([...code.slice(0, start)].length + 2);
    expect(find(root, "string_content").text).toBe("naïve 🚀");
  });

  it("reports ESLint positions (1-based columns) exactly", () => {
    const code = "// ü😀\nvoid f(void)\n{\n\t/* ä */ g(\"😀\", h());\n}\n";
    const messages = lint(code);
    expect(messages.map((m) => [m.message, m.line, m.column, m.endLine, m.endColumn])).toEqual([
      ["call g", 4, 10, 4, 22], // `g("😀", h())`: the emoji is two columns
      ["call h", 4, 18, 4, 21],
    ]);
  });

  it("handles CRLF line ends", () => {
    const code = "void f(void)\r\n{\r\n\tg();\r\n}\r\n";
    const call = find(parse(code), "call_expression");
    expect(call.loc.start).toEqual({ line: 3, column: 1 });
    expect(lint(code).map((m) => [m.line, m.column])).toEqual([[3, 2]]);
  });

  it("gives every node the line/column of its range", () => {
    const code = "/* π */\nint a;\r\nstatic int b(void)\n{\n\treturn a + 'é';\n}\n";
    for (const n of all(parse(code), "identifier")) {
      expect(n.loc.start).toEqual(at(code, n.range[0]));
      expect(n.loc.end).toEqual(at(code, n.range[1]));
      expect(code.slice(n.range[0], n.range[1])).toBe(n.text);
    }
  });

  it("keeps offsets exact through the pre-pass (blanked annotations, rewritten iterators)", () => {
    const code = [
      "static int __init foo_init(void __iomem *base)",
      "{",
      "\tstruct foo *pos; /* ¿ */",
      "\tlist_for_each_entry(pos, &foo_list, node) {",
      "\t\tfoo_kick(pos, readl(base));",
      "\t}",
      "\treturn 0;",
      "}",
      "",
    ].join("\n");
    const hints = { annotations: ["__init", "__iomem"], iterators: ["list_for_each_entry"] };
    const root = parse(code, hints);
    expect(root.hasError).toBeUndefined();
    const fn = find(root, "function_definition");
    const name = find(root, "identifier", "foo_init");
    expect(name.range[0]).toBe(code.indexOf("foo_init"));
    expect(name.loc.start).toEqual({ line: 1, column: 18 });
    const loop = find(root, "while_statement");
    expect(loop.loc.start).toEqual({ line: 4, column: 1 });
    const args = child(loop, "condition")!;
    // The iterator's arguments stay visible as expressions at their own positions.
    const ids = all(args, "identifier").map((n) => [n.text, n.loc.start.line, n.loc.start.column]);
    expect(ids).toEqual([["pos", 4, 21], ["foo_list", 4, 27], ["node", 4, 37]]);
    const kick = find(fn, "call_expression");
    expect(code.slice(kick.range[0], kick.range[1])).toBe("foo_kick(pos, readl(base))");
    expect(kick.loc.start).toEqual({ line: 5, column: 2 });
    // getText reads the ORIGINAL text: the loop still says what the source says.
    const messages = lint(code, { hints });
    expect(messages.map((m) => [m.message, m.line, m.column])).toEqual([
      ["call foo_kick", 5, 3],
      ["call readl", 5, 17],
    ]);
  });
});
