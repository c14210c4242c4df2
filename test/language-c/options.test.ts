/**
 * validateLanguageOptions: clear errors for bad options, directly and through ESLint's config.
 */
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { language, validateLanguageOptions } from "../../packages/eslint-language-c/src/index.js";
import { testPlugin } from "./helpers.js";

describe("the language object", () => {
  it("has ESLint's language shape: text files, 1-based lines, 0-based columns, visitor keys for every node type", () => {
    expect([language.fileType, language.lineStart, language.columnStart, language.nodeTypeKey]).toEqual(["text", 1, 0, "type"]);
    for (const type of ["translation_unit", "function_definition", "call_expression", "field_expression", "identifier", "ERROR"]) {
      expect(language.visitorKeys[type]).toEqual(["children"]);
    }
    expect(language.visitorKeys).not.toHaveProperty(";");
    expect(language.defaultLanguageOptions).toEqual({ macroHints: {} });
  });
});

describe("language options", () => {
  it("accepts the defaults and complete macro hints", () => {
    expect(() => validateLanguageOptions(language.defaultLanguageOptions)).not.toThrow();
    expect(() => validateLanguageOptions({})).not.toThrow();
    expect(() =>
      validateLanguageOptions({ macroHints: { annotations: ["__iomem"], annotationFunctions: ["__acquires"], iterators: ["list_for_each"], heuristics: false } }),
    ).not.toThrow();
  });

  it.each([
    [{ parser: {} }, 'devbound/c: unknown language option "parser" (the C language takes only "macroHints").'],
    [{ macroHints: [] }, 'devbound/c: languageOptions.macroHints must be an object with "annotations", "annotationFunctions", "iterators" and "heuristics"; got an array.'],
    [{ macroHints: "x" }, 'devbound/c: languageOptions.macroHints must be an object with "annotations", "annotationFunctions", "iterators" and "heuristics"; got "x".'],
    [{ macroHints: { iterator: [] } }, 'devbound/c: unknown key "iterator" in languageOptions.macroHints (expected "annotations", "annotationFunctions", "iterators" or "heuristics").'],
    [{ macroHints: { iterators: "list_for_each" } }, 'devbound/c: languageOptions.macroHints.iterators must be an array of macro names; got "list_for_each".'],
    [{ macroHints: { annotations: ["__iomem", 3] } }, "devbound/c: languageOptions.macroHints.annotations[1] must be a C identifier; got number 3."],
    [{ macroHints: { annotationFunctions: ["__printf(1, 2)"] } }, 'devbound/c: languageOptions.macroHints.annotationFunctions[0] must be a C identifier; got "__printf(1, 2)".'],
    [{ macroHints: { heuristics: "yes" } }, 'devbound/c: languageOptions.macroHints.heuristics must be a boolean; got "yes".'],
  ])("rejects %j", (options, message) => {
    expect(() => validateLanguageOptions(options as never)).toThrow(new TypeError(message));
  });

  it("ESLint surfaces the error for a config with bad options", () => {
    const linter = new Linter();
    const config = [{ files: ["**/*.c"], plugins: { t: testPlugin }, language: "t/c", languageOptions: { macroHints: { iterators: [1] } } }];
    expect(() => linter.verify("int x;\n", config as never, "a.c")).toThrow(/macroHints\.iterators\[0\] must be a C identifier; got number 1/);
  });
});
