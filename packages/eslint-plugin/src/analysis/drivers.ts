/**
 * drivers.ts: driver discovery.
 *
 * Invariant: a driver is recognised by type, not by the name `defineDriver`: an object literal
 * or a class whose `probe` takes a `Device<Core>` (the driver core's context). That covers
 * `defineDriver({...})`, `bus.registerDriver({...})`, `const ops: DriverOps<D> = {...}`, classes
 * implementing the driver interface, and `probe`/`remove` defined elsewhere and passed by
 * reference (`{ probe: fooProbe }`, `{ probe }`), in this file or another: the reference is
 * followed to its declaration through the checker.
 *
 * The index is built once per ts.Program (cheap syntactic filter: only object literals and
 * classes with a member named `probe`, only files whose text mentions "probe"; the checker is
 * asked only for those).
 *
 * API
 *   driversOf(an)                      every DriverInfo in the program
 *   driversInFile(an, sourceFile)      the drivers declared in one file
 *   driverRoleOf(an, fn)               { driver, role: "probe" | "remove" | "method" } for a function
 *                                      that is a driver's probe/remove (wherever it is declared) or
 *                                      another method of a class driver
 *   driverDisplayName(driver)          the static driver name, or the class/variable name, or undefined
 *   enclosingDriver(an, node)          the driver whose probe/remove/method lexically encloses `node`
 */
import ts from "typescript";
import type { Analysis } from "./services.js";
import { deviceContextOf } from "./brands.js";
import { functionDeclarationOf, functionOfSymbol, isFunctionNode, propertyNameText, skipOuter, type FunctionNode } from "./ast.js";

export interface DriverInfo {
  kind: "object" | "class";
  node: ts.ObjectLiteralExpression | ts.ClassLikeDeclaration;
  /** `name` when statically known ("foo-i2c"). */
  name: string | undefined;
  /** The variable or class the driver is bound to, for messages when `name` is not static. */
  binding: string | undefined;
  probe: FunctionNode | undefined;
  remove: FunctionNode | undefined;
  /** Class drivers: every method (probe/remove included). */
  methods: FunctionNode[];
}

export interface DriverRole {
  driver: DriverInfo;
  role: "probe" | "remove" | "method";
}

interface DriverIndex {
  drivers: DriverInfo[];
  roles: Map<ts.Node, DriverRole>;
  byFile: Map<ts.SourceFile, DriverInfo[]>;
}

function memberFunction(an: Analysis, member: ts.ObjectLiteralElementLike | ts.ClassElement): FunctionNode | undefined {
  if (ts.isMethodDeclaration(member)) return member.body ? member : undefined;
  if (ts.isPropertyAssignment(member) || ts.isPropertyDeclaration(member)) {
    if (!member.initializer) return undefined;
    const init = skipOuter(member.initializer);
    if (isFunctionNode(init)) return init;
    return functionDeclarationOf(an.checker, init);
  }
  if (ts.isShorthandPropertyAssignment(member)) {
    // `{ probe }`: the name reads the variable (the value symbol), not the property.
    const sym = an.checker.getShorthandAssignmentValueSymbol(member);
    return sym ? (functionOfSymbol(sym) ?? functionDeclarationOf(an.checker, member.name)) : undefined;
  }
  return undefined;
}

function staticString(an: Analysis, expr: ts.Expression | undefined): string | undefined {
  if (!expr) return undefined;
  const e = skipOuter(expr);
  if (ts.isStringLiteralLike(e)) return e.text;
  const t = an.checker.getTypeAtLocation(e);
  return t.isStringLiteral() ? t.value : undefined;
}

function takesCoreDevice(an: Analysis, fn: FunctionNode | undefined): boolean {
  const p = fn?.parameters[0];
  if (!p) return false;
  return deviceContextOf(an.checker, an.checker.getTypeAtLocation(p)) === "core";
}

function bindingName(node: ts.Node): string | undefined {
  let p: ts.Node | undefined = node.parent;
  while (p && (ts.isCallExpression(p) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p))) p = p.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

function objectDriver(an: Analysis, obj: ts.ObjectLiteralExpression): DriverInfo | undefined {
  let probe: FunctionNode | undefined;
  let remove: FunctionNode | undefined;
  let name: string | undefined;
  for (const m of obj.properties) {
    const key = m.name ? propertyNameText(m.name) : undefined;
    if (key === "probe") probe = memberFunction(an, m);
    else if (key === "remove") remove = memberFunction(an, m);
    else if (key === "name" && ts.isPropertyAssignment(m)) name = staticString(an, m.initializer);
    else if (key === "name" && ts.isShorthandPropertyAssignment(m)) name = staticString(an, m.name);
  }
  if (!takesCoreDevice(an, probe)) return undefined;
  return { kind: "object", node: obj, name, binding: bindingName(obj), probe, remove, methods: [] };
}

function classDriver(an: Analysis, cls: ts.ClassLikeDeclaration): DriverInfo | undefined {
  let probe: FunctionNode | undefined;
  let remove: FunctionNode | undefined;
  let name: string | undefined;
  const methods: FunctionNode[] = [];
  for (const m of cls.members) {
    const key = m.name ? propertyNameText(m.name) : undefined;
    const fn = ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m) ? memberFunction(an, m) : undefined;
    if (fn) methods.push(fn);
    if (key === "probe") probe = fn;
    else if (key === "remove") remove = fn;
    else if (key === "name" && ts.isPropertyDeclaration(m)) name = staticString(an, m.initializer);
    else if (key === "name" && ts.isGetAccessor(m)) {
      const ret = m.body?.statements.find(ts.isReturnStatement);
      name = staticString(an, ret?.expression);
    }
  }
  if (!takesCoreDevice(an, probe)) return undefined;
  return { kind: "class", node: cls, name, binding: cls.name?.text ?? bindingName(cls), probe, remove, methods };
}

function buildIndex(an: Analysis): DriverIndex {
  const index: DriverIndex = { drivers: [], roles: new Map(), byFile: new Map() };
  for (const sf of an.program.getSourceFiles()) {
    if (sf.isDeclarationFile || an.program.isSourceFileFromExternalLibrary(sf)) continue;
    if (!sf.text.includes("probe")) continue;
    const list: DriverInfo[] = [];
    const visit = (n: ts.Node): void => {
      let d: DriverInfo | undefined;
      if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => p.name && propertyNameText(p.name) === "probe")) d = objectDriver(an, n);
      else if (ts.isClassLike(n) && n.members.some((m) => m.name && propertyNameText(m.name) === "probe")) d = classDriver(an, n);
      if (d) {
        list.push(d);
        index.drivers.push(d);
        for (const fn of d.methods) index.roles.set(fn, { driver: d, role: "method" });
        if (d.probe) index.roles.set(d.probe, { driver: d, role: "probe" });
        if (d.remove) index.roles.set(d.remove, { driver: d, role: "remove" });
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    index.byFile.set(sf, list);
  }
  return index;
}

function indexOf(an: Analysis): DriverIndex {
  const memo = an.memo<"index", DriverIndex>("drivers");
  let idx = memo.get("index");
  if (!idx) memo.set("index", (idx = buildIndex(an)));
  return idx;
}

export function driversOf(an: Analysis): readonly DriverInfo[] {
  return indexOf(an).drivers;
}

export function driversInFile(an: Analysis, sf: ts.SourceFile = an.sourceFile): readonly DriverInfo[] {
  return indexOf(an).byFile.get(sf) ?? [];
}

export function driverRoleOf(an: Analysis, fn: ts.Node): DriverRole | undefined {
  return indexOf(an).roles.get(fn);
}

export function driverDisplayName(driver: DriverInfo | undefined): string | undefined {
  return driver?.name ?? driver?.binding;
}

export function enclosingDriver(an: Analysis, node: ts.Node): DriverRole | undefined {
  for (let p: ts.Node | undefined = node; p; p = p.parent) {
    if (isFunctionNode(p)) {
      const r = driverRoleOf(an, p);
      if (r) return r;
    }
  }
  return undefined;
}

/** For messages: the driver whose code encloses `node` ("foo-i2c"), or "the device". */
export function ownerName(an: Analysis, node: ts.Node | undefined): string {
  return (node && driverDisplayName(enclosingDriver(an, node)?.driver)) || "the device";
}
