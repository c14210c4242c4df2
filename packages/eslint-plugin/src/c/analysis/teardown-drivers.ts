/**
 * teardown-drivers.ts (C): the drivers of a file with their probe() and remove() function
 * definitions, as the teardown check needs them: driver-struct initialisers
 * (`static struct platform_driver foo_driver = { .probe = foo_probe, .remove = foo_remove }`),
 * the role fields named by the vocabulary's DRIVER_STRUCTS.
 *
 * Invariant: only functions defined in this file are returned; a driver without both roles is
 * still listed (the check skips it).
 */
import { DRIVER_STRUCTS, lookup } from "../vocabulary/index.js";
import { child, stripParens, type FileIndex, type FunctionDef } from "./tu-index.js";
import type { CNode } from "@devbound/eslint-language-c";

export interface DriverRoles {
  /** The driver struct variable ("foo_driver"). */
  name: string;
  probe: FunctionDef | undefined;
  remove: FunctionDef | undefined;
}

export function driversOf(index: FileIndex): DriverRoles[] {
  return index.memo("teardown-drivers", () => {
    const out: DriverRoles[] = [];
    for (const g of index.globals.values()) {
      const decl = g.declarator.parent;
      const type = decl ? child(decl, "type") : undefined;
      const tag = type?.type === "struct_specifier" ? child(type, "name")?.text : undefined;
      const info = tag ? lookup(DRIVER_STRUCTS, tag) : undefined;
      if (!info || !g.init || g.init.type !== "initializer_list") continue;
      const roles: DriverRoles = { name: g.name, probe: undefined, remove: undefined };
      for (const pair of g.init.children) {
        if (pair.type !== "initializer_pair") continue;
        const field = pair.children.find((c) => c.field === "designator")?.children[0]?.text;
        const value = child(pair, "value");
        const role = field ? lookup(info.roles, field) : undefined;
        if (!role || !value || (role !== "probe" && role !== "remove")) continue;
        const fn = functionOf(value, index);
        if (fn) roles[role] = fn;
      }
      out.push(roles);
    }
    return out;
  });
}

function functionOf(value: CNode, index: FileIndex): FunctionDef | undefined {
  const v = stripParens(value);
  const name = v.type === "identifier" ? v.text : v.type === "pointer_expression" ? child(v, "argument")?.text : undefined;
  return name ? index.functions.get(name) : undefined;
}
