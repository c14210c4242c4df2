/**
 * The macro-hint pre-pass: same length, same line breaks, and each rewrite parses as intended.
 * Also the kernel hint lists of the plugin's vocabulary on kernel-style code written here.
 */
import { describe, expect, it } from "vitest";
import { applyHints, child, compileHints, parseC, validateLanguageOptions, type MacroHints } from "../../packages/eslint-language-c/src/index.js";
import { kernelMacroHints } from "../../packages/eslint-plugin/src/c/vocabulary/hints.js";
import { all, find, parse } from "./helpers.js";

function rewrite(text: string, hints: MacroHints = {}): string {
  const out = applyHints(text, compileHints(hints));
  expect(out).toHaveLength(text.length);
  const breaks = (s: string) => [...s.matchAll(/\r\n|\r|\n/g)].map((m) => m.index);
  expect(breaks(out)).toEqual(breaks(text));
  return out;
}

describe("applyHints", () => {
  it("blanks annotations with spaces", () => {
    expect(rewrite("static void __iomem *__init x;", { annotations: ["__iomem", "__init"] })).toBe(`static void ${" ".repeat(7)} *${" ".repeat(6)} x;`);
  });

  it("blanks annotation functions with their argument list, keeping line breaks", () => {
    const text = "void f(spinlock_t *l) __acquires(l)\n__releases(\n l);";
    expect(rewrite(text, { annotationFunctions: ["__acquires", "__releases"] })).toBe("void f(spinlock_t *l)              \n           \n   ;");
  });

  it("reads a known iterator followed by any statement as a while loop", () => {
    const text = "void f(void)\n{\n\tlist_for_each_entry(pos, &head, node)\n\t\tkick(pos);\n}";
    const out = rewrite(text, { iterators: ["list_for_each_entry"], heuristics: false });
    expect(out).toContain("\twhile              (pos, &head, node)\n");
    const loop = find(parse(text, { iterators: ["list_for_each_entry"] }), "while_statement");
    expect(child(loop, "body")!.type).toBe("expression_statement");
  });

  it("leaves names alone inside comments, strings and directives", () => {
    const text = '/* __iomem */ char *s = "__iomem";\n#define X __iomem\n// __iomem\n';
    expect(rewrite(text, { annotations: ["__iomem"] })).toBe(text);
  });

  it("leaves names alone when heuristics are off and no list names them", () => {
    const text = "void f(void)\n{\n\tmy_for_each(x, y) {\n\t}\n\tp = container_of(w, struct foo, work);\n}";
    expect(rewrite(text, { heuristics: false })).toBe(text);
  });

  describe("name-free heuristics", () => {
    it("an unknown NAME(args) followed by a block in a body is a loop", () => {
      const text = "void f(void)\n{\n\tfoo_for_each_bar(b, foo) {\n\t\tuse(b);\n\t}\n}\n";
      const root = parse(text);
      expect(root.hasError).toBeUndefined();
      expect(find(root, "while_statement").loc.start).toEqual({ line: 3, column: 1 });
    });

    it("an unknown NAME(args) with its body indented on the next line is a loop", () => {
      const text = "void f(void)\n{\n\trdev_for_each(rdev, mddev)\n\t\trdev->x = 0;\n\tdone();\n}\n";
      const root = parse(text);
      expect(root.hasError).toBeUndefined();
      expect(child(find(root, "while_statement"), "body")!.type).toBe("expression_statement");
    });

    it("a declaration's function-like declarator is not a loop", () => {
      const text = "int g(int a)\n{\n\treturn a;\n}\nstatic int h(int a) { return a; }\n";
      expect(rewrite(text)).toBe(text);
    });

    it("a macro call then a statement at the same indentation is a whole statement: its `;` is supplied", () => {
      const text = "void f(void)\n{\n\tDBG(__func__)\n\tdone();\n\tTRACE(x) \n}\n";
      expect(applyHints(text, compileHints({}))).toBe("void f(void)\n{\n\tDBG(__func__);\tdone();\n\tTRACE(x);\n}\n");
      const root = parse(text);
      expect(root.hasError).toBeUndefined();
      expect(all(root, "expression_statement").map((n) => n.loc.start.line)).toEqual([3, 4, 5]);
    });

    it("macros around string literals and a trailing comma in arguments", () => {
      const root = parse('void f(void)\n{\n\tdump("buf@" __stringify(__LINE__) ": ", a,\n\t     b,\n\t);\n}\n');
      expect(root.hasError).toBeUndefined();
      expect(find(root, "concatenated_string").children.map((n) => [n.type, n.text ?? ""])).toEqual([
        ["string_literal", ""],
        ["identifier", "__stringify(__LINE__)"],
        ["string_literal", ""],
      ]);
      expect(child(find(root, "call_expression"), "arguments")!.children.map((n) => n.type)).toEqual(["concatenated_string", "identifier", "identifier"]);
    });

    it("a type as a macro argument becomes one identifier, its text the type", () => {
      const text = "void f(void)\n{\n\tp = container_of(w, struct foo_priv, work);\n\tn = min_t(unsigned long, a, b);\n\tq = va_arg(ap, char *);\n}\n";
      expect(rewrite(text)).toContain("container_of(w, struct_foo_priv, work)");
      const root = parse(text);
      expect(root.hasError).toBeUndefined();
      const calls = all(root, "call_expression").map((c) => child(c, "arguments")!.children.map((a) => `${a.type}:${a.text}`));
      expect(calls).toEqual([
        ["identifier:w", "identifier:struct foo_priv", "identifier:work"],
        ["identifier:unsigned long", "identifier:a", "identifier:b"],
        ["identifier:ap", "identifier:char *"],
      ]);
    });

    it("leaves the types of C's own operators alone (sizeof, __alignof__, typeof)", () => {
      const root = parse("void f(void)\n{\n\ta = sizeof(struct foo) + __alignof__(struct foo);\n\t__typeof__(struct foo *) p;\n}\n");
      expect(root.hasError).toBeUndefined();
      expect(all(root, "struct_specifier")).toHaveLength(3);
      expect(all(root, "identifier").map((n) => n.text)).toEqual(["f", "a", "__typeof__", "p"]); // __typeof__: tree-sitter's macro_type_specifier
    });

    it("typeof of an expression in a declaration reads as one type name", () => {
      const root = parse("void f(void)\n{\n\ttypeof(clk->set_next_event) sne;\n\tconst typeof(p->m) *m = NULL;\n\ttypeof(x) y;\n}\n");
      expect(root.hasError).toBeUndefined();
      expect(all(root, "type_identifier").map((n) => n.text)).toEqual(["typeof(clk->set_next_event)", "typeof(p->m)", "x"]);
      expect(find(root, "macro_type_specifier").children[0]!.text).toBe("typeof"); // `typeof(x)`: tree-sitter's own
    });

    it("does not touch prototypes' parameter types", () => {
      const text = "int foo(struct bar *, unsigned int);\nstatic void baz(const char *s);\n";
      expect(rewrite(text)).toBe(text);
    });

    it("a GNU case range parses as a binary_expression with operator '...'", () => {
      const text = "int f(int x)\n{\n\tswitch (x) {\n\tcase 1 ... 3:\n\tcase 'a'...'z':\n\t\treturn 1;\n\t}\n\treturn 0;\n}\n";
      const root = parse(text);
      expect(root.hasError).toBeUndefined();
      const values = all(root, "case_statement").map((c) => child(c, "value")!);
      expect(values.map((v) => [v.type, v.operator, v.children.map((n) => n.range[1] - n.range[0])])).toEqual([
        ["binary_expression", "...", [1, 1]],
        ["binary_expression", "...", [3, 3]],
      ]);
    });

    it("a name before a storage class or basic type is an annotation macro", () => {
      expect(rewrite("STATIC int foo(void);\nstatic FOO_INLINE void bar(void);\n")).toBe("       int foo(void);\nstatic            void bar(void);\n");
      // qualifiers may follow a type name: left alone
      expect(rewrite("u8 const x;\ntypedef int s32;\n")).toBe("u8 const x;\ntypedef int s32;\n");
    });

    it("string macros before a literal are joined into one identifier", () => {
      const root = parse('void f(void)\n{\n\tprintk(KERN_ERR DRV_PFX "failed\\n");\n}\n');
      expect(root.hasError).toBeUndefined();
      expect(find(root, "concatenated_string").children.map((n) => n.type)).toEqual(["identifier", "string_literal"]);
      expect(find(root, "concatenated_string").children[0]!.text).toBe("KERN_ERR DRV_PFX");
    });

    it("token-pasting fragments read as identifiers", () => {
      const root = parse("void f(void)\n{\n\tset_mode(mask, 1000baseT_Full);\n\tx = 0x1fUL + 1.5e+3f;\n}\n");
      expect(root.hasError).toBeUndefined();
      expect(find(root, "identifier", "1000baseT_Full").range[1] - find(root, "identifier", "1000baseT_Full").range[0]).toBe(14);
      expect(all(root, "number_literal").map((n) => n.text)).toEqual(["0x1fUL", "1.5e+3f"]);
    });

    it("offsetof with a nested designator reads as a call; a plain one stays offsetof_expression", () => {
      const root = parse("void f(void)\n{\n\ta = offsetof(struct foo, u.cmd.crc);\n\tb = offsetof(struct foo, bar);\n}\n");
      expect(root.hasError).toBeUndefined();
      expect(find(root, "call_expression").children[0]!.text).toBe("offsetof");
      expect(find(root, "offsetof_expression").children.map((n) => n.type)).toEqual(["type_descriptor", "field_identifier"]);
    });

    it("statements with their `;` given to a macro read as expressions", () => {
      const root = parse('void f(void)\n{\n\tDBG(printk("x\\n"););\n\tCHECK(ret == 0, "failed", ret = -EIO;);\n\tnext();\n}\n');
      expect(root.hasError).toBeUndefined();
      expect(all(root, "call_expression").map((c) => c.children[0]!.text)).toEqual(["DBG", "printk", "CHECK", "next"]);
      expect(find(root, "assignment_expression").loc.start).toEqual({ line: 4, column: 27 });
    });

    it("a statement wrapper macro (statements with `;` inside, none after) is blanked around its statements", () => {
      const root = parse('void f(void)\n{\n\tIF_DEBUG(printk("x\\n");)\n\tnext();\n}\n');
      expect(root.hasError).toBeUndefined();
      expect(all(root, "call_expression").map((c) => [c.children[0]!.text, c.loc.start.line, c.loc.start.column])).toEqual([
        ["printk", 3, 10],
        ["next", 4, 1],
      ]);
    });

    it("`static MACRO(args);` inside a function and a type argument over two lines", () => {
      const root = parse("void f(void)\n{\n\tstatic DECLARE_WORK(w, fn);\n\tp = CAST(struct\n\t\t foo, q);\n}\n");
      expect(root.hasError).toBeUndefined();
      expect(find(root, "call_expression").children[0]!.text).toBe("DECLARE_WORK");
      const type = child(all(root, "call_expression")[1]!, "arguments")!.children[0]!;
      expect([type.type, type.text, type.loc.start, type.loc.end]).toEqual(["identifier", "struct\n\t\t foo", { line: 4, column: 10 }, { line: 5, column: 6 }]);
    });

    it("a statement given to a macro keeps its expression", () => {
      const root = parse('void f(void)\n{\n\tCHECK(ret == 0, "failed", return ret);\n}\n');
      expect(root.hasError).toBeUndefined();
      expect(child(find(root, "call_expression"), "arguments")!.children.map((n) => n.type)).toEqual(["binary_expression", "string_literal", "identifier"]);
    });
  });
});

describe("the kernel hints of the plugin's vocabulary", () => {
  it("are valid language options", () => {
    expect(() => validateLanguageOptions({ macroHints: kernelMacroHints as unknown as MacroHints })).not.toThrow();
  });

  it("parse kernel-style code without errors", () => {
    const text = `static int __init foo_init(void)
{
	return platform_driver_register(&foo_driver);
}

static irqreturn_t foo_irq(int irq, void *data) __must_hold(&foo_lock)
{
	struct foo_priv *priv = data;
	struct foo_req *req, *tmp;
	void __iomem *base = priv->base;
	unsigned long bit;

	list_for_each_entry_safe(req, tmp, &priv->queue, node)
		foo_complete(req);
	for_each_set_bit(bit, &priv->pending, FOO_NR_IRQS) {
		writel(BIT(bit), base + FOO_ACK);
	}
	return IRQ_HANDLED;
}

static __printf(2, 3) void foo_log(struct foo_priv *priv, const char *fmt, ...)
{
}
`;
    const root = parse(text, kernelMacroHints as unknown as MacroHints);
    expect(root.hasError).toBeUndefined();
    expect(all(root, "function_definition")).toHaveLength(3);
    expect(all(root, "while_statement")).toHaveLength(2);
  });
});

describe("file-scope and initializer heuristics", () => {
  it("`static MACRO(args);` reads as a call, its arguments visible", () => {
    const text = "static SIMPLE_DEV_PM_OPS(foo_pm, foo_suspend, foo_resume);\nstatic const DEVICE_ATTR(name, 0444, name_show, NULL);\nstatic void (*cb)(int);\n";
    const root = parse(text);
    expect(root.hasError).toBeUndefined();
    expect(all(root, "call_expression").map((c) => c.children[0]!.text)).toEqual(["SIMPLE_DEV_PM_OPS", "DEVICE_ATTR"]);
    expect(find(root, "declaration").children.map((n) => n.type)).toEqual(["storage_class_specifier", "primitive_type", "function_declarator"]);
  });

  it("conditionals inside an initializer list are blanked, every branch's members read", () => {
    const text = [
      "static struct platform_driver foo_driver = {",
      "\t.probe = foo_probe,",
      "#ifdef CONFIG_PM_SLEEP",
      "\t.suspend = foo_suspend,",
      "#else",
      "\t.suspend = NULL,",
      "#endif",
      "\t.remove = foo_remove,",
      "};",
      "#ifdef CONFIG_PM",
      "static int x;",
      "#endif",
      "",
    ].join("\n");
    const root = parse(text);
    expect(root.hasError).toBeUndefined();
    expect(all(root, "field_identifier").map((n) => [n.text, n.loc.start.line])).toEqual([
      ["probe", 2],
      ["suspend", 4],
      ["suspend", 6],
      ["remove", 8],
    ]);
    // outside initializers, conditionals stay in the tree
    expect(find(root, "preproc_ifdef").loc.start.line).toBe(10);
  });

  it("macros without their separator: `;` at file scope, `,` in an initializer list", () => {
    const text = [
      "static const struct dev_pm_ops foo_pm = {",
      "\tSET_SYSTEM_SLEEP_PM_OPS(foo_suspend, foo_resume)",
      "\tSET_RUNTIME_PM_OPS(foo_rs, foo_rr, NULL)",
      "};",
      "module_init(foo_init)",
      "module_exit(foo_exit)",
      'MODULE_LICENSE("GPL");',
      "",
    ].join("\n");
    const root = parse(text);
    expect(root.hasError).toBeUndefined();
    expect(all(root, "call_expression").map((c) => [c.children[0]!.text, c.loc.start.line])).toEqual([
      ["SET_SYSTEM_SLEEP_PM_OPS", 2],
      ["SET_RUNTIME_PM_OPS", 3],
      ["module_init", 5],
      ["module_exit", 6],
      ["MODULE_LICENSE", 7],
    ]);
    expect(find(root, "identifier", "foo_exit").loc.start).toEqual({ line: 6, column: 12 });
  });

  it("a file-scope macro call without `;` on the last line is a call", () => {
    for (const text of ["module_platform_driver(foo_driver)\n", "module_platform_driver(foo_driver) \n", "module_platform_driver(foo_driver)\r\n"]) {
      const root = parse(text);
      expect(root.hasError).toBeUndefined();
      expect(find(root, "call_expression").children[0]!.text).toBe("module_platform_driver");
    }
  });

  it("a macro declaring a struct member reads as a member of the macro's type", () => {
    const root = parse("struct foo_priv {\n\tint irq;\n\tDECLARE_BITMAP(pending, 32);\n\tstruct clk *clk;\n};\n");
    expect(root.hasError).toBeUndefined();
    expect(all(root, "field_declaration").map((f) => [child(f, "type")!.text ?? child(f, "type")!.type, find(f, "field_identifier").text])).toEqual([
      ["int", "irq"],
      ["DECLARE_BITMAP", "pending"],
      ["struct_specifier", "clk"],
    ]);
    expect(find(root, "field_identifier", "pending").loc.start).toEqual({ line: 3, column: 16 });
  });

  it("a named variadic macro parameter (`args...`) reads as a parameter", () => {
    const root = parse("#define foo_dbg(fmt, args...) pr_debug(fmt, ##args)\n");
    expect(root.hasError).toBeUndefined();
    expect(find(root, "preproc_params").children.map((n) => n.text)).toEqual(["fmt", "args"]);
  });
});

describe("a statement split by a conditional", () => {
  const text = [
    "int f(int x)",
    "{",
    "#ifdef CONFIG_FOO",
    "\tif (x)",
    "#endif",
    "\t\tg();",
    "#if FOO_V2",
    "\th(1);",
    "#else",
    "\th(2); /* the old way */",
    "#endif",
    "\treturn 0;",
    "}",
    "",
  ].join("\n");

  it("is read again with each conditional in a body taken as its first branch", () => {
    const outcome = parseC(text, "split.c");
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.ast.hasError).toBeUndefined();
    const body = child(find(outcome.ast, "if_statement"), "consequence")!;
    expect(body.loc.start).toEqual({ line: 6, column: 2 });
    expect(all(outcome.ast, "number_literal").map((n) => [n.text, n.loc.start.line])).toEqual([
      ["1", 8],
      ["0", 12],
    ]);
    // the dropped branch's comment is still a comment
    expect(outcome.comments.map((c) => [c.value, c.loc.start.line])).toEqual([[" the old way ", 10]]);
  });

  it("a file that parses as it is keeps its conditionals", () => {
    const root = parse("int f(void)\n{\n#ifdef CONFIG_FOO\n\tg();\n#endif\n\treturn 0;\n}\n");
    expect(root.hasError).toBeUndefined();
    expect(find(root, "preproc_ifdef").loc.start.line).toBe(3);
  });
});
