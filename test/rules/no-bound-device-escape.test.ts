// RuleTester cases for devbound/no-bound-device-escape: a Device<Bound>/<Core> kept past the
// call that proves the device bound (fields, module/outer variables, collections, driver data,
// returns, deferred captures, helpers in other files), and what stays allowed.
import rule from "../../packages/eslint-plugin/src/rules/no-bound-device-escape.js";
import { filename, ruleTester, typecheckCases } from "./setup.js";

const RT = `import { Bus, Device, Workqueue, allocWorkqueue, defineDriver, devmAllocWorkqueue, devmIoremap, devmKzalloc, devmRequestIrq, putDevice, type Bound, type Core, type DriverOps, type Normal } from "@devbound/runtime";`;

/** Lines of a case: RT is line 1, the given lines follow. */
const src = (...lines: string[]) => ({ code: [RT, ...lines].join("\n"), lines: [RT, ...lines] });

type Kind = "stored" | "driverData" | "returned" | "captured" | "helper" | "helperKeepsBound";
interface Expected {
  line: number;
  needle: string;
  nth?: number;
  kind: Kind;
  name?: string;
  ctx?: "Core" | "Bound";
  owner: string;
  sink: string;
  /** The suggestion's output: `line` replaced by this text (a string), or these lines replacing the whole code. */
  fix?: string | { lines: string[] };
  /** The suggestion also widens a declaration: what (message data) and to which type. */
  widen?: { target: string; type: string };
  /** kind helperKeepsBound: the helper and its parameter. */
  helper?: string;
  param?: string;
}

/** An expected report at the `nth` occurrence of `needle` on `line` (exact column and end). */
function err(lines: string[], e: Expected) {
  const text = lines[e.line - 1]!;
  let idx = -1;
  for (let k = 0; k < (e.nth ?? 1); k++) idx = text.indexOf(e.needle, idx + 1);
  if (idx < 0) throw new Error(`needle ${e.needle} not on line ${e.line}`);
  const name = e.name ?? e.needle;
  const out: Record<string, unknown> = {
    messageId: e.kind,
    data: { name, ctx: e.ctx ?? "Core", owner: e.owner, sink: e.sink, ...(e.helper ? { helper: e.helper, param: e.param } : {}) },
    line: e.line,
    column: idx + 1,
    endLine: e.line,
    endColumn: idx + 1 + e.needle.length,
  };
  if (e.fix !== undefined) {
    const output = typeof e.fix === "string" ? [...lines.slice(0, e.line - 1), e.fix, ...lines.slice(e.line)] : e.fix.lines;
    out.suggestions = [{ messageId: e.widen ? "storeGetWiden" : "storeGet", data: { name, ...e.widen }, output: output.join("\n") }];
  } else {
    out.suggestions = [];
  }
  return out;
}

/** The case's lines with some replaced (1-based, RT is line 1) and some inserted before a line. */
function edited(lines: ReturnType<typeof src>, replace: Record<number, string>, insertBefore: Record<number, string> = {}): { lines: string[] } {
  return { lines: lines.lines.flatMap((l, i) => [...(insertBefore[i + 1] !== undefined ? [insertBefore[i + 1]!] : []), replace[i + 1] ?? l]) };
}

function invalid(name: string, lines: ReturnType<typeof src>, ...expected: Expected[]) {
  return { name, filename, code: lines.code, errors: expected.map((e) => err(lines.lines, e)) as never[] };
}

// ---- invalid -----------------------------------------------------------------------------

const moduleVar = src(
  `let lastProbed: Device<Core> | undefined;`,
  `export const d = defineDriver({ name: "foo-uart", probe(dev) {`,
  `  lastProbed = dev;`,
  `  return {};`,
  `} });`,
);

const driverData = src(
  `export const d = defineDriver({ name: "foo-uart", probe(dev) {`,
  `  const regs = devmIoremap(dev);`,
  `  return { dev, regs };`,
  `} });`,
);

const classField = src(
  `export class FooWdt implements DriverOps<{}> {`,
  `  readonly name = "foo-wdt";`,
  `  private dev?: Device<Bound>;`,
  `  probe(dev: Device<Core>) {`,
  `    this.dev = dev;`,
  `    return {};`,
  `  }`,
  `}`,
);

const paramProperty = src(
  `class Priv {`,
  `  constructor(private readonly dev: Device<Bound>, readonly irqs: number) {}`,
  `}`,
  `export const d = defineDriver({ name: "foo-priv", probe(dev) { return { priv: new Priv(dev, 2) }; } });`,
);

const timer = src(
  `export const d = defineDriver({ name: "foo-led", probe(dev) {`,
  `  setTimeout(() => console.log("still there:", dev.name), 1000);`,
  `  return {};`,
  `} });`,
);

const asyncProbeThen = src(
  `declare function loadFirmware(name: string): Promise<Uint8Array>;`,
  `export const d = defineDriver({ name: "foo-fw", probe: async (dev) => {`,
  `  await loadFirmware("foo.bin");`,
  `  loadFirmware("foo-extra.bin").then((fw) => console.log(dev.name, fw.length));`,
  `  return {};`,
  `} });`,
);

const aliasIntoLiteral = src(
  `export function attach(holder: { ctx?: { hw: Device<Bound> } }, dev: Device<Bound>) {`,
  `  const d = dev;`,
  `  const ctx = { hw: d };`,
  `  holder.ctx = ctx;`,
  `}`,
);

const renamedHelper = src(
  `import { keepDevice as keep } from "./no-bound-device-escape-helpers.js";`,
  `export const d = defineDriver({ name: "foo-reg", probe(dev) {`,
  `  keep(dev);`,
  `  return {};`,
  `} });`,
);

const reexported = src(
  `import { stash, makeDriver, mapRegs } from "./no-bound-device-escape-reexport.js";`,
  `export const d = makeDriver({ name: "foo-re", probe(dev) {`,
  `  const regs = mapRegs(dev);`,
  `  stash(dev);`,
  `  return { regs };`,
  `} });`,
);

const helperDeferred = src(
  `import { logLater } from "./no-bound-device-escape-helpers.js";`,
  `export function start(dev: Device<Bound>) {`,
  `  logLater(dev, 50);`,
  `}`,
);

const helperClass = src(
  `import { Holder } from "./no-bound-device-escape-helpers.js";`,
  `export class FooDrv implements DriverOps<{ h: Holder }> {`,
  `  name = "foo-cls";`,
  `  probe(dev: Device<Core>) { return { h: new Holder(dev) }; }`,
  `}`,
);

// a helper whose parameter is itself a Device<Bound> keeps it: reported at the call (the caller's
// proof leaves there; no suggestion: `trackDevice(dev.get())` would not type-check) and at the
// helper's own store (its own proof leaves its scope there)
const boundHelperMap = src(
  `const known = new Map<string, Device<Bound>>();`,
  `export function trackDevice(dev: Device<Bound>): void {`,
  `  known.set(dev.name, dev);`,
  `}`,
  `export const d = defineDriver({ name: "foo-trk", probe(dev) {`,
  `  trackDevice(dev);`,
  `  return {};`,
  `} });`,
);

const boundHelperField = src(
  `export class FooDrv implements DriverOps<{}> {`,
  `  name = "foo-fld";`,
  `  private dev?: Device<Bound>;`,
  `  probe(dev: Device<Core>) { this.attach(dev); return {}; }`,
  `  private attach(dev: Device<Bound>) { this.dev = dev; }`,
  `}`,
);

const boundHelperOtherFile = src(
  `import { track } from "./no-bound-device-escape-helpers.js";`,
  `export function start(dev: Device<Bound>) {`,
  `  track(dev);`,
  `}`,
);

const returned = src(
  `export function pick(devs: { primary: Device<Bound> }, dev: Device<Bound>): Device<Bound> {`,
  `  void devs;`,
  `  return dev;`,
  `}`,
);

const collection = src(
  `const devices = new Map<string, Device<Normal>>();`,
  `export const d = defineDriver({ name: "foo-map", probe(dev) {`,
  `  devices.set(dev.name, dev);`,
  `  return {};`,
  `} });`,
);

const localList = src(
  `export const d = defineDriver({ name: "foo-list", probe(dev) {`,
  `  const all: Device<Bound>[] = [];`,
  `  all.push(dev);`,
  `  return { all };`,
  `} });`,
);

const storedCallback = src(
  `export class Chip {`,
  `  onIrq?: () => void;`,
  `  arm(dev: Device<Bound>) {`,
  `    this.onIrq = () => console.log(dev.name);`,
  `  }`,
  `}`,
);

const unmanagedWork = src(
  `export const d = defineDriver({ name: "foo-wq", probe(dev) {`,
  `  const wq: Workqueue = allocWorkqueue("foo");`,
  `  wq.queue(() => { console.log(dev.name); });`,
  `  return { wq };`,
  `} });`,
);

const outerVariable = src(
  `export function makeDriver() {`,
  `  let saved: Device<Core> | undefined;`,
  `  return defineDriver({ name: "foo-closure", probe(dev) { saved = dev; return {}; }, remove() { void saved; } });`,
  `}`,
);

const listener = src(
  `import { EventEmitter } from "node:events";`,
  `export const bus = new EventEmitter();`,
  `export async function watch(dev: Device<Bound>) {`,
  `  bus.on("hotplug", () => console.log(dev.name));`,
  `}`,
);

const viaSameHelper = src(
  `import { same } from "./no-bound-device-escape-helpers.js";`,
  `export class Keeper { dev?: Device<Normal>;`,
  `  take(dev: Device<Bound>) { this.dev = same(dev); }`,
  `}`,
);

const nestedDriverData = src(
  `export const d = defineDriver({ name: "foo-nest", probe(dev) {`,
  `  const hw = { dev, irq: 3 };`,
  `  return { hw };`,
  `} });`,
);

const objectAssign = src(
  `export class FooDrv implements DriverOps<{}> {`,
  `  name = "foo-assign";`,
  `  dev?: Device<Bound>;`,
  `  probe(dev: Device<Core>) { Object.assign(this, { dev }); return {}; }`,
  `}`,
);

const castWidened = src(
  `let keep: Device<Normal> | undefined;`,
  `export function widen(dev: Device<Bound>) {`,
  `  keep = dev as Device<Normal>;`,
  `}`,
);

// ---- the suggestion compiles: declarations widened, or no suggestion where the stored device is used as a proof ----

const fieldUsedAsProof = src(
  `export class FooWdt implements DriverOps<{}> {`,
  `  readonly name = "foo-wdt";`,
  `  private dev?: Device<Bound>;`,
  `  private regs?: ReturnType<typeof devmIoremap>;`,
  `  probe(dev: Device<Core>) { this.dev = dev; this.regs = devmIoremap(dev); return {}; }`,
  `  kick() { if (this.dev && this.regs) this.regs.access(this.dev).writel(1, 0); }`,
  `}`,
);

const aliasedFieldUsedAsProof = src(
  `export class FooWdt implements DriverOps<{}> {`,
  `  readonly name = "foo-wdt";`,
  `  dev: Device<Bound> | null = null;`,
  `  probe(dev: Device<Core>) { this.dev = dev; return {}; }`,
  `  later() { const d = this.dev ?? undefined; if (d) devmKzalloc(d, () => ({})); }`,
  `}`,
);

const interfaceData = src(
  `interface UartData { dev: Device<Core>; irqs: number }`,
  `export const d = defineDriver<UartData>({ name: "foo-uart", probe(dev) { return { dev, irqs: 0 }; }, remove(_d, data) { putDevice(data.dev); } });`,
);

const interfaceDataUsedAsProof = src(
  `interface UartData { dev: Device<Core>; irqs: number }`,
  `export const d = defineDriver<UartData>({ name: "foo-uart", probe(dev) { return { dev, irqs: 0 }; } });`,
  `export function status(data: UartData) { return devmKzalloc(data.dev, () => ({ n: 0 })); }`,
);

const inferredDataUsedAsProof = src(
  `export const d = defineDriver({ name: "foo-inf", probe(dev) { return { dev }; }, remove(_d, { dev }) { devmKzalloc(dev, () => ({})); } });`,
);

const aliasAnnotation = src(
  `type BoundDev = Device<Bound>;`,
  `let keep: BoundDev | undefined;`,
  `export function hold(dev: Device<Bound>) { keep = dev; }`,
  `export const kept = () => keep;`,
);

const collectionUsedAsProof = src(
  `const all: Device<Bound>[] = [];`,
  `export function hold(dev: Device<Bound>) { all.push(dev); }`,
  `export function later() { for (const d of all) devmKzalloc(d, () => ({})); }`,
);

const paramPropertySuper = src(
  `class Base { constructor(readonly label: string) {} }`,
  `export class Priv extends Base {`,
  `  constructor(protected dev: Device<Bound>) {`,
  `    super("priv");`,
  `    devmKzalloc(dev, () => ({}));`,
  `  }`,
  `  label2() { return this.dev.name; }`,
  `}`,
);

const paramPropertyBody = src(
  `export class Plain {`,
  `  constructor(public dev: Device<Bound>) {`,
  `    console.log(dev.name);`,
  `  }`,
  `}`,
);

const paramPropertyUsedAsProof = src(
  `export class Chip {`,
  `  constructor(private dev: Device<Bound>) {}`,
  `  later() { return devmKzalloc(this.dev, () => ({})); }`,
  `}`,
);

const compiling = [
  invalid("paramPropertySuper: a field assigned after super()", paramPropertySuper, {
    line: 4,
    needle: "dev",
    kind: "stored",
    ctx: "Bound",
    owner: "the device",
    sink: "the field `this.dev`",
    fix: edited(paramPropertySuper, { 4: "  constructor(dev: Device<Bound>) {", 5: `    super("priv");\n    this.dev = dev.get();` }, { 4: "  protected dev: Device;" }),
    widen: { target: "`this.dev`", type: "Device" },
  }),
  invalid("paramPropertyBody: a field assigned first in the body", paramPropertyBody, {
    line: 3,
    needle: "dev",
    kind: "stored",
    ctx: "Bound",
    owner: "the device",
    sink: "the field `this.dev`",
    fix: edited(paramPropertyBody, { 3: "  constructor(dev: Device<Bound>) {", 4: "    this.dev = dev.get();\n    console.log(dev.name);" }, { 3: "  public dev: Device;" }),
    widen: { target: "`this.dev`", type: "Device" },
  }),
  invalid("paramPropertyUsedAsProof: no suggestion", paramPropertyUsedAsProof, { line: 3, needle: "dev", kind: "stored", ctx: "Bound", owner: "the device", sink: "the field `this.dev`" }),
  invalid("fieldUsedAsProof: no suggestion", fieldUsedAsProof, { line: 6, needle: "dev", nth: 3, kind: "stored", owner: "foo-wdt", sink: "the field `this.dev`" }),
  invalid("aliasedFieldUsedAsProof: no suggestion", aliasedFieldUsedAsProof, { line: 5, needle: "dev", nth: 3, kind: "stored", owner: "foo-wdt", sink: "the field `this.dev`" }),
  invalid("interfaceData: the interface member is widened", interfaceData, {
    line: 3,
    needle: "dev",
    nth: 2,
    kind: "driverData",
    owner: "foo-uart",
    sink: "the driver data of foo-uart (`dev`)",
    fix: edited(interfaceData, {
      2: "interface UartData { dev: Device; irqs: number }",
      3: `export const d = defineDriver<UartData>({ name: "foo-uart", probe(dev) { return { dev: dev.get(), irqs: 0 }; }, remove(_d, data) { putDevice(data.dev); } });`,
    }),
    widen: { target: "`dev`", type: "Device" },
  }),
  invalid("interfaceDataUsedAsProof: no suggestion", interfaceDataUsedAsProof, { line: 3, needle: "dev", nth: 2, kind: "driverData", owner: "foo-uart", sink: "the driver data of foo-uart (`dev`)" }),
  invalid("inferredDataUsedAsProof: no suggestion", inferredDataUsedAsProof, { line: 2, needle: "dev", nth: 2, kind: "driverData", owner: "foo-inf", sink: "the driver data of foo-inf (`dev`)" }),
  invalid("aliasAnnotation: no suggestion", aliasAnnotation, { line: 4, needle: "dev", nth: 2, kind: "stored", ctx: "Bound", owner: "the device", sink: "the module variable `keep`" }),
  invalid("collectionUsedAsProof: no suggestion", collectionUsedAsProof, { line: 3, needle: "dev", nth: 2, kind: "stored", ctx: "Bound", owner: "the device", sink: "the collection `all`" }),
];

ruleTester.run("no-bound-device-escape: suggestions that compile", rule, { valid: [], invalid: compiling });

const main = {
  valid: [
    // the storable handle: dev.get()
    { filename, code: [RT, `export const d = defineDriver({ name: "ok", probe(dev) { const regs = devmIoremap(dev); return { dev: dev.get(), regs }; }, remove(_d, data) { putDevice(data.dev); } });`].join("\n") },
    // synchronous helpers, here and in another file (renamed through a re-export)
    {
      filename,
      code: [
        RT,
        `import { describe } from "./no-bound-device-escape-reexport.js";`,
        `function setup(dev: Device<Bound>) { return devmKzalloc(dev, () => ({ n: 0 })); }`,
        `export const d = defineDriver({ name: "ok", probe(dev) { const p = setup(dev); console.log(describe(dev)); return { p }; } });`,
      ].join("\n"),
    },
    // the runtime's bound callbacks: a devm IRQ handler and a devm work item may use the outer proof
    {
      filename,
      code: [
        RT,
        `export const d = defineDriver({ name: "ok", probe(dev) {`,
        `  const regs = devmIoremap(dev);`,
        `  devmRequestIrq(dev, 0, (b) => { regs.access(dev).writel(1, 0); regs.access(b).writel(0, 4); });`,
        `  const wq = devmAllocWorkqueue(dev, "ok");`,
        `  wq.queue(async () => { regs.access(dev).readl(0); });`,
        `  return { regs, wq };`,
        `} });`,
      ].join("\n"),
    },
    // synchronous callbacks: array methods, tryAccessWith, a Promise executor
    {
      filename,
      code: [
        RT,
        `export const d = defineDriver({ name: "ok", probe(dev) {`,
        `  const regs = devmIoremap(dev);`,
        `  const names = [1, 2].map((i) => dev.name + i);`,
        `  regs.tryAccessWith((m) => m.writel(dev.name.length, 0));`,
        `  const ready = new Promise<void>((resolve) => { devmKzalloc(dev, () => ({})); resolve(); });`,
        `  return { names, ready };`,
        `} });`,
      ].join("\n"),
    },
    // plain values read from the device
    { filename, code: [RT, `export class Drv implements DriverOps<{}> { name = "ok"; label = ""; probe(dev: Device<Core>) { this.label = dev.name; return {}; } }`].join("\n") },
    // a Device<Normal> may be stored
    { filename, code: [RT, `let parent: Device<Normal> | undefined;`, `export function adopt(d: Device<Normal>) { parent = d; return d; }`].join("\n") },
    // awaiting inside probe: probe still holds the proof afterwards
    { filename, code: [RT, `declare function settle(): Promise<void>;`, `export const d = defineDriver({ name: "ok", async probe(dev) { await settle(); const p = devmKzalloc(dev, () => ({ n: 1 })); return { p }; } });`].join("\n") },
    // a local object holding the device, used only inside the call
    { filename, code: [RT, `function init(ctx: { dev: Device<Bound> }) { devmKzalloc(ctx.dev, () => ({})); }`, `export const d = defineDriver({ name: "ok", probe(dev) { const ctx = { dev }; init(ctx); return {}; } });`].join("\n") },
    // a helper that hands the device back, used locally
    { filename, code: [RT, `import { same, describeDevice } from "./no-bound-device-escape-helpers.js";`, `export function show(dev: Device<Bound>) { const d2 = same(dev); return describeDevice(d2); }`].join("\n") },
    // a deferred callback taking its own (Normal) device: nothing captured
    { filename, code: [RT, `export function later(dev: Device<Bound>) { const ref = dev.get(); setTimeout(() => { console.log(ref.name); putDevice(ref); }, 10); }`].join("\n") },
    // third-party code with its own Device class: no brands
    { filename, code: `class Device { constructor(readonly name: string) {} }\nlet last: Device | undefined;\nexport function probe(dev: Device) { last = dev; setTimeout(() => dev.name); return { dev }; }` },
    // a bus test: devices from addDevice are Device<Normal>
    { filename, code: [RT, `const devs: Device<Normal>[] = [];`, `export async function plug(bus: Bus) { const dev = await bus.addDevice({ name: "x", compatible: "x" }); devs.push(dev); return dev; }`].join("\n") },
  ],
  invalid: [
    invalid(
      "boundHelperMap",
      boundHelperMap,
      {
        line: 4,
        needle: "dev",
        nth: 2,
        kind: "stored",
        ctx: "Bound",
        owner: "the device",
        sink: "the collection `known`",
        fix: edited(boundHelperMap, { 2: "const known = new Map<string, Device>();", 4: "  known.set(dev.name, dev.get());" }),
        widen: { target: "`known`", type: "Map<string, Device>" },
      },
      {
        line: 7,
        needle: "dev",
        kind: "helperKeepsBound",
        owner: "foo-trk",
        sink: "`trackDevice`, which keeps its parameter `dev` in the collection `known`",
        helper: "trackDevice",
        param: "dev",
      },
    ),
    invalid(
      "boundHelperField",
      boundHelperField,
      {
        line: 5,
        needle: "dev",
        nth: 2,
        kind: "helperKeepsBound",
        owner: "foo-fld",
        sink: "`attach`, which keeps its parameter `dev` in the field `this.dev`",
        helper: "attach",
        param: "dev",
      },
      {
        line: 6,
        needle: "dev",
        nth: 3,
        kind: "stored",
        ctx: "Bound",
        owner: "foo-fld",
        sink: "the field `this.dev`",
        fix: edited(boundHelperField, { 4: "  private dev?: Device;", 6: "  private attach(dev: Device<Bound>) { this.dev = dev.get(); }" }),
        widen: { target: "`this.dev`", type: "Device" },
      },
    ),
    invalid("boundHelperOtherFile", boundHelperOtherFile, {
      line: 4,
      needle: "dev",
      kind: "helperKeepsBound",
      ctx: "Bound",
      owner: "the device",
      sink: "`track`, which keeps its parameter `dev` in the collection `tracked`",
      helper: "track",
      param: "dev",
    }),
    invalid("moduleVar", moduleVar, {
      line: 4,
      needle: "dev",
      kind: "stored",
      owner: "foo-uart",
      sink: "the module variable `lastProbed`",
      fix: edited(moduleVar, { 2: "let lastProbed: Device | undefined;", 4: "  lastProbed = dev.get();" }),
      widen: { target: "`lastProbed`", type: "Device | undefined" },
    }),
    invalid("driverData", driverData, { line: 4, needle: "dev", kind: "driverData", owner: "foo-uart", sink: "the driver data of foo-uart (`dev`)", fix: "  return { dev: dev.get(), regs };" }),
    invalid("classField", classField, {
      line: 6,
      needle: "dev",
      nth: 2,
      kind: "stored",
      owner: "foo-wdt",
      sink: "the field `this.dev`",
      fix: edited(classField, { 4: "  private dev?: Device;", 6: "    this.dev = dev.get();" }),
      widen: { target: "`this.dev`", type: "Device" },
    }),
    invalid(
      "paramProperty",
      paramProperty,
      // the parameter property becomes a field that keeps a reference
      {
        line: 3,
        needle: "dev",
        kind: "stored",
        ctx: "Bound",
        owner: "the device",
        sink: "the field `this.dev`",
        fix: edited(paramProperty, { 3: "  constructor(dev: Device<Bound>, readonly irqs: number) { this.dev = dev.get(); }" }, { 3: "  private readonly dev: Device;" }),
        widen: { target: "`this.dev`", type: "Device" },
      },
      // the constructor takes a Device<Bound> and keeps it: the caller's `new` is where probe's proof leaves
      {
        line: 5,
        needle: "dev",
        nth: 2,
        kind: "helperKeepsBound",
        owner: "foo-priv",
        sink: "`new Priv()`, which keeps its parameter `dev` in the field `this.dev`",
        helper: "new Priv()",
        param: "dev",
      },
    ),
    invalid("timer", timer, { line: 3, needle: "dev", kind: "captured", owner: "foo-led", sink: "a setTimeout callback" }),
    invalid("asyncProbeThen", asyncProbeThen, { line: 5, needle: "dev", kind: "captured", owner: "foo-fw", sink: "a promise continuation (.then)" }),
    invalid("aliasIntoLiteral", aliasIntoLiteral, { line: 4, needle: "d", kind: "stored", ctx: "Bound", owner: "the device", sink: "the field `holder.ctx` (as `hw`)" }), // no suggestion: `holder.ctx` is declared to hold a Device<Bound> (in the parameter's type)
    invalid("renamedHelper", renamedHelper, {
      line: 4,
      needle: "dev",
      kind: "helper",
      owner: "foo-reg",
      sink: "`remember`, which keeps its parameter `dev` in the collection `registry`",
      fix: "  keep(dev.get());",
    }),
    invalid("reexported", reexported, {
      line: 5,
      needle: "dev",
      kind: "helper",
      owner: "foo-re",
      sink: "`remember`, which keeps its parameter `dev` in the collection `registry`",
      fix: "  stash(dev.get());",
    }),
    invalid("helperDeferred", helperDeferred, {
      line: 4,
      needle: "dev",
      kind: "helper",
      ctx: "Bound",
      owner: "the device",
      sink: "`logLater`, which keeps its parameter `dev` in a setTimeout callback",
      fix: "  logLater(dev.get(), 50);",
    }),
    invalid("helperClass", helperClass, {
      line: 5,
      needle: "dev",
      nth: 2,
      kind: "helper",
      owner: "foo-cls",
      sink: "`new Holder()`, which keeps its parameter `dev` in the field `this.dev`",
      fix: "  probe(dev: Device<Core>) { return { h: new Holder(dev.get()) }; }",
    }),
    invalid("returned", returned, {
      line: 4,
      needle: "dev",
      kind: "returned",
      ctx: "Bound",
      owner: "the device",
      sink: "`pick`",
      fix: edited(returned, { 2: "export function pick(devs: { primary: Device<Bound> }, dev: Device<Bound>): Device {", 4: "  return dev.get();" }),
      widen: { target: "the return type of `pick`", type: "Device" },
    }),
    invalid("collection", collection, { line: 4, needle: "dev", nth: 3, kind: "stored", owner: "foo-map", sink: "the collection `devices`", fix: "  devices.set(dev.name, dev.get());" }),
    invalid("localList", localList, {
      line: 4,
      needle: "dev",
      kind: "driverData",
      owner: "foo-list",
      sink: "the driver data of foo-list (`all[]`)",
      fix: edited(localList, { 3: "  const all: Device[] = [];", 4: "  all.push(dev.get());" }),
      widen: { target: "`all`", type: "Device[]" },
    }),
    invalid("storedCallback", storedCallback, { line: 5, needle: "dev", kind: "captured", ctx: "Bound", owner: "the device", sink: "a callback stored in `this.onIrq`" }),
    invalid("unmanagedWork", unmanagedWork, { line: 4, needle: "dev", kind: "captured", owner: "foo-wq", sink: "a deferred callback of `queue`" }),
    invalid("outerVariable", outerVariable, {
      line: 4,
      needle: "dev",
      nth: 2,
      kind: "stored",
      owner: "foo-closure",
      sink: "the variable `saved` declared outside this scope",
      fix: edited(outerVariable, { 3: "  let saved: Device | undefined;", 4: `  return defineDriver({ name: "foo-closure", probe(dev) { saved = dev.get(); return {}; }, remove() { void saved; } });` }),
      widen: { target: "`saved`", type: "Device | undefined" },
    }),
    invalid("listener", listener, { line: 5, needle: "dev", kind: "captured", ctx: "Bound", owner: "the device", sink: "an event listener (.on)" }),
    invalid("viaSameHelper", viaSameHelper, { line: 4, needle: "dev", nth: 3, kind: "stored", ctx: "Bound", owner: "the device", sink: "the field `this.dev`", fix: "  take(dev: Device<Bound>) { this.dev = same(dev.get()); }" }),
    invalid("objectAssign", objectAssign, {
      line: 5,
      needle: "dev",
      nth: 2,
      kind: "stored",
      owner: "foo-assign",
      sink: "the field `this.dev`",
      // no suggestion: through Object.assign the field's declared type is not followed
    }),
    invalid("castWidened", castWidened, { line: 4, needle: "dev", kind: "stored", ctx: "Bound", owner: "the device", sink: "the module variable `keep`", fix: "  keep = dev.get() as Device<Normal>;" }),
    invalid("nestedDriverData", nestedDriverData, { line: 3, needle: "dev", nth: 1, kind: "driverData", owner: "foo-nest", sink: "the driver data of foo-nest (`hw.dev`)", fix: "  const hw = { dev: dev.get(), irq: 3 };" }),
  ],
};

ruleTester.run("no-bound-device-escape", rule, main);

// ---- one bug, one report ------------------------------------------------------------------
// A helper that keeps the device only as the device argument of a devres call in a deferred
// callback (a timer, a kobject release callback, file operations it builds): devm-after-unbind
// or no-devres-in-release reports that devres call in the helper; the call handing the device to
// the helper is not a second finding. Any other way the helper keeps it still is.

const RT_DEVRES = `import { Cdev, Kobject, cdevDeviceAdd, defineDriver, devmKfree, devmKzalloc, type Bound, type Device, type FileOperations } from "@devbound/runtime";`;
const oneReport = (...lines: string[]) => ({ filename, code: [RT_DEVRES, ...lines].join("\n") });

const keepsMore = src(
  `import { remember } from "./no-bound-device-escape-helpers.js";`,
  `function armAndRemember(dev: Device<Bound>) { setTimeout(() => devmKzalloc(dev, () => ({ n: 0 })), 10); remember(dev); }`,
  `export const d = defineDriver({ name: "foo-refill", probe(dev) { armAndRemember(dev); return {}; } });`,
);

const devresOnly = {
  valid: [
    // a helper arming a timer that calls a devm function (devm-after-unbind reports the devmKzalloc)
    oneReport(
      `function armRefill(dev: Device<Bound>) { setTimeout(() => devmKzalloc(dev, () => ({ n: 0 })), 10); }`,
      `export const d = defineDriver({ name: "foo-refill", probe(dev) { armRefill(dev); return {}; } });`,
    ),
    // the same one helper further, in another file
    oneReport(
      `import { armRefillLater } from "./no-bound-device-escape-helpers.js";`,
      `export const d = defineDriver({ name: "foo-refill", probe(dev) { armRefillLater(dev); return {}; } });`,
    ),
    // a constructor passing a release callback that frees devres (no-devres-in-release reports the devmKfree)
    oneReport(
      `class Child {`,
      `  readonly kobj: Kobject;`,
      `  constructor(dev: Device<Bound>, stats: object) { this.kobj = new Kobject("child", () => devmKfree(dev, stats)); }`,
      `}`,
      `export const d = defineDriver({ name: "foo-child", probe(dev) { const stats = devmKzalloc(dev, () => ({ n: 0 })); return { child: new Child(dev, stats) }; } });`,
    ),
    // file operations built by a helper (devm-after-unbind reports the devmKzalloc in ioctl())
    oneReport(
      `function makeFops(dev: Device<Bound>): FileOperations { return { ioctl: () => devmKzalloc(dev, () => ({ n: 0 })).n }; }`,
      `export const d = defineDriver({ name: "foo-ctl", probe(dev) { const cdev = new Cdev("ctl", makeFops(dev)); cdevDeviceAdd(cdev, dev.get()); return { cdev }; } });`,
    ),
  ],
  invalid: [
    // the helper also keeps the device elsewhere: both the call and the helper's own store are reported
    invalid(
      "keepsMore",
      keepsMore,
      {
        line: 3,
        needle: "dev",
        nth: 4,
        kind: "helper",
        ctx: "Bound",
        owner: "the device",
        sink: "`remember`, which keeps its parameter `dev` in the collection `registry`",
        fix: `function armAndRemember(dev: Device<Bound>) { setTimeout(() => devmKzalloc(dev, () => ({ n: 0 })), 10); remember(dev.get()); }`,
      },
      {
        line: 4,
        needle: "dev",
        nth: 2,
        kind: "helperKeepsBound",
        owner: "foo-refill",
        sink: "`armAndRemember`, which keeps its parameter `dev` in `remember`, which keeps its parameter `dev` in the collection `registry`",
        helper: "armAndRemember",
        param: "dev",
      },
    ),
  ],
};

ruleTester.run("no-bound-device-escape: one bug, one report", rule, devresOnly);
typecheckCases("no-bound-device-escape (one bug, one report)", { valid: [...devresOnly.valid, ...devresOnly.invalid].map((c) => ({ code: c.code })), invalid: [] });

// Every case, and every suggestion's output, type-checks (each output once: RuleTester refuses duplicates).
for (const [name, group] of [["main", main], ["compiling", { valid: [], invalid: compiling }]] as const) {
  const texts = new Set<string>();
  for (const c of group.invalid) {
    texts.add(c.code);
    for (const e of c.errors as Array<{ suggestions?: Array<{ output: string }> }>) for (const sg of e.suggestions ?? []) texts.add(sg.output);
  }
  typecheckCases(`no-bound-device-escape (${name})`, { valid: [...texts].map((t) => ({ code: t })), invalid: [] });
}

// ---- locals initialised by a generic call ---------------------------------------------------
// mayBeDeviceValue (analysis/name-index.ts) leaves such a local unchecked only when the arguments
// its type parameter is inferred from make no device (`devmKzalloc(dev, () => ({ n: 0 }))`). The
// callees are declared without a body, so the device is reached through the local alone: each
// case fails if the filter skips it.
const GENERIC = [
  `declare function keep<T>(x: T): T;`,
  `declare function make<T>(init: () => T): T;`,
  `let last: unknown;`,
];
const generic = (...body: string[]) => src(...GENERIC, `export async function hold(dev: Device<Bound>) {`, ...body, `}`);
/** The report at `d` of `last = d;` (line 7), with its suggestion. */
const storedLocal = (lines: ReturnType<typeof src>) => ({
  line: 7,
  needle: "d",
  kind: "stored" as const,
  ctx: "Bound" as const,
  owner: "the device",
  sink: "the module variable `last`",
  fix: "  last = d.get();",
});
const genericValue = generic(`  const d = keep(dev);`, `  last = d;`);
const genericFactory = generic(`  const d = make(() => dev);`, `  last = d;`);
const genericFactoryBlock = generic(`  const d = make(() => { const ok = { n: 1 }; if (ok.n) return dev; throw new Error("x"); });`, `  last = d;`);
const genericNested = generic(`  const d = make(() => keep(dev));`, `  last = d;`);
const genericTypeArguments = generic(`  const d = make<Device<Bound>>(() => JSON.parse("{}"));`, `  last = d;`);
const genericAsync = generic(`  const d = await make(async () => dev);`, `  last = d;`);
const genericRuntime = generic(`  const d = devmKzalloc(dev, () => dev);`, `  last = d;`);
const genericConditional = generic(`  const d = dev.name ? keep(null!) : make(() => dev);`, `  last = d;`);

const generics = {
  valid: [
    // what the filter skips is no device: the same stores of locals report nothing
    { filename, code: generic(`  const d = make(() => ({ n: 0 }));`, `  last = d;`).code },
    { filename, code: generic(`  const d = devmKzalloc(dev, () => ({ n: 0 }));`, `  last = d;`).code },
  ],
  invalid: [
    invalid("genericValue: keep<T>(x: T): T", genericValue, storedLocal(genericValue)),
    invalid("genericFactory: make<T>(init: () => T): T", genericFactory, storedLocal(genericFactory)),
    invalid("genericFactoryBlock: a nested return", genericFactoryBlock, storedLocal(genericFactoryBlock)),
    invalid("genericNested: the factory returns a generic call of the device", genericNested, storedLocal(genericNested)),
    invalid("genericTypeArguments: the explicit type argument decides", genericTypeArguments, storedLocal(genericTypeArguments)),
    invalid("genericAsync: awaited", genericAsync, storedLocal(genericAsync)),
    invalid("genericRuntime: devmKzalloc's Managed<T>", genericRuntime, storedLocal(genericRuntime)),
    invalid("genericConditional: the second branch", genericConditional, storedLocal(genericConditional)),
  ],
};

ruleTester.run("no-bound-device-escape: locals from generic calls", rule, generics);
{
  const texts = new Set<string>();
  for (const c of [...generics.valid, ...generics.invalid]) texts.add(c.code);
  for (const c of generics.invalid) for (const e of c.errors as Array<{ suggestions?: Array<{ output: string }> }>) for (const sg of e.suggestions ?? []) texts.add(sg.output);
  typecheckCases("no-bound-device-escape (locals from generic calls)", { valid: [...texts].map((t) => ({ code: t })), invalid: [] });
}
