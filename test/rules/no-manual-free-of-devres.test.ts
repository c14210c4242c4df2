// RuleTester cases for devbound/no-manual-free-of-devres: a manual release (a parameter
// branded Releases<kind>) of a devres-managed value is released again at unbind; the message
// names what that does for the kind (a double free, a double unmap, ...).
import rule from "../../packages/eslint-plugin/src/rules/no-manual-free-of-devres.js";
import { filename, ruleTester, rendered, typecheckCases } from "./setup.js";

const code = (...lines: string[]): string => lines.join("\n");
const RT = `import { defineDriver, devmAllocWorkqueue, devmIoremap, devmKfree, devmKzalloc, devmRequestIrq, destroyWorkqueue, freeIrq, ioremap, iounmap, kfree, kzalloc, requestIrq, type Core, type Device, type DriverOps, type Managed } from "@devbound/runtime";`;

type Data = { resource: string; origin: string; owner: string; release: string; consequence: string };
const doubleFree = (line: number, column: number, data: Data, output: string) => ({
  messageId: "doubleFree" as const,
  data,
  line,
  column,
  suggestions: [{ messageId: "dropRelease" as const, data: { release: data.release, resource: data.resource }, output }],
});

ruleTester.run("no-manual-free-of-devres", rule, {
  valid: [
    // manual allocation, manual release
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const p = kzalloc(() => ({ n: 0 })); return { p }; }, remove(_dev, { p }) { kfree(p); } });`) },
    // devres release of a devres allocation is the right way to free it early
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const p = devmKzalloc(dev, () => ({ n: 0 })); devmKfree(dev, p); return {}; } });`) },
    // unmanaged IRQ and mapping, released by hand
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const irq = requestIrq(dev, 0, () => {}); const m = ioremap(dev); return { irq, m }; }, remove(_dev, { irq, m }) { freeIrq(irq); iounmap(m); } });`) },
    // devres allocation left to devres
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const p = devmKzalloc(dev, () => ({ n: 0 })); return { p }; }, remove(_dev, { p }) { p.n = 0; } });`) },
    // a member assigned a manual allocation after the managed one was made is manual
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const priv = devmKzalloc(dev, () => ({ buf: null as null | { n: number } })); priv.buf = kzalloc(() => ({ n: 0 })); kfree(priv.buf); return {}; } });`) },
    // helper in another file returns a manual allocation
    { filename, code: code(RT, `import { allocBuf } from "./no-manual-free-of-devres-helpers.js";`, `export function f() { const b = allocBuf(); kfree(b); }`) },
    // helper in another file reads, but does not release, its parameter
    { filename, code: code(RT, `import { countBuf } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) { const b = devmKzalloc(dev, () => ({ bytes: [] as number[] })); return countBuf(b); }`) },
    // origin unknown: an unbranded parameter is not guessed at
    { filename, code: code(RT, `export function f(x: { n: number }) { kfree(x); }`) },
    // shadowing: the freed `p` is a different, manual binding
    { filename, code: code(RT, `export function f(dev: Device<Core>) { const p = devmKzalloc(dev, () => ({ n: 0 })); { const p = kzalloc(() => ({ n: 1 })); kfree(p); } return p; }`) },
    // a local function that happens to be called kfree carries no Releases brand
    { filename, code: code(RT.replace(" kfree,", ""), `function kfree(_x: object): void {}`, `export function f(dev: Device<Core>) { kfree(devmKzalloc(dev, () => ({ n: 0 }))); }`) },
    // class driver: this.rx is a manual allocation
    { filename, code: code(RT, `export class Foo implements DriverOps<object> { readonly name = "foo"; rx = { n: 0 }; probe(dev: Device<Core>) { this.rx = kzalloc(() => ({ n: 0 })); return {}; } remove(_dev: Device<Core>) { kfree(this.rx); } }`) },
    // fan-out stays bounded: 12 variables each assigned 6 times from the previous one (6^12 paths)
    {
      filename,
      code: code(RT, `export function f(dev: Device<Core>) {`, `let a0 = kzalloc(() => ({ n: 0 }));`, ...Array.from({ length: 12 }, (_, i) => `let a${i + 1} = a${i};` + ` if (dev.name) a${i + 1} = a${i};`.repeat(5)), `kfree(a12);`, `}`),
    },
    // helpers the value engine follows into: a default initialiser the caller overrides, a rest parameter given manual memory only
    { filename, code: code(RT, `function cleanup(d: { scratch: object }, victim = d.scratch) { kfree(victim); }`, `function freeAll(...bufs: object[]) { for (const b of bufs) kfree(b); }`, `export function f(dev: Device<Core>) {`, `const priv = { scratch: devmKzalloc(dev, () => ({ n: 0 })) };`, `cleanup(priv, kzalloc(() => ({ n: 1 })));`, `freeAll(kzalloc(() => ({ n: 2 })), priv.scratch === null ? kzalloc(() => ({ n: 3 })) : kzalloc(() => ({ n: 4 })));`, `}`) },
    // third-party code that does not use the runtime
    { filename, code: `export function free(x: object) { return x; } export const y = free({ a: 1 });` },
  ],
  invalid: [
    // direct: devmKzalloc then kfree in probe
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `kfree(p);`, `return {};`, `} });`),
      errors: [
        rendered({
          message: "`p` is devres-managed (from devmKzalloc()) and is released when foo unbinds; kfree() here releases it a second time (double free).",
          line: 4,
          column: 1,
          endLine: 4,
          endColumn: 9,
          suggestions: [
            {
              messageId: "dropRelease",
              data: { release: "kfree()", resource: "p" },
              output: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `return {};`, `} });`),
            },
          ],
        }),
      ],
    },
    // alias of a managed allocation
    {
      filename,
      code: code(RT, `export function f(dev: Device<Core>) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `const q = p;`, `kfree(q);`, `}`),
      errors: [doubleFree(5, 1, { resource: "q", origin: "from devmKzalloc()", owner: "the device", release: "kfree()", consequence: "double free" }, code(RT, `export function f(dev: Device<Core>) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `const q = p;`, `}`))],
    },
    // renamed imports
    {
      filename,
      code: code(`import { devmKzalloc as zalloc, kfree as free, type Core, type Device } from "@devbound/runtime";`, `export function f(dev: Device<Core>) {`, `const p = zalloc(dev, () => ({ n: 0 }));`, `free(p);`, `}`),
      errors: [doubleFree(4, 1, { resource: "p", origin: "from zalloc()", owner: "the device", release: "free()", consequence: "double free" }, code(`import { devmKzalloc as zalloc, kfree as free, type Core, type Device } from "@devbound/runtime";`, `export function f(dev: Device<Core>) {`, `const p = zalloc(dev, () => ({ n: 0 }));`, `}`))],
    },
    // re-exported under other names from another module
    {
      filename,
      code: code(`import { allocManaged, release } from "./no-manual-free-of-devres-helpers.js";`, `import type { Core, Device } from "@devbound/runtime";`, `export function f(dev: Device<Core>) {`, `const p = allocManaged(dev, () => ({ n: 0 }));`, `release(p);`, `}`),
      errors: [doubleFree(5, 1, { resource: "p", origin: "from allocManaged()", owner: "the device", release: "release()", consequence: "double free" }, code(`import { allocManaged, release } from "./no-manual-free-of-devres-helpers.js";`, `import type { Core, Device } from "@devbound/runtime";`, `export function f(dev: Device<Core>) {`, `const p = allocManaged(dev, () => ({ n: 0 }));`, `}`))],
    },
    // driver data destructured in remove(), IRQ and memory
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) {`, `const priv = devmKzalloc(dev, () => ({ n: 0 }));`, `const irq = devmRequestIrq(dev, 0, () => { priv.n++; });`, `return { priv, irq };`, `}, remove(_dev, { priv, irq }) {`, `freeIrq(irq);`, `kfree(priv);`, `} });`),
      errors: [
        doubleFree(7, 1, { resource: "irq", origin: "from devmRequestIrq()", owner: "foo", release: "freeIrq()", consequence: "double freeIrq" }, code(RT, `export const d = defineDriver({ name: "foo", probe(dev) {`, `const priv = devmKzalloc(dev, () => ({ n: 0 }));`, `const irq = devmRequestIrq(dev, 0, () => { priv.n++; });`, `return { priv, irq };`, `}, remove(_dev, { priv, irq }) {`, `kfree(priv);`, `} });`)),
        doubleFree(8, 1, { resource: "priv", origin: "from devmKzalloc()", owner: "foo", release: "kfree()", consequence: "double free" }, code(RT, `export const d = defineDriver({ name: "foo", probe(dev) {`, `const priv = devmKzalloc(dev, () => ({ n: 0 }));`, `const irq = devmRequestIrq(dev, 0, () => { priv.n++; });`, `return { priv, irq };`, `}, remove(_dev, { priv, irq }) {`, `freeIrq(irq);`, `} });`)),
      ],
    },
    // a member embedded in a managed allocation (initialised inside it)
    {
      filename,
      code: code(RT, `export function f(dev: Device<Core>) {`, `const priv = devmKzalloc(dev, () => ({ buf: { n: 0 } }));`, `kfree(priv.buf);`, `}`),
      errors: [doubleFree(4, 1, { resource: "priv.buf", origin: "from devmKzalloc()", owner: "the device", release: "kfree()", consequence: "double free" }, code(RT, `export function f(dev: Device<Core>) {`, `const priv = devmKzalloc(dev, () => ({ buf: { n: 0 } }));`, `}`))],
    },
    // helper in another file releases its parameter
    {
      filename,
      code: code(RT, `import { dropBuf } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) {`, `const b = devmKzalloc(dev, () => ({ bytes: [] as number[] }));`, `dropBuf(b);`, `}`),
      errors: [doubleFree(5, 1, { resource: "b", origin: "from devmKzalloc()", owner: "the device", release: "dropBuf() (through kfree())", consequence: "double free" }, code(RT, `import { dropBuf } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) {`, `const b = devmKzalloc(dev, () => ({ bytes: [] as number[] }));`, `}`))],
    },
    // helper in another file releases a member of its parameter (embedded in devres memory)
    {
      filename,
      code: code(RT, `import { dropInner } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) {`, `const priv = devmKzalloc(dev, () => ({ buf: { bytes: [] as number[] } }));`, `dropInner(priv);`, `}`),
      errors: [doubleFree(5, 1, { resource: "priv.buf", origin: "from devmKzalloc()", owner: "the device", release: "dropInner() (through kfree())", consequence: "double free" }, code(RT, `import { dropInner } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) {`, `const priv = devmKzalloc(dev, () => ({ buf: { bytes: [] as number[] } }));`, `}`))],
    },
    // helper in another file returns a managed allocation under an unbranded type
    {
      filename,
      code: code(RT, `import { allocManagedBuf } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) {`, `const b = allocManagedBuf(dev);`, `kfree(b);`, `}`),
      errors: [doubleFree(5, 1, { resource: "b", origin: "from devmKzalloc()", owner: "the device", release: "kfree()", consequence: "double free" }, code(RT, `import { allocManagedBuf } from "./no-manual-free-of-devres-helpers.js";`, `export function f(dev: Device<Core>) {`, `const b = allocManagedBuf(dev);`, `}`))],
    },
    // Devres<Mmio>.access() yields the managed mapping
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "mmio", probe(dev) {`, `const regs = devmIoremap(dev);`, `iounmap(regs.access(dev));`, `return {};`, `} });`),
      errors: [doubleFree(4, 1, { resource: "regs.access(dev)", origin: "from devmIoremap()", owner: "mmio", release: "iounmap()", consequence: "double unmap" }, code(RT, `export const d = defineDriver({ name: "mmio", probe(dev) {`, `const regs = devmIoremap(dev);`, `return {};`, `} });`))],
    },
    // async remove(), awaited destroyWorkqueue of a devm workqueue
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "wq", probe(dev) {`, `const wq = devmAllocWorkqueue(dev, "wq");`, `return { wq };`, `}, async remove(_dev, { wq }) {`, `await destroyWorkqueue(wq);`, `} });`),
      errors: [doubleFree(6, 7, { resource: "wq", origin: "from devmAllocWorkqueue()", owner: "wq", release: "destroyWorkqueue()", consequence: "double destroy" }, code(RT, `export const d = defineDriver({ name: "wq", probe(dev) {`, `const wq = devmAllocWorkqueue(dev, "wq");`, `return { wq };`, `}, async remove(_dev, { wq }) {`, `} });`))],
    },
    // class driver: a managed allocation kept in a field, freed in remove()
    {
      filename,
      code: code(RT, `export class Foo implements DriverOps<object> {`, `readonly name = "foo-class";`, `rx = { n: 0 };`, `probe(dev: Device<Core>) { this.rx = devmKzalloc(dev, () => ({ n: 0 })); return {}; }`, `remove(_dev: Device<Core>) { kfree(this.rx); }`, `}`),
      errors: [
        {
          messageId: "doubleFree",
          data: { resource: "this.rx", origin: "from devmKzalloc()", owner: "foo-class", release: "kfree()", consequence: "double free" },
          line: 6,
          column: 30,
          suggestions: [{ messageId: "dropRelease", data: { release: "kfree()", resource: "this.rx" }, output: code(RT, `export class Foo implements DriverOps<object> {`, `readonly name = "foo-class";`, `rx = { n: 0 };`, `probe(dev: Device<Core>) { this.rx = devmKzalloc(dev, () => ({ n: 0 })); return {}; }`, `remove(_dev: Device<Core>) { }`, `}`) }],
        },
      ],
    },
    // class driver: driver data typed by an interface, from a helper in another file
    {
      filename,
      code: code(RT, `import { allocManagedBuf, type Buf } from "./no-manual-free-of-devres-helpers.js";`, `interface Bufs { rx: Buf }`, `export class Foo implements DriverOps<Bufs> {`, `readonly name = "bufs";`, `probe(dev: Device<Core>): Bufs { return { rx: allocManagedBuf(dev) }; }`, `remove(_dev: Device<Core>, bufs: Bufs) {`, `kfree(bufs.rx);`, `}`, `}`),
      errors: [doubleFree(8, 1, { resource: "bufs.rx", origin: "from devmKzalloc()", owner: "bufs", release: "kfree()", consequence: "double free" }, code(RT, `import { allocManagedBuf, type Buf } from "./no-manual-free-of-devres-helpers.js";`, `interface Bufs { rx: Buf }`, `export class Foo implements DriverOps<Bufs> {`, `readonly name = "bufs";`, `probe(dev: Device<Core>): Bufs { return { rx: allocManagedBuf(dev) }; }`, `remove(_dev: Device<Core>, bufs: Bufs) {`, `}`, `}`))],
    },
    // inside a deferred callback: still a second release
    {
      filename,
      code: code(RT, `export function f(dev: Device<Core>) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `setTimeout(() => kfree(p), 10);`, `}`),
      errors: [{ messageId: "doubleFree", data: { resource: "p", origin: "from devmKzalloc()", owner: "the device", release: "kfree()", consequence: "double free" }, line: 4, column: 18, suggestions: [] }],
    },
    // a helper's default-parameter initialiser (`victim = d.scratch`) frees a member the caller passed
    {
      filename,
      code: code(RT, `function cleanup(d: { scratch: object }, victim = d.scratch) { kfree(victim); }`, `function freeAll(...bufs: object[]) { for (const b of bufs) kfree(b); }`, `export function f(dev: Device<Core>) {`, `const priv = { scratch: devmKzalloc(dev, () => ({ n: 0 })) };`, `cleanup(priv);`, `}`),
      errors: [doubleFree(6, 1, { resource: "priv.scratch", origin: "from devmKzalloc()", owner: "the device", release: "cleanup() (through kfree())", consequence: "double free" }, code(RT, `function cleanup(d: { scratch: object }, victim = d.scratch) { kfree(victim); }`, `function freeAll(...bufs: object[]) { for (const b of bufs) kfree(b); }`, `export function f(dev: Device<Core>) {`, `const priv = { scratch: devmKzalloc(dev, () => ({ n: 0 })) };`, `}`))],
    },
    // a rest parameter: the second argument is freed
    {
      filename,
      code: code(RT, `function cleanup(d: { scratch: object }, victim = d.scratch) { kfree(victim); }`, `function freeAll(...bufs: object[]) { for (const b of bufs) kfree(b); }`, `export function f(dev: Device<Core>) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `freeAll(kzalloc(() => ({ n: 1 })), p);`, `}`),
      errors: [doubleFree(6, 1, { resource: "p", origin: "from devmKzalloc()", owner: "the device", release: "freeAll() (through kfree())", consequence: "double free" }, code(RT, `function cleanup(d: { scratch: object }, victim = d.scratch) { kfree(victim); }`, `function freeAll(...bufs: object[]) { for (const b of bufs) kfree(b); }`, `export function f(dev: Device<Core>) {`, `const p = devmKzalloc(dev, () => ({ n: 0 }));`, `}`))],
    },
    // brand only: a parameter typed Managed
    {
      filename,
      code: code(RT, `export function f(p: Managed<{ n: number }>) {`, `kfree(p);`, `}`),
      errors: [doubleFree(3, 1, { resource: "p", origin: "typed Managed", owner: "the device", release: "kfree()", consequence: "double free" }, code(RT, `export function f(p: Managed<{ n: number }>) {`, `}`))],
    },
  ],
});

// ---- suggestion shapes: what is dropped, and that nothing is left behind ------------------
// (rules-docs/no-manual-free-of-devres.md, "Suggestion"). Every output must also type-check.
const F = (...body: string[]) => code(RT, `declare function check(): boolean;`, `export function f(dev: Device<Core>) {`, `  const p = devmKzalloc(dev, () => ({ n: 0 }));`, ...body, `}`);
const P = { resource: "p", origin: "from devmKzalloc()", owner: "the device", release: "kfree()", consequence: "double free" };
const shape = (line: number, column: number, messageId: "dropRelease" | "dropReleaseIf" | "keepElse" | null, output?: string) => ({
  messageId: "doubleFree" as const,
  data: P,
  line,
  column,
  suggestions: messageId ? [{ messageId, data: { release: "kfree()", resource: "p" }, output: output! }] : [],
});
const shapes = [
  // alone on its line, indented, with a trailing comment: the whole line goes
  { name: "alone on its line", code: F(`  kfree(p); // done with it`, `  return p.n;`), errors: [shape(5, 3, "dropRelease", F(`  return p.n;`))] },
  // code after it on the line: the statement and the blanks after it
  { name: "code after it", code: F(`  kfree(p);  void p.n;`), errors: [shape(5, 3, "dropRelease", F(`  void p.n;`))] },
  // code before it on the line: the statement and the blanks before it
  { name: "code before it", code: F(`  void p.n; kfree(p);`), errors: [shape(5, 13, "dropRelease", F(`  void p.n;`))] },
  // the last line of a file without a final newline
  {
    name: "last line, no newline",
    code: code(RT, `declare const dev: Device<Core>;`, `export const p = devmKzalloc(dev, () => ({ n: 0 }));`, `kfree(p);`),
    errors: [shape(4, 1, "dropRelease", code(RT, `declare const dev: Device<Core>;`, `export const p = devmKzalloc(dev, () => ({ n: 0 }));`))],
  },
  // braceless `if` whose condition has no side effects: the whole `if`
  { name: "if (pure) release", code: F(`  if (p.n === 0) kfree(p);`, `  return p.n;`), errors: [shape(5, 18, "dropReleaseIf", F(`  return p.n;`))] },
  // braceless `if` whose condition has side effects: no suggestion (`check()` must still run)
  { name: "if (impure) release", code: F(`  if (check()) kfree(p);`), errors: [shape(5, 16, null)] },
  // braced `if`: the statement inside
  { name: "if (c) { release }", code: F(`  if (p.n) {`, `    kfree(p);`, `  }`), errors: [shape(6, 5, "dropRelease", F(`  if (p.n) {`, `  }`))] },
  // the release is the braceless `then` of an if/else: the else branch under the negated condition
  { name: "if (c) release; else x", code: F(`  if (p.n > 1) kfree(p);`, `  else p.n = 1;`), errors: [shape(5, 16, "keepElse", F(`  if (!(p.n > 1)) p.n = 1;`))] },
  { name: "if (!c) release; else x", code: F(`  if (!p.n) kfree(p);`, `  else p.n = 1;`), errors: [shape(5, 13, "keepElse", F(`  if (p.n) p.n = 1;`))] },
  // ... but not when the else is an `else if` chain
  { name: "if (c) release; else if", code: F(`  if (p.n) kfree(p);`, `  else if (check()) p.n = 1;`), errors: [shape(5, 12, null)] },
  // the release is the braceless `else`: ` else release` goes
  { name: "if (c) x; else release", code: F(`  if (p.n) p.n = 0;`, `  else kfree(p);`, `  return p.n;`), errors: [shape(6, 8, "dropRelease", F(`  if (p.n) p.n = 0;`, `  return p.n;`))] },
  // `else if (pure) release`: the `else if` goes
  { name: "else if (pure) release", code: F(`  if (p.n) p.n = 0;`, `  else if (p.n === 0) kfree(p);`), errors: [shape(6, 23, "dropReleaseIf", F(`  if (p.n) p.n = 0;`))] },
  // a loop body or an expression: no suggestion
  { name: "loop body", code: F(`  for (let i = 0; i < 1; i++) kfree(p);`), errors: [shape(5, 31, null)] },
  { name: "expression", code: F(`  void (p.n === 0 && kfree(p));`), errors: [shape(5, 22, null)] },
].map((c) => ({ ...c, filename }));

ruleTester.run("no-manual-free-of-devres: suggestion shapes", rule, { valid: [], invalid: shapes });
// Each case's code and each suggestion's output, once (RuleTester refuses duplicate cases).
const texts = new Set(shapes.flatMap((c) => [c.code, ...c.errors.flatMap((e) => e.suggestions.map((s) => s.output))]));
typecheckCases("no-manual-free-of-devres: suggestion shapes", { valid: [...texts].map((t) => ({ code: t })), invalid: [] });
