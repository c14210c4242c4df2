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
 * classes with a member named `probe`, only files whose text mentions "probe"); whether a
 * candidate is a driver is asked of the checker only when a query reaches that candidate
 * (confirm(): linting one file does not type-check every driver of the program).
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
  const declared = !p.type && !p.dotDotDotToken && !p.initializer ? declaredProbeParameterType(an, fn) : undefined;
  return deviceContextOf(an.checker, declared ?? an.checker.getTypeAtLocation(p)) === "core";
}

function mentionsAny(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(node) && names.has(node.text)) return true;
  return ts.forEachChild(node, (c) => mentionsAny(c, names) || undefined) ?? false;
}

/**
 * The declared type of an unannotated `probe` parameter of an object literal passed straight to a
 * function (`defineDriver({ probe(dev) {...} })`), read from the callee's declaration: parameter
 * type `DriverOps<D>` -> its `probe` member -> the member's first parameter's annotation. Asking
 * the checker instead infers D, which type-checks the whole object literal. Only decisive when
 * every step is a single plain declaration and the annotation mentions no type parameter (then
 * the contextual type the checker would give is that annotation); otherwise undefined.
 */
function declaredProbeParameterType(an: Analysis, fn: FunctionNode): ts.Type | undefined {
  const member = ts.isMethodDeclaration(fn) ? fn : ts.isPropertyAssignment(fn.parent) && fn.parent.initializer === fn ? fn.parent : undefined;
  if (!member || propertyNameText(member.name) !== "probe" || !ts.isObjectLiteralExpression(member.parent)) return undefined;
  const obj = member.parent;
  const call = obj.parent;
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression)) return undefined;
  const index = call.arguments.indexOf(obj);
  if (index < 0 || call.arguments.slice(0, index).some(ts.isSpreadElement)) return undefined;
  let sym = an.checker.getSymbolAtLocation(call.expression);
  if (sym && sym.flags & ts.SymbolFlags.Alias) sym = an.checker.getAliasedSymbol(sym);
  const decl = sym?.declarations?.length === 1 ? sym.declarations[0] : undefined;
  if (!decl || !ts.isFunctionDeclaration(decl)) return undefined;
  const param = decl.parameters[index];
  if (!param?.type || param.dotDotDotToken || !ts.isTypeReferenceNode(param.type)) return undefined;
  if (decl.parameters.some((q) => ts.isIdentifier(q.name) && q.name.text === "this")) return undefined;
  const paramType = an.checker.getTypeFromTypeNode(param.type);
  if (paramType.isUnion() || paramType.isIntersection()) return undefined;
  const prop = paramType.getProperty("probe");
  const propDecl = prop?.declarations?.length === 1 ? prop.declarations[0] : undefined;
  if (!propDecl || !ts.isMethodSignature(propDecl) || propDecl.questionToken) return undefined;
  const first = propDecl.parameters[0];
  if (!first?.type || first.dotDotDotToken || (ts.isIdentifier(first.name) && first.name.text === "this")) return undefined;
  const typeParams = new Set<string>();
  for (const tp of decl.typeParameters ?? []) typeParams.add(tp.name.text);
  const owner = propDecl.parent;
  if (!ts.isInterfaceDeclaration(owner)) return undefined;
  for (const tp of owner.typeParameters ?? []) typeParams.add(tp.name.text);
  if (mentionsAny(first.type, typeParams)) return undefined;
  return an.checker.getTypeFromTypeNode(first.type);
}

function bindingName(node: ts.Node): string | undefined {
  let p: ts.Node | undefined = node.parent;
  while (p && (ts.isCallExpression(p) || ts.isParenthesizedExpression(p) || ts.isAsExpression(p) || ts.isSatisfiesExpression(p))) p = p.parent;
  if (p && ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) return p.name.text;
  return undefined;
}

/** The member functions of a driver candidate; resolving a reference is a symbol lookup, no type check. */
function objectMembers(an: Analysis, obj: ts.ObjectLiteralExpression) {
  let probe: FunctionNode | undefined;
  let remove: FunctionNode | undefined;
  let nameMember: ts.ObjectLiteralElementLike | undefined;
  for (const m of obj.properties) {
    const key = m.name ? propertyNameText(m.name) : undefined;
    if (key === "probe") probe = memberFunction(an, m);
    else if (key === "remove") remove = memberFunction(an, m);
    else if (key === "name") nameMember = m;
  }
  return { probe, remove, methods: [] as FunctionNode[], nameOf: () => {
    if (nameMember && ts.isPropertyAssignment(nameMember)) return staticString(an, nameMember.initializer);
    if (nameMember && ts.isShorthandPropertyAssignment(nameMember)) return staticString(an, nameMember.name);
    return undefined;
  } };
}

function classMembers(an: Analysis, cls: ts.ClassLikeDeclaration) {
  let probe: FunctionNode | undefined;
  let remove: FunctionNode | undefined;
  let nameMember: ts.ClassElement | undefined;
  const methods: FunctionNode[] = [];
  for (const m of cls.members) {
    const key = m.name ? propertyNameText(m.name) : undefined;
    const fn = ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m) ? memberFunction(an, m) : undefined;
    if (fn) methods.push(fn);
    if (key === "probe") probe = fn;
    else if (key === "remove") remove = fn;
    else if (key === "name") nameMember = m;
  }
  return { probe, remove, methods, nameOf: () => {
    if (nameMember && ts.isPropertyDeclaration(nameMember)) return staticString(an, nameMember.initializer);
    if (nameMember && ts.isGetAccessor(nameMember)) return staticString(an, nameMember.body?.statements.find(ts.isReturnStatement)?.expression);
    return undefined;
  } };
}

/**
 * A syntactic driver candidate (an object literal or class with a `probe` member). Whether it
 * is a driver (its probe takes a Device<Core>) is asked of the checker only when a query needs
 * this candidate: for an object literal passed to a generic `defineDriver<D>`, that question
 * type-checks the whole probe body (inference of D), so linting one file must not pay it for
 * every driver of the program.
 */
interface Candidate {
  node: ts.ObjectLiteralExpression | ts.ClassLikeDeclaration;
  members: ReturnType<typeof objectMembers>;
  /** undefined: not asked yet; null: not a driver. */
  info?: DriverInfo | null;
}

function confirm(an: Analysis, c: Candidate): DriverInfo | undefined {
  if (c.info === undefined) {
    const { probe, remove, methods } = c.members;
    c.info = !takesCoreDevice(an, probe)
      ? null
      : ts.isObjectLiteralExpression(c.node)
        ? { kind: "object", node: c.node, name: c.members.nameOf(), binding: bindingName(c.node), probe, remove, methods }
        : { kind: "class", node: c.node, name: c.members.nameOf(), binding: c.node.name?.text ?? bindingName(c.node), probe, remove, methods };
  }
  return c.info ?? undefined;
}

interface CandidateRole {
  candidate: Candidate;
  role: DriverRole["role"];
}

interface DriverIndex {
  candidates: Candidate[];
  /** Every candidate listing the function, in visiting order. */
  roles: Map<ts.Node, CandidateRole[]>;
  byFile: Map<ts.SourceFile, Candidate[]>;
}

function buildIndex(an: Analysis): DriverIndex {
  const index: DriverIndex = { candidates: [], roles: new Map(), byFile: new Map() };
  for (const sf of an.program.getSourceFiles()) {
    if (sf.isDeclarationFile || an.program.isSourceFileFromExternalLibrary(sf)) continue;
    if (!sf.text.includes("probe")) continue;
    const list: Candidate[] = [];
    const visit = (n: ts.Node): void => {
      let members: Candidate["members"] | undefined;
      if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => p.name && propertyNameText(p.name) === "probe")) members = objectMembers(an, n);
      else if (ts.isClassLike(n) && n.members.some((m) => m.name && propertyNameText(m.name) === "probe")) members = classMembers(an, n);
      if (members) {
        const c: Candidate = { node: n as Candidate["node"], members };
        list.push(c);
        index.candidates.push(c);
        const add = (fn: FunctionNode, role: DriverRole["role"]) => {
          const list = index.roles.get(fn);
          if (list) list.push({ candidate: c, role });
          else index.roles.set(fn, [{ candidate: c, role }]);
        };
        for (const fn of members.methods) add(fn, "method");
        if (members.probe) add(members.probe, "probe");
        if (members.remove) add(members.remove, "remove");
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
  return indexOf(an).candidates.map((c) => confirm(an, c)).filter((d): d is DriverInfo => d !== undefined);
}

export function driversInFile(an: Analysis, sf: ts.SourceFile = an.sourceFile): readonly DriverInfo[] {
  return (indexOf(an).byFile.get(sf) ?? []).map((c) => confirm(an, c)).filter((d): d is DriverInfo => d !== undefined);
}

export function driverRoleOf(an: Analysis, fn: ts.Node): DriverRole | undefined {
  // The last driver listing the function wins (the eager index overwrote in visiting order).
  const list = indexOf(an).roles.get(fn) ?? [];
  for (let i = list.length - 1; i >= 0; i--) {
    const driver = confirm(an, list[i]!.candidate);
    if (driver) return { driver, role: list[i]!.role };
  }
  return undefined;
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
