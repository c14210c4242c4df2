// Clean driver bodies. Everything here must be correct driver code under DESIGN.md's rules:
// devm acquisitions first, manual ones after them (torn down by remove()), devm callbacks use
// only devm resources and their own Device<Bound>, deferred code holds a Device<Normal>
// (dev.get()) and reaches hardware through tryAccess, nothing from an access section
// leaves it, no await inside a section.

import type { Prng } from "./prng.js";
import { L, type Driver, type Features, type Line } from "./model.js";

const VENDORS = ["acme", "qcom", "rk", "imx", "sun", "mtk", "nxp", "ti", "brcm", "mchp", "ast", "lpc"];
const FUNCS = ["uart", "spi", "i2c", "gpio", "adc", "pwm", "dma", "eth", "rtc", "wdt", "temp", "led", "can", "phy", "crypto", "mbox"];

const pascal = (s: string): string =>
  s
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");

export function newDriver(index: number, rng: Prng): Driver {
  const name = `${rng.pick(VENDORS)}-${rng.pick(FUNCS)}${index}`;
  const cdev = rng.chance(0.4);
  const timer = rng.chance(0.45);
  const f: Features = {
    irq: rng.chance(0.8),
    wq: rng.chance(0.5),
    cdev,
    fopsInProbe: cdev && rng.chance(0.35),
    i2c: rng.chance(0.25),
    kobj: rng.chance(0.3),
    timer,
    timerInProbe: timer && rng.chance(0.4),
    asyncProbe: rng.chance(0.5),
  };
  return {
    name,
    ident: pascal(name),
    style: rng.chance(0.6) ? "object" : "class",
    kernelNames: rng.chance(0.25),
    dev: rng.chance(0.8) ? "dev" : "pdev",
    f,
    rng,
    moduleDecls: [],
    classFields: [],
    classMethods: [],
    probeDevm: [],
    probeMixed: [],
    probeManual: [],
    probeTail: [],
    data: [],
    returnMarks: [],
    removeHead: [],
    removeBody: [],
    removeTail: [],
    removeAsync: false,
    helperExtra: [],
    fopsExtra: [],
    childRelease: L(`release: (d) => log(d.name, "released"),`),
    inlineFops: [],
    planted: [],
  };
}

/** Fill the clean body. Bugs (bugs.ts) are applied afterwards and may add to any slot. */
export function buildClean(d: Driver): void {
  const D = d.dev;
  const f = d.f;
  const r = d.rng;
  // ---- devm phase ----
  d.probeDevm.push(
    L(`const state = devmKzalloc(${D}, () => ({ rx: new Ring<number>(RING_SIZE), irqs: 0, errors: 0, lastStatus: 0 }));`),
    L(`const regs = devmIoremap(${D}, { size: REG_SPAN });`),
    L(`const mmio = regs.access(${D});`),
    L(`const id = mmio.readl(REG_ID);`),
    L(`if ((id & ID_MASK) !== CHIP_ID) {`),
    L(`log(${D}.name, \`unexpected chip id \${hex(id)}\`);`),
    L(`}`),
    L(`mmio.writel(CTRL_RESET, REG_CTRL);`),
  );
  if (f.asyncProbe) {
    d.probeDevm.push(L(`await msleep(RESET_DELAY_MS);`));
    d.probeDevm.push(L(`if (!(await waitIdle(regs, ${r.int(3, 9)}))) {`), L(`throw new Error(\`${d.name}: chip stuck in reset\`);`), L(`}`));
  }
  d.probeDevm.push(L(`configureChip(regs.access(${D}), { ...DEFAULT_CONFIG, fifoDepth: ${r.pick([8, 16, 32, 64])} });`));
  d.data.push({ name: "state", type: `${d.ident}State` }, { name: "regs", type: "Devres<Mmio>" });
  if (f.wq) {
    d.probeDevm.push(L(`const wq = devmAllocWorkqueue(${D}, "${d.name}-rx");`));
    d.probeDevm.push(L(`wq.queue((bound) => { drainRx(regs.access(bound), state.rx); });`));
  }
  if (f.irq) {
    if (d.style === "class") {
      d.probeDevm.push(L(`this.setupIrq(${D}, regs, state${f.wq ? ", wq" : ""});`));
      d.classMethods.push(
        L(`private setupIrq(dev: Device<Bound>, regs: Devres<Mmio>, state: ${d.ident}State${f.wq ? ", wq: BoundWorkqueue" : ""}): void {`),
        L(`devmRequestIrq(dev, IRQ_LINE, (bound, line) => {`),
        L(`const status = handleIrq(regs.access(bound), state, line);`),
        ...(f.wq ? [L(`if (status & STATUS_RX) wq.queue((w) => { drainRx(regs.access(w), state.rx); });`)] : [L(`if (status & STATUS_ERR) state.errors++;`)]),
        L(`});`),
        L(`}`),
      );
    } else {
      d.probeDevm.push(
        L(`devmRequestIrq(${D}, IRQ_LINE, (bound, line) => {`),
        L(`const status = handleIrq(regs.access(bound), state, line);`),
        ...(f.wq ? [L(`if (status & STATUS_RX) wq.queue((w) => { drainRx(regs.access(w), state.rx); });`)] : [L(`if (status & STATUS_ERR) state.errors++;`)]),
        L(`});`),
      );
    }
  }
  if (r.chance(0.5)) d.probeDevm.push(L(`devmAddAction(${D}, () => { state.rx.clear(); });`));
  d.probeDevm.push(L(`regs.access(${D}).writel(CTRL_ENABLE${f.irq ? " | CTRL_IRQ_EN" : ""}, REG_CTRL);`));

  // ---- manual phase: reference-counted objects that remove() tears down ----
  d.probeManual.push(L(`const ref = ${D}.get();`));
  d.data.push({ name: "ref", type: "Device" });
  d.removeTail.push(L(`putDevice(data.ref);`));
  if (f.timer) {
    if (f.timerInProbe) {
      d.probeManual.push(
        L(`const poll = setInterval(() => {`),
        L(`const status = regs.tryAccessWith((m) => m.readl(REG_STATUS));`),
        L(`if (status === undefined) {`),
        L(`log(ref.name, "poll: device gone");`),
        L(`return;`),
        L(`}`),
        L(`state.lastStatus = status;`),
        L(`}, POLL_MS);`),
      );
    } else {
      d.probeManual.push(L(`const poll = setInterval(() => pollStatus(ref, regs, state), POLL_MS);`));
    }
    d.data.push({ name: "poll", type: "ReturnType<typeof setInterval>" });
    d.removeHead.push(L(`clearInterval(data.poll);`));
  }
  if (f.cdev) {
    d.probeManual.push(
      L(`const child = new Device({`),
      L(`name: "${d.name}.ctl",`),
      L(`parent: ref,`),
      // childRelease is filled in at emit time (a bug may replace it)
      L(`@@CHILD_RELEASE@@`),
      L(`});`),
      L(`deviceRegister(child);`),
    );
    if (f.fopsInProbe) {
      d.inlineFops.push(
        L(`read: () => regs.tryAccessWith((m) => m.readl(REG_DATA)) ?? -ENODEV,`),
        L(`ioctl: () => regs.tryAccessWith((m) => m.readl(REG_STATUS)) ?? -ENODEV,`),
        L(`release: () => log(ref.name, "closed"),`),
      );
      d.probeManual.push(L(`const cdev = new Cdev("${d.name}", {`), L(`@@INLINE_FOPS@@`), L(`});`));
    } else {
      d.probeManual.push(L(`const cdev = new Cdev("${d.name}", makeFops(regs, { opens: 0, reads: 0 }));`));
    }
    d.probeManual.push(L(`cdevDeviceAdd(cdev, child);`));
    d.data.push({ name: "child", type: "Device" }, { name: "cdev", type: "Cdev" });
    d.removeBody.push(
      L(`cdevUnregisterBegin(data.cdev);`),
      L(`await cdevUnregisterFinish(data.cdev);`),
      L(`cdevDeviceDel(data.cdev, data.child);`),
      L(`deviceUnregister(data.child);`),
    );
    d.removeAsync = true;
  }
  if (f.i2c) {
    d.probeManual.push(L(`const adapter = new I2cAdapter("${d.name}-i2c");`), L(`i2cAddAdapter(adapter);`));
    d.data.push({ name: "adapter", type: "I2cAdapter" });
    d.removeBody.push(L(`i2cDelAdapter(data.adapter);`));
  }
  if (f.kobj) {
    d.probeManual.push(L(`const stats = new Kobject("${d.name}-stats", () => log("${d.name}", "stats released"));`), L(`kobjectInitAndAdd(stats);`));
    d.data.push({ name: "stats", type: "Kobject" });
    d.removeBody.push(L(`kobjectPut(data.stats);`));
  }
  d.removeHead.push(L(`data.regs.access(${D}).writel(0, REG_IRQ_MASK);`));
  if (d.style === "class") {
    d.classFields.push(L(`private probed = 0;`));
    d.probeTail.push(L(`this.probed++;`));
  }
}

/** helpers.ts: registers, chip programming, IRQ decoding, and deferred-side helpers. */
export function helpersFile(d: Driver): Line[] {
  const r = d.rng;
  const chipId = `0x${r.int(0x1000, 0xffff).toString(16)}`;
  const lines = [
    `export const REG_ID = 0x00;`,
    `export const REG_CTRL = 0x04;`,
    `export const REG_STATUS = 0x08;`,
    `export const REG_DATA = 0x0c;`,
    `export const REG_IRQ_MASK = 0x10;`,
    `export const REG_CFG = 0x14;`,
    `export const REG_SPAN = 0x${r.pick([0x40, 0x80, 0x100]).toString(16)};`,
    `export const CHIP_ID = ${chipId};`,
    `export const ID_MASK = 0xffff;`,
    `export const CTRL_ENABLE = BIT(0);`,
    `export const CTRL_RESET = BIT(1);`,
    `export const CTRL_IRQ_EN = BIT(2);`,
    `export const CTRL_FLUSH = BIT(3);`,
    `export const STATUS_RX = BIT(0);`,
    `export const STATUS_TX = BIT(1);`,
    `export const STATUS_ERR = BIT(2);`,
    `export const STATUS_BUSY = BIT(3);`,
    `export const IRQ_LINE = ${r.int(0, 3)};`,
    `export const RING_SIZE = ${r.pick([16, 32, 64, 128])};`,
    `export const POLL_MS = ${r.pick([50, 100, 250, 500, 1000])};`,
    `export const RESET_DELAY_MS = ${r.int(1, 5)};`,
    ``,
    `export interface ${d.ident}Config {`,
    `fifoDepth: number;`,
    `mode: ${r.chance(0.5) ? `"normal" | "low-power" | "fast" | "turbo"` : `"fast" | "turbo" | "normal" | "low-power"`};`,
    `divider: number;`,
    `parity: boolean;`,
    `}`,
    ``,
    `export interface ${d.ident}State {`,
    `rx: Ring<number>;`,
    `irqs: number;`,
    `errors: number;`,
    `lastStatus: number;`,
    `}`,
    ``,
    `export const DEFAULT_CONFIG: ${d.ident}Config = { fifoDepth: 16, mode: "normal", divider: ${r.int(1, 64)}, parity: ${r.chance(0.5)} };`,
    ``,
    `const MODE_BITS: Record<${d.ident}Config["mode"], number> = { normal: 0, "low-power": 1, ${r.chance(0.5) ? "fast: 2, turbo: 3" : "turbo: 3, fast: 2"} };`,
    ``,
    `/** Program the chip from a config: runs inside the caller's access scope, keeps nothing. */`,
    `export function configureChip(mmio: Mmio, cfg: ${d.ident}Config): void {`,
    `let value = FIELD_PREP(GENMASK(7, 0), cfg.divider) | FIELD_PREP(GENMASK(9, 8), MODE_BITS[cfg.mode]);`,
    `if (cfg.parity) value |= BIT(12);`,
    `value |= FIELD_PREP(GENMASK(20, 16), Math.log2(cfg.fifoDepth));`,
    `mmio.writel(value, REG_CFG);`,
    `}`,
    ``,
    `/** The IRQ handler's body: acknowledges and counts, returns the status it saw. */`,
    `export function handleIrq(mmio: Mmio, state: ${d.ident}State, line: number): number {`,
    `const status = mmio.readl(REG_STATUS);`,
    `state.irqs++;`,
    `state.lastStatus = status;`,
    `if (status & STATUS_ERR) {`,
    `state.errors++;`,
    `log("${d.name}", \`irq \${line}: error status \${hex(status)}\`);`,
    `}`,
    `mmio.writel(status, REG_STATUS);`,
    `return status;`,
    `}`,
    ``,
    `export function drainRx(mmio: Mmio, ring: Ring<number>): number {`,
    `let n = 0;`,
    `while ((mmio.readl(REG_STATUS) & STATUS_RX) !== 0 && n < RING_SIZE) {`,
    `ring.push(mmio.readl(REG_DATA) & 0xff);`,
    `n++;`,
    `}`,
    `return n;`,
    `}`,
    ``,
    `export function decodeStatus(status: number): string[] {`,
    `const out: string[] = [];`,
    `if (status & STATUS_RX) out.push("rx");`,
    `if (status & STATUS_TX) out.push("tx");`,
    `if (status & STATUS_ERR) out.push("err");`,
    `if (status & STATUS_BUSY) out.push("busy");`,
    `return out.length > 0 ? out : ["idle"];`,
    `}`,
    ``,
    `/** Poll from a timer: holds only a reference-counted Device, so it must try the mapping. */`,
    `export function pollStatus(ref: Device, regs: Devres<Mmio>, state: ${d.ident}State): void {`,
    `const status = regs.tryAccessWith((m) => m.readl(REG_STATUS));`,
    `if (status === undefined) {`,
    `log(ref.name, "poll: hardware gone");`,
    `return;`,
    `}`,
    `state.lastStatus = status;`,
    `if (status & STATUS_ERR) state.errors++;`,
    `}`,
    ``,
    `/** Wait for the chip to go idle; sleeps only outside the read-side section. */`,
    `export async function waitIdle(regs: Devres<Mmio>, tries: number): Promise<boolean> {`,
    `for (let i = 0; i < tries; i++) {`,
    `const status = regs.tryAccessWith((m) => m.readl(REG_STATUS));`,
    `if (status === undefined) return false;`,
    `if ((status & STATUS_BUSY) === 0) return true;`,
    `await msleep(1);`,
    `}`,
    `return false;`,
    `}`,
    ``,
    `/** Retry while the mapping is gone: the sleep is in the branch where no section was opened. */`,
    `export async function readWithRetry(regs: Devres<Mmio>, tries: number): Promise<number> {`,
    `for (let i = 0; i < tries; i++) {`,
    `using g = regs.tryAccess();`,
    `if (!g) {`,
    `await msleep(RESET_DELAY_MS);`,
    `continue;`,
    `}`,
    `return g.value.readl(REG_DATA);`,
    `}`,
    `return -ENODEV;`,
    `}`,
    ``,
    `export async function resetChip(regs: Devres<Mmio>): Promise<boolean> {`,
    `{`,
    `using g = regs.tryAccess();`,
    `if (!g) return false;`,
    `g.value.writel(CTRL_RESET, REG_CTRL);`,
    `}`,
    `await msleep(RESET_DELAY_MS);`,
    `return regs.tryAccessWith((m) => (m.readl(REG_STATUS) & STATUS_BUSY) === 0) ?? false;`,
    `}`,
  ].map((t) => L(t));
  if (r.chance(0.5)) {
    lines.push(
      L(``),
      L(`export function crc8(bytes: readonly number[], poly = 0x${r.pick([0x07, 0x31, 0x1d, 0x9b]).toString(16)}): number {`),
      L(`let crc = 0;`),
      L(`for (const b of bytes) {`),
      L(`crc ^= b & 0xff;`),
      L(`for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ poly) & 0xff : (crc << 1) & 0xff;`),
      L(`}`),
      L(`return crc;`),
      L(`}`),
    );
  }
  if (r.chance(0.5)) {
    lines.push(
      L(``),
      L(`export type ${d.ident}Event = { kind: "rx"; byte: number } | { kind: "error"; code: number } | { kind: "idle" };`),
      L(``),
      L(`export function classify(status: number, data: number): ${d.ident}Event {`),
      L(`switch (true) {`),
      L(`case (status & STATUS_ERR) !== 0:`),
      L(`return { kind: "error", code: FIELD_GET(GENMASK(15, 8), status) };`),
      L(`case (status & STATUS_RX) !== 0:`),
      L(`return { kind: "rx", byte: data & 0xff };`),
      L(`default:`),
      L(`return { kind: "idle" };`),
      L(`}`),
      L(`}`),
    );
  }
  return [...lines, ...d.helperExtra];
}

/** fops.ts: file operations for the control cdev. They run on behalf of user space. */
export function fopsFile(d: Driver): Line[] {
  return [
    L(`export interface ${d.ident}FileState {`),
    L(`opens: number;`),
    L(`reads: number;`),
    L(`}`),
    L(``),
    L(`/** No Device<Bound> here: a file can be used after unbind, so hardware goes through tryAccess. */`),
    L(`export function makeFops(regs: Devres<Mmio>, files: ${d.ident}FileState): FileOperations {`),
    L(`return {`),
    L(`open: () => {`),
    L(`files.opens++;`),
    L(`},`),
    L(`read: () => {`),
    L(`using g = regs.tryAccess();`),
    L(`if (!g) return -ENODEV;`),
    L(`files.reads++;`),
    L(`return g.value.readl(REG_DATA);`),
    L(`},`),
    L(`ioctl: () => regs.tryAccessWith((m) => decodeStatus(m.readl(REG_STATUS)).join(",")) ?? -ENODEV,`),
    L(`release: () => {`),
    L(`files.opens--;`),
    L(`},`),
    L(`};`),
    L(`}`),
    ...d.fopsExtra,
  ];
}

export function dataFieldsSource(d: Driver): string {
  return d.data.map((x) => (x.value === undefined ? x.name : `${x.name}: ${x.value}`)).join(", ");
}

/** driver.ts body (without imports). */
export function driverFile(d: Driver): Line[] {
  const out: Line[] = [];
  const D = d.dev;
  const probeAsync = d.f.asyncProbe;
  const expand = (lines: Line[]): Line[] =>
    lines.flatMap((l) => (l.text === "@@CHILD_RELEASE@@" ? [d.childRelease] : l.text === "@@INLINE_FOPS@@" ? d.inlineFops : [l]));
  const probeBody = expand([...d.probeDevm, ...d.probeMixed, ...d.probeManual, ...d.probeTail]);
  const returnLine: Line = { text: `return { ${dataFieldsSource(d)} };`, ...(d.returnMarks.length > 0 ? { marks: d.returnMarks } : {}) };
  const removeBody = [...d.removeHead, ...d.removeBody, ...d.removeTail];
  out.push(...d.moduleDecls);
  if (d.moduleDecls.length > 0) out.push(L(``));
  if (d.style === "object") {
    out.push(
      L(`export const driver = defineDriver({`),
      L(`name: "${d.name}",`),
      L(`${probeAsync ? "async " : ""}probe(${D}) {`),
      ...probeBody,
      returnLine,
      L(`},`),
      L(`${d.removeAsync ? "async " : ""}remove(${D}, data) {`),
      ...removeBody,
      L(`},`),
      L(`});`),
    );
  } else {
    out.push(L(`export interface ${d.ident}Data {`), ...d.data.map((x) => L(`${x.name}: ${x.type};`)), L(`}`), L(``));
    out.push(
      L(`export class ${d.ident}Driver implements DriverOps<${d.ident}Data> {`),
      L(`readonly name = "${d.name}";`),
      ...d.classFields,
      L(``),
      L(`${probeAsync ? "async " : ""}probe(${D}: Device<Core>): ${probeAsync ? `Promise<${d.ident}Data>` : `${d.ident}Data`} {`),
      ...probeBody,
      returnLine,
      L(`}`),
      L(``),
      L(`${d.removeAsync ? "async " : ""}remove(${D}: Device<Core>, data: ${d.ident}Data): ${d.removeAsync ? "Promise<void>" : "void"} {`),
      ...removeBody,
      L(`}`),
      ...(d.classMethods.length > 0 ? [L(``), ...d.classMethods] : []),
      L(`}`),
      L(``),
      L(`export const driver = new ${d.ident}Driver();`),
    );
  }
  return out;
}

export const KERNEL_NAMES: Record<string, string> = {
  devmKzalloc: "devm_kzalloc",
  devmIoremap: "devm_ioremap",
  devmRequestIrq: "devm_request_irq",
  devmAllocWorkqueue: "devm_alloc_workqueue",
  devmAddAction: "devm_add_action",
  devmKfree: "devm_kfree",
  freeIrq: "free_irq",
  deviceRegister: "device_register",
  deviceUnregister: "device_unregister",
  putDevice: "put_device",
  cdevDeviceAdd: "cdev_device_add",
  cdevDeviceDel: "cdev_device_del",
  i2cAddAdapter: "i2c_add_adapter",
  i2cDelAdapter: "i2c_del_adapter",
  kobjectInitAndAdd: "kobject_init_and_add",
  kobjectPut: "kobject_put",
};

export const COMMON_FILES: Record<string, string> = {
  "common/kernel.ts": `// The runtime's API under the kernel's own spelling, for drivers ported from C: a
// re-export with renamed bindings (devbound recognises them by type, not by name).
export {
  devmKzalloc as devm_kzalloc,
  devmIoremap as devm_ioremap,
  devmRequestIrq as devm_request_irq,
  devmAllocWorkqueue as devm_alloc_workqueue,
  devmAddAction as devm_add_action,
  devmKfree as devm_kfree,
  freeIrq as free_irq,
  deviceRegister as device_register,
  deviceUnregister as device_unregister,
  putDevice as put_device,
  cdevDeviceAdd as cdev_device_add,
  cdevDeviceDel as cdev_device_del,
  i2cAddAdapter as i2c_add_adapter,
  i2cDelAdapter as i2c_del_adapter,
  kobjectInitAndAdd as kobject_init_and_add,
  kobjectPut as kobject_put,
} from "@devbound/runtime";
`,
  "common/bits.ts": `// Bit-field helpers in the kernel's spelling (BIT, GENMASK, FIELD_PREP, FIELD_GET).
export function BIT(n: number): number {
  return (1 << n) >>> 0;
}

export function GENMASK(high: number, low: number): number {
  return ((0xffffffff >>> (31 - high)) & ~((1 << low) - 1)) >>> 0;
}

function shiftOf(mask: number): number {
  let shift = 0;
  while (shift < 32 && ((mask >>> shift) & 1) === 0) shift++;
  return shift;
}

export function FIELD_PREP(mask: number, value: number): number {
  return ((value << shiftOf(mask)) & mask) >>> 0;
}

export function FIELD_GET(mask: number, reg: number): number {
  return ((reg & mask) >>> 0) >>> shiftOf(mask);
}

export function hex(n: number): string {
  return \`0x\${(n >>> 0).toString(16).padStart(8, "0")}\`;
}
`,
  "common/ring.ts": `// A bounded FIFO for received bytes; drops the oldest entry when full, like a UART FIFO.
export class Ring<T> {
  private readonly items: T[] = [];
  private dropped = 0;

  constructor(readonly capacity: number) {
    if (capacity <= 0) throw new RangeError(\`ring capacity must be positive, got \${capacity}\`);
  }

  push(item: T): void {
    if (this.items.length >= this.capacity) {
      this.items.shift();
      this.dropped++;
    }
    this.items.push(item);
  }

  shift(): T | undefined {
    return this.items.shift();
  }

  clear(): void {
    this.items.length = 0;
  }

  get size(): number {
    return this.items.length;
  }

  get overruns(): number {
    return this.dropped;
  }
}
`,
  "common/util.ts": `// Small helpers shared by the drivers: errno values, sleeping, logging.
export const ENODEV = 19;
export const EBUSY = 16;
export const EIO = 5;

export function msleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

const lines: string[] = [];

export function log(who: string, message: string): void {
  lines.push(\`\${who}: \${message}\`);
  if (lines.length > 1000) lines.splice(0, lines.length - 1000);
}

export function recentLog(): readonly string[] {
  return lines;
}
`,
};
