// call-sites.ts's resolver: which function with a body in the program's own sources a call (or a
// reference) runs. Each case is a small in-memory program (several files, a declaration file, a
// dependency under node_modules) with the name index registered as services.ts does.
import path from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { calledFunction, constructedClass, declaredParameterType, declaredTypeOf, getterRun, referencedFunction, typeOf, userFunctionOf } from "../../packages/eslint-plugin/src/analysis/call-sites.js";
import { functionName, type FunctionNode } from "../../packages/eslint-plugin/src/analysis/ast.js";
import { registerProgram } from "../../packages/eslint-plugin/src/analysis/name-index.js";

const ROOT = "/virtual/project";

const HELPERS = `
export function helper(a: number) { return a + 1; }
export const arrowHelper = (a: number) => a * 2;
export default function fallback(a: number) { return a; }
export class Helper { n = 0; }
`;
const REEXPORT = `export { helper as again } from "./helpers";\nexport * from "./helpers";\n`;
const DECLARED = `declare function declaredOnly(a: number): number;\ndeclare class Ambient { z: number }\n`;
const DEPENDENCY = `export function fromDependency(a: number) { return a; }\n`;

const libFiles = new Map<string, ts.SourceFile | undefined>();

interface Case {
  program: ts.Program;
  checker: ts.TypeChecker;
  main: ts.SourceFile;
  /** getSymbolAtLocation calls made through the checker since the program was built. */
  symbolLookups: () => number;
}

/** A program of main.ts (the case's code) with helpers.ts, reexport.ts, a .d.ts and a dependency. */
function programOf(code: string): Case {
  const files = new Map<string, string>([
    [`${ROOT}/main.ts`, code],
    [`${ROOT}/helpers.ts`, HELPERS],
    [`${ROOT}/reexport.ts`, REEXPORT],
    [`${ROOT}/declared.d.ts`, DECLARED],
    [`${ROOT}/node_modules/dep/package.json`, `{ "name": "dep", "version": "1.0.0", "types": "index.ts" }`],
    [`${ROOT}/node_modules/dep/index.ts`, DEPENDENCY],
  ]);
  const options: ts.CompilerOptions = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, strict: true, noEmit: true, types: [] };
  const host = ts.createCompilerHost(options, true);
  const real = { fileExists: host.fileExists.bind(host), readFile: host.readFile.bind(host), getSourceFile: host.getSourceFile.bind(host) };
  host.fileExists = (f) => files.has(path.posix.normalize(f)) || real.fileExists(f);
  host.readFile = (f) => files.get(path.posix.normalize(f)) ?? real.readFile(f);
  host.getSourceFile = (f, lang, onError, fresh) => {
    const text = files.get(path.posix.normalize(f));
    if (text !== undefined) return ts.createSourceFile(f, text, lang, true);
    // TypeScript's lib files: parsed once for all cases
    let sf = libFiles.get(f);
    if (!sf) libFiles.set(f, (sf = real.getSourceFile(f, lang, onError, fresh)));
    return sf;
  };
  host.getCurrentDirectory = () => ROOT;
  host.directoryExists = (d) => [...files.keys()].some((f) => f.startsWith(`${path.posix.normalize(d)}/`)) || ts.sys.directoryExists(d);
  const program = ts.createProgram({ rootNames: [`${ROOT}/main.ts`, `${ROOT}/declared.d.ts`], options, host });
  const inner = program.getTypeChecker();
  let lookups = 0;
  // The same checker, counting symbol lookups (the cost the name index spares).
  const checker = new Proxy(inner, {
    get(target, prop) {
      const v = Reflect.get(target, prop, target);
      if (prop === "getSymbolAtLocation") return (n: ts.Node) => (lookups++, inner.getSymbolAtLocation(n));
      return typeof v === "function" ? v.bind(target) : v;
    },
  });
  registerProgram(checker, program);
  const main = program.getSourceFile(`${ROOT}/main.ts`)!;
  const errors = ts.getPreEmitDiagnostics(program, main).map((d) => ts.flattenDiagnosticMessageText(d.messageText, " "));
  expect(errors, "the case's code must type-check").toEqual([]);
  return { program, checker, main, symbolLookups: () => lookups };
}

/** The `occurrence`-th call (or `new`) whose callee reads `callee`. */
function callOf(c: Case, callee: string, occurrence = 1): ts.CallExpression | ts.NewExpression {
  const found: Array<ts.CallExpression | ts.NewExpression> = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.expression.getText(c.main) === callee) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(c.main);
  const call = found[occurrence - 1];
  if (!call) throw new Error(`no call of ${callee} (#${occurrence})`);
  return call;
}

/** Where a resolved function is: its file's base name, its name, and its first line's text. */
function where(fn: FunctionNode | undefined): string | undefined {
  if (!fn) return undefined;
  const sf = fn.getSourceFile();
  const name = ts.isConstructorDeclaration(fn) ? `constructor of ${fn.parent.name?.text ?? "class"}` : functionName(fn) ?? "anonymous";
  return `${path.posix.basename(sf.fileName)}: ${name} @${sf.getLineAndCharacterOfPosition(fn.getStart(sf)).line + 1}`;
}

const resolve = (c: Case, callee: string, occurrence = 1) => where(calledFunction(c, callOf(c, callee, occurrence)));

describe("calledFunction: what it resolves", () => {
  it("function declarations, arrow and function-expression consts", () => {
    const c = programOf(
      [
        "function decl(a: number) { return a; }", // 1
        "const arrow = (a: number) => a;", // 2
        "const expr = function named(a: number) { return a; };", // 3
        "decl(1); arrow(2); expr(3);",
      ].join("\n"),
    );
    expect(resolve(c, "decl")).toBe("main.ts: decl @1");
    expect(resolve(c, "arrow")).toBe("main.ts: arrow @2");
    expect(resolve(c, "expr")).toBe("main.ts: named @3");
  });

  it("class methods: on an instance, this.m(), this.#m(), super.m(), an arrow property", () => {
    const c = programOf(
      [
        "class Base {", // 1
        "  probe(a: number) { return a; }", // 2
        "}",
        "class Driver extends Base {", // 4
        "  override probe(a: number) { return super.probe(a) + this.#scale(a) + this.helper(a) + this.handler(a); }", // 5
        "  #scale(a: number) { return a; }", // 6
        "  helper(a: number) { return a; }", // 7
        "  handler = (a: number) => a;", // 8
        "}",
        "new Driver().probe(1);",
      ].join("\n"),
    );
    expect(resolve(c, "super.probe")).toBe("main.ts: probe @2");
    expect(resolve(c, "this.#scale")).toBe("main.ts: #scale @6");
    expect(resolve(c, "this.helper")).toBe("main.ts: helper @7");
    expect(resolve(c, "this.handler")).toBe("main.ts: handler @8");
    expect(resolve(c, "new Driver().probe")).toBe("main.ts: probe @5");
  });

  it("object literal methods, arrow properties, a shorthand and a property naming a function", () => {
    const c = programOf(
      [
        "function readRegs(a: number) { return a; }", // 1
        "function probe(a: number) { return a; }", // 2
        "const ops = {",
        "  read(a: number) { return a; },", // 4
        "  write: (a: number) => a,", // 5
        "  probe,",
        "  regs: readRegs,",
        "};",
        "ops.read(1); ops.write(2); ops.probe(3); ops.regs(4);",
      ].join("\n"),
    );
    expect(resolve(c, "ops.read")).toBe("main.ts: read @4");
    expect(resolve(c, "ops.write")).toBe("main.ts: write @5");
    expect(resolve(c, "ops.probe")).toBe("main.ts: probe @2");
    expect(resolve(c, "ops.regs")).toBe("main.ts: readRegs @1");
  });

  it("imported, renamed, namespace, default and re-exported functions (in their own file)", () => {
    const c = programOf(
      [
        'import fallback, { helper, arrowHelper as twice } from "./helpers.js";',
        'import * as H from "./helpers.js";',
        'import { again, helper as viaStar } from "./reexport.js";',
        "helper(1); twice(2); H.helper(3); fallback(4); again(5); viaStar(6);",
      ].join("\n"),
    );
    expect(resolve(c, "helper")).toBe("helpers.ts: helper @2");
    expect(resolve(c, "twice")).toBe("helpers.ts: arrowHelper @3");
    expect(resolve(c, "H.helper")).toBe("helpers.ts: helper @2");
    expect(resolve(c, "fallback")).toBe("helpers.ts: fallback @4");
    expect(resolve(c, "again")).toBe("helpers.ts: helper @2");
    expect(resolve(c, "viaStar")).toBe("helpers.ts: helper @2");
  });

  it("an overloaded function runs its implementation, whichever overload the call picks", () => {
    const c = programOf(
      [
        "function ov(a: string): string;", // 1
        "function ov(a: number): number;", // 2
        "function ov(a: string | number) { return a; }", // 3
        "class K { m(a: string): void; m(a: number): void; m(_a: string | number) {} }", // 4
        'ov("x"); ov(1); new K().m(1);',
      ].join("\n"),
    );
    expect(resolve(c, "ov", 1)).toBe("main.ts: ov @3");
    expect(resolve(c, "ov", 2)).toBe("main.ts: ov @3");
    expect(where(calledFunction(c, callOf(c, "new K().m")))?.startsWith("main.ts: m @4")).toBe(true);
    expect((calledFunction(c, callOf(c, "new K().m")) as ts.MethodDeclaration).body).toBeDefined();
  });

  it("a call through a const alias (chains too); not through a `let` that may be reassigned", () => {
    const c = programOf(
      [
        'import { helper } from "./helpers.js";',
        "function local(a: number) { return a; }", // 2
        "const alias = local;",
        "const again = alias;",
        "const imported = helper;",
        "let moving = local;",
        "moving = (a: number) => a + 1;",
        "alias(1); again(2); imported(3); moving(4);",
      ].join("\n"),
    );
    expect(resolve(c, "alias")).toBe("main.ts: local @2");
    expect(resolve(c, "again")).toBe("main.ts: local @2");
    expect(resolve(c, "imported")).toBe("helpers.ts: helper @2");
    expect(resolve(c, "moving")).toBeUndefined();
  });

  it("`new` runs the class's constructor, or its nearest base's; none without a body", () => {
    const c = programOf(
      [
        "class Own { constructor(public a: number) {} }", // 1
        "class Derived extends Own {}",
        "class Plain { x = 1; }",
        "const Aliased = Own;",
        "new Own(1); new Derived(2); new Plain(); new Aliased(3);",
      ].join("\n"),
    );
    expect(resolve(c, "Own")).toBe("main.ts: constructor of Own @1");
    expect(resolve(c, "Derived")).toBe("main.ts: constructor of Own @1");
    expect(resolve(c, "Plain")).toBeUndefined();
    expect(resolve(c, "Aliased")).toBe("main.ts: constructor of Own @1");
  });
});

describe("constructedClass, getterRun, userFunctionOf: the views values.ts and the devres walks read", () => {
  it("the class a `new` constructs: a declaration, an import, a class expression, const aliases; none outside the program's own sources", () => {
    const c = programOf(
      [
        'import { Helper } from "./helpers.js";',
        "class Own { x = 1; }", // 2
        "const Expr = class { y = 2; };", // 3
        "const Aliased = Own;",
        "let Moving = Own;",
        "new Own(); new Expr(); new Aliased(); new Helper(); new Ambient(); new Moving(); new Map();",
      ].join("\n"),
    );
    const cls = (callee: string) => {
      const k = constructedClass(c, callOf(c, callee) as ts.NewExpression);
      return k && `${path.posix.basename(k.getSourceFile().fileName)} @${k.getSourceFile().getLineAndCharacterOfPosition(k.getStart()).line + 1}`;
    };
    expect(cls("Own")).toBe("main.ts @2");
    expect(cls("Expr")).toBe("main.ts @3");
    expect(cls("Aliased")).toBe("main.ts @2");
    expect(cls("Helper")).toBe("helpers.ts @5");
    expect(cls("Ambient")).toBeUndefined(); // declared in declared.d.ts
    expect(cls("Moving")).toBeUndefined(); // a `let` may be reassigned
    expect(cls("Map")).toBeUndefined();
  });

  it("the getter a member read runs: one with a body in the program's own sources, not a setter, a field or a method", () => {
    const c = programOf(
      [
        "class Regs {",
        "  #v = 1;",
        "  set value(v: number) { this.#v = v; }", // 3
        "  get value() { return this.#v; }", // 4
        "  plain = 2;",
        "  read() { return this.#v; }",
        "}",
        "declare const shape: { readonly size: number };",
        "const o = { get size() { return 3; } };", // 9
        "const r = new Regs();",
        "export const reads = [r.value, r.plain, r.read, shape.size, o.size, [1].length];",
      ].join("\n"),
    );
    const reads: ts.PropertyAccessExpression[] = [];
    const visit = (n: ts.Node): void => {
      if (ts.isArrayLiteralExpression(n)) reads.push(...n.elements.filter(ts.isPropertyAccessExpression));
      ts.forEachChild(n, visit);
    };
    visit(c.main);
    expect(reads.map((r) => where(getterRun(c, r)))).toEqual(["main.ts: value @4", undefined, undefined, undefined, "main.ts: size @9", undefined]);
  });

  it("userFunctionOf: a call's helper, never a constructor", () => {
    const c = programOf(["class Own { constructor(public a: number) {} }", "function make(a: number) { return new Own(a); }", "make(1);"].join("\n"));
    expect(where(userFunctionOf(c, callOf(c, "make")))).toBe("main.ts: make @2");
    expect(where(calledFunction(c, callOf(c, "Own")))).toBe("main.ts: constructor of Own @1");
    expect(userFunctionOf(c, callOf(c, "Own"))).toBeUndefined();
  });
});

describe("calledFunction: what it must not resolve", () => {
  it("a parameter or a property of unknown value called like a function", () => {
    const c = programOf(
      [
        "function helper(a: number) { return a; }",
        "export function run(cb: (a: number) => number, holder: { helper: (a: number) => number }, opt?: () => void) {",
        "  cb(1); holder.helper(2); opt?.();",
        "}",
        "helper(0);",
      ].join("\n"),
    );
    expect(resolve(c, "cb")).toBeUndefined();
    // a property named like a function of the program: the name passes the filter, the symbol says no
    expect(resolve(c, "holder.helper")).toBeUndefined();
    expect(resolve(c, "opt")).toBeUndefined();
    expect(resolve(c, "helper")).toBe("main.ts: helper @1");
  });

  it("functions without a body in the program's own sources: lib, a declaration file, a dependency", () => {
    const c = programOf(['import { fromDependency } from "dep";', "Math.max(1, 2); declaredOnly(1); fromDependency(2); [1].map(String);"].join("\n"));
    expect(c.program.isSourceFileFromExternalLibrary(c.program.getSourceFiles().find((f) => f.fileName.includes("node_modules/dep"))!)).toBe(true);
    expect(resolve(c, "Math.max")).toBeUndefined();
    expect(resolve(c, "declaredOnly")).toBeUndefined();
    expect(resolve(c, "fromDependency")).toBeUndefined();
    expect(resolve(c, "[1].map")).toBeUndefined();
  });

  it("asks the checker nothing for a callee whose name no function with a body has", () => {
    const c = programOf(
      [
        "function helper(a: number) { return a; }",
        'console.log("x"); Math.max(1, 2); declaredOnly(3); [1].map(String); JSON.stringify({}); helper(1);',
      ].join("\n"),
    );
    const before = c.symbolLookups();
    for (const callee of ["console.log", "Math.max", "declaredOnly", "[1].map", "JSON.stringify"]) expect(resolve(c, callee)).toBeUndefined();
    expect(c.symbolLookups() - before).toBe(0);
    expect(resolve(c, "helper")).toBe("main.ts: helper @1");
    expect(c.symbolLookups() - before).toBe(1);
    // memoised per call: asking again costs nothing
    expect(resolve(c, "helper")).toBe("main.ts: helper @1");
    expect(c.symbolLookups() - before).toBe(1);
  });
});

describe("referencedFunction", () => {
  it("a function passed by reference, a function literal, a shorthand member, an import", () => {
    const c = programOf(
      [
        'import { helper } from "./helpers.js";',
        "function onTimer() {}", // 2
        "function probe() {}", // 3
        "setTimeout(onTimer); setTimeout(() => {}); setTimeout(helper);",
        "export const drv = { probe };",
        "declare const cb: () => void;",
        "setTimeout(cb);",
      ].join("\n"),
    );
    const arg = (i: number) => (callOf(c, "setTimeout", i) as ts.CallExpression).arguments[0]!;
    expect(where(referencedFunction(c, arg(1)))).toBe("main.ts: onTimer @2");
    expect(referencedFunction(c, arg(2))).toBe(arg(2));
    expect(where(referencedFunction(c, arg(3)))).toBe("helpers.ts: helper @2");
    expect(referencedFunction(c, arg(4))).toBeUndefined();
    let shorthand: ts.ShorthandPropertyAssignment | undefined;
    const visit = (n: ts.Node): void => {
      if (ts.isShorthandPropertyAssignment(n)) shorthand = n;
      ts.forEachChild(n, visit);
    };
    visit(c.main);
    expect(where(referencedFunction(c, shorthand!.name))).toBe("main.ts: probe @3");
  });

  it("a call node passed by value names no function, and still runs one: whichever is asked first", () => {
    const code = ["function make() { return () => 1; }", "function take(f: () => number) { return f; }", "take(make());"].join("\n");
    for (const referenceFirst of [true, false]) {
      const c = programOf(code);
      const inner = (callOf(c, "take") as ts.CallExpression).arguments[0] as ts.CallExpression;
      const ask = [() => expect(referencedFunction(c, inner)).toBeUndefined(), () => expect(where(calledFunction(c, inner))).toBe("main.ts: make @1")];
      for (const check of referenceFirst ? ask : ask.reverse()) check();
    }
  });
});

/** The expression of the innermost expression statement on `line` of main.ts. */
function expressionOnLine(c: Case, line: number): ts.Expression {
  let out: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (ts.isExpressionStatement(n) && c.main.getLineAndCharacterOfPosition(n.getStart(c.main)).line + 1 === line) out = n.expression;
    else ts.forEachChild(n, visit);
  };
  visit(c.main);
  if (!out) throw new Error(`no expression statement on line ${line}`);
  return out;
}

describe("declaredParameterType and typeOf: types read off declarations, no inference", () => {
  const DRIVER = [
    "interface Ops<D> { probe(dev: string): D; remove?(dev: string, data: D): void; release?: (tag: number) => void }", // 1
    "declare function define<D>(ops: Ops<D>): void;", // 2
    "define({ probe(dev) { return { n: dev.length }; }, remove(dev, data) { void data; }, release: (tag) => void tag });", // 3
  ].join("\n");
  const param = (c: Case, fn: string, index: number): ts.ParameterDeclaration => {
    let found: ts.ParameterDeclaration | undefined;
    const visit = (n: ts.Node): void => {
      const name = ts.isMethodDeclaration(n) ? n.name.getText(c.main) : ts.isArrowFunction(n) && ts.isPropertyAssignment(n.parent) ? n.parent.name.getText(c.main) : undefined;
      if (name === fn) found = (n as ts.FunctionLikeDeclaration).parameters[index];
      ts.forEachChild(n, visit);
    };
    visit(c.main);
    if (!found) throw new Error(`no parameter ${index} of ${fn}`);
    return found;
  };
  const text = (c: Case, t: ts.Type | undefined) => (t ? c.checker.typeToString(t) : undefined);

  it("an unannotated parameter of a method or arrow in a generic call's argument, optional members included", () => {
    const c = programOf(DRIVER);
    expect(text(c, declaredParameterType(c.checker, param(c, "probe", 0)))).toBe("string");
    // optional members are typed `… | undefined`: read without undefined, like a contextual signature
    expect(text(c, declaredParameterType(c.checker, param(c, "remove", 0)))).toBe("string");
    expect(text(c, declaredParameterType(c.checker, param(c, "release", 0)))).toBe("number");
    // the driver data is typed by inference alone
    expect(declaredParameterType(c.checker, param(c, "remove", 1))).toBeUndefined();
  });

  it("a member of a const or using variable whose declared type admits null: read off the non-null type", () => {
    const c = programOf(
      [
        "interface Guard { value: { readl(o: number): number } }", // 1
        "declare function open(): Guard | null;", // 2
        "function f() {", // 3
        "  const g = open();", // 4
        "  if (!g) return;", // 5
        "  g.value;", // 6
        "  g;", // 7
        "}",
      ].join("\n"),
    );
    const at = (line: number) => expressionOnLine(c, line);
    expect(text(c, declaredTypeOf(c.checker, at(6)))).toBe("{ readl(o: number): number; }");
    // `g` itself: the declared type is a union the checker narrows; not read off declarations
    expect(declaredTypeOf(c.checker, at(7))).toBeUndefined();
    expect(text(c, typeOf(c.checker, at(7)))).toBe("Guard");
  });

  it("typeOf leaves what narrowing may change to the checker", () => {
    const c = programOf(
      [
        "function f(a: string, u: string | number, o: object) {", // 1
        "  if (typeof u === 'string') u;", // 2
        "  if (o instanceof Map) o;", // 3
        "  a;", // 4
        "}",
      ].join("\n"),
    );
    expect(text(c, declaredTypeOf(c.checker, expressionOnLine(c, 4)))).toBe("string");
    // the `u;` and `o;` inside the ifs, narrowed there
    expect(declaredTypeOf(c.checker, expressionOnLine(c, 2))).toBeUndefined();
    expect(text(c, typeOf(c.checker, expressionOnLine(c, 2)))).toBe("string");
    expect(declaredTypeOf(c.checker, expressionOnLine(c, 3))).toBeUndefined();
    expect(text(c, typeOf(c.checker, expressionOnLine(c, 3)))).toBe("Map<any, any>");
  });
});

describe("declaredTypeOf: remove()'s driver data read off what probe() returns", () => {
  const OPS = [
    "interface Regs { readl(o: number): number }", // 1
    "declare function openRegs(): Regs;", // 2
    "interface Ops<D> { name: string; probe(dev: string): D | Promise<D>; remove?(dev: string, data: D): void; shutdown?(dev: string, data: D): void }", // 3
    "declare function define<D>(ops: Ops<D>): void;", // 4
  ];
  /** main.ts: OPS, then `lines` from line 5 on. */
  const driver = (...lines: string[]) => programOf([...OPS, ...lines].join("\n"));
  const text = (c: Case, t: ts.Type | undefined) => (t ? c.checker.typeToString(t) : undefined);

  it("a member of the driver data: the declared type of what probe()'s returned literal holds, as inference makes it", () => {
    const c = driver(
      "define({", // 5
      "  name: 'x',", // 6
      "  async probe(dev) { const regs = openRegs(); const other = openRegs(); if (!dev) return { regs, side: { r2: other }, n: 1 }; return { regs: regs, side: { r2: other }, n: 2 }; },", // 7
      "  remove(dev, data) {", // 8
      "    data.regs;", // 9
      "    data.side.r2;", // 10
      "    data.n;", // 11
      "    data.regs.readl;", // 12
      "  },", // 13
      "});", // 14
    );
    for (const line of [9, 10, 12]) {
      const e = expressionOnLine(c, line);
      const declared = declaredTypeOf(c.checker, e);
      expect(declared).toBeDefined();
      // the very type inference gives
      expect(declared).toBe(c.checker.getTypeAtLocation(e));
    }
    expect(text(c, declaredTypeOf(c.checker, expressionOnLine(c, 9)))).toBe("Regs");
    // a literal's value: its declared type is not written anywhere (the checker widens it)
    expect(declaredTypeOf(c.checker, expressionOnLine(c, 11))).toBeUndefined();
  });

  it("left to the checker where something else takes part in the inference, or the literal does not say", () => {
    const cases: Array<[string, string[]]> = [
      ["another member annotates the data", ["define({ name: 'x', probe(dev) { const regs = openRegs(); return { regs }; }, shutdown(dev, data: { regs: Regs; extra?: number }) {}, remove(dev, data) { data.regs; } });"]],
      ["a member given by reference", ["declare function stop(dev: string, data: { regs: Regs }): void;", "define({ name: 'x', probe(dev) { const regs = openRegs(); return { regs }; }, shutdown: stop, remove(dev, data) { data.regs; } });"]],
      ["probe() returns something else than a literal", ["define({ name: 'x', probe(dev) { const regs = openRegs(); const st = { regs }; return st; }, remove(dev, data) { data.regs; } });"]],
      ["a spread in the returned literal", ["const extra = { id: 1 };", "define({ name: 'x', probe(dev) { const regs = openRegs(); return { regs, ...extra }; }, remove(dev, data) { data.regs; } });"]],
      ["returns that disagree", ["declare const alt: { readl(o: number): number; id: 1 };", "define({ name: 'x', probe(dev) { const regs = openRegs(); if (dev) return { regs: alt }; return { regs }; }, remove(dev, data) { data.regs; } });"]],
      ["an annotated return type", ["define({ name: 'x', probe(dev): { regs: Regs } { const regs = openRegs(); return { regs }; }, remove(dev, data) { data.regs; } });"]],
    ];
    for (const [what, lines] of cases) {
      const c = driver(...lines);
      expect(declaredTypeOf(c.checker, findDataRegs(c)), what).toBeUndefined();
    }
  });

  it("left to the checker for a constrained type parameter, two sources, or another parameter naming it", () => {
    const variants = [
      // D constrained: inference may fail and fall back to the constraint
      ["interface Ops2<D> { probe(dev: string): D; remove?(dev: string, data: D): void }", "declare function define2<D extends { regs: Regs }>(ops: Ops2<D>): void;", ""],
      // two members D is inferred from
      ["interface Ops2<D> { probe(dev: string): D; resume(dev: string): D; remove?(dev: string, data: D): void }", "declare function define2<D>(ops: Ops2<D>): void;", "resume(dev) { const regs = openRegs(); return { regs }; }, "],
      // another parameter of the call names D
      ["interface Ops2<D> { probe(dev: string): D; remove?(dev: string, data: D): void }", "declare function define2<D>(ops: Ops2<D>, initial?: D): void;", ""],
    ];
    for (const [ops, decl, more] of variants) {
      const c = driver(ops!, decl!, `define2({ probe(dev) { const regs = openRegs(); return { regs }; }, ${more}remove(dev, data) { data.regs; } });`);
      expect(declaredTypeOf(c.checker, findDataRegs(c)), decl).toBeUndefined();
    }
  });
});

/** The `data.regs` expression in main.ts. */
function findDataRegs(c: Case): ts.Expression {
  let out: ts.Expression | undefined;
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && n.getText(c.main) === "data.regs") out = n;
    ts.forEachChild(n, visit);
  };
  visit(c.main);
  if (!out) throw new Error("no data.regs");
  return out;
}
