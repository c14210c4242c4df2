// Planted bugs. Each kind is one concrete instance of a bug class from DESIGN.md's rule
// table, written the way real drivers get it wrong, and names the rule that must find it.
// A marked line is where the finding must be; `also` lists rules whose scope (per their
// rules-docs page) legitimately covers the same line, so they may report it too.

import { L, type Driver, type Mark, type RuleId } from "./model.js";

export interface BugKind {
  kind: string;
  rule: RuleId;
  /** Features the bug needs; forced on before the clean body is built. */
  needs?: (d: Driver) => void;
  /** Whether the bug fits this driver's style. */
  fits?: (d: Driver) => boolean;
  apply: (d: Driver) => void;
}

const m = (rule: RuleId, kind: string, ...also: RuleId[]): Mark => (also.length > 0 ? { rule, kind, also } : { rule, kind });

export const BUG_KINDS: BugKind[] = [
  // ---- devm-after-unbind ----
  {
    kind: "devm-in-timer",
    rule: "devm-after-unbind",
    apply(d) {
      d.probeDevm.push(
        // no-bound-device-escape leaves a captured device passed to a devres call to devm-after-unbind
        L(`setTimeout(() => devmAddAction(${d.dev}, () => log("${d.name}", "late action")), ${d.rng.int(10, 500)});`, m("devm-after-unbind", "devm-in-timer", "no-bound-device-escape")),
      );
    },
  },
  {
    kind: "devm-in-promise-reaction",
    rule: "devm-after-unbind",
    apply(d) {
      d.probeDevm.push(
        L(`void msleep(${d.rng.int(1, 50)}).then(() => devmRequestIrq(${d.dev}, IRQ_LINE + 1, (bound) => log(bound.name, "late irq")));`, m("devm-after-unbind", "devm-in-promise-reaction", "no-bound-device-escape")),
      );
    },
  },
  {
    kind: "devm-forged-cast-in-helper",
    rule: "devm-after-unbind",
    needs(d) {
      d.f.timer = true;
      d.f.timerInProbe = false;
    },
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`/** Called from the poll timer: the device may be long unbound by then. */`),
        L(`export function rearmWatchdog(ref: Device, state: ${d.ident}State): void {`),
        L(`if (state.errors === 0) return;`),
        L(`devmAddAction(ref as Device<Bound>, () => { state.errors = 0; });`, m("devm-after-unbind", "devm-forged-cast-in-helper")),
        L(`}`),
      );
      d.probeManual.push(L(`const watchdog = setInterval(() => rearmWatchdog(ref, state), POLL_MS * 4);`));
      d.data.push({ name: "watchdog", type: "ReturnType<typeof setInterval>" });
      d.removeHead.push(L(`clearInterval(data.watchdog);`));
    },
  },
  // ---- no-devres-to-kobject ----
  {
    kind: "kobject-member-of-devm",
    rule: "no-devres-to-kobject",
    apply(d) {
      d.probeDevm.push(L(`const bus = devmKzalloc(${d.dev}, () => ({ adapter: new I2cAdapter("${d.name}-bus"), xfers: 0 }));`));
      d.probeManual.push(L(`i2cAddAdapter(bus.adapter);`, m("no-devres-to-kobject", "kobject-member-of-devm")));
      d.data.push({ name: "bus", type: "{ adapter: I2cAdapter; xfers: number }" });
      d.removeBody.push(L(`i2cDelAdapter(data.bus.adapter);`));
    },
  },
  {
    kind: "kobject-alias-of-devm",
    rule: "no-devres-to-kobject",
    apply(d) {
      d.probeDevm.push(L(`const bus = devmKzalloc(${d.dev}, () => ({ adapter: new I2cAdapter("${d.name}-bus"), xfers: 0 }));`));
      d.probeManual.push(L(`const adap = bus.adapter;`), L(`i2cAddAdapter(adap);`, m("no-devres-to-kobject", "kobject-alias-of-devm")));
      d.data.push({ name: "adap", type: "I2cAdapter" });
      d.removeBody.push(L(`i2cDelAdapter(data.adap);`));
    },
  },
  {
    kind: "kobject-devm-allocated",
    rule: "no-devres-to-kobject",
    apply(d) {
      d.probeDevm.push(L(`const node = devmKzalloc(${d.dev}, () => new Kobject("${d.name}-node"));`));
      d.probeManual.push(L(`kobjectInitAndAdd(node);`, m("no-devres-to-kobject", "kobject-devm-allocated")));
      d.data.push({ name: "node", type: "Kobject" });
      d.removeBody.push(L(`kobjectPut(data.node);`));
    },
  },
  {
    kind: "kobject-via-helper",
    rule: "no-devres-to-kobject",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`export function publishAdapter(adap: I2cAdapter): void {`),
        L(`i2cAddAdapter(adap);`),
        L(`log("${d.name}", "adapter registered");`),
        L(`}`),
      );
      d.probeDevm.push(L(`const bus = devmKzalloc(${d.dev}, () => ({ adapter: new I2cAdapter("${d.name}-bus"), xfers: 0 }));`));
      d.probeManual.push(L(`publishAdapter(bus.adapter);`, m("no-devres-to-kobject", "kobject-via-helper")));
      d.data.push({ name: "bus", type: "{ adapter: I2cAdapter; xfers: number }" });
      d.removeBody.push(L(`i2cDelAdapter(data.bus.adapter);`));
    },
  },
  {
    kind: "cdev-member-of-devm",
    rule: "no-devres-to-kobject",
    needs(d) {
      d.f.cdev = true;
    },
    apply(d) {
      d.probeDevm.push(L(`const ctl = devmKzalloc(${d.dev}, () => ({ cdev: new Cdev("${d.name}-raw", {}), opens: 0 }));`));
      d.probeManual.push(L(`cdevDeviceAdd(ctl.cdev, child);`, m("no-devres-to-kobject", "cdev-member-of-devm")));
      d.data.push({ name: "ctl", type: "{ cdev: Cdev; opens: number }" });
      d.removeBody.unshift(L(`cdevDeviceDel(data.ctl.cdev, data.child);`));
    },
  },
  // ---- no-try-access-in-bound-scope ----
  {
    kind: "try-access-guard-in-probe",
    rule: "no-try-access-in-bound-scope",
    apply(d) {
      d.probeDevm.push(
        L(`{`),
        L(`using g = regs.tryAccess();`, m("no-try-access-in-bound-scope", "try-access-guard-in-probe")),
        L(`if (g) g.value.writel(CTRL_FLUSH, REG_CTRL);`),
        L(`}`),
      );
    },
  },
  {
    kind: "try-access-with-in-probe",
    rule: "no-try-access-in-bound-scope",
    apply(d) {
      d.probeDevm.push(
        L(`const revision = regs.tryAccessWith((m) => FIELD_GET(GENMASK(31, 16), m.readl(REG_ID))) ?? 0;`, m("no-try-access-in-bound-scope", "try-access-with-in-probe")),
        L(`log(${d.dev}.name, \`revision \${revision}\`);`),
      );
    },
  },
  {
    kind: "try-access-in-devm-irq",
    rule: "no-try-access-in-bound-scope",
    apply(d) {
      d.probeDevm.push(
        L(`devmRequestIrq(${d.dev}, IRQ_LINE + 1, (bound) => {`),
        L(`const status = regs.tryAccessWith((m) => m.readl(REG_STATUS)) ?? 0;`, m("no-try-access-in-bound-scope", "try-access-in-devm-irq")),
        L(`if (status & STATUS_TX) log(bound.name, "tx done");`),
        L(`});`),
      );
    },
  },
  // ---- no-mixed-devm-teardown ----
  {
    kind: "devm-irq-uses-manual",
    rule: "no-mixed-devm-teardown",
    apply(d) {
      d.probeMixed.push(
        L(`const backlog = kzalloc(() => new Ring<number>(RING_SIZE));`),
        L(`devmRequestIrq(${d.dev}, IRQ_LINE + 2, () => backlog.push(1));`, m("no-mixed-devm-teardown", "devm-irq-uses-manual")),
      );
      d.data.push({ name: "backlog", type: "Ring<number>" });
      d.removeBody.push(L(`kfree(data.backlog);`));
    },
  },
  {
    kind: "devm-action-after-manual",
    rule: "no-mixed-devm-teardown",
    apply(d) {
      d.probeMixed.push(
        L(`const counters = kzalloc(() => ({ resets: 0 }));`),
        L(`devmAddAction(${d.dev}, () => { counters.resets = 0; });`, m("no-mixed-devm-teardown", "devm-action-after-manual")),
      );
      d.data.push({ name: "counters", type: "{ resets: number }" });
      d.removeBody.push(L(`kfree(data.counters);`));
    },
  },
  {
    kind: "devm-wq-after-manual",
    rule: "no-mixed-devm-teardown",
    apply(d) {
      d.probeMixed.push(
        L(`const scratch = kzalloc(() => ({ bytes: [] as number[] }));`),
        L(`const late = devmAllocWorkqueue(${d.dev}, "${d.name}-late");`, m("no-mixed-devm-teardown", "devm-wq-after-manual")),
        L(`late.queue(() => { scratch.bytes.push(1); });`, m("no-mixed-devm-teardown", "devm-wq-after-manual")),
      );
      d.data.push({ name: "scratch", type: "{ bytes: number[] }" });
      d.removeBody.push(L(`kfree(data.scratch);`));
    },
  },
  // ---- no-devres-in-release ----
  {
    kind: "devres-in-device-release",
    rule: "no-devres-in-release",
    needs(d) {
      d.f.cdev = true;
    },
    apply(d) {
      d.childRelease = L(`release: () => devmKfree(${d.dev}, state),`, m("no-devres-in-release", "devres-in-device-release", "devm-after-unbind", "no-bound-device-escape"));
    },
  },
  {
    kind: "devres-in-kobject-release",
    rule: "no-devres-in-release",
    apply(d) {
      d.probeManual.push(
        L(`const tracker = new Kobject("${d.name}-tracker", () => devmKfree(${d.dev}, state));`, m("no-devres-in-release", "devres-in-kobject-release", "devm-after-unbind", "no-bound-device-escape")),
        L(`kobjectInitAndAdd(tracker);`),
      );
      d.data.push({ name: "tracker", type: "Kobject" });
      d.removeBody.push(L(`kobjectPut(data.tracker);`));
    },
  },
  {
    kind: "devres-in-file-release",
    rule: "no-devres-in-release",
    needs(d) {
      d.f.cdev = true;
      d.f.fopsInProbe = true;
    },
    apply(d) {
      d.inlineFops = d.inlineFops.filter((l) => !l.text.startsWith("release:"));
      d.inlineFops.push(L(`release: () => devmKfree(${d.dev}, state),`, m("no-devres-in-release", "devres-in-file-release", "devm-after-unbind", "no-bound-device-escape")));
    },
  },
  // ---- no-manual-free-of-devres ----
  {
    kind: "kfree-devm-in-remove",
    rule: "no-manual-free-of-devres",
    apply(d) {
      d.removeTail.push(L(`kfree(data.state);`, m("no-manual-free-of-devres", "kfree-devm-in-remove")));
    },
  },
  {
    kind: "free-irq-devm-on-error",
    rule: "no-manual-free-of-devres",
    apply(d) {
      d.probeDevm.push(
        L(`const spare = devmRequestIrq(${d.dev}, IRQ_LINE + 3, (bound) => log(bound.name, "spare irq"));`),
        L(`if (state.errors > ${d.rng.int(2, 9)}) {`),
        L(`freeIrq(spare);`, m("no-manual-free-of-devres", "free-irq-devm-on-error")),
        L(`throw new Error("${d.name}: too many errors during probe");`),
        L(`}`),
      );
    },
  },
  {
    kind: "iounmap-devm-in-remove",
    rule: "no-manual-free-of-devres",
    apply(d) {
      d.removeTail.push(L(`iounmap(data.regs.access(${d.dev}));`, m("no-manual-free-of-devres", "iounmap-devm-in-remove")));
    },
  },
  // ---- no-bound-device-escape ----
  {
    kind: "device-in-driver-data",
    rule: "no-bound-device-escape",
    apply(d) {
      d.data.push({ name: "bound", type: "Device<Core>", value: d.dev });
      d.returnMarks.push(m("no-bound-device-escape", "device-in-driver-data"));
    },
  },
  {
    kind: "device-in-field",
    rule: "no-bound-device-escape",
    fits: (d) => d.style === "class",
    apply(d) {
      d.classFields.push(L(`private current?: Device<Core>;`));
      d.probeTail.push(L(`this.current = ${d.dev};`, m("no-bound-device-escape", "device-in-field")));
    },
  },
  {
    kind: "device-in-module-variable",
    rule: "no-bound-device-escape",
    apply(d) {
      d.moduleDecls.push(L(`let lastProbed: Device<Bound> | undefined;`));
      d.probeTail.push(L(`lastProbed = ${d.dev};`, m("no-bound-device-escape", "device-in-module-variable")));
      d.removeTail.push(L(`if (lastProbed !== undefined) log(lastProbed.name, "removed");`));
    },
  },
  {
    kind: "device-captured-by-timer",
    rule: "no-bound-device-escape",
    apply(d) {
      d.probeDevm.push(L(`setTimeout(() => regs.access(${d.dev}).writel(CTRL_ENABLE, REG_CTRL), ${d.rng.int(5, 200)});`, m("no-bound-device-escape", "device-captured-by-timer")));
    },
  },
  {
    kind: "device-stored-by-helper",
    rule: "no-bound-device-escape",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`const known = new Map<string, Device<Bound>>();`),
        L(``),
        L(`export function trackDevice(dev: Device<Bound>): void {`),
        L(`known.set(dev.name, dev);`, m("no-bound-device-escape", "device-stored-by-helper")),
        L(`}`),
        L(``),
        L(`export function trackedNames(): string[] {`),
        L(`return [...known.keys()];`),
        L(`}`),
      );
      // the helper's parameter is itself a Device<Bound>: its store and the caller's call are both reported (the rule's doc)
      d.probeTail.push(L(`trackDevice(${d.dev});`, m("no-bound-device-escape", "device-stored-by-helper")));
    },
  },
  {
    kind: "device-kept-by-generic-helper",
    rule: "no-bound-device-escape",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`const keep = new Map<string, object>();`),
        L(``),
        L(`/** A generic cache: it does not know what it keeps. */`),
        L(`export function remember(key: string, value: object): void {`),
        L(`keep.set(key, value);`),
        L(`}`),
      );
      d.probeTail.push(L(`remember("${d.name}:dev", ${d.dev});`, m("no-bound-device-escape", "device-kept-by-generic-helper")));
    },
  },
  // ---- no-revocable-escape ----
  {
    kind: "section-value-stored",
    rule: "no-revocable-escape",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`let lastMmio: Mmio | undefined;`),
        L(``),
        L(`export function sampleStatus(regs: Devres<Mmio>): number {`),
        L(`using g = regs.tryAccess();`),
        L(`if (!g) return -ENODEV;`),
        L(`lastMmio = g.value;`, m("no-revocable-escape", "section-value-stored")),
        L(`return g.value.readl(REG_STATUS);`),
        L(`}`),
        L(``),
        L(`export function lastSample(): number {`),
        L(`return lastMmio?.readl(REG_STATUS) ?? 0;`),
        L(`}`),
      );
    },
  },
  {
    kind: "section-value-returned",
    rule: "no-revocable-escape",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`export function grabRegs(regs: Devres<Mmio>): Mmio | undefined {`),
        L(`return regs.tryAccessWith((m) => m);`, m("no-revocable-escape", "section-value-returned")),
        L(`}`),
      );
    },
  },
  {
    kind: "section-value-in-timer",
    rule: "no-revocable-escape",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`export function kick(regs: Devres<Mmio>, delay: number): void {`),
        L(`regs.tryAccessWith((m) => { setTimeout(() => m.writel(CTRL_ENABLE, REG_CTRL), delay); });`, m("no-revocable-escape", "section-value-in-timer")),
        L(`}`),
      );
    },
  },
  {
    kind: "access-result-in-field",
    rule: "no-revocable-escape",
    fits: (d) => d.style === "class",
    apply(d) {
      d.classFields.push(L(`private hw?: Mmio;`));
      d.probeTail.push(L(`this.hw = regs.access(${d.dev});`, m("no-revocable-escape", "access-result-in-field")));
    },
  },
  // ---- no-await-in-revocable-section ----
  {
    kind: "await-in-guard-scope",
    rule: "no-await-in-revocable-section",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`export async function flushFifo(regs: Devres<Mmio>): Promise<number> {`),
        L(`using g = regs.tryAccess();`),
        L(`if (!g) return -ENODEV;`),
        L(`g.value.writel(CTRL_FLUSH, REG_CTRL);`),
        L(`await msleep(RESET_DELAY_MS);`, m("no-await-in-revocable-section", "await-in-guard-scope")),
        L(`return g.value.readl(REG_STATUS);`),
        L(`}`),
      );
    },
  },
  {
    kind: "await-in-async-section-callback",
    rule: "no-await-in-revocable-section",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`export async function resync(regs: Devres<Mmio>): Promise<number> {`),
        L(`const status = await regs.tryAccessWith(async (m) => { m.writel(CTRL_RESET, REG_CTRL); await msleep(RESET_DELAY_MS); return m.readl(REG_STATUS); });`, m("no-await-in-revocable-section", "await-in-async-section-callback")),
        L(`return status ?? -ENODEV;`),
        L(`}`),
      );
    },
  },
  {
    kind: "promise-returned-from-section",
    rule: "no-await-in-revocable-section",
    apply(d) {
      d.helperExtra.push(
        L(``),
        L(`export function settle(regs: Devres<Mmio>): Promise<void> | undefined {`),
        L(`return regs.tryAccessWith((m) => msleep(m.readl(REG_STATUS) & 0xf));`, m("no-await-in-revocable-section", "promise-returned-from-section")),
        L(`}`),
      );
    },
  },
];
