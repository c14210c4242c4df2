// deferral.ts: how a callback is classified (deferred / stored / kobject-release / file-operation /
// bound / sync / unknown), on small typed programs: test/rules/project/'s tsconfig (the runtime's
// declarations resolve as in the rule tests) with file.ts's text replaced by the case's code.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { classifyCallback, type CallbackClass } from "../../packages/eslint-plugin/src/analysis/deferral.js";
import type { FunctionNode } from "../../packages/eslint-plugin/src/analysis/ast.js";
import type { Analysis } from "../../packages/eslint-plugin/src/analysis/services.js";
import { analysisOf } from "./typed-program.js";

const RT = `import { Cdev, Kobject, Revocable, allocWorkqueue, defineDriver, devmIoremap, devmRequestIrq, requestIrq, type Mmio } from "@devbound/runtime";`;

/** The `occurrence`-th function (arrow, function expression or declaration) whose text starts with `start`. */
function fnAt(an: Analysis, start: string, occurrence = 1): FunctionNode {
  const found: FunctionNode[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isArrowFunction(n) || ts.isFunctionExpression(n) || ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n)) && n.getText(an.sourceFile).startsWith(start)) found.push(n);
    ts.forEachChild(n, visit);
  };
  visit(an.sourceFile);
  const fn = found[occurrence - 1];
  if (!fn) throw new Error(`no function starting ${JSON.stringify(start)} (#${occurrence})`);
  return fn;
}

/** kind, description and the site's text: what the rules read of a class. */
const shown = (an: Analysis, c: CallbackClass) => ({ kind: c.kind, description: c.description, site: c.site?.getText(an.sourceFile).split("\n")[0], ...(c.fileOps ? { fileOps: c.fileOps } : {}), ...(c.afterAwaitOnly ? { afterAwaitOnly: true } : {}) });

function classify(code: string, start: string, occurrence = 1) {
  const an = analysisOf([RT, code].join("\n"), { typeChecks: true });
  return shown(an, classifyCallback(an, fnAt(an, start, occurrence)));
}

describe("deferred", () => {
  it("timers, promise reactions, listeners", () => {
    expect(classify(`export function f(n: number) { setTimeout(() => n + 1, 10); }`, "() => n + 1")).toEqual({ kind: "deferred", description: "a setTimeout callback", site: "setTimeout(() => n + 1, 10)" });
    expect(classify(`export function f(p: Promise<number>) { p.then((v) => v + 1); }`, "(v) => v + 1")).toEqual({ kind: "deferred", description: "a promise continuation (.then)", site: "p.then((v) => v + 1)" });
    expect(classify(`export function f(e: { on(ev: string, cb: () => void): void }) { e.on("data", () => {}); }`, "() => {}")).toEqual({ kind: "deferred", description: "an event listener (.on)", site: `e.on("data", () => {})` });
  });
  it("a DeferredCallback-branded parameter: the unmanaged IRQ handler, an unmanaged work item", () => {
    expect(classify(`export const d = defineDriver({ name: "x", probe(dev) { requestIrq(dev, 3, (line) => line); return {}; } });`, "(line) => line")).toMatchObject({ kind: "deferred", description: "a deferred callback of `requestIrq`" });
    expect(classify(`export function f() { allocWorkqueue("wq").queue(() => {}); }`, "() => {}")).toMatchObject({ kind: "deferred" });
  });
  it("an async function whose promise is dropped: only after its first await", () => {
    expect(classify(`export function f() { const later = async () => { await 0; }; later(); }`, "async () =>")).toEqual({
      kind: "deferred",
      description: "the continuation of async `later` after an await (its promise is not awaited)",
      site: "later()",
      afterAwaitOnly: true,
    });
  });
});

describe("stored", () => {
  it("in a field, a module variable, a field's collection", () => {
    expect(classify(`export class C { cb?: () => void; arm() { this.cb = () => {}; } }`, "() => {}")).toEqual({ kind: "stored", description: "a callback stored in `this.cb`", site: "this.cb = () => {}" });
    expect(classify(`let saved: (() => void) | undefined;`.concat(`\nexport function f() { saved = () => {}; }`), "() => {}")).toEqual({ kind: "stored", description: "a callback stored in the module variable `saved`", site: "saved = () => {}" });
    expect(classify(`export class C { hs: Array<() => void> = []; add() { this.hs.push(() => {}); } }`, "() => {}")).toEqual({ kind: "stored", description: "a callback stored in `this.hs`", site: "this.hs.push(() => {})" });
  });
});

describe("kobject-release and file-operation", () => {
  it("a KobjectRelease-branded position", () => {
    expect(classify(`export function f() { return new Kobject("k", (k) => void k); }`, "(k) => void k")).toMatchObject({ kind: "kobject-release", description: "a kobject release callback of `Kobject`" });
  });
  it("a FileOperation-branded member, with its operation", () => {
    expect(classify(`export function f() { return new Cdev("c", { release: () => {}, read: () => new Uint8Array(0) }); }`, "() => {}")).toMatchObject({ kind: "file-operation", description: "the file operation release()", fileOps: ["release"] });
    expect(classify(`export function f() { return new Cdev("c", { release: () => {}, read: () => new Uint8Array(0) }); }`, "() => new Uint8Array")).toMatchObject({ kind: "file-operation", description: "the file operation read()", fileOps: ["read"] });
  });
});

describe("bound and sync", () => {
  it("a BoundCallback-branded position: the devm IRQ handler", () => {
    expect(classify(`export const d = defineDriver({ name: "x", probe(dev) { devmRequestIrq(dev, 3, (d2) => void d2); return {}; } });`, "(d2) => void d2")).toMatchObject({ kind: "bound", description: "a bound callback of `devmRequestIrq`" });
  });
  it("array methods, the Promise executor, an access section, a local function called directly", () => {
    expect(classify(`export function f(xs: number[]) { return xs.map((x) => x * 2); }`, "(x) => x * 2")).toEqual({ kind: "sync", description: "an array .map callback", site: "xs.map((x) => x * 2)" });
    expect(classify(`export function f() { return new Promise<void>((resolve) => resolve()); }`, "(resolve) =>")).toEqual({ kind: "sync", description: "a Promise executor", site: "new Promise<void>((resolve) => resolve())" });
    expect(classify(`export function f(r: Revocable<Mmio>) { return r.tryAccessWith((m) => m.readl(0)); }`, "(m) => m.readl(0)")).toMatchObject({ kind: "sync" });
    expect(classify(`export function f() { const g = () => 1; return g(); }`, "() => 1")).toEqual({ kind: "sync", description: "a function called directly", site: "g()" });
  });
  it("a reaction the function awaits, a timer settling an awaited promise", () => {
    expect(classify(`export async function f(p: Promise<number>) { await p.then((v) => v); }`, "(v) => v")).toMatchObject({ kind: "sync", description: "a callback the enclosing function awaits" });
    expect(classify(`export async function f() { await new Promise<void>((r) => setTimeout(() => r(), 5)); }`, "() => r()")).toMatchObject({ kind: "sync", description: "a callback the enclosing function awaits" });
  });
  it("a local function takes the worst of its uses, a shorthand property `{ release }` included", () => {
    expect(classify(`export function f(xs: number[]) { const g = () => 0; xs.forEach(g); setTimeout(g, 1); }`, "() => 0")).toMatchObject({ kind: "deferred", description: "a setTimeout callback" });
    expect(classify(`export function f(xs: number[]) { const g = () => 0; xs.forEach(g); }`, "() => 0")).toMatchObject({ kind: "sync", description: "an array .forEach callback" });
    expect(classify(`export function f() { const release = () => {}; return new Cdev("c", { release }); }`, "() => {}")).toMatchObject({ kind: "file-operation", fileOps: ["release"] });
  });
});

describe("unknown", () => {
  it("an API that is neither known nor branded, a returned function", () => {
    expect(classify(`declare function later(fn: () => void): void;\nexport function f() { later(() => {}); }`, "() => {}")).toEqual({ kind: "unknown", description: "a callback", site: "later(() => {})" });
    expect(classify(`export function f() { return () => 1; }`, "() => 1")).toMatchObject({ kind: "unknown" });
  });
});

describe("recursion: the same classes whichever function is asked first", () => {
  // a and b call each other; only a is handed to a timer. b runs inside a, so it may run later too.
  const code = [RT, `export function f() {`, `  const a = () => { b(); };`, `  const b = () => { a(); };`, `  setTimeout(a, 10);`, `}`].join("\n");
  const classes = (first: "a" | "b") => {
    const an = analysisOf(code, { typeChecks: true });
    const fns = { a: fnAt(an, "() => { b(); }"), b: fnAt(an, "() => { a(); }") };
    classifyCallback(an, fns[first]);
    return { a: shown(an, classifyCallback(an, fns.a)), b: shown(an, classifyCallback(an, fns.b)) };
  };
  it("asked a first or b first: a is a timer callback, b runs inside it", () => {
    const aFirst = classes("a");
    expect(aFirst).toEqual(classes("b"));
    expect(aFirst.a).toMatchObject({ kind: "deferred", description: "a setTimeout callback" });
    expect(aFirst.b).toMatchObject({ kind: "deferred", description: "a setTimeout callback" });
  });
});
