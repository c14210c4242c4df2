/**
 * unbound-devices.ts (C): devices no driver binds, on which devres lasts until the device itself
 * is released (device_release() runs devres_release_all()) instead of until an unbind:
 *   - a miscdevice's class device, `misc.this_device` (made by misc_register());
 *   - a device from device_create() / root_device_register() held in a variable;
 *   - `&pdev->dev` of a platform device the file creates itself (platform_device_register_simple(),
 *     platform_device_alloc(), ...) when the file registers no driver that could bind it (the
 *     legacy-ISA and pseudo-device idiom: the module unregisters the device on exit), also
 *     through one helper parameter that every caller in the file fills with such a device.
 * A devm call on such a device is not "after unbind"; whether it piles up until the device goes
 * is another question (the message of devm-after-unbind would be wrong about it).
 *
 * Invariant: never throws; a variable counts as made by a creator only when every value written
 * to it (NULL aside) is a call of one, so a pointer also assigned a found device is not one.
 *
 * API
 *   neverBound(unit, expr)   the device expression names a device no driver binds
 */
import { CLASS_DEVICE_CREATORS, CLASS_DEVICE_MEMBERS, PLATFORM_DEVICE_CREATORS } from "../vocabulary/index.js";
import { argumentsOf, child, isNullValue, strip, type CNode } from "./syntax.js";
import { getDrivers } from "./drivers.js";
import type { Unit } from "./unit.js";

/**
 * Every non-NULL value written to the variable `id` names is a call of one of `creators`; for a
 * parameter of a file helper, every call of the helper in the file passes such a variable (one
 * level: `ecc_register(foo_pdev)` from the module init).
 */
function madeBy(unit: Unit, id: CNode, creators: ReadonlySet<string>, depth = 0): boolean {
  const b = unit.resolve(id);
  if (b.kind === "param" && b.variable.fn && b.variable.index !== undefined && depth === 0) {
    const calls = unit.callersOf(b.variable.fn);
    return calls.length > 0 && calls.every((call) => {
      const arg = argumentsOf(call)[b.variable.index!];
      const a = arg ? strip(arg) : undefined;
      return a?.type === "identifier" && madeBy(unit, a, creators, depth + 1);
    });
  }
  if (b.kind !== "local" && b.kind !== "global") return false;
  let made = false;
  for (const w of unit.writesTo(b.variable)) {
    if (w.kind === "out") return false;
    if (!w.value || isNullValue(w.value)) continue;
    const v = strip(w.value);
    const name = v.type === "call_expression" ? unit.isKernelCall(v) : undefined;
    if (!name || !creators.has(name)) return false;
    made = true;
  }
  return made;
}

export function neverBound(unit: Unit, expr: CNode | undefined): boolean {
  if (!expr) return false;
  const e = strip(expr);
  if (e.type === "field_expression") return CLASS_DEVICE_MEMBERS.has(child(e, "field")?.text ?? "");
  if (e.type === "identifier") return madeBy(unit, e, CLASS_DEVICE_CREATORS);
  // &pdev->dev, &pdev.dev of a platform device the file creates and no driver of the file binds
  if (e.type !== "pointer_expression" || e.operator !== "&") return false;
  const member = child(e, "argument");
  const m = member ? strip(member) : undefined;
  if (m?.type !== "field_expression" || child(m, "field")?.text !== "dev") return false;
  const base = child(m, "argument");
  const b = base ? strip(base) : undefined;
  return b?.type === "identifier" && getDrivers(unit).length === 0 && madeBy(unit, b, PLATFORM_DEVICE_CREATORS);
}
