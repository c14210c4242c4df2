// analysis/presentation.ts: the one spelling of a member path and a device context, and the one
// walk over a variable's references.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { contextText, deviceTypeText, driverText, memberPathText, memberText, referencesTo, UNKNOWN_OWNER, ownerText } from "../../packages/eslint-plugin/src/analysis/presentation.js";

describe("member paths", () => {
  it("writes members with dots, elements with brackets", () => {
    expect(memberPathText([])).toBe("");
    expect(memberPathText(["hw", "dev"])).toBe("hw.dev");
    expect(memberPathText(["list", "[]"])).toBe("list[]");
    expect(memberPathText(["list", "[]", "dev"])).toBe("list[].dev");
    expect(memberPathText(["0", "dev"])).toBe("[0].dev");
  });
  it("after a base expression", () => {
    expect(memberText("priv", [])).toBe("priv");
    expect(memberText("priv", ["buf"])).toBe("priv.buf");
    expect(memberText("priv", ["side", "buf"])).toBe("priv.side.buf");
    expect(memberText("rings", ["[]"])).toBe("rings[]");
    expect(memberText("pair", ["1", "x"])).toBe("pair[1].x");
  });
});

describe("device contexts and owners", () => {
  it("spells a context as its type argument", () => {
    expect(contextText("bound")).toBe("Bound");
    expect(contextText("core")).toBe("Core");
    expect(contextText("normal")).toBe("Normal");
    expect(deviceTypeText("core")).toBe("Device<Core>");
  });
  it("names the driver, or the device when none is known", () => {
    expect(ownerText(undefined)).toBe(UNKNOWN_OWNER);
    expect(UNKNOWN_OWNER).toBe("the device");
    expect(ownerText({ name: "foo-i2c", binding: "drv" } as never)).toBe("foo-i2c");
    expect(ownerText({ name: undefined, binding: "FooDriver" } as never)).toBe("FooDriver");
    expect(driverText({ name: "foo-i2c", binding: "drv" } as never)).toBe("foo-i2c");
    expect(driverText({ name: undefined, binding: undefined } as never)).toBe("this driver");
  });
});

describe("referencesTo", () => {
  const program = (text: string) => {
    const file = "/v/refs.ts";
    const options: ts.CompilerOptions = { noLib: true, strict: true };
    const host = ts.createCompilerHost(options);
    host.getSourceFile = (f, lang) => (f === file ? ts.createSourceFile(f, text, lang, true) : undefined);
    host.fileExists = (f) => f === file;
    host.readFile = (f) => (f === file ? text : undefined);
    const p = ts.createProgram({ rootNames: [file], options, host });
    return { checker: p.getTypeChecker(), sf: p.getSourceFile(file)! };
  };
  const declared = (sf: ts.SourceFile, name: string): ts.Identifier => {
    let found: ts.Identifier | undefined;
    const visit = (n: ts.Node): void => {
      if (!found && (ts.isVariableDeclaration(n) || ts.isParameter(n)) && ts.isIdentifier(n.name) && n.name.text === name) found = n.name;
      ts.forEachChild(n, visit);
    };
    visit(sf);
    return found!;
  };
  const text = [
    "function f(dev: object) {",
    "  const a = dev;",
    "  const o = { dev };",
    "  let dev2 = dev;",
    "  (dev as object) === a;",
    "  dev = o;",
    "  { const dev = 1; dev; }",
    "  return () => dev;",
    "}",
  ].join("\n");

  it("finds every reference in source order: shorthand properties, casts, closures; not a shadowing name", () => {
    const { checker, sf } = program(text);
    const refs = referencesTo(checker, declared(sf, "dev"), sf);
    expect(refs.map((r) => `${sf.getLineAndCharacterOfPosition(r.getStart()).line + 1}:${r.getStart() - sf.getLineStarts()[sf.getLineAndCharacterOfPosition(r.getStart()).line]!}`)).toEqual([
      "2:12",
      "3:14",
      "4:13",
      "5:3",
      "6:2",
      "8:15",
    ]);
  });

  it("leaves out assignment targets with writes: false", () => {
    const { checker, sf } = program(text);
    const refs = referencesTo(checker, declared(sf, "dev"), sf, { writes: false });
    expect(refs.map((r) => sf.getLineAndCharacterOfPosition(r.getStart()).line + 1)).toEqual([2, 3, 4, 5, 8]);
  });

  // Reads in a scope narrower than the file: only what lies under it, the boundaries exact.
  const scoped = [
    "let dev: object = {};",
    "const before = dev;",
    "function g(x: object) {",
    "  const a = dev;",
    "  dev = x;",
    "  return { dev, a };",
    "}",
    "const pair = [dev,() => dev,dev];",
    "const after = { dev };",
  ].join("\n");
  const lines = (sf: ts.SourceFile, refs: ts.Identifier[]) => refs.map((r) => `${sf.getLineAndCharacterOfPosition(r.getStart()).line + 1}:${r.getStart() - sf.getLineStarts()[sf.getLineAndCharacterOfPosition(r.getStart()).line]!}`);
  const functionNamed = (sf: ts.SourceFile, name: string) => sf.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name)!;
  /** `() => dev` in `[dev,() => dev,dev]`. */
  const arrowIn = (sf: ts.SourceFile) => ((declared(sf, "pair").parent as ts.VariableDeclaration).initializer as ts.ArrayLiteralExpression).elements[1]!;

  it("keeps to the scope: not the reads before or after it, shorthand properties and writes inside it", () => {
    const { checker, sf } = program(scoped);
    const dev = declared(sf, "dev");
    expect(lines(sf, referencesTo(checker, dev, functionNamed(sf, "g")))).toEqual(["4:12", "5:2", "6:11"]);
    expect(lines(sf, referencesTo(checker, dev, functionNamed(sf, "g"), { writes: false }))).toEqual(["4:12", "6:11"]);
    expect(lines(sf, referencesTo(checker, dev, sf))).toEqual(["2:15", "4:12", "5:2", "6:11", "8:14", "8:24", "8:28", "9:16"]);
  });

  it("a scope's range with no space around it: the reads next to it are outside", () => {
    const { checker, sf } = program(scoped);
    expect(lines(sf, referencesTo(checker, declared(sf, "dev"), arrowIn(sf)))).toEqual(["8:24"]);
  });

  it("a name declared in the scope is not a reference; a scope that is a reference holds none", () => {
    const { checker, sf } = program(scoped);
    const g = functionNamed(sf, "g");
    // `x` is declared inside `g`, read once in it.
    const x = g.parameters[0]!.name as ts.Identifier;
    expect(lines(sf, referencesTo(checker, x, g))).toEqual(["5:8"]);
    // forEachChild(scope) leaves out the scope itself: a reference as the scope has nothing under it.
    const read = referencesTo(checker, declared(sf, "dev"), sf)[0]!;
    expect(referencesTo(checker, declared(sf, "dev"), read)).toEqual([]);
  });
});
