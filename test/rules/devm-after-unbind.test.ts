// RuleTester cases for devbound/devm-after-unbind: a devres registration reachable where the
// device may be unbound (deferred/stored callbacks, kobject release, file operations, a device
// read from a field or module variable, a Device<Bound> forged with a cast).
import rule from "../../packages/eslint-plugin/src/rules/devm-after-unbind.js";
import { KITCHEN_SINK, at, code, filename, ruleTester, typecheckCases } from "./setup.js";

const RT = `import { Cdev, Device, allocWorkqueue, defineDriver, devmAddAction, devmAllocWorkqueue, devmKzalloc, devmRequestIrq, requestIrq, type Bound, type Core, type DriverOps } from "@devbound/runtime";`;

type Data = Record<string, string>;
const deferred = (api: string, dev: string, where: string, owner: string): { messageId: "deferred"; data: Data } => ({
  messageId: "deferred",
  data: { api, dev, where, owner },
});
const afterRelease = (api: string, dev: string, where: string, owner: string): { messageId: "afterRelease"; data: Data } => ({
  messageId: "afterRelease",
  data: { api, dev, where, owner },
});
const stored = (api: string, dev: string, source: string, owner: string): { messageId: "stored"; data: Data } => ({
  messageId: "stored",
  data: { api, dev, source, owner },
});
const forged = (api: string, dev: string, to: string, owner: string): { messageId: "forged"; data: Data } => ({
  messageId: "forged",
  data: { api, dev, to, owner },
});

/** One invalid case: `needle` marks where the report starts. */
function invalid(src: string, needle: string, error: { messageId: "deferred" | "afterRelease" | "stored" | "forged" | "floating"; data: Data }) {
  return { filename, code: src, errors: [{ ...error, ...at(src, needle) }] };
}

const cases = {
  valid: [
    // odd but legal code: no crash, no report
    { filename, code: KITCHEN_SINK },
    // devres in probe itself
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { devmKzalloc(dev, () => ({ n: 0 })); return {}; } });`) },
    // async probe: after an await, probe still runs bound (the core serialises unbind against it)
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) { await Promise.resolve(); devmKzalloc(dev, () => ({ n: 0 })); return {}; } });`) },
    // a devm IRQ handler is a bound callback: it uses its own Device<Bound>, and the outer one is still bound
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { devmRequestIrq(dev, 1, (d) => { devmAddAction(d, () => {}); }); return {}; } });`) },
    // a devm work item receives its own Device<Bound>
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const wq = devmAllocWorkqueue(dev, "wq"); wq.queue((d) => { devmKzalloc(d, () => ({})); }); return {}; } });`) },
    // array methods and the Promise executor run synchronously
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { [1, 2].forEach(() => devmKzalloc(dev, () => ({}))); void new Promise<void>((resolve) => { devmKzalloc(dev, () => ({})); resolve(); }); return {}; } });`) },
    // a helper taking Device<Bound> is a bound scope by its signature (helper in another file, renamed import)
    { filename, code: code(RT, `import { setupBuffers as setup } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) { setup(dev); return {}; } });`) },
    // a deferred callback that registers nothing
    { filename, code: code(RT, `import { describeDevice } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) { setTimeout(() => console.log(describeDevice(dev)), 10); return {}; } });`) },
    // a local function called directly runs now
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { function setup() { devmKzalloc(dev, () => ({})); } setup(); return {}; } });`) },
    // a class driver registering in probe; widening Core to Bound with `as` is not a forgery
    { filename, code: code(RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  probe(dev: Device<Core>) { devmKzalloc(dev as Device<Bound>, () => ({})); return {}; }`, `}`) },
    // the storable handle: dev.get() in a timer, used for nothing devres-related
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const h = dev.get(); setTimeout(() => console.log(h.name), 1); return {}; } });`) },
    // probe passed by reference, async, registering after an await
    { filename, code: code(RT, `async function fooProbe(dev: Device<Core>) { await new Promise((r) => setTimeout(r, 1)); devmKzalloc(dev, () => ({})); return {}; }`, `export const drv = defineDriver({ name: "foo-ref", probe: fooProbe });`) },
    // async helpers awaited (or returned) by probe, or registering before their first await
    { filename, code: code(RT, `import { initEarly, initLater } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", async probe(dev) { await initLater(dev); void initEarly(dev); await Promise.all([initLater(dev)]); return {}; } });`) },
    { filename, code: code(RT, `import { initLater } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) { return initLater(dev); } });`) },
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { void (async () => { devmKzalloc(dev, () => ({})); await Promise.resolve(); })(); return {}; } });`) },
    // callbacks the bound scope awaits: an awaited promise chain, a timer settling an awaited Promise
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) { await Promise.resolve().then(() => devmKzalloc(dev, () => ({}))).catch(() => devmAddAction(dev, () => {})); return {}; } });`) },
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) { await new Promise<void>((resolve) => setTimeout(() => { devmKzalloc(dev, () => ({})); resolve(); }, 5)); return {}; } });`) },
    // probe returns the chain: the bus awaits it before anything can unbind
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { return Promise.resolve().then(() => ({ buf: devmKzalloc(dev, () => ({})) })); } });`) },
    // a local list run before probe returns
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const steps: Array<() => void> = []; steps.push(() => devmAddAction(dev, () => {})); for (const s of steps) s(); return {}; } });`) },
    // code that does not use the runtime at all
    { filename, code: `export function tick(cb: () => void) { setTimeout(cb, 1); [1].map((x) => x + 1); }` },
    // inside a kobject release callback or a file release(): no-devres-in-release reports it (one finding per bug)
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const child = new Device({ name: "c", release: (d) => { devmKzalloc(d as Device<Bound>, () => ({})); devmAddAction(dev, () => {}); } }); return { child }; } });`) },
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const cdev = new Cdev("c", { release: () => { devmAddAction(dev, () => {}); } }); return { cdev }; } });`) },
    // a devres release (devmKfree) in a timer is not a registration
    { filename, code: code(RT, `import { devmKfree } from "@devbound/runtime";`, `export const drv = defineDriver({ name: "foo", probe(dev) { const p = devmKzalloc(dev, () => ({})); setTimeout(() => devmKfree(dev, p), 1); return {}; } });`) },
    // a bound device through a tuple, a local object's member or a local array, in probe itself: still probe's own device
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const [d] = [dev]; devmKzalloc(d, () => ({})); const ctx = { dev, n: 1 }; devmAddAction(ctx.dev, () => {}); for (const x of [dev]) devmKzalloc(x, () => ({})); return {}; } });`) },
    // a member of an object probe constructs from its own device (a constructor parameter property), used in probe
    { filename, code: code(RT, `class Holder { constructor(readonly dev: Device<Core>, readonly n = 0) {} }`, `export const drv = defineDriver({ name: "foo", probe(dev) { const h = new Holder(dev); devmKzalloc(h.dev, () => ({})); return {}; } });`) },
    // a collection of devices iterated in probe, holding only probe's own device, is a local literal
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) { const devs = [dev]; devmAddAction(devs[0]!, () => {}); return {}; } });`) },
    // remove() registering (odd, but bound: devres released right after it returns)
    { filename, code: code(RT, `export const drv = defineDriver({ name: "foo", probe() { return {}; }, remove(dev) { devmAddAction(dev, () => {}); } });`) },
  ],
  invalid: [
    // a timer in an object driver's probe
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  setTimeout(() => devmKzalloc(dev, () => ({ n: 0 })), 10);`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a setTimeout callback", "foo"));
    })(),
    // a promise continuation in an async probe
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) {`, `  await Promise.resolve();`, `  void Promise.resolve().then(() => { devmAddAction(dev, () => {}); });`, `  return {};`, `} });`);
      return invalid(src, "devmAddAction(dev", deferred("devmAddAction", "dev", "a promise continuation (.then)", "foo"));
    })(),
    // an event listener
    (() => {
      const src = code(RT, `import { EventEmitter } from "node:events";`, `const ee = new EventEmitter();`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  ee.on("ping", () => devmKzalloc(dev, () => ({})));`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "an event listener (.on)", "foo"));
    })(),
    // a callback stored for later
    (() => {
      const src = code(RT, `export const hooks: { onReset?: () => void } = {};`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  hooks.onReset = () => { devmKzalloc(dev, () => ({})); };`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a callback stored in `hooks.onReset`", "foo"));
    })(),
    // an alias of the device, captured by setImmediate
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const d = dev;`, `  setImmediate(() => devmKzalloc(d, () => ({})));`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(d,", deferred("devmKzalloc", "d", "a setImmediate callback", "foo"));
    })(),
    // Callee names whose type is not written down: the analysis' name index (name-index.ts)
    // must keep them, or the checker is never asked and these go unreported.
    // a const alias of the API
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const grab = devmKzalloc;`, `  setTimeout(() => grab(dev, () => ({})), 1);`, `  return {};`, `} });`);
      return invalid(src, "grab(dev", deferred("grab", "dev", "a setTimeout callback", "foo"));
    })(),
    // a contextually typed callback parameter (never annotated) holding the API
    (() => {
      const src = code(RT, `function withAlloc(use: (alloc: typeof devmKzalloc) => void) { use(devmKzalloc); }`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  setTimeout(() => withAlloc((take) => { take(dev, () => ({})); }), 1);`, `  return {};`, `} });`);
      return invalid(src, "take(dev", deferred("take", "dev", "a setTimeout callback", "foo"));
    })(),
    // an optional property holding the API, narrowed before the call: its declared type
    // (a union with undefined) has no call signature, only the narrowed one does
    (() => {
      const src = code(RT, `const ops: { alloc?: typeof devmKzalloc } = { alloc: devmKzalloc };`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  setTimeout(() => { if (ops.alloc) ops.alloc(dev, () => ({})); }, 1);`, `  return {};`, `} });`);
      return invalid(src, "ops.alloc(dev", deferred("alloc", "dev", "a setTimeout callback", "foo"));
    })(),
    // a member destructured off the runtime's namespace, renamed
    (() => {
      const src = code(RT, `import * as rt from "@devbound/runtime";`, `const { devmAddAction: hook } = rt;`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  queueMicrotask(() => hook(dev, () => {}));`, `  return {};`, `} });`);
      return invalid(src, "hook(dev", deferred("hook", "dev", "a queueMicrotask callback", "foo"));
    })(),
    // a helper in another file, renamed on import, called from a timer: registers devres through its parameter
    (() => {
      const src = code(RT, `import { setupBuffers as setup } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  setTimeout(() => setup(dev), 5);`, `  return {};`, `} });`);
      return invalid(src, "setup(dev)", deferred("setupBuffers → devmKzalloc", "dev", "a setTimeout callback", "foo"));
    })(),
    // two helper levels, through queueMicrotask
    (() => {
      const src = code(RT, `import { setupAll } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  queueMicrotask(() => setupAll(dev));`, `  return {};`, `} });`);
      return invalid(src, "setupAll(dev)", deferred("setupAll → setupBuffers → devmKzalloc", "dev", "a queueMicrotask callback", "foo"));
    })(),
    // a re-export under another name is still devmKzalloc
    (() => {
      const src = code(RT, `import { allocManaged } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  setInterval(() => allocManaged(dev, () => ({})), 1000);`, `  return {};`, `} });`);
      return invalid(src, "allocManaged(dev", deferred("devmKzalloc", "dev", "a setInterval callback", "foo"));
    })(),
    // the unmanaged IRQ handler is a DeferredCallback: it can fire after unbind
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  requestIrq(dev, 3, () => { devmKzalloc(dev, () => ({})); });`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a deferred callback of `requestIrq`", "foo"));
    })(),
    // an unmanaged work item, queued from a local function passed by reference
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const wq = allocWorkqueue("foo-wq");`, `  function work() { devmAddAction(dev, () => {}); }`, `  wq.queue(work);`, `  return { wq };`, `} });`);
      return invalid(src, "devmAddAction(dev", deferred("devmAddAction", "dev", "a deferred callback of `queue`", "foo"));
    })(),
    // a file operation can run after unbind
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo-chr", probe(dev) {`, `  const cdev = new Cdev("foo", { read: () => devmKzalloc(dev, () => ({})) });`, `  return { cdev };`, `} });`);
      return invalid(src, "devmKzalloc(dev", afterRelease("devmKzalloc", "dev", "the file operation read()", "foo-chr"));
    })(),
    // a file operation other than release(): ioctl, through a local arrow
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo-chr", probe(dev) {`, `  const grow = () => devmAddAction(dev, () => {});`, `  const cdev = new Cdev("foo", { ioctl: () => grow() });`, `  return { cdev };`, `} });`);
      return invalid(src, "devmAddAction(dev", afterRelease("devmAddAction", "dev", "the file operation ioctl()", "foo-chr"));
    })(),
    // a local arrow handed to process.nextTick
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const later = () => { devmKzalloc(dev, () => ({})); };`, `  process.nextTick(later);`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a process.nextTick callback", "foo"));
    })(),
    // a device saved in a module variable and used later
    (() => {
      const src = code(RT, `let saved: Device<Bound> | undefined;`, `export const drv = defineDriver({ name: "foo", probe(dev) { saved = dev; return {}; } });`, `export function later() {`, `  if (saved) devmKzalloc(saved, () => ({}));`, `}`);
      return invalid(src, "devmKzalloc(saved", stored("devmKzalloc", "saved", "the module variable `saved`", "foo"));
    })(),
    // a class driver reading the device back from a field
    (() => {
      const src = code(RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  dev?: Device<Core>;`, `  probe(dev: Device<Core>) { this.dev = dev; return {}; }`, `  poll() { if (this.dev) devmKzalloc(this.dev, () => ({})); }`, `}`);
      return invalid(src, "devmKzalloc(this.dev", stored("devmKzalloc", "this.dev", "the field `this.dev`", "foo-class"));
    })(),
    // a device embedded in a managed object, read back in a timer
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const priv = devmKzalloc(dev, () => ({ dev, count: 0 }));`, `  setTimeout(() => devmKzalloc(priv.dev, () => ({})), 1);`, `  return priv;`, `} });`);
      return invalid(src, "devmKzalloc(priv.dev", stored("devmKzalloc", "priv.dev", "the field `priv.dev`", "foo"));
    })(),
    // a class driver whose probe defers the registration
    (() => {
      const src = code(RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  probe(dev: Device<Core>) {`, `    setTimeout(() => devmAddAction(dev, () => {}), 1);`, `    return {};`, `  }`, `}`);
      return invalid(src, "devmAddAction(dev", deferred("devmAddAction", "dev", "a setTimeout callback", "foo-class"));
    })(),
    // probe defined elsewhere in the file and passed by reference: still the driver's probe
    (() => {
      const src = code(RT, `function fooProbe(dev: Device<Core>) {`, `  void Promise.resolve().finally(() => devmKzalloc(dev, () => ({})));`, `  return {};`, `}`, `export const drv = defineDriver({ name: "foo-ref", probe: fooProbe });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a promise continuation (.finally)", "foo-ref"));
    })(),
    // an async helper in another file registers after its first await; probe drops its promise
    (() => {
      const src = code(RT, `import { initLater } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  void initLater(dev);`, `  return {};`, `} });`);
      return invalid(src, "initLater(dev)", { messageId: "floating", data: { api: "initLater → devmKzalloc", dev: "dev", helper: "initLater", owner: "foo" } });
    })(),
    // ... or a sync helper drops it for probe
    (() => {
      const src = code(RT, `import { kickOff } from "./devm-after-unbind-helpers.js";`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  kickOff(dev);`, `  return {};`, `} });`);
      return invalid(src, "kickOff(dev)", { messageId: "floating", data: { api: "kickOff → initLater → devmKzalloc", dev: "dev", helper: "initLater", owner: "foo" } });
    })(),
    // a fire-and-forget async IIFE in probe: after its await it is a continuation
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  void (async () => {`, `    await Promise.resolve();`, `    devmKzalloc(dev, () => ({}));`, `  })();`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "the continuation of async function after an await (its promise is not awaited)", "foo"));
    })(),
    // probe defined here, used as a driver's probe in another file (cross-file-driver.ts)
    (() => {
      const src = code(RT, `export function crossProbe(dev: Device<Core>) {`, `  setTimeout(() => devmKzalloc(dev, () => ({})), 1);`, `  return { name: dev.name };`, `}`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a setTimeout callback", "cross-file"));
    })(),
    // the same timer inside a Promise that is NOT awaited
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  void new Promise<void>((resolve) => setTimeout(() => { devmKzalloc(dev, () => ({})); resolve(); }, 5));`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a setTimeout callback", "foo"));
    })(),
    // an awaited Promise whose timer callback does not settle it: the timer may fire later
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", async probe(dev) {`, `  await new Promise<void>((resolve) => { setTimeout(() => devmKzalloc(dev, () => ({})), 50); resolve(); });`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a setTimeout callback", "foo"));
    })(),
    // a promise chain returned to an array method: nobody awaits it
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  [1, 2].map(() => Promise.resolve().then(() => devmKzalloc(dev, () => ({}))));`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(dev", deferred("devmKzalloc", "dev", "a promise continuation (.then)", "foo"));
    })(),
    // a callback pushed into a module-level list of hooks
    (() => {
      const src = code(RT, `const resetHooks: Array<() => void> = [];`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  resetHooks.push(() => devmAddAction(dev, () => {}));`, `  return {};`, `} });`);
      return invalid(src, "devmAddAction(dev", deferred("devmAddAction", "dev", "a callback stored in `resetHooks`", "foo"));
    })(),
    // a tuple-destructured alias of the device, captured by a timer: probe's device, after unbind
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const [d] = [dev];`, `  setTimeout(() => devmKzalloc(d, () => ({})), 1);`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(d,", deferred("devmKzalloc", "d", "a setTimeout callback", "foo"));
    })(),
    // a member of a local object holding the device, captured by a timer
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const ctx = { dev, retries: 3 };`, `  setTimeout(() => devmAddAction(ctx.dev, () => {}), 1);`, `  return {};`, `} });`);
      return invalid(src, "devmAddAction(ctx.dev", deferred("devmAddAction", "ctx.dev", "a setTimeout callback", "foo"));
    })(),
    // a device stored in a module-level Map by probe, read back later
    (() => {
      const src = code(RT, `const registry = new Map<string, Device<Bound>>();`, `export const drv = defineDriver({ name: "foo", probe(dev) { registry.set(dev.name, dev); return {}; } });`, `export function later(name: string) {`, `  const d = registry.get(name);`, `  if (d) devmKzalloc(d, () => ({}));`, `}`);
      return invalid(src, "devmKzalloc(d,", stored("devmKzalloc", "d", "the collection `registry`", "foo"));
    })(),
    // ... or iterated
    (() => {
      const src = code(RT, `const registry = new Map<string, Device<Bound>>();`, `export const drv = defineDriver({ name: "foo", probe(dev) { registry.set(dev.name, dev); return {}; } });`, `export function resetAll() {`, `  for (const d of registry.values()) devmAddAction(d, () => {});`, `}`);
      return invalid(src, "devmAddAction(d,", stored("devmAddAction", "d", "the collection `registry`", "foo"));
    })(),
    // a class driver keeping its devices in an array field
    (() => {
      const src = code(RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  devs: Device<Core>[] = [];`, `  probe(dev: Device<Core>) { this.devs.push(dev); return {}; }`, `  poll() { for (const d of this.devs) devmKzalloc(d, () => ({})); }`, `}`);
      return invalid(src, "devmKzalloc(d,", stored("devmKzalloc", "d", "the collection `this.devs`", "foo-class"));
    })(),
    // ... the same object's member captured by a timer: probe's device, after unbind
    (() => {
      const src = code(RT, `class Holder { constructor(readonly dev: Device<Core>) {} }`, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const h = new Holder(dev);`, `  setTimeout(() => devmKzalloc(h.dev, () => ({})), 1);`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(h.dev", deferred("devmKzalloc", "h.dev", "a setTimeout callback", "foo"));
    })(),
    // a getter returning the device a class driver stored
    (() => {
      const src = code(RT, `export class FooDriver implements DriverOps<object> {`, `  name = "foo-class";`, `  private saved?: Device<Core>;`, `  get device() { return this.saved!; }`, `  probe(dev: Device<Core>) { this.saved = dev; return {}; }`, `  poll() { devmAddAction(this.device, () => {}); }`, `}`);
      return invalid(src, "devmAddAction(this.device", stored("devmAddAction", "this.device", "the field `this.device`", "foo-class"));
    })(),
    // forged from the storable handle
    (() => {
      const src = code(RT, `export const drv = defineDriver({ name: "foo", probe(dev) {`, `  const h = dev.get();`, `  setTimeout(() => devmKzalloc(h as Device<Bound>, () => ({})), 1);`, `  return {};`, `} });`);
      return invalid(src, "devmKzalloc(h", forged("devmKzalloc", "h as Device<Bound>", "Bound", "foo"));
    })(),
  ],
};

ruleTester.run("devm-after-unbind", rule, cases);
typecheckCases("devm-after-unbind", cases);
