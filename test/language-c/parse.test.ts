/**
 * The CNode contract: types, named children only, fields, operators, leaf text, parents.
 */
import { describe, expect, it } from "vitest";
import { child, childrenByField, type CNode } from "../../packages/eslint-language-c/src/index.js";
import { all, find, parse } from "./helpers.js";

const probe = `struct foo_priv { int irq; void *base; };

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	int ret = 0;

	if (!priv)
		return -ENOMEM;
	priv->irq = platform_get_irq(pdev, 0);
	ret += priv->irq < 0 ? 1 : 2;
	pdev->dev.driver_data = priv;
	return ret;
}
`;

describe("parse: the CNode shape", () => {
  const root = parse(probe);

  it("has a translation_unit root without parent, covering the whole text", () => {
    expect(root.type).toBe("translation_unit");
    expect(root.parent).toBeNull();
    expect(root.field).toBeNull();
    expect(root.range).toEqual([0, probe.length]);
    expect(root.children.map((n) => n.type)).toEqual(["struct_specifier", "function_definition"]);
  });

  it("keeps only named children, in source order, each pointing to its parent", () => {
    const fn = find(root, "function_definition");
    expect(fn.children.map((n) => `${n.field}:${n.type}`)).toEqual([
      "null:storage_class_specifier",
      "type:primitive_type",
      "declarator:function_declarator",
      "body:compound_statement",
    ]);
    const check = (n: CNode): void => {
      for (const c of n.children) {
        expect(c.parent).toBe(n);
        expect(c.range[0]).toBeGreaterThanOrEqual(n.range[0]);
        expect(c.range[1]).toBeLessThanOrEqual(n.range[1]);
        expect(c.type).not.toBe("comment");
        expect(c.type).not.toMatch(/^[^a-zA-Z_]/); // no anonymous tokens such as ";" or "->"
        check(c);
      }
      for (let i = 1; i < n.children.length; i++) expect(n.children[i]!.range[0]).toBeGreaterThanOrEqual(n.children[i - 1]!.range[1]);
    };
    check(root);
  });

  it("names fields: function/arguments, declarator/value, condition/consequence, left/right", () => {
    const call = all(root, "call_expression").find((n) => child(n, "function")?.text === "devm_kzalloc")!;
    expect(child(call, "function")!.type).toBe("identifier");
    const args = child(call, "arguments")!;
    expect(args.type).toBe("argument_list");
    expect(args.children.map((n) => n.type)).toEqual(["pointer_expression", "sizeof_expression", "identifier"]);
    const init = find(root, "init_declarator");
    expect(child(init, "declarator")!.type).toBe("pointer_declarator");
    expect(child(init, "value")).toBe(call);
    const ifs = find(root, "if_statement");
    expect(child(ifs, "condition")!.type).toBe("parenthesized_expression");
    expect(child(ifs, "consequence")!.type).toBe("return_statement");
    expect(childrenByField(find(root, "function_declarator"), "parameters")).toHaveLength(1);
    expect(child(call, "nope")).toBeUndefined();
  });

  it("gives operators: -> and . on field_expression, & and * on pointer_expression, assignment and binary operators", () => {
    const fields = all(root, "field_expression").map((n) => `${n.operator} ${child(n, "field")!.text}`);
    expect(fields).toEqual(["-> dev", "-> irq", "-> irq", ". driver_data", "-> dev"]); // pre-order: `pdev->dev.driver_data` is `.` over `->`
    expect(all(root, "pointer_expression").map((n) => n.operator)).toEqual(["&", "*"]);
    expect(all(root, "assignment_expression").map((n) => n.operator)).toEqual(["=", "+=", "="]);
    expect(all(root, "binary_expression").map((n) => n.operator)).toEqual(["<"]);
    expect(all(root, "unary_expression").map((n) => n.operator)).toEqual(["!", "-"]);
    expect(find(root, "identifier", "priv").operator).toBeUndefined();
  });

  it("gives leaf named nodes their text and inner nodes none", () => {
    expect(find(root, "field_identifier", "irq").text).toBe("irq");
    expect(find(root, "number_literal").text).toBe("0");
    expect(find(root, "primitive_type").text).toBe("int");
    expect(find(root, "type_identifier", "foo_priv").text).toBe("foo_priv");
    expect(find(root, "call_expression").text).toBeUndefined();
    expect(find(root, "function_definition").text).toBeUndefined();
  });

  it("marks no error in valid code", () => {
    expect(root.hasError).toBeUndefined();
    expect(all(root, "ERROR")).toHaveLength(0);
  });

  it("parses string contents, escapes and system includes as leaves", () => {
    const r = parse('#include <linux/io.h>\nstatic const char *s = "a\\n";\n');
    expect(find(r, "system_lib_string").text).toBe("<linux/io.h>");
    expect(find(r, "string_content").text).toBe("a");
    expect(find(r, "escape_sequence").text).toBe("\\n");
  });

  it("serialises without the parent cycle", () => {
    const json = JSON.parse(JSON.stringify(find(root, "return_statement")));
    expect(json.type).toBe("return_statement");
    expect(json.parent).toBeUndefined();
    expect(json.loc.start).toEqual({ line: 9, column: 2 });
  });
});

describe("the fast cursor and the public TreeCursor build the same tree", () => {
  it("on kernel-style code with errors, operators, comments and non-ASCII text", async () => {
    const { parser } = await import("../../packages/eslint-language-c/src/grammar.js");
    const { convert } = await import("../../packages/eslint-language-c/src/convert.js");
    const text = `${probe}\n/* ü */ static int bad(void) { x = (1 + ; return y->; }\nint z = a ? b : c; // é\n`;
    const tree = parser.parse(text)!;
    try {
      const fast = convert(tree, text, true);
      const slow = convert(tree, text, false);
      expect(JSON.stringify(fast.ast)).toBe(JSON.stringify(slow.ast));
      expect(fast.comments).toEqual(slow.comments);
      expect(fast.ast.hasError).toBe(true);
    } finally {
      tree.delete();
    }
  });
});
