// The value engine (analysis/values.ts) on small programs. Each case is one place where the two
// engines it replaces (origins.ts's originsOf and provenance.ts's managedOrigin/traceDevice)
// disagreed, or both missed what the rule pages promise; the comment says what each answered
// and why the engine's answer is the right one.
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { analysisOf, argumentOf } from "./typed-program.js";
import {
  parameterSinks,
  deviceOrigins,
  isManagedRelease,
  managedOrigin,
  originsOf,
  argumentSinks,
  type Origin,
} from "../../packages/eslint-plugin/src/analysis/values.js";

const RT = `import { defineDriver, devmKzalloc, devmIoremap, kzalloc, kfree, i2cAddAdapter, I2cAdapter, type Core, type Bound, type Device } from "@devbound/runtime";`;
const PRIV = [
  `type Priv = { adapter: I2cAdapter; side: { adapter: I2cAdapter } };`,
  `const mk = () => ({ adapter: new I2cAdapter("a"), side: { adapter: new I2cAdapter("b") } });`,
  `declare function sink(x: object): void;`,
].join("\n");

const program = (...lines: string[]) => analysisOf([RT, PRIV, ...lines].join("\n"));

/** Origins as short strings: kind, member path, and the allocation's callee for managed ones. */
function brief(an: { text(n: ts.Node): string }, origins: readonly Origin[]): string[] {
  return origins.map((o) => {
    switch (o.kind) {
      case "managed":
        return `managed ${o.allocation ? an.text(o.allocation.expression) : "(typed)"} [${o.path.join(".")}]`;
      case "call":
        return `call ${an.text(o.call.expression)} [${o.path.join(".")}]`;
      case "parameter":
        return `parameter ${an.text(o.decl.name)} [${o.path.join(".")}]`;
      case "stored":
        return `stored ${o.storage} ${an.text(o.node)}`;
      case "cast":
        return `cast ${o.to}`;
      default:
        return o.kind;
    }
  });
}

describe("values: where the two engines disagreed", () => {
  it("a chain of aliases deeper than provenance's depth limit keeps its allocation", () => {
    // managedOrigin (depth 6) fell back to the type (Managed<…>, no allocation: the owner went
    // unnamed); originsOf found devmKzalloc. Deeper is right: the aliases are all there is.
    const an = program(`export function f(dev: Device<Core>) { const a0 = devmKzalloc(dev, mk); ${Array.from({ length: 8 }, (_, i) => `const a${i + 1} = a${i};`).join(" ")} sink(a8.adapter); }`);
    const arg = argumentOf(an, "sink");
    expect(brief(an, originsOf(an, arg))).toEqual(["managed devmKzalloc [adapter]"]);
    expect(managedOrigin(an, arg)?.allocation && an.text(managedOrigin(an, arg)!.allocation!.expression)).toBe("devmKzalloc");
  });

  it("a helper returning a `let` alias of its parameter's member", () => {
    // managedOrigin followed helper returns through const aliases only (rootOf): none; originsOf: managed.
    const an = program(`function get(p: Priv) { let q = p; return q.adapter; }`, `export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, mk); sink(get(priv)); }`);
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [adapter]"]);
  });

  it("a member of an object literal a helper returns", () => {
    // managedOrigin: none (it read the helper's returns only as whole values); originsOf: managed.
    const an = program(`function wrap(p: Priv) { return { adapter: p.adapter }; }`, `export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, mk); sink(wrap(priv).adapter); }`);
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [adapter]"]);
  });

  it("Devres<T>.access(dev) hands out the managed value", () => {
    // managedOrigin: none (access() is not a user helper); originsOf: the mapping.
    const an = program(`export function f(dev: Device<Core>) { const regs = devmIoremap(dev); sink(regs.access(dev)); }`);
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmIoremap []"]);
  });

  it("remove()'s data is what probe returned, with the allocation", () => {
    // managedOrigin: managed, but through the type only (no allocation); originsOf: the allocation.
    const an = program(`export const d = defineDriver({ name: "x", probe(dev) { const priv = devmKzalloc(dev, mk); return { priv }; }, remove(_d, data) { sink(data.priv.adapter); } });`);
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [adapter]"]);
  });

  it("the same answers where they agreed: every origin is kept, the view decides", () => {
    // A conditional and a reassigned `let`: both origins (managed and manual). managedOrigin
    // ("may be devres memory", for kobject APIs) says managed; isManagedRelease ("a manual
    // release frees devres memory", for double frees) does not, because one origin is manual.
    const cond = program(`export function f(dev: Device<Core>, c: boolean) { const p = c ? kzalloc(mk) : devmKzalloc(dev, mk); sink(p.adapter); }`);
    const arg = argumentOf(cond, "sink");
    expect(brief(cond, originsOf(cond, arg))).toEqual(["call kzalloc [adapter]", "managed devmKzalloc [adapter]"]);
    expect(managedOrigin(cond, arg)).toBeDefined();
    expect(isManagedRelease(originsOf(cond, arg))).toBeUndefined();
    // A member assigned a manual allocation after the managed one: flow-insensitive, both.
    const member = program(`export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, () => ({ adapter: null as null | I2cAdapter })); priv.adapter = kzalloc(() => new I2cAdapter("c")); sink(priv.adapter!); }`);
    expect(brief(member, originsOf(member, argumentOf(member, "sink")))).toEqual(["call kzalloc []", "managed devmKzalloc [adapter]"]);
  });
});

describe("values: what both missed", () => {
  it("an object spread copy keeps its members' origin", () => {
    // Both: none (originsOf stopped at the spread: unknown).
    const an = program(`export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, mk); const copy = { n: 1, ...priv.side }; sink(copy.adapter); }`);
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [side.adapter]"]);
    // a property written after the spread overrides it
    const over = program(`export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, mk); const copy = { ...priv.side, adapter: new I2cAdapter("c") }; sink(copy.adapter); }`);
    expect(brief(over, originsOf(over, argumentOf(over, "sink")))).toEqual(["literal"]);
  });

  it("tuple destructuring and array elements", () => {
    // Both: none (originsOf: an array literal was a literal whatever the path).
    const an = program(`export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, mk); const [, a] = [0, priv.adapter]; sink(a); for (const b of [priv.side.adapter]) sink(b); }`);
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [adapter]"]);
    expect(brief(an, originsOf(an, argumentOf(an, "sink", 0, 2)))).toEqual(["managed devmKzalloc [side.adapter]"]);
  });

  it("a getter returning a member of the object its class was constructed with", () => {
    // Both: none (originsOf: `h.adapter` read the `new` as a literal).
    const an = program(
      `class Holder { constructor(private readonly priv: Priv) {} get adapter() { return this.priv.adapter; } }`,
      `export function f(dev: Device<Core>) { const h = new Holder(devmKzalloc(dev, mk)); sink(h.adapter); }`,
    );
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [adapter]"]);
  });

  it("rest parameters, spread arguments and default initialisers of a helper", () => {
    const an = program(
      `function first(...items: I2cAdapter[]) { return items[0]!; }`,
      `function pick(p: Priv, victim = p.side.adapter) { return victim; }`,
      `export function f(dev: Device<Core>) { const priv = devmKzalloc(dev, mk); sink(first(priv.adapter)); sink(pick(...[priv] as const)); sink(pick(priv, new I2cAdapter("x"))); }`,
    );
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["managed devmKzalloc [adapter]"]);
    expect(brief(an, originsOf(an, argumentOf(an, "sink", 0, 2)))).toEqual(["managed devmKzalloc [side.adapter]"]);
    // passed: the default is not used
    expect(brief(an, originsOf(an, argumentOf(an, "sink", 0, 3)))).toEqual(["literal"]);
  });

  it("super.probe() in a subclass driver: what the base class's probe returns", () => {
    const an = program(
      `class Base { probe(dev: Device<Core>) { return { ring: kzalloc(mk) }; } }`,
      `class Sub extends Base { override probe(dev: Device<Core>) { const data = super.probe(dev); sink(data.ring); return data; } }`,
      `void Sub;`,
    );
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual(["call kzalloc []"]);
  });

  it("a depth cut or a cycle is unknown, never a fact", () => {
    const an = program(`function loop(p: Priv): Priv { return loop(p); }`, `export function f(dev: Device<Core>) { sink(loop(devmKzalloc(dev, mk))); }`);
    // The recursion adds nothing; the type (Managed<Priv> is not inferred through `loop`) says nothing either.
    expect(brief(an, originsOf(an, argumentOf(an, "sink")))).toEqual([]);
  });
});

describe("values: devices (storage is an origin)", () => {
  const dev = (...lines: string[]) => analysisOf([RT, `declare function use(d: Device<Bound>): void;`, ...lines].join("\n"));

  it("a parameter through aliases, tuples and local object literals", () => {
    // traceDevice read `d` of `const [d] = [dev]` and `ctx.dev` of `const ctx = { dev }` as fields.
    const an = dev(`export function f(dev: Device<Core>) { const [d] = [dev]; use(d); const ctx = { dev }; use(ctx.dev); const e = dev; use(e); }`);
    for (const n of [1, 2, 3]) expect(brief(an, deviceOrigins(an, argumentOf(an, "use", 0, n)))).toEqual(["parameter dev []"]);
  });

  it("fields, module variables and collections are stored state", () => {
    const an = dev(
      `let saved: Device<Bound> | undefined;`,
      `const registry = new Map<string, Device<Bound>>();`,
      `export class C { dev?: Device<Bound>; run(ctx: { dev: Device<Bound> }) { use(this.dev!); use(saved!); use(registry.get("k")!); for (const d of registry.values()) use(d); use(ctx.dev); const { dev } = this; use(dev!); } }`,
    );
    const all = [1, 2, 3, 4, 5, 6].map((n) => brief(an, deviceOrigins(an, argumentOf(an, "use", 0, n))));
    expect(all).toEqual([
      ["stored field this.dev"],
      ["stored module-variable saved"],
      ["stored collection registry"],
      ["stored collection registry"],
      ["stored field ctx.dev"],
      ["stored field dev"],
    ]);
  });

  it("a cast that forges a bound device", () => {
    const an = dev(`export function f(dev: Device<Core>) { const h = dev.get(); use(h as Device<Bound>); use(dev as Device<Bound>); }`);
    expect(brief(an, deviceOrigins(an, argumentOf(an, "use")))).toEqual(["cast bound"]);
    expect(brief(an, deviceOrigins(an, argumentOf(an, "use", 0, 2)))).toEqual(["parameter dev []"]);
  });
});

describe("values: sinks through helpers", () => {
  it("rest parameters, spread arguments and default-parameter initialisers reach the branded call", () => {
    const an = program(
      `function addAll(...adapters: I2cAdapter[]) { for (const a of adapters) i2cAddAdapter(a); }`,
      `function addSide(p: Priv, victim = p.side.adapter) { i2cAddAdapter(victim); }`,
      `function add(a: I2cAdapter) { i2cAddAdapter(a); }`,
      `export function f(priv: Priv) { addAll(priv.adapter, priv.side.adapter); addSide(priv); add(...[priv.adapter] as const); }`,
    );
    const call = (callee: string) => argumentOf(an, callee).parent as ts.CallExpression;
    const sinks = (c: ts.CallExpression, i: number) => argumentSinks(an, c, i).map((s) => `${s.brand} ${s.via.join(">")}>${s.api} [${s.path.join(".")}]`);
    expect(sinks(call("addAll"), 1)).toEqual(["kobjectParam addAll>i2cAddAdapter []"]);
    expect(sinks(call("addSide"), 0)).toEqual(["kobjectParam addSide>i2cAddAdapter [side.adapter]"]);
    expect(sinks(call("add"), 0)).toEqual(["kobjectParam add>i2cAddAdapter []"]);
  });
});

describe("values: sink summaries do not depend on who asked first", () => {
  // Mutually recursive helpers: asking `relay` first used to cache `forward`'s summary while
  // `relay` was still in progress (the cycle guard's empty answer kept as a fact), so `forward`
  // reached nothing when asked afterwards, and something when asked first.
  const src = [
    `function relay(a: I2cAdapter, n: number): void { if (n > 0) forward(a, n - 1); i2cAddAdapter(a); }`,
    `function forward(a: I2cAdapter, n: number): void { relay(a, n); }`,
    `export function f(priv: Priv) { relay(priv.adapter, 2); forward(priv.adapter, 2); }`,
  ];
  const fnNamed = (an: ReturnType<typeof program>, name: string) =>
    an.sourceFile.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === name)!;
  const sinksOf = (an: ReturnType<typeof program>, name: string) => parameterSinks(an, fnNamed(an, name), 0).map((s) => `${s.via.join(">")}>${s.api}`).sort();

  it("relay first, then forward", () => {
    const an = program(...src);
    expect(sinksOf(an, "relay")).toEqual(["relay>i2cAddAdapter"]);
    expect(sinksOf(an, "forward")).toEqual(["forward>relay>i2cAddAdapter"]);
  });
  it("forward first, then relay", () => {
    const an = program(...src);
    expect(sinksOf(an, "forward")).toEqual(["forward>relay>i2cAddAdapter"]);
    expect(sinksOf(an, "relay")).toEqual(["relay>i2cAddAdapter"]);
  });
});
