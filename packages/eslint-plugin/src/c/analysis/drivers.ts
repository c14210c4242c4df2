/**
 * drivers.ts (C): the drivers a translation unit defines and the roles of its functions.
 *
 * A driver is a variable of a driver struct type of the vocabulary (`static struct
 * platform_driver foo_driver = { .probe = foo_probe, .remove = foo_remove, .driver = { .pm =
 * &foo_pm_ops } }`); its role fields name its probe and remove (`.remove_new`, usb's
 * `.disconnect`, ...); `module_platform_driver_probe(drv, probe)` names a probe too. Several
 * drivers in one file are kept apart: each has the functions its roles reach (calls, and
 * functions named as values: the IRQ handler, work function or action its probe registers).
 *
 * Invariant: one pass over the file-scope declarations and the module macros, then a
 * breadth-first walk of the (memoised) references of each role; linear in the file. A role
 * naming a function not defined here (extern) is kept by name only.
 *
 * API
 *   getDrivers(unit)                -> Driver[] (memoised per unit)
 *   Driver { name, struct, bus, node, probe[], remove[], pm[], registered }
 *   rolesOf(unit, fn)               -> { driver, role }[]  ("probe" | "remove" | "shutdown" | "pm")
 *   driversReaching(unit, fn)       -> Driver[] whose roles reach fn (through calls and registered callbacks)
 *   reachedFrom(unit, fns)          -> Set<CFunction> reachable from the given functions
 *   ownerText(driver)               "the device of foo_driver" (message text) / "its device"
 */
import { DRIVER_STRUCTS, MODULE_DRIVER_MACROS, DRIVER_REGISTER, PM_OPS_MACROS, PM_OPS_STRUCT, lookup } from "../vocabulary/index.js";
import { argumentsOf, child, declaredName, strip, type CNode } from "./syntax.js";
import type { CFunction, Unit } from "./unit.js";

export type Role = "probe" | "remove" | "shutdown" | "pm";

export interface Driver {
  /** the variable name (foo_driver) */
  name: string;
  /** the struct tag (platform_driver) */
  struct: string;
  bus: string;
  node: CNode;
  probe: CFunction[];
  remove: CFunction[];
  shutdown: CFunction[];
  pm: CFunction[];
  /** registered by module_*_driver() or a *_register_driver() call in this file */
  registered: boolean;
}

interface DriverTable {
  drivers: Driver[];
  reach: Map<Driver, Set<CFunction>>;
}

const tables = new WeakMap<Unit, DriverTable>();

/** The file function an initialiser value names (`foo_probe`, `&foo_probe`, `pm_ptr(&foo_pm)`). */
function functionsNamed(unit: Unit, value: CNode): CFunction[] {
  const v = strip(value);
  if (v.type === "identifier" && v.text) {
    const b = unit.resolve(v);
    return b.kind === "function" ? [b.fn] : [];
  }
  if (v.type === "pointer_expression") {
    const a = child(v, "argument");
    return a ? functionsNamed(unit, a) : [];
  }
  if (v.type === "call_expression") return argumentsOf(v).flatMap((a) => functionsNamed(unit, a));
  if (v.type === "conditional_expression") return v.children.filter((c) => c.field !== "condition").flatMap((c) => functionsNamed(unit, c));
  return [];
}

/** Identifier a value names (`&foo_pm` -> foo_pm, `pm_sleep_ptr(&foo_pm)` -> foo_pm). */
function nameIn(value: CNode): string | undefined {
  const v = strip(value);
  if (v.type === "identifier") return v.text;
  if (v.type === "pointer_expression") {
    const a = child(v, "argument");
    return a ? nameIn(a) : undefined;
  }
  if (v.type === "call_expression") {
    for (const a of argumentsOf(v)) {
      const n = nameIn(a);
      if (n) return n;
    }
  }
  return undefined;
}

function pmCallbacks(unit: Unit, opsName: string): CFunction[] {
  const out: CFunction[] = [];
  const ops = unit.globals.get(opsName);
  if (ops && ops.type.tag === PM_OPS_STRUCT) {
    for (const w of unit.memberWrites) if (w.member?.base === ops.id && w.value) out.push(...functionsNamed(unit, w.value));
  }
  // SIMPLE_DEV_PM_OPS(foo_pm, suspend, resume): parsed as a call, or as a macro type specifier.
  for (const call of unit.calls) {
    const name = child(call, "function")?.text;
    const spec = name ? lookup(PM_OPS_MACROS, name) : undefined;
    if (!spec) continue;
    const args = argumentsOf(call);
    if (args[spec.ops] && nameIn(args[spec.ops]!) === opsName) for (const i of spec.callbacks) if (args[i]) out.push(...functionsNamed(unit, args[i]!));
  }
  return out;
}

function build(unit: Unit): DriverTable {
  const drivers: Driver[] = [];
  const byName = new Map<string, Driver>();
  for (const v of unit.globals.values()) {
    const info = v.type.tag !== undefined && v.type.pointer === 0 ? lookup(DRIVER_STRUCTS, v.type.tag) : undefined;
    if (!info) continue;
    const d: Driver = { name: v.name, struct: v.type.tag!, bus: info.bus, node: v.id, probe: [], remove: [], shutdown: [], pm: [], registered: false };
    drivers.push(d);
    byName.set(d.name, d);
  }
  if (byName.size > 0) {
    for (const w of unit.memberWrites) {
      if (w.kind !== "init" || !w.member || !w.value) continue;
      const d = byName.get(declaredName(w.member.base)?.text ?? "");
      // the defining declaration may follow a tentative one (`static struct platform_driver foo_driver;`)
      if (!d || (d.node !== w.member.base && (!w.member.base || unit.functionOf(w.member.base) !== undefined))) continue;
      const path = w.member.path;
      if (path.length === 1) {
        const role = lookup(DRIVER_STRUCTS, d.struct)?.roles;
        const r = role ? lookup(role, path[0]!) : undefined;
        if (r) d[r].push(...functionsNamed(unit, w.value));
      } else if (path.length === 2 && path[0] === "driver" && path[1] === "pm") {
        const ops = nameIn(w.value);
        if (ops) d.pm.push(...pmCallbacks(unit, ops));
      }
    }
  }
  for (const call of unit.calls) {
    const name = unit.isKernelCall(call);
    if (!name) continue;
    const macro = lookup(MODULE_DRIVER_MACROS, name);
    const reg = macro ?? lookup(DRIVER_REGISTER, name);
    if (!reg) continue;
    const args = argumentsOf(call);
    const arg = args[reg.driverArg];
    const d = arg ? byName.get(nameIn(arg) ?? "") : undefined;
    if (!d) continue;
    d.registered = true;
    if (macro?.probeArg !== undefined && args[macro.probeArg]) d.probe.push(...functionsNamed(unit, args[macro.probeArg]!));
  }
  const reach = new Map<Driver, Set<CFunction>>();
  for (const d of drivers) reach.set(d, reachedFrom(unit, [...d.probe, ...d.remove, ...d.shutdown, ...d.pm]));
  return { drivers, reach };
}

function table(unit: Unit): DriverTable {
  let t = tables.get(unit);
  if (!t) tables.set(unit, (t = build(unit)));
  return t;
}

export function getDrivers(unit: Unit): readonly Driver[] {
  return table(unit).drivers;
}

export function reachedFrom(unit: Unit, fns: readonly CFunction[]): Set<CFunction> {
  const seen = new Set<CFunction>(fns);
  const queue = [...fns];
  for (let i = 0; i < queue.length; i++) {
    const f = queue[i]!;
    for (const g of unit.referencedFunctions(f)) if (!seen.has(g)) {
      seen.add(g);
      queue.push(g);
    }
  }
  return seen;
}

export function rolesOf(unit: Unit, fn: CFunction): { driver: Driver; role: Role }[] {
  const out: { driver: Driver; role: Role }[] = [];
  for (const d of getDrivers(unit)) for (const role of ["probe", "remove", "shutdown", "pm"] as const) if (d[role].includes(fn)) out.push({ driver: d, role });
  return out;
}

export function driversReaching(unit: Unit, fn: CFunction): Driver[] {
  const t = table(unit);
  return t.drivers.filter((d) => t.reach.get(d)!.has(fn));
}

export function ownerText(driver: Driver | undefined): string {
  return driver ? `the device of ${driver.name}` : "its device";
}
