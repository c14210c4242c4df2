// RuleTester cases for devbound/no-devres-in-release: devres calls (registration or release)
// inside a kobject release callback or a file release(), directly or through helpers.
import rule from "../../packages/eslint-plugin/src/rules/no-devres-in-release.js";
import { filename, ruleTester, rendered } from "./setup.js";

const code = (...lines: string[]): string => lines.join("\n");
const RT = `import { Cdev, Device, Kobject, defineDriver, deviceRegister, devmAddAction, devmKfree, devmKzalloc, devmRemoveAction, devmRequestIrq, devresOpenGroup, devresReleaseGroup, kfree, kobjectInitAndAdd, kobjectPut, kzalloc, type Bound, type Core, type DriverOps, type FileOperations, type KobjectRelease } from "@devbound/runtime";`;

type Ctx = "a kobject release callback" | "a file release()";
const direct = (line: number, column: number, call: string, kind: "registration" | "release", context: Ctx, owner: string) => ({
  messageId: "devresInRelease" as const,
  data: { call, kind, context, owner },
  line,
  column,
});
const via = (line: number, column: number, call: string, inner: string, kind: "registration" | "release", context: Ctx, owner: string) => ({
  messageId: "devresInReleaseVia" as const,
  data: { call, inner, kind, context, owner },
  line,
  column,
});

ruleTester.run("no-devres-in-release", rule, {
  valid: [
    // a release callback that frees with the unmanaged API
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const st = kzalloc(() => ({ n: 0 })); const c = new Device({ name: "c", release: () => kfree(st) }); deviceRegister(c); return { c }; } });`) },
    // devres in probe itself is fine
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { const p = devmKzalloc(dev, () => ({ n: 0 })); devmKfree(dev, p); return {}; } });`) },
    // devres in a devm IRQ handler (a bound callback, not a release)
    { filename, code: code(RT, `export const d = defineDriver({ name: "foo", probe(dev) { devmRequestIrq(dev, 0, (b: Device<Bound>) => { devmKzalloc(b, () => ({})); }); return {}; } });`) },
    // a file read(): not a release (devm-after-unbind's business, not this rule's)
    { filename, code: code(RT, `export function mk(dev: Device<Bound>) { return new Cdev("c", { read: () => devmKzalloc(dev, () => ({})) }); }`) },
    // a release calling a helper in another file that does no devres
    { filename, code: code(RT, `import { countClose } from "./no-devres-in-release-helpers.js";`, `const counters = { closes: 0 };`, `export const fops: FileOperations = { release: () => countClose(counters) };`) },
    // a helper with devres that no release calls
    { filename, code: code(RT, `import { dropStats } from "./no-devres-in-release-helpers.js";`, `export function early(dev: Device<Bound>) { const s = devmKzalloc(dev, () => ({})); dropStats(dev, s); }`) },
    // the user's own object with a `release` callback that carries no KobjectRelease brand
    { filename, code: code(RT, `class MyObj { constructor(readonly opts: { release: () => void }) {} }`, `export function mk(dev: Device<Bound>, p: object) { return new MyObj({ release: () => devmKfree(dev, p) }); }`) },
    // an object literal with a `release` method that is not a FileOperations
    { filename, code: code(RT, `export function mk(dev: Device<Bound>, p: object) { return { release() { devmKfree(dev, p); } }; }`) },
    // a release mentioning a devres function without calling it
    { filename, code: code(RT, `export const k = new Kobject("k", () => { const f = devmKfree; void f; });`) },
    // recursive helpers without devres terminate
    { filename, code: code(RT, `function a(n: number): number { return n > 0 ? b(n - 1) : 0; }`, `function b(n: number): number { return a(n); }`, `export const k = new Kobject("k", () => { a(3); });`) },
    // a kobject release that drops a parent reference
    { filename, code: code(RT, `const parent = new Kobject("p");`, `export const k = new Kobject("k", () => kobjectPut(parent));`, `kobjectInitAndAdd(k, parent);`) },
    // third-party code
    { filename, code: `export const o = { release() { return 1; } }; export function devmKfree() { return o.release(); }` },
  ],
  invalid: [
    // child device release (object driver) releasing a devres group
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "child-group", probe(dev) {`, `const group = devresOpenGroup(dev);`, `const child = new Device({ name: "child", release: () => {`, `devresReleaseGroup(dev, group);`, `} });`, `deviceRegister(child);`, `return { child };`, `} });`),
      errors: [
        rendered({
          message: "`devresReleaseGroup(dev, group)` is a devres release inside a kobject release callback, which can run after child-group unbound, when devres has already released everything registered against the device.",
          line: 5,
          column: 1,
          endLine: 5,
          endColumn: 31,
        }),
      ],
    },
    // Kobject release with a devres registration
    {
      filename,
      code: code(RT, `export function mk(dev: Device<Bound>) {`, `return new Kobject("k", () => { devmKzalloc(dev, () => ({})); });`, `}`),
      errors: [direct(3, 33, "devmKzalloc(dev, …)", "registration", "a kobject release callback", "the device")],
    },
    // file release() in a Cdev's operations
    {
      filename,
      code: code(RT, `export const d = defineDriver({ name: "ctl", probe(dev) {`, `const buf = devmKzalloc(dev, () => ({ n: 0 }));`, `const cdev = new Cdev("ctl", { release: () => { devmKfree(dev, buf); } });`, `return { cdev };`, `} });`),
      errors: [direct(4, 49, "devmKfree(dev, buf)", "release", "a file release()", "ctl")],
    },
    // file operations declared with method syntax in a typed object
    {
      filename,
      code: code(RT, `export function mk(dev: Device<Bound>, act: ReturnType<typeof devmAddAction>) {`, `const fops: FileOperations = { release(_file) {`, `devmRemoveAction(dev, act);`, `} };`, `return fops;`, `}`),
      errors: [direct(4, 1, "devmRemoveAction(dev, act)", "release", "a file release()", "the device")],
    },
    // a release function passed by reference
    {
      filename,
      code: code(RT, `let saved: Device<Bound> | undefined;`, `function onRelease(_k: Kobject): void {`, `if (saved) devmKfree(saved, {});`, `}`, `export const k = new Kobject("k", onRelease);`),
      errors: [direct(4, 12, "devmKfree(saved, …)", "release", "a kobject release callback", "the device")],
    },
    // through a helper in the same file
    {
      filename,
      code: code(RT, `function cleanup(dev: Device<Bound>, g: ReturnType<typeof devresOpenGroup>) { devresReleaseGroup(dev, g); }`, `export function mk(dev: Device<Bound>) {`, `const g = devresOpenGroup(dev);`, `return new Kobject("k", () => cleanup(dev, g));`, `}`),
      errors: [via(5, 31, "cleanup(dev, g)", "devresReleaseGroup()", "release", "a kobject release callback", "the device")],
    },
    // through a helper in another file
    {
      filename,
      code: code(RT, `import { dropStats } from "./no-devres-in-release-helpers.js";`, `export const d = defineDriver({ name: "stats", probe(dev) {`, `const stats = devmKzalloc(dev, () => ({ reads: 0 }));`, `const kobj = new Kobject("stats", () => dropStats(dev, stats));`, `kobjectInitAndAdd(kobj);`, `return { kobj };`, `} });`),
      errors: [via(5, 41, "dropStats(dev, stats)", "devmKfree()", "release", "a kobject release callback", "stats")],
    },
    // the user's own API carrying the DevresRelease brand is a devres release itself
    {
      filename,
      code: code(RT, `import { releaseStats } from "./no-devres-in-release-helpers.js";`, `export function mk(dev: Device<Bound>, p: object) {`, `return new Kobject("k", () => releaseStats(dev, p));`, `}`),
      errors: [direct(4, 31, "releaseStats(dev, p)", "release", "a kobject release callback", "the device")],
    },
    // a release declared in another module, passed by reference: reported where it is handed over
    {
      filename,
      code: code(RT, `import { statsRelease } from "./no-devres-in-release-helpers.js";`, `export const d = defineDriver({ name: "stats-ref", probe(dev) {`, `const kobj = new Kobject("stats", statsRelease);`, `kobjectInitAndAdd(kobj);`, `return { kobj };`, `} });`),
      errors: [via(4, 35, "statsRelease()", "devmKfree()", "release", "a kobject release callback", "stats-ref")],
    },
    // renamed import
    {
      filename,
      code: code(`import { Kobject, devmKfree as freeManaged, type Bound, type Device } from "@devbound/runtime";`, `export function mk(dev: Device<Bound>, p: object) {`, `return new Kobject("k", () => freeManaged(dev, p));`, `}`),
      errors: [direct(3, 31, "freeManaged(dev, p)", "release", "a kobject release callback", "the device")],
    },
    // re-exported under another name
    {
      filename,
      code: code(RT, `import { managedFree } from "./no-devres-in-release-helpers.js";`, `export function mk(dev: Device<Bound>, p: object) {`, `return new Kobject("k", () => managedFree(dev, p));`, `}`),
      errors: [direct(4, 31, "managedFree(dev, p)", "release", "a kobject release callback", "the device")],
    },
    // async file release: the devres call after an await
    {
      filename,
      code: code(RT, `export function mk(dev: Device<Bound>, p: object) {`, `return new Cdev("c", { release: async () => {`, `await Promise.resolve();`, `devmKfree(dev, p);`, `} });`, `}`),
      errors: [direct(5, 1, "devmKfree(dev, p)", "release", "a file release()", "the device")],
    },
    // a variable typed as a KobjectRelease
    {
      filename,
      code: code(RT, `export function mk(dev: Device<Bound>, p: object) {`, `const rel: KobjectRelease<(k: Kobject) => void> = () => {`, `devmKfree(dev, p);`, `};`, `return new Kobject("k", rel);`, `}`),
      errors: [direct(4, 1, "devmKfree(dev, p)", "release", "a kobject release callback", "the device")],
    },
    // class driver: a method passed as the release callback
    {
      filename,
      code: code(RT, `export class Foo implements DriverOps<object> {`, `readonly name = "foo-class";`, `dev: Device<Bound> | undefined;`, `probe(dev: Device<Core>) { this.dev = dev; const k = new Kobject("k", this.onRelease); kobjectInitAndAdd(k); return { k }; }`, `onRelease(): void { if (this.dev) devmAddAction(this.dev, () => {}); }`, `}`),
      errors: [direct(6, 35, "devmAddAction(this.dev, …)", "registration", "a kobject release callback", "foo-class")],
    },
    // a class implementing FileOperations: its release() method
    {
      filename,
      code: code(RT, `export class CtlFops implements FileOperations {`, `constructor(private readonly dev: Device<Bound>, private readonly buf: object) {}`, `release(): void { devmKfree(this.dev, this.buf); }`, `}`),
      errors: [direct(4, 19, "devmKfree(this.dev, this.buf)", "release", "a file release()", "the device")],
    },
    // assigned to a KobjectRelease-typed slot (`=` is the one binary operator whose right side is typed by the left)
    {
      filename,
      code: code(RT, `let saved: Device<Bound> | undefined;`, `function onRelease(_k: Kobject): void {`, `if (saved) devmKfree(saved, {});`, `}`, `export const slot: { release?: KobjectRelease<(k: Kobject) => void> } = {};`, `slot.release = onRelease;`),
      errors: [direct(4, 12, "devmKfree(saved, …)", "release", "a kobject release callback", "the device")],
    },
    // a default in a destructuring assignment assigns too (ESTree: an AssignmentPattern, TypeScript: `=`)
    {
      filename,
      code: code(RT, `let saved: Device<Bound> | undefined;`, `function onRelease(_k: Kobject): void {`, `if (saved) devmKfree(saved, {});`, `}`, `export const slot: { release?: KobjectRelease<(k: Kobject) => void> } = {};`, `[slot.release = onRelease] = [];`),
      errors: [direct(4, 12, "devmKfree(saved, …)", "release", "a kobject release callback", "the device")],
    },
    // written in a class's heritage clause: that expression runs (unlike the types the scan skips)
    {
      filename,
      code: code(RT, `function withKobject(_k: Kobject) { return class {}; }`, `export function mk(dev: Device<Bound>, p: object) {`, `return class extends withKobject(new Kobject("k", () => devmKfree(dev, p))) {};`, `}`),
      errors: [direct(4, 57, "devmKfree(dev, p)", "release", "a kobject release callback", "the device")],
    },
    // passed after a spread argument: typed by the call's contextual type
    {
      filename,
      code: code(RT, `export function mk(dev: Device<Bound>, p: object) {`, `const args = ["k"] as const;`, `return new Kobject(...args, () => devmKfree(dev, p));`, `}`),
      errors: [direct(4, 35, "devmKfree(dev, p)", "release", "a kobject release callback", "the device")],
    },
    // a deferred callback nested in the release still runs after unbind
    {
      filename,
      code: code(RT, `export function mk(dev: Device<Bound>, p: object) {`, `return new Kobject("k", () => { queueMicrotask(() => devmKfree(dev, p)); });`, `}`),
      errors: [direct(3, 54, "devmKfree(dev, p)", "release", "a kobject release callback", "the device")],
    },
  ],
});
