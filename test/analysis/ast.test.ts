// analysis/ast.ts's identifier index: a file's identifiers by text, what a ts.forEachChild walk
// visits, in source order. referencesTo() and the widening readers read it instead of walking.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { identifiersByName } from "../../packages/eslint-plugin/src/analysis/ast.js";

const parse = (text: string) => ts.createSourceFile("/v/index.ts", text, ts.ScriptTarget.Latest, true);
/** `line:column` (1-based line, 0-based column) of where a node starts. */
const at = (sf: ts.SourceFile, n: ts.Node) => {
  const { line, character } = sf.getLineAndCharacterOfPosition(n.getStart(sf));
  return `${line + 1}:${character}`;
};

describe("identifiersByName", () => {
  it("lists a name's identifiers in source order, inner ones between outer ones", () => {
    const sf = parse(["const dev = pick(dev, wrap(dev).dev, (dev) => dev);", "dev.dev = { dev };"].join("\n"));
    expect(identifiersByName(sf).get("dev")!.map((n) => at(sf, n))).toEqual(["1:6", "1:17", "1:27", "1:32", "1:38", "1:46", "2:0", "2:4", "2:12"]);
    expect(identifiersByName(sf).get("wrap")!.map((n) => at(sf, n))).toEqual(["1:22"]);
  });

  it("includes private identifiers under their own text (`#dev`), apart from `dev`", () => {
    const sf = parse("class C { #dev = 1; dev = 2; read() { return this.#dev + this.dev; } }");
    const priv = identifiersByName(sf).get("#dev")!;
    expect(priv.map((n) => [ts.isPrivateIdentifier(n), at(sf, n)])).toEqual([
      [true, "1:10"],
      [true, "1:50"],
    ]);
    expect(identifiersByName(sf).get("dev")!.map((n) => [ts.isIdentifier(n), at(sf, n)])).toEqual([
      [true, "1:20"],
      [true, "1:62"],
    ]);
  });

  it("leaves out names in JSDoc, as ts.forEachChild does", () => {
    const sf = parse(["/** @param dev the device, see {@link dev} */", "function probe(dev: object) { return dev; }"].join("\n"));
    expect(identifiersByName(sf).get("dev")!.map((n) => at(sf, n))).toEqual(["2:15", "2:37"]);
  });

  it("walks a file once: the same index on every ask, another for another file", () => {
    const sf = parse("let dev = 1;");
    expect(identifiersByName(sf)).toBe(identifiersByName(sf));
    expect(identifiersByName(parse("let dev = 1;"))).not.toBe(identifiersByName(sf));
    expect(identifiersByName(sf).get("missing")).toBeUndefined();
  });
});
