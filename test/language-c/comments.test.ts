/**
 * Comments: listed on the SourceCode (Block/Line, value, range, loc), never in the tree.
 */
import { describe, expect, it } from "vitest";
import { language, type CNode } from "../../packages/eslint-language-c/src/index.js";
import { all } from "./helpers.js";

function sourceCode(text: string) {
  const file = { path: "c.c", physicalPath: "c.c", bom: false, body: text };
  const result = language.parse(file, { languageOptions: {} });
  if (!result.ok) throw new Error("parse failed");
  return language.createSourceCode(file, result);
}

describe("comments", () => {
  const text = "/* héad */\nint x; // trailing ü\n/*\n * multi\n */\nint y = 1 /* inner */ + 2;\n//\n";
  const sc = sourceCode(text);

  it("lists every comment with its kind, value, range and location", () => {
    expect(sc.comments.map((c) => [c.type, c.value, text.slice(c.range[0], c.range[1])])).toEqual([
      ["Block", " héad ", "/* héad */"],
      ["Line", " trailing ü", "// trailing ü"],
      ["Block", "\n * multi\n ", "/*\n * multi\n */"],
      ["Block", " inner ", "/* inner */"],
      ["Line", "", "//"],
    ]);
    expect(sc.comments[2]!.loc).toEqual({ start: { line: 3, column: 0 }, end: { line: 5, column: 3 } });
    expect(sc.comments[3]!.loc.start).toEqual({ line: 6, column: 10 });
  });

  it("keeps comments out of the tree", () => {
    expect(all(sc.ast, "comment")).toHaveLength(0);
    const binary = all(sc.ast, "binary_expression")[0]!;
    expect(binary.children.map((n: CNode) => n.text)).toEqual(["1", "2"]);
  });

  it("gives text, lines, getText, parents and ancestors", () => {
    expect(sc.text).toBe(text);
    expect(sc.lines[1]).toBe("int x; // trailing ü");
    const one = all(sc.ast, "number_literal")[0]!;
    expect(sc.getText(one)).toBe("1");
    expect(sc.getText(one.parent!)).toBe("1 /* inner */ + 2");
    expect(sc.getText(one, 2, 3)).toBe("= 1 /*");
    expect(sc.getParent(one)).toBe(one.parent);
    expect(sc.getParent(sc.ast)).toBeUndefined();
    expect(sc.getAncestors(one).map((n) => n.type)).toEqual(["translation_unit", "declaration", "init_declarator", "binary_expression"]);
    expect(sc.getLoc(one)).toEqual(one.loc);
    expect(sc.getRange(one)).toEqual(one.range);
    expect(sc.getLocFromIndex(one.range[0])).toEqual(one.loc.start);
    expect(sc.locOfRange(one.range[0], one.parent!.range[1])).toEqual({ start: one.loc.start, end: one.parent!.loc.end });
  });

  it("traverses every node once on enter and once on exit, parents first", () => {
    const steps = [...sc.traverse()];
    const entered = steps.filter((s) => s.phase === 1).map((s) => s.target as CNode);
    const exited = steps.filter((s) => s.phase === 2).map((s) => s.target as CNode);
    expect(entered[0]).toBe(sc.ast);
    expect(exited.at(-1)).toBe(sc.ast);
    expect(new Set(entered).size).toBe(entered.length);
    expect(new Set(exited)).toEqual(new Set(entered));
    for (const s of steps.filter((s) => s.phase === 1)) expect(s.args[1]).toBe((s.target as CNode).parent);
    // a second traversal yields equal steps (generated afresh)
    expect([...sc.traverse()]).toEqual(steps);
  });
});
