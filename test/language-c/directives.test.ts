/**
 * Inline directives and configuration in C comments, through ESLint's own Linter.
 */
import { describe, expect, it } from "vitest";
import { Linter } from "eslint";
import { lint, testPlugin } from "./helpers.js";

function lintWith(code: string, extra: object) {
  return new Linter().verify(code, [{ files: ["**/*.c"], plugins: { t: testPlugin }, language: "t/c", rules: { "t/calls": "error" }, ...extra }] as never, "d.c");
}

const lines = (messages: ReturnType<typeof lint>) => messages.map((m) => [m.ruleId, m.line, m.message]);

describe("inline directives in C comments", () => {
  it("eslint-disable-next-line (block comment) silences the next line only", () => {
    const code = "void f(void)\n{\n\t/* eslint-disable-next-line t/calls */\n\ta();\n\tb();\n}\n";
    expect(lines(lint(code))).toEqual([["t/calls", 5, "call b"]]);
  });

  it("eslint-disable-line (line comment) silences its own line", () => {
    const code = "void f(void)\n{\n\ta(); // eslint-disable-line t/calls\n\tb(); // not a directive: eslint-disable-line\n}\n";
    expect(lines(lint(code))).toEqual([["t/calls", 4, "call b"]]);
  });

  it("eslint-disable ... eslint-enable silences a region", () => {
    const code = "/* eslint-disable t/calls */\nvoid f(void) { a(); }\n/* eslint-enable t/calls */\nvoid g(void) { b(); }\n";
    expect(lines(lint(code))).toEqual([["t/calls", 4, "call b"]]);
  });

  it("a justification after -- is accepted", () => {
    const code = "void f(void)\n{\n\ta(); /* eslint-disable-line t/calls -- devres frees it */\n}\n";
    expect(lint(code)).toEqual([]);
  });

  it("/* eslint rule: off */ configures a rule inline", () => {
    const code = '/* eslint t/calls: "off" */\nvoid f(void) { a(); }\n';
    expect(lint(code)).toEqual([]);
    const warn = '/* eslint t/calls: "warn" */\nvoid f(void) { a(); }\n';
    expect(lint(warn).map((m) => m.severity)).toEqual([1]);
  });

  it("a malformed inline configuration is reported, not thrown", () => {
    const code = "/* eslint t/calls: [ */\nvoid f(void) { a(); }\n";
    const messages = lint(code);
    expect(messages.some((m) => m.ruleId === null && /Failed to parse|t\/calls/.test(m.message) && m.line === 1)).toBe(true);
  });

  it("a multi-line eslint-disable-line is a problem at the comment", () => {
    const code = "void f(void)\n{\n\ta(); /* eslint-disable-line\n\t t/calls */\n}\n";
    const messages = lint(code);
    expect(messages.map((m) => [m.ruleId, m.line, m.message])).toEqual([
      ["t/calls", 3, "call a"],
      [null, 3, "eslint-disable-line comment should not span multiple lines."],
    ]);
  });

  it("unused disable directives are reported when asked (linterOptions)", () => {
    const code = "void f(void)\n{\n\t// eslint-disable-next-line t/calls\n\tint x = 1;\n}\n";
    const messages = lintWith(code, { linterOptions: { reportUnusedDisableDirectives: "error" } });
    expect(messages.map((m) => [m.ruleId, m.line, m.column, m.message])).toEqual([
      [null, 3, 2, "Unused eslint-disable directive (no problems were reported from 't/calls')."],
    ]);
  });
});

describe("selectors", () => {
  it("esquery selectors and C class selectors (:statement, :expression, :error) work", () => {
    const seen: string[] = [];
    const rule = {
      meta: { type: "problem" as const, schema: [] },
      create() {
        return {
          "function_definition > compound_statement > :statement"(node: { type: string }) {
            seen.push(`stmt ${node.type}`);
          },
          "return_statement > :expression"(node: { type: string }) {
            seen.push(`expr ${node.type}`);
          },
          "function_definition:exit"() {
            seen.push("fn exit");
          },
          ":error"(node: { type: string }) {
            seen.push(`error ${node.type}`);
          },
          "call_expression[children.0.text='kfree']"() {
            seen.push("kfree");
          },
        };
      },
    };
    const plugin = { ...testPlugin, rules: { sel: rule } };
    const code = "int f(int *p)\n{\n\tkfree(p);\n\treturn p ? 1 : 0;\n}\nint g(void) { return x->; }\n";
    new Linter().verify(code, [{ files: ["**/*.c"], plugins: { t: plugin }, language: "t/c", rules: { "t/sel": "error" } }] as never, "s.c");
    expect(seen).toEqual([
      "stmt expression_statement",
      "kfree",
      "stmt return_statement",
      "expr conditional_expression",
      "fn exit",
      "stmt return_statement",
      "expr field_expression",
      "error field_identifier",
      "fn exit",
    ]);
  });
});
