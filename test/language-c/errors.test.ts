/**
 * Error recovery: ERROR subtrees stay in the tree marked `hasError` and the rest is linted; a
 * file that cannot be parsed at all gets one fatal message naming it, never an exception.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseC } from "../../packages/eslint-language-c/src/index.js";
import { parser } from "../../packages/eslint-language-c/src/grammar.js";
import { all, find, lint, parse } from "./helpers.js";

const broken = `static int good_one(struct device *dev)
{
	return probe_one(dev);
}

static int broken(struct device *dev)
{
	int x = (1 + ;
	kick(dev);
	return 0
}

static void good_two(void)
{
	tail_call();
}
`;

describe("ERROR recovery", () => {
  it("keeps ERROR nodes in the tree, marked with hasError up to the root", () => {
    const root = parse(broken);
    expect(root.hasError).toBe(true);
    const errors = all(root, "ERROR");
    expect(errors.length).toBeGreaterThan(0);
    for (const e of errors) {
      expect(e.hasError).toBe(true);
      for (let n = e.parent; n; n = n.parent) expect(n.hasError).toBe(true);
    }
    const fns = all(root, "function_definition").map((f) => [find(f, "function_declarator").children[0]!.text, f.hasError ?? false]);
    expect(fns).toEqual([
      ["good_one", false],
      ["broken", true],
      ["good_two", false],
    ]);
  });

  it("marks a MISSING node (zero width) as missing and an error", () => {
    const root = parse("void f(void) { return x->; }\n");
    const field = find(root, "field_identifier");
    expect(field).toMatchObject({ missing: true, hasError: true, range: [25, 25], text: "" });
    expect(find(root, "field_expression").hasError).toBe(true);
    expect(find(root, "function_definition").hasError).toBe(true);
  });

  it("marks a node holding a MISSING token (`;`) as an error", () => {
    const root = parse("int f(void) { return 1 }\n");
    expect(find(root, "return_statement").hasError).toBe(true);
    expect(all(root, "ERROR")).toHaveLength(0);
  });

  it("lints a truncated file (ERROR at the top, constructs inside)", () => {
    expect(lint("static int a[3] = { f(1), 2 ").map((m) => [m.fatal ?? false, m.message])).toEqual([[false, "call f"]]);
  });

  it("lints the file outside the ERROR nodes", () => {
    const messages = lint(broken);
    expect(messages.filter((m) => m.fatal)).toEqual([]);
    const calls = messages.map((m) => [m.message, m.line]);
    expect(calls).toContainEqual(["call probe_one", 3]);
    expect(calls).toContainEqual(["call tail_call", 15]);
  });

  it("a label closing a block (C23, GCC) is not an error", () => {
    const root = parse("int f(int x)\n{\n\tif (x)\n\t\tgoto out;\n\tx++;\nout:\n}\n");
    expect(root.hasError).toBeUndefined();
    expect(find(root, "labeled_statement").children[0]!.text).toBe("out");
  });
});

describe("files that cannot be parsed", () => {
  afterEach(() => vi.restoreAllMocks());

  it("a binary file gets one fatal message naming the file", () => {
    const messages = lint("\x7fELF\x02\x01\x01\0\0\0\0\0garbage", { filename: "drivers/foo/blob.c" });
    expect(messages).toEqual([
      {
        ruleId: null,
        fatal: true,
        severity: 2,
        message: "Parsing error: drivers/foo/blob.c is not C source text (a NUL byte at 1:8; binary file?)",
        line: 1,
        column: 8,
      },
    ]);
  });

  it("text with no C in it gets one fatal message naming the file", () => {
    const messages = lint("@@@ ### ``` !!!\n", { filename: "notes.c" });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ ruleId: null, fatal: true, message: "Parsing error: notes.c could not be parsed as C: no part of it is C syntax", line: 1 });
  });

  it("an empty file or a comment-only file is fine", () => {
    expect(lint("")).toEqual([]);
    expect(lint("/* nothing */\n")).toEqual([]);
  });

  it("a parser that throws gives one message, and the next file parses again", () => {
    vi.spyOn(parser, "parse").mockImplementationOnce(() => {
      throw new Error("RuntimeError: memory access out of bounds");
    });
    expect(lint("int x;\n", { filename: "crash.c" })).toEqual([
      expect.objectContaining({ fatal: true, message: "Parsing error: crash.c could not be parsed as C: the parser failed (RuntimeError: memory access out of bounds)" }),
    ]);
    expect(lint("void f(void) { g(); }\n")).toEqual([expect.objectContaining({ message: "call g" })]);
  });

  it("a parser that returns no tree gives one message", () => {
    vi.spyOn(parser, "parse").mockImplementationOnce(() => null);
    const outcome = parseC("int x;\n", "null.c");
    expect(outcome).toEqual({ ok: false, message: "null.c could not be parsed as C: the parser returned no tree", line: 1, column: 1 });
  });
});
