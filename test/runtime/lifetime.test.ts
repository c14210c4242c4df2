// The seam between the always-on lifetime tracking (packages/runtime/src/lifetime.ts) and the
// optional sanitizer (sanitizer.ts, report.ts): what the tracking promises with the sanitizer
// off, what only the sanitizer does, and how the tracking's errors reach the sanitizer's record.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { types } from "node:util";
import ts from "typescript";
import { afterEach, describe, expect, test } from "vitest";
import {
  Device,
  DoubleReleaseError,
  I2cAdapter,
  Kobject,
  NotBoundError,
  SanitizerError,
  UseAfterFreeError,
  allocWorkqueue,
  defineDriver,
  destroyWorkqueue,
  devmAddAction,
  devmAllocWorkqueue,
  devmIoremap,
  devmKfree,
  devmKzalloc,
  devmRequestIrq,
  freeIrq,
  ioremap,
  iounmap,
  kfree,
  kobjectInitAndAdd,
  kzalloc,
  putDevice,
  requestIrq,
  sanitizer,
  type Bound,
} from "@devbound/runtime";
import { liveSince, plug } from "./helpers.js";

afterEach(() => {
  sanitizer.disable();
  sanitizer.clearReports();
});

/** What throwing `fn` (sync or async) threw. */
async function caught(fn: () => unknown): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a throw");
}

/**
 * A driver whose probe() releases each of its four devm resources by hand (the manual-release
 * check written once, in lifetime.ts), collecting what each attempt threw.
 */
function manualFreeDriver(name: string, thrown: unknown[]) {
  return defineDriver({
    name,
    async probe(dev) {
      const priv = devmKzalloc(dev, () => ({ n: 0 }));
      const irq = devmRequestIrq(dev, 0, () => void priv.n++);
      const regs = devmIoremap(dev, { size: 16 });
      const wq = devmAllocWorkqueue(dev, "w");
      thrown.push(await caught(() => kfree(priv)));
      thrown.push(await caught(() => freeIrq(irq)));
      thrown.push(await caught(() => iounmap(regs.access(dev))));
      thrown.push(await caught(() => destroyWorkqueue(wq)));
      return {};
    },
  });
}

describe("lifetime tracking: always on, sanitizer off", () => {
  test("a manual release of each devm resource is refused, with the sanitizer's message; devres still releases each once", async () => {
    expect(sanitizer.enabled).toBe(false);
    const base = sanitizer.live();
    const off: unknown[] = [];
    const a = await plug(manualFreeDriver("manual-off", off));
    expect(off.map((e) => e instanceof DoubleReleaseError)).toEqual([true, true, true, true]);
    expect(off.map((e) => (e as Error).message)).toEqual([
      `double release: kfree() of devmKzalloc allocation of device "${a.dev.name}", which was allocated with devmKzalloc(): devres frees it again when "${a.dev.name}" unbinds; free it now with devmKfree(dev, p), or allocate it with kzalloc() to free it by hand`,
      `double release: freeIrq() of IRQ 0 of device "${a.dev.name}", which was requested with devmRequestIrq(): devres frees it again when "${a.dev.name}" unbinds; leave it to devres, or request it with requestIrq() to free it by hand`,
      `double release: iounmap() of MMIO mapping [0, +16) of device "${a.dev.name}", which was mapped with devmIoremap(): devres unmaps it again when "${a.dev.name}" unbinds; leave it to devres, or map it with ioremap() to unmap it by hand`,
      `double release: destroyWorkqueue() of workqueue "w" of device "${a.dev.name}", which was allocated with devmAllocWorkqueue(): devres destroys it again when "${a.dev.name}" unbinds; leave it to devres, or allocate it with allocWorkqueue() to destroy it by hand`,
    ]);
    await a.bus.unplug(a.dev); // refused, so nothing was released twice: the unbind is clean
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
    expect(sanitizer.reports).toEqual([]); // off: thrown, not recorded

    // The same attempts with the sanitizer on: the same messages, and each one recorded.
    sanitizer.enable();
    const on: unknown[] = [];
    const b = await plug(manualFreeDriver("manual-off", on));
    expect(on.map((e) => (e as Error).message.replaceAll(b.dev.name, a.dev.name))).toEqual(off.map((e) => (e as Error).message));
    expect(sanitizer.reports.map((r) => [r.check, r.severity, r.device])).toEqual(Array(4).fill(["double-release", "error", b.dev.name]));
    await b.bus.unplug(b.dev);
  });

  test("double releases and the runtime's own operations on released resources throw, naming the resource", async () => {
    const never = "(enable the sanitizer to record where)";
    const p = kzalloc(() => ({ n: 1 }));
    kfree(p);
    expect(() => kfree(p)).toThrow(`double release: kfree() on kzalloc allocation, already released by kfree() ${never}`);

    const k = new Kobject("tracked");
    k.put();
    expect(() => k.put()).toThrow(`double release: put() on Kobject "tracked", already released by its last put() ${never}`);
    expect(() => k.get()).toThrow(UseAfterFreeError);

    const wq = allocWorkqueue("tracked-wq");
    await destroyWorkqueue(wq);
    await expect(destroyWorkqueue(wq)).rejects.toThrow(`double release: destroyWorkqueue() on workqueue "tracked-wq", already released by destroyWorkqueue() ${never}`);
    expect(() => wq.queue(() => {})).toThrow(`use after free: queue() on workqueue "tracked-wq", released by destroyWorkqueue() ${never}`);

    const drv = defineDriver({
      name: "tracked",
      probe(dev) {
        const irq = requestIrq(dev, 0, () => {});
        freeIrq(irq);
        expect(() => freeIrq(irq)).toThrow(`double release: freeIrq() on IRQ 0 of device "${dev.name}", already released by freeIrq() ${never}`);
        const regs = ioremap(dev, { size: 8 });
        iounmap(regs);
        expect(() => regs.readl(0)).toThrow(`use after free: readl(0) on MMIO mapping [0, +8) of device "${dev.name}", released by iounmap() ${never}`);
        expect(() => iounmap(regs)).toThrow(DoubleReleaseError);
        const buf = devmKzalloc(dev, () => ({}));
        devmKfree(dev, buf);
        expect(() => devmKfree(dev, buf)).toThrow(`double release: devmKfree() on devmKzalloc allocation of device "${dev.name}", already released by devmKfree() ${never}`);
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    await bus.unplug(dev);
    expect(() => putDevice(dev)).toThrow(DoubleReleaseError); // the bus dropped the last reference
    expect(sanitizer.reports).toEqual([]);
  });

  test("a devm call on an unbound device is refused, and live() counts, with the sanitizer off", async () => {
    const base = sanitizer.live();
    let kept: Device<Bound> | undefined;
    const drv = defineDriver({
      name: "counted",
      probe(d) {
        kept = d;
        devmKzalloc(d, () => ({}));
        devmAddAction(d, () => {});
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    const k = kzalloc(() => ({}));
    expect(liveSince(base)).toEqual({ devres: 2, objects: 1, allocations: 2 });
    await bus.unbind(dev);
    expect(() => devmAddAction(kept!, () => {})).toThrow(NotBoundError);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 1, allocations: 1 });
    kfree(k);
    await bus.unplug(dev);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
    expect(sanitizer.reports).toEqual([]);
  });
});

describe("sanitizer-only checks are off when it is off", () => {
  test("nothing is proxied, and user code touching released memory is not caught (C without KASAN)", async () => {
    const handles: object[] = [];
    let priv: { n: number } | undefined;
    const drv = defineDriver({
      name: "raw",
      probe(dev) {
        priv = devmKzalloc(dev, () => ({ n: 1 }));
        const regs = devmIoremap(dev, { size: 8 });
        handles.push(dev, priv, regs.access(dev), devmRequestIrq(dev, 0, () => {}), devmAllocWorkqueue(dev, "raw-wq"));
        return {};
      },
    });
    const { bus, dev } = await plug(drv);
    const k = kzalloc(() => ({ n: 2 }));
    const objects = [new Kobject("raw-k"), new I2cAdapter("raw-a"), new Device({ name: "raw-d" })] as const;
    handles.push(k, ...objects);
    expect(handles.map((h) => types.isProxy(h))).toEqual(Array(handles.length).fill(false));
    objects[0].put();
    objects[1].put();
    putDevice(objects[2]);
    kfree(k);
    await bus.unplug(dev);
    expect(k.n).toBe(2);
    expect(priv!.n).toBe(1);
    expect(sanitizer.reports).toEqual([]);
  });

  test("debug checks 2, 3 and 4, DEBUG_SHIRQ and per-binding proofs: nothing reported, nothing fired", async () => {
    const log: string[] = [];
    let kept: Device<Bound> | undefined;
    const drv = defineDriver({
      name: "quiet",
      probe(dev) {
        kept ??= dev;
        const priv = devmKzalloc(dev, () => ({ kobj: new Kobject("quiet-k") })); // debug check 2: has remove()
        kobjectInitAndAdd(priv.kobj); // debug check 3: devres member to a kobject API
        const buf = devmKzalloc(dev, () => ({}));
        const k = new Kobject("quiet-rel", () => devmKfree(dev, buf)); // debug check 4: devres from a release callback
        k.put();
        const irq = requestIrq(dev, 0, () => void log.push("irq"));
        freeIrq(irq); // DEBUG_SHIRQ would fire the handler here
        return {};
      },
      remove() {},
    });
    const { bus, dev } = await plug(drv);
    expect(log).toEqual([]);
    await bus.unbind(dev);
    await bus.bind(dev);
    // Off, the proof of the first binding is the device itself: not recognised as stale once
    // the device is bound again (on, it is refused: devres.test.ts).
    expect(() => devmAddAction(kept!, () => {})).not.toThrow();
    await bus.unplug(dev);
    expect(sanitizer.reports).toEqual([]);
  });
});

describe("the seam: the tracking's errors reach the sanitizer's record", () => {
  test("on, a double release is thrown and recorded where it happened; with panic a SanitizerError is thrown instead", () => {
    sanitizer.enable();
    const p = kzalloc(() => ({}));
    kfree(p);
    expect(() => kfree(p)).toThrow(DoubleReleaseError);
    expect(sanitizer.reports).toEqual([
      expect.objectContaining({ check: "double-release", severity: "error", message: expect.stringMatching(/^double release: kfree\(\) on kzalloc allocation, already released by kfree\(\) at .*lifetime\.test\.ts/), at: expect.stringMatching(/lifetime\.test\.ts/) }),
    ]);
    sanitizer.enable({ panic: true });
    expect(() => kfree(p)).toThrow(SanitizerError);
  });

  test("a resource made with the sanitizer off is still tracked after it is turned on (not proxied)", () => {
    const p = kzalloc(() => ({ n: 3 }));
    sanitizer.enable();
    expect(types.isProxy(p)).toBe(false);
    kfree(p);
    expect(() => kfree(p)).toThrow(/^double release: kfree\(\) on kzalloc allocation, already released by kfree\(\) at /);
    expect(p.n).toBe(3); // not poisoned: it was handed out raw
    expect(sanitizer.errors().map((r) => r.check)).toEqual(["double-release"]);
  });
});

describe("layers of the runtime", () => {
  // Each module's relative imports that exist at run time (type-only ones are erased), parsed
  // with TypeScript (no type check).
  const src = path.join(path.dirname(fileURLToPath(import.meta.url)), "../../packages/runtime/src");
  const typeOnly = (d: ts.ImportDeclaration | ts.ExportDeclaration): boolean => {
    if (ts.isExportDeclaration(d)) return d.isTypeOnly || (d.exportClause !== undefined && ts.isNamedExports(d.exportClause) && d.exportClause.elements.every((e) => e.isTypeOnly));
    const c = d.importClause;
    if (c === undefined) return false; // `import "./polyfill.js"`: run for its effect
    if (c.isTypeOnly) return true;
    const b = c.namedBindings;
    return c.name === undefined && b !== undefined && ts.isNamedImports(b) && b.elements.every((e) => e.isTypeOnly);
  };
  const imports = new Map<string, string[]>();
  for (const f of readdirSync(src).filter((n) => n.endsWith(".ts"))) {
    const sf = ts.createSourceFile(f, readFileSync(path.join(src, f), "utf8"), ts.ScriptTarget.Latest);
    const to: string[] = [];
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st)) || st.moduleSpecifier === undefined || typeOnly(st)) continue;
      const spec = (st.moduleSpecifier as ts.StringLiteral).text;
      if (spec.startsWith("./")) to.push(spec.slice(2).replace(/\.js$/, ".ts"));
    }
    imports.set(f, to);
  }
  const reach = (from: string): Set<string> => {
    const seen = new Set<string>();
    const walk = (f: string) => {
      for (const to of imports.get(f) ?? []) if (!seen.has(to)) (seen.add(to), walk(to));
    };
    walk(from);
    return seen;
  };

  test("the tracking and the record do not depend on the sanitizer's Proxies; Devres<T> is in devres.ts", () => {
    expect(imports.get("lifetime.ts")).toEqual(["errors.ts", "report.ts"]); // brands.ts: type only, not read at run time
    expect([...reach("lifetime.ts")].sort()).toEqual(["errors.ts", "report.ts"]);
    expect([...reach("report.ts")]).toEqual(["errors.ts"]);
    expect(readFileSync(path.join(src, "devres.ts"), "utf8")).toMatch(/^export class Devres<T> extends Revocable<T> \{$/m);
  });

  test("no module imports itself through others (no import cycle)", () => {
    const cycles = [...imports.keys()].filter((f) => reach(f).has(f));
    expect(cycles).toEqual([]);
  });
});
