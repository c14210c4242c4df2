// RuleTester cases for devbound/no-mixed-devm-teardown: devres that outlives what remove()
// frees (a devm callback using it, a devm acquisition after it), and the strict-only soft
// check "devres in a driver that has remove()".
import rule from "../../packages/eslint-plugin/src/rules/no-mixed-devm-teardown.js";
import { describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";
import { filename, ruleTester, rendered } from "./setup.js";

const code = (...lines: string[]): string => lines.join("\n");
const RT = `import { defineDriver, devmAddAction, devmAllocWorkqueue, devmIoremap, devmKzalloc, devmRequestIrq, freeIrq, iounmap, ioremap, kfree, kzalloc, requestIrq, type Bound, type Core, type Device, type DriverOps } from "@devbound/runtime";`;
const RING = `import { Ring, allocRing, teardownRing, requestManagedIrq, setupCounters, setupRingIrq } from "./no-mixed-devm-teardown-helpers.js";`;

const usesRemoved = (line: number, column: number, callee: string, resource: string, driver: string, release: string) => ({
  messageId: "callbackUsesRemoved" as const,
  data: { callee, resource, driver, release },
  line,
  column,
});
const afterManual = (line: number, column: number, callee: string, resource: string, driver: string, release: string) => ({
  messageId: "devmAfterManual" as const,
  data: { callee, resource, driver, release },
  line,
  column,
});
const withRemove = (line: number, column: number, callee: string, driver: string) => ({
  messageId: "devresWithRemove" as const,
  data: { callee, driver },
  line,
  column,
});
const strict = [{ checkDevresWithRemove: true }] as const;

ruleTester.run("no-mixed-devm-teardown", rule, {
  valid: [
    // everything devres-managed, no remove()
    { filename, code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) { const ring = devmKzalloc(dev, () => new Ring()); devmRequestIrq(dev, 0, () => ring.push(1)); return { ring }; } });`) },
    // everything manual: the IRQ is freed before the memory its handler uses
    { filename, code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) { const ring = kzalloc(() => new Ring()); const irq = requestIrq(dev, 0, () => ring.push(1)); return { ring, irq }; }, remove(_d, { ring, irq }) { freeIrq(irq); kfree(ring); } });`) },
    // devres first, manual after: the manual resource is freed first, which is the right order
    { filename, code: code(RT, `export const d = defineDriver({ name: "r", probe(dev) { const regs = devmIoremap(dev); const buf = kzalloc(() => ({ n: 0 })); return { regs, buf }; }, remove(_d, { buf }) { kfree(buf); } });`) },
    // the devm handler uses a manual allocation that remove() does not free (remove() frees one made after the IRQ)
    { filename, code: code(RT, RING, `const table = kzalloc(() => new Ring());`, `export const d = defineDriver({ name: "r", probe(dev) { devmRequestIrq(dev, 0, () => table.push(1)); const buf = kzalloc(() => ({ n: 0 })); return { buf }; }, remove(_d, { buf }) { kfree(buf); } });`) },
    // devm after a manual acquisition that remove() does not tear down
    { filename, code: code(RT, `export const d = defineDriver({ name: "r", probe(dev) { const a = kzalloc(() => ({ n: 0 })); devmKzalloc(dev, () => ({ a })); const b = kzalloc(() => ({ n: 1 })); return { a, b }; }, remove(_d, { b }) { kfree(b); } });`) },
    // a devm MMIO mapping after a manual allocation: nothing touches MMIO after remove() (Laurent's exception)
    { filename, code: code(RT, `export const d = defineDriver({ name: "r", probe(dev) { const buf = kzalloc(() => ({ n: 0 })); const regs = devmIoremap(dev); return { buf, regs }; }, remove(_d, { buf }) { kfree(buf); } });`) },
    // the soft check is off by default
    { filename, code: code(RT, `export const d = defineDriver({ name: "r", probe(dev) { const p = devmKzalloc(dev, () => ({ n: 0 })); return { p }; }, remove(_d, { p }) { p.n = 0; } });`) },
    // the soft check does not fire for a driver without remove()
    { filename, code: code(RT, `export const d = defineDriver({ name: "r", probe(dev) { devmKzalloc(dev, () => ({ n: 0 })); return {}; } });`), options: strict },
    // an unmanaged IRQ handler is not devres (forgetting freeIrq() in remove() is another bug)
    { filename, code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) { const ring = kzalloc(() => new Ring()); requestIrq(dev, 0, () => ring.push(1)); return { ring }; }, remove(_d, { ring }) { kfree(ring); } });`) },
    // two drivers, same local name: the devm handler uses its own devm ring
    { filename, code: code(RT, RING, `export const a = defineDriver({ name: "a", probe(dev) { const ring = kzalloc(() => new Ring()); return { ring }; }, remove(_d, { ring }) { kfree(ring); } });`, `export const b = defineDriver({ name: "b", probe(dev) { const ring = devmKzalloc(dev, () => new Ring()); devmRequestIrq(dev, 0, () => ring.push(1)); return { ring }; } });`) },
    // not a driver: no remove() to mix with
    { filename, code: code(RT, `export function f(dev: Device<Core>) { const a = kzalloc(() => ({ n: 0 })); devmAddAction(dev, () => { a.n = 1; }); kfree(a); }`) },
    // class driver, devm work item using only devres-managed memory
    { filename, code: code(RT, `export class W implements DriverOps<{ buf: { n: number } }> { readonly name = "w"; probe(dev: Device<Core>) { const c = devmKzalloc(dev, () => ({ n: 0 })); const wq = devmAllocWorkqueue(dev, "w"); wq.queue(() => { c.n++; }); const buf = kzalloc(() => ({ n: 0 })); return { buf }; } remove(_d: Device<Core>, p: { buf: { n: number } }) { kfree(p.buf); } }`) },
    // a helper registering a devm IRQ over devres-managed memory only
    { filename, code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) { const ring = devmKzalloc(dev, () => new Ring()); setupRingIrq(dev, ring); const buf = kzalloc(() => ({ n: 0 })); return { ring, buf }; }, remove(_d, { buf }) { kfree(buf); } });`) },
    // a devm IRQ handler calling a method that uses only devres memory (look-alike of the method case)
    { filename, code: code(RT, RING, `export class Rx implements DriverOps<object> {`, `readonly name = "rx";`, `ring = kzalloc(() => new Ring());`, `stats = { n: 0 };`, `count() { this.stats.n++; }`, `probe(dev: Device<Core>) { devmRequestIrq(dev, 0, () => this.count()); return {}; }`, `remove(_d: Device<Core>) { kfree(this.ring); }`, `}`) },
    // third-party code
    { filename, code: `export const drv = { name: "x", probe() { return 1; }, remove() { return 2; } };` },
  ],
  invalid: [
    // a subclass driver: super.probe() returns the ring the inherited remove() frees, and the subclass's devm IRQ handler uses it
    {
      filename,
      code: code(RT, RING, `class BaseRing implements DriverOps<{ ring: Ring }> {`, `readonly name: string = "base-ring";`, `probe(_dev: Device<Core>) { return { ring: kzalloc(() => new Ring()) }; }`, `remove(_d: Device<Core>, data: { ring: Ring }) { kfree(data.ring); }`, `}`, `export class SubRing extends BaseRing {`, `override readonly name = "sub-ring";`, `override probe(dev: Device<Core>) {`, `const data = super.probe(dev);`, `devmRequestIrq(dev, 0, () => data.ring.push(1));`, `return data;`, `}`, `}`),
      errors: [usesRemoved(12, 1, "devmRequestIrq", "data.ring", "sub-ring", "kfree()")],
    },
    // a devm IRQ handler reaching the freed ring through a method it calls, and through a helper
    {
      filename,
      code: code(RT, RING, `function drain(r: Ring) { r.push(0); }`, `export class Rx implements DriverOps<object> {`, `readonly name = "rx";`, `ring = kzalloc(() => new Ring());`, `handle(n: number) { this.ring.push(n); }`, `probe(dev: Device<Core>) {`, `devmRequestIrq(dev, 0, (_b, line) => this.handle(line));`, `devmRequestIrq(dev, 1, () => drain(this.ring));`, `return {};`, `}`, `remove(_d: Device<Core>) { kfree(this.ring); }`, `}`),
      errors: [usesRemoved(9, 1, "devmRequestIrq", "this.ring", "rx", "kfree()"), usesRemoved(10, 1, "devmRequestIrq", "this.ring", "rx", "kfree()")],
    },
    // the DESIGN example
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "ring-irq", probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `devmRequestIrq(dev, 0, () => ring.push(1));`, `return { ring };`, `}, remove(_d, { ring }) { kfree(ring); } });`),
      errors: [
        rendered({
          message: "The devmRequestIrq() callback uses `ring`, which ring-irq's remove() frees with kfree(); devres stops this callback only after remove() returns, so it can run on a freed `ring`.",
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 43,
        }),
      ],
    },
    // a devres action acquired after a manual allocation remove() frees
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "stats", probe(dev) {`, `const stats = kzalloc(() => ({ resets: 0 }));`, `devmAddAction(dev, () => { stats.resets = 0; });`, `return { stats };`, `}, remove(_d, data) { kfree(data.stats); } });`),
      errors: [
        rendered({
          message: "devmAddAction() registers devres after `stats` was acquired, which stats's remove() frees with kfree(); devres releases it only after remove() returns, so at unbind `stats` is gone first, the reverse of probe order.",
          line: 4,
          column: 1,
        }),
      ],
    },
    // class driver: devm workqueue after a manual buffer, and a work item using it
    {
      filename,
      code: code(RT, `interface P { buf: { bytes: number[] } }`, `export class Dma implements DriverOps<P> {`, `readonly name = "dma";`, `probe(dev: Device<Core>): P {`, `const buf = kzalloc(() => ({ bytes: [] as number[] }));`, `const wq = devmAllocWorkqueue(dev, "dma");`, `wq.queue(() => { buf.bytes.push(1); });`, `return { buf };`, `}`, `remove(_d: Device<Core>, p: P) { kfree(p.buf); }`, `}`),
      errors: [afterManual(7, 12, "devmAllocWorkqueue", "buf", "dma", "kfree()"), usesRemoved(8, 1, "wq.queue", "buf", "dma", "kfree()")],
    },
    // a devm allocation after a manual IRQ that remove() frees
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "irq", probe(dev) {`, `const irq = requestIrq(dev, 0, () => {});`, `const log = devmKzalloc(dev, () => ({ irq }));`, `return { irq, log };`, `}, remove(_d, { irq }) { freeIrq(irq); } });`),
      errors: [afterManual(4, 13, "devmKzalloc", "irq", "irq", "freeIrq()")],
    },
    // renamed import (re-exported from the helper module)
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `requestManagedIrq(dev, 0, () => ring.push(1));`, `return { ring };`, `}, remove(_d, { ring }) { kfree(ring); } });`),
      errors: [usesRemoved(5, 1, "requestManagedIrq", "ring", "r", "kfree()")],
    },
    // an alias of what remove() frees
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `const r = ring;`, `devmRequestIrq(dev, 0, () => r.push(1));`, `return { ring };`, `}, remove(_d, { ring }) { kfree(ring); } });`),
      errors: [usesRemoved(6, 1, "devmRequestIrq", "r", "r", "kfree()")],
    },
    // the handler passed by reference
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `function onIrq(): void { ring.push(1); }`, `devmRequestIrq(dev, 0, onIrq);`, `return { ring };`, `}, remove(_d, { ring }) { kfree(ring); } });`),
      errors: [usesRemoved(6, 1, "devmRequestIrq", "ring", "r", "kfree()")],
    },
    // remove() frees through a helper in another file; probe() allocates through one
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const ring = allocRing();`, `devmRequestIrq(dev, 0, () => ring.push(1));`, `return { ring };`, `}, remove(_d, { ring }) { teardownRing(ring); } });`),
      errors: [usesRemoved(5, 1, "devmRequestIrq", "ring", "r", "teardownRing() (through kfree())")],
    },
    // class driver keeping state in fields
    {
      filename,
      code: code(RT, RING, `export class R implements DriverOps<object> {`, `readonly name = "r-class";`, `ring = new Ring();`, `probe(dev: Device<Core>) {`, `this.ring = kzalloc(() => new Ring());`, `devmRequestIrq(dev, 0, () => this.ring.push(1));`, `return {};`, `}`, `remove(_d: Device<Core>) { kfree(this.ring); }`, `}`),
      errors: [usesRemoved(8, 1, "devmRequestIrq", "this.ring", "r-class", "kfree()")],
    },
    // async probe: the devm registration after an await
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", async probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `await Promise.resolve();`, `devmRequestIrq(dev, 0, () => ring.push(1));`, `return { ring };`, `}, async remove(_d, { ring }) { kfree(ring); } });`),
      errors: [usesRemoved(6, 1, "devmRequestIrq", "ring", "r", "kfree()")],
    },
    // probe and remove defined elsewhere and passed by reference
    {
      filename,
      code: code(RT, RING, `function probe(dev: Device<Core>) {`, `const ring = kzalloc(() => new Ring());`, `devmRequestIrq(dev, 0, () => ring.push(1));`, `return { ring };`, `}`, `function remove(_d: Device<Core>, data: { ring: Ring }) { kfree(data.ring); }`, `export const d = defineDriver({ name: "by-ref", probe, remove });`),
      errors: [usesRemoved(5, 1, "devmRequestIrq", "ring", "by-ref", "kfree()")],
    },
    // a member of an object remove() frees
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const priv = kzalloc(() => ({ ring: new Ring() }));`, `devmRequestIrq(dev, 0, () => priv.ring.push(1));`, `return priv;`, `}, remove(_d, priv) { kfree(priv); } });`),
      errors: [usesRemoved(5, 1, "devmRequestIrq", "priv", "r", "kfree()")],
    },
    // the devm IRQ registered by a helper in another file, its handler using the caller's ring
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `setupRingIrq(dev, ring);`, `return { ring };`, `}, remove(_d, { ring }) { kfree(ring); } });`),
      errors: [
        rendered({
          message: "The devmRequestIrq() callback that setupRingIrq() registers uses `ring`, which r's remove() frees with kfree(); devres stops this callback only after remove() returns, so it can run on a freed `ring`.",
          line: 5,
          column: 1,
        }),
      ],
    },
    // class driver: the devm IRQ registered by a private method
    {
      filename,
      code: code(RT, RING, `export class R implements DriverOps<{ ring: Ring }> {`, `readonly name = "r-method";`, `probe(dev: Device<Core>) {`, `const ring = kzalloc(() => new Ring());`, `this.setupIrq(dev, ring);`, `return { ring };`, `}`, `private setupIrq(dev: Device<Bound>, r: Ring): void { devmRequestIrq(dev, 0, () => r.push(1)); }`, `remove(_d: Device<Core>, data: { ring: Ring }) { kfree(data.ring); }`, `}`),
      errors: [{ messageId: "callbackUsesRemovedVia", data: { inner: "devmRequestIrq", callee: "this.setupIrq", resource: "r", driver: "r-method", release: "kfree()" }, line: 7, column: 1 }],
    },
    // a helper in another file registering devres after a manual allocation remove() frees
    {
      filename,
      code: code(RT, RING, `export const d = defineDriver({ name: "r", probe(dev) {`, `const ring = kzalloc(() => new Ring());`, `const counters = setupCounters(dev);`, `return { ring, counters };`, `}, remove(_d, { ring }) { kfree(ring); } });`),
      errors: [afterManual(5, 18, "setupCounters", "ring", "r", "kfree()")],
    },
    // strict: the soft check through a helper in another file
    {
      filename,
      options: strict,
      code: code(RT, RING, `export const d = defineDriver({ name: "soft", probe(dev) {`, `const counters = setupCounters(dev);`, `return { counters };`, `}, remove(_d, { counters }) { counters.irqs = 0; } });`),
      errors: [withRemove(4, 18, "setupCounters", "soft")],
    },
    // strict: the soft check
    {
      filename,
      options: strict,
      code: code(RT, `export const d = defineDriver({ name: "soft", probe(dev) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `return { p };`, `}, remove(_d, { p }) { p.n = 0; } });`),
      errors: [
        rendered({
          message: "devmKzalloc() registers devres in soft, which also has remove(): devres is released only after remove() returns; make sure it does not depend on anything remove() tears down.",
          line: 3,
          column: 11,
        }),
      ],
    },
    // strict: a devm MMIO mapping after a manual allocation is only the soft check
    {
      filename,
      options: strict,
      code: code(RT, `export const d = defineDriver({ name: "soft", probe(dev) {`, `const buf = kzalloc(() => ({ n: 0 }));`, `const regs = devmIoremap(dev);`, `return { buf, regs };`, `}, remove(_d, { buf }) { kfree(buf); } });`),
      errors: [withRemove(4, 14, "devmIoremap", "soft")],
    },
    // strict: a real ordering bug is reported once, as the ordering bug
    {
      filename,
      options: strict,
      code: code(RT, `export const d = defineDriver({ name: "soft", probe(dev) {`, `const regs = devmIoremap(dev);`, `const stats = kzalloc(() => ({ n: 0 }));`, `devmAddAction(dev, () => { stats.n = 0; });`, `return { regs, stats };`, `}, remove(_d, { stats }) { kfree(stats); } });`),
      errors: [withRemove(3, 14, "devmIoremap", "soft"), afterManual(5, 1, "devmAddAction", "stats", "soft", "kfree()")],
    },
  ],
});

// The soft check is a `strict`-only switch; the ordering bugs are errors in both configs.
describe("configs", () => {
  const rulesOf = (cfg: readonly { rules?: Record<string, unknown> }[]) => Object.assign({}, ...cfg.map((c) => c.rules ?? {}));
  it("recommended: error, soft check off; strict: error with checkDevresWithRemove", () => {
    expect(rulesOf(devbound.configs.recommended)["devbound/no-mixed-devm-teardown"]).toBe("error");
    expect(rulesOf(devbound.configs.strict)["devbound/no-mixed-devm-teardown"]).toEqual(["error", { checkDevresWithRemove: true }]);
    for (const name of ["no-devres-in-release", "no-manual-free-of-devres"]) {
      expect(rulesOf(devbound.configs.recommended)[`devbound/${name}`]).toBe("error");
      expect(rulesOf(devbound.configs.strict)[`devbound/${name}`]).toBe("error");
    }
  });
});
