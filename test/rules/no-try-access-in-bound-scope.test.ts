// RuleTester cases for devbound/no-try-access-in-bound-scope: tryAccess()/tryAccessWith() on a
// Devres where a Device<Bound> for its device is in scope, with the `access(dev)` suggestion
// where the rewrite is faithful.
import rule from "../../packages/eslint-plugin/src/rules/no-try-access-in-bound-scope.js";
import { KITCHEN_SINK, at, code, filename, ruleTester, typecheckCases } from "./setup.js";

const RT = `import { Cdev, Device, Devres, Kobject, Revocable, allocWorkqueue, defineDriver, devmIoremap, devmRequestIrq, type Bound, type Core, type DriverOps, type Mmio } from "@devbound/runtime";`;
const probe = (...body: string[]) => code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const regs = devmIoremap(dev);`, ...body.map((l) => `  ${l}`), `} });`);

function report(call: string, resource: string, dev: string, ctx: string, owner: string) {
  return { messageId: "tryAccessInBoundScope" as const, data: { call, resource, dev, ctx, owner } };
}
function invalid(src: string, needle: string, error: ReturnType<typeof report>, output?: string) {
  const dev = error.data.dev;
  const resource = error.data.resource;
  return {
    filename,
    code: src,
    errors: [
      {
        ...error,
        ...at(src, needle),
        suggestions: output === undefined ? [] : [{ messageId: "useAccess" as const, data: { resource, dev }, output }],
      },
    ],
  };
}

const cases = {
  valid: [
    // odd but legal code: no crash, no report
    { filename, code: KITCHEN_SINK },
    // the correct form
    { filename, code: probe(`regs.access(dev).writel(1, 0);`, `return { regs };`) },
    // a timer may run after unbind: tryAccess is the right tool there
    { filename, code: probe(`setTimeout(() => { const g = regs.tryAccess(); g?.value.readl(0); }, 10);`, `return { regs };`) },
    // a promise continuation
    { filename, code: probe(`void Promise.resolve().then(() => regs.tryAccessWith((m) => m.readl(0)));`, `return { regs };`) },
    // a file operation
    { filename, code: probe(`const cdev = new Cdev("foo", { read: () => regs.tryAccessWith((m) => m.readl(0)) });`, `return { regs, cdev };`) },
    // a kobject release callback
    { filename, code: probe(`const k = new Kobject("k", () => { regs.tryAccess(); });`, `return { regs, k };`) },
    // an unmanaged work item (deferred)
    { filename, code: probe(`allocWorkqueue("wq").queue(() => { regs.tryAccess(); });`, `return { regs };`) },
    // a plain Revocable has no access(dev): nothing to suggest
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const r = new Revocable({ n: 1 }); r.tryAccessWith((v) => v.n); return { r }; } });`) },
    // a module-level function without a bound device
    { filename, code: code(RT, `export function poll(regs: Devres<Mmio>) { return regs.tryAccessWith((m) => m.readl(0)); }`) },
    // two bound devices and an owner we cannot see: ambiguous, stay silent
    { filename, code: code(RT, `export function pair(a: Device<Bound>, b: Device<Bound>, regs: Devres<Mmio>) { return regs.tryAccessWith((m) => m.readl(0)); }`) },
    // the Devres belongs to another driver's device
    { filename, code: code(RT, `let shared: Devres<Mmio> | undefined;`, `export const a = defineDriver({ name: "a", probe(dev) { shared = devmIoremap(dev); return {}; } });`, `export const b = defineDriver({ name: "b", probe(other) { shared?.tryAccess(); return {}; } });`) },
    // issue 12: a parent's mapping handed to a child driver (access(dev) with the child's proof would throw)
    {
      filename,
      code: code(
        RT,
        `const children = new Map<string, Devres<Mmio>>();`,
        `export const parent = defineDriver({ name: "parent", probe(dev) { const regs = devmIoremap(dev); children.set("child", regs); return { regs }; } });`,
        `export const child = defineDriver({ name: "child", probe(dev) { const regs = children.get("child")!; const v = regs.tryAccessWith((m) => m.readl(0)); return { v }; } });`,
      ),
    },
    // ... through a driver factory's parameter (the Devres's registration is not in sight)
    { filename, code: code(RT, `export function childDriver(parentRegs: Devres<Mmio>) {`, `  return defineDriver({ name: "child", probe(dev) { const v = parentRegs.tryAccessWith((m) => m.readl(0)); return { v }; } });`, `}`) },
    // ... through a class driver's constructor (parameter property, or a field set from a parameter there)
    { filename, code: code(RT, `export class Child implements DriverOps<object> {`, `  name = "child";`, `  constructor(private readonly parentRegs: Devres<Mmio>) {}`, `  probe(dev: Device<Core>) { this.parentRegs.tryAccess()?.value.readl(0); return {}; }`, `}`) },
    { filename, code: code(RT, `export class Child implements DriverOps<object> {`, `  name = "child";`, `  regs: Devres<Mmio>;`, `  constructor(regs: Devres<Mmio>) { this.regs = regs; }`, `  probe(dev: Device<Core>) { this.regs.tryAccess()?.value.readl(0); return {}; }`, `}`) },
    // a callback passed to an unknown API may run later: stay silent
    { filename, code: probe(`const later = (fn: () => void) => fn;`, `later(() => regs.tryAccess());`, `return { regs };`) },
    // a class method with no device
    { filename, code: code(RT, `export class Poller { constructor(private regs: Devres<Mmio>) {} poll() { return this.regs.tryAccessWith((m) => m.readl(0)); } }`) },
    // an unrelated tryAccess (no brands)
    { filename, code: code(RT, `const cache = { tryAccess() { return 1; } };`, `export const drv = defineDriver({ name: "foo", probe(dev) { cache.tryAccess(); return {}; } });`) },
  ],
  invalid: [
    // a guard with no null check to rewrite: reported, no suggestion
    (() => {
      const src = probe(`const g = regs.tryAccess();`, `g?.value.writel(1, 0);`, `return { regs };`);
      return invalid(src, "regs.tryAccess()", report("tryAccess()", "regs", "dev", "Core", "foo"));
    })(),
    // using + null check: rewritten to access(dev)
    (() => {
      const src = probe(`using g = regs.tryAccess();`, `if (!g) return { regs };`, `g.value.writel(1, 0);`, `return { regs };`);
      const out = probe(`const g = regs.access(dev);`, `g.writel(1, 0);`, `return { regs };`);
      return invalid(src, "regs.tryAccess()", report("tryAccess()", "regs", "dev", "Core", "foo"), out);
    })(),
    // a guarded block
    (() => {
      const src = probe(`const g = regs.tryAccess();`, `if (g) {`, `  g.value.writel(1, 0);`, `}`, `return { regs };`);
      const out = probe(`const g = regs.access(dev);`, `{`, `  g.writel(1, 0);`, `}`, `return { regs };`);
      return invalid(src, "regs.tryAccess()", report("tryAccess()", "regs", "dev", "Core", "foo"), out);
    })(),
    // the guard read after the guarded block: no faithful rewrite
    (() => {
      const src = probe(`const g = regs.tryAccess();`, `if (g) {`, `  g.value.writel(1, 0);`, `}`, `const later = g?.value;`, `return { regs, later };`);
      return invalid(src, "regs.tryAccess()", report("tryAccess()", "regs", "dev", "Core", "foo"));
    })(),
    // `?.value`
    (() => {
      const src = probe(`const v = regs.tryAccess()?.value.readl(0);`, `return { regs, v };`);
      const out = probe(`const v = regs.access(dev).readl(0);`, `return { regs, v };`);
      return invalid(src, "regs.tryAccess()", report("tryAccess()", "regs", "dev", "Core", "foo"), out);
    })(),
    // tryAccessWith, expression body rooted at the value
    (() => {
      const src = probe(`const id = regs.tryAccessWith((m) => m.readl(0));`, `return { regs, id };`);
      const out = probe(`const id = regs.access(dev).readl(0);`, `return { regs, id };`);
      return invalid(src, "regs.tryAccessWith", report("tryAccessWith()", "regs", "dev", "Core", "foo"), out);
    })(),
    // tryAccessWith as a statement with a block body
    (() => {
      const src = probe(`regs.tryAccessWith((m) => { m.writel(1, 0); m.writel(2, 4); });`, `return { regs };`);
      const out = probe(`{ const m = regs.access(dev); m.writel(1, 0); m.writel(2, 4); }`, `return { regs };`);
      return invalid(src, "regs.tryAccessWith", report("tryAccessWith()", "regs", "dev", "Core", "foo"), out);
    })(),
    // tryAccessWith with a function passed by reference, from another file
    (() => {
      const src = code(`import { readStatus } from "./no-try-access-helpers.js";`, probe(`const s = regs.tryAccessWith(readStatus);`, `return { regs, s };`));
      const out = code(`import { readStatus } from "./no-try-access-helpers.js";`, probe(`const s = readStatus(regs.access(dev));`, `return { regs, s };`));
      return invalid(src, "regs.tryAccessWith", report("tryAccessWith()", "regs", "dev", "Core", "foo"), out);
    })(),
    // an alias of the Devres, and a callback that returns: reported without a rewrite
    (() => {
      const src = probe(`const r = regs;`, `const x = r.tryAccessWith((m) => { if (m.readl(0)) return 1; return 2; });`, `return { regs, x };`);
      return invalid(src, "r.tryAccessWith", report("tryAccessWith()", "r", "dev", "Core", "foo"));
    })(),
    // remove(dev, data): the Devres came from probe
    (() => {
      const src = code(RT, `export const drv = defineDriver({`, `  name: "foo",`, `  probe(dev) { return { regs: devmIoremap(dev) }; },`, `  remove(dev, data) { data.regs.tryAccessWith((m) => m.writel(0, 0)); },`, `});`);
      const out = code(RT, `export const drv = defineDriver({`, `  name: "foo",`, `  probe(dev) { return { regs: devmIoremap(dev) }; },`, `  remove(dev, data) { data.regs.access(dev).writel(0, 0); },`, `});`);
      return invalid(src, "data.regs.tryAccessWith", report("tryAccessWith()", "data.regs", "dev", "Core", "foo"), out);
    })(),
    // a class driver
    (() => {
      const head = [RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  regs?: Devres<Mmio>;`];
      const src = code(...head, `  probe(dev: Device<Core>) { this.regs = devmIoremap(dev); this.regs.tryAccessWith((m) => m.writel(1, 0)); return {}; }`, `}`);
      const out = code(...head, `  probe(dev: Device<Core>) { this.regs = devmIoremap(dev); this.regs.access(dev).writel(1, 0); return {}; }`, `}`);
      return invalid(src, "this.regs.tryAccessWith", report("tryAccessWith()", "this.regs", "dev", "Core", "foo-class"), out);
    })(),
    // a devm IRQ handler is bound and has its own device: suggest that one
    (() => {
      const src = probe(`devmRequestIrq(dev, 1, (d) => { regs.tryAccessWith((m) => m.writel(1, 0)); });`, `return { regs };`);
      const out = probe(`devmRequestIrq(dev, 1, (d) => { regs.access(d).writel(1, 0); });`, `return { regs };`);
      return invalid(src, "regs.tryAccessWith", report("tryAccessWith()", "regs", "d", "Bound", "foo"), out);
    })(),
    // async probe, after an await, inside an array callback
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) {`, `  const regs = devmIoremap(dev);`, `  await Promise.resolve();`, `  const vals = [0, 4].map((o) => regs.tryAccessWith((m) => m.readl(o)));`, `  return { regs, vals };`, `} });`);
      const out = code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) {`, `  const regs = devmIoremap(dev);`, `  await Promise.resolve();`, `  const vals = [0, 4].map((o) => regs.access(dev).readl(o));`, `  return { regs, vals };`, `} });`);
      return invalid(src, "regs.tryAccessWith", report("tryAccessWith()", "regs", "dev", "Core", "foo"), out);
    })(),
    // a helper in another file mapped the registers; a renamed re-export too
    (() => {
      const src = code(`import { mapRegs } from "./no-try-access-helpers.js";`, RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const r = mapRegs(dev);`, `  const v = r.tryAccessWith((m) => m.readl(0));`, `  return { r, v };`, `} });`);
      const out = src.replace("r.tryAccessWith((m) => m.readl(0))", "r.access(dev).readl(0)");
      return invalid(src, "r.tryAccessWith", report("tryAccessWith()", "r", "dev", "Core", "foo"), out);
    })(),
    (() => {
      const src = code(`import { mapIo } from "./no-try-access-helpers.js";`, RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const r = mapIo(dev);`, `  const v = r.tryAccess()?.value;`, `  return { r, v };`, `} });`);
      const out = src.replace("r.tryAccess()?.value", "r.access(dev)");
      return invalid(src, "r.tryAccess()", report("tryAccess()", "r", "dev", "Core", "foo"), out);
    })(),
    // probe defined here, used by a driver in another file (cross-file-driver.ts)
    (() => {
      const src = code(RT, `export function crossProbe(dev: Device<Core>) {`, `  const r = devmIoremap(dev);`, `  const v = r.tryAccessWith((m) => m.readl(0));`, `  return { name: dev.name, v };`, `}`);
      const out = src.replace("r.tryAccessWith((m) => m.readl(0))", "r.access(dev).readl(0)");
      return invalid(src, "r.tryAccessWith", report("tryAccessWith()", "r", "dev", "Core", "cross-file"), out);
    })(),
    // a synchronous helper whose signature proves boundness
    (() => {
      const src = code(RT, `export function status(dev: Device<Bound>, regs: Devres<Mmio>) {`, `  return regs.tryAccessWith((m) => m.readl(4));`, `}`);
      const out = code(RT, `export function status(dev: Device<Bound>, regs: Devres<Mmio>) {`, `  return regs.access(dev).readl(4);`, `}`);
      return invalid(src, "regs.tryAccessWith", report("tryAccessWith()", "regs", "dev", "Bound", "the device"), out);
    })(),
  ],
};

ruleTester.run("no-try-access-in-bound-scope", rule, cases);
typecheckCases("no-try-access-in-bound-scope", cases);
