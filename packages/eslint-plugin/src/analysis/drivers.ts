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
 * Candidates are found syntactically, once per SourceFile object (object literals and classes with
 * a member named `probe`, only in files whose text mentions "probe"; inline probe/remove/methods
 * are read off the syntax). A member given by reference (`{ probe: fooProbe }`) is resolved through
 * the checker once per file and kept while the file's imports do not change (a summary with fileOf,
 * summaries.ts), so a new program (an edit in the editor) re-walks only the edited file. Whether a candidate is a
 * driver is asked of the checker only when a query reaches that candidate (confirm(): linting one
 * file does not type-check every driver of the program).
 *
 * API
 *   driversInFile(an, sourceFile)      the drivers declared in one file
 *   driverRoleOf(an, fn)               { driver, role: "probe" | "remove" | "method" } for a function
 *                                      that is a driver's probe/remove (wherever it is declared) or
 *                                      another method of a class driver
 *   driverDisplayName(driver)          the static driver name, or the class/variable name, or undefined
 *   enclosingDriver(an, node)          the driver whose probe/remove/method lexically encloses `node`
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { deltaOf, filesOf, generationOf, lineageSlot } from "./program-delta.js";
import { defineSummary } from "./summaries.js";
import { deviceContextOf } from "./brands.js";
import { isFunctionNode, propertyNameText, skipOuter, type FunctionNode } from "./ast.js";
import { referencedFunction as functionReferenced } from "./call-sites.js";

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

/** A member's function when the syntax says it (a method with a body, a function-valued property). */
function inlineFunction(member: ts.ObjectLiteralElementLike | ts.ClassElement): FunctionNode | undefined | "reference" {
  if (ts.isMethodDeclaration(member)) return member.body ? member : undefined;
  if (ts.isPropertyAssignment(member) || ts.isPropertyDeclaration(member)) {
    if (!member.initializer) return undefined;
    const init = skipOuter(member.initializer);
    return isFunctionNode(init) ? init : "reference";
  }
  return ts.isShorthandPropertyAssignment(member) ? "reference" : undefined;
}

/** A member given by reference (`probe: fooProbe`, `{ probe }`): the function it names, in any file. */
function referencedFunction(an: Analysis, member: ts.ObjectLiteralElementLike | ts.ClassElement): FunctionNode | undefined {
  // `{ probe }`: the name reads the variable (call-sites.ts reads its value symbol).
  if (ts.isShorthandPropertyAssignment(member)) return functionReferenced(an, member.name);
  const init = (member as ts.PropertyAssignment | ts.PropertyDeclaration).initializer;
  return init ? functionReferenced(an, init) : undefined;
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

type Member = ts.ObjectLiteralElementLike | ts.ClassElement;

/**
 * A syntactic driver candidate (an object literal or class with a `probe` member). Whether it
 * is a driver (its probe takes a Device<Core>) is asked of the checker only when a query needs
 * this candidate: for an object literal passed to a generic `defineDriver<D>`, that question
 * type-checks the whole probe body (inference of D), so linting one file must not pay it for
 * every driver of the program.
 */
interface Candidate {
  node: ts.ObjectLiteralExpression | ts.ClassLikeDeclaration;
  /** Its place in its file (pre-order). */
  index: number;
  probe: Member | undefined;
  remove: Member | undefined;
  name: Member | undefined;
  /** Class drivers: the members that may be methods (methods and properties), in order. */
  methods: Member[];
}

/**
 * One listing of a function by a candidate. Ordered as the first index listed them: files in
 * program order, candidates in pre-order, a class's methods, then probe, then remove; the last
 * confirmed listing wins.
 */
interface CandidateRole {
  candidate: Candidate;
  role: DriverRole["role"];
  seq: number;
}

interface FileDrivers {
  candidates: Candidate[];
  /** Functions the candidates list by their syntax (inline members). */
  inline: Map<ts.Node, CandidateRole[]>;
  /** Members that name a function declared elsewhere (resolved through the checker). */
  references: Array<{ member: Member; candidate: Candidate; role: DriverRole["role"]; seq: number }>;
}

const NO_DRIVERS: FileDrivers = { candidates: [], inline: new Map(), references: [] };
const fileDriversMemo = new WeakMap<ts.SourceFile, FileDrivers>();

/** The candidates of one file: syntax only, once per SourceFile object. */
function fileDrivers(sf: ts.SourceFile): FileDrivers {
  let fd = fileDriversMemo.get(sf);
  if (fd) return fd;
  if (!sf.text.includes("probe")) {
    fileDriversMemo.set(sf, NO_DRIVERS);
    return NO_DRIVERS;
  }
  fd = { candidates: [], inline: new Map(), references: [] };
  const out = fd;
  const list = (c: Candidate, member: Member | undefined, role: DriverRole["role"], seq: number) => {
    const fn = member && inlineFunction(member);
    if (fn === "reference") out.references.push({ member: member!, candidate: c, role, seq });
    else if (fn) {
      const roles = out.inline.get(fn);
      if (roles) roles.push({ candidate: c, role, seq });
      else out.inline.set(fn, [{ candidate: c, role, seq }]);
    }
  };
  const visit = (n: ts.Node): void => {
    let c: Candidate | undefined;
    if (ts.isObjectLiteralExpression(n) && n.properties.some((p) => p.name && propertyNameText(p.name) === "probe")) {
      c = { node: n, index: out.candidates.length, probe: undefined, remove: undefined, name: undefined, methods: [] };
      for (const m of n.properties) {
        const key = m.name ? propertyNameText(m.name) : undefined;
        if (key === "probe") c.probe = m;
        else if (key === "remove") c.remove = m;
        else if (key === "name") c.name = m;
      }
    } else if (ts.isClassLike(n) && n.members.some((m) => m.name && propertyNameText(m.name) === "probe")) {
      c = { node: n, index: out.candidates.length, probe: undefined, remove: undefined, name: undefined, methods: [] };
      for (const m of n.members) {
        const key = m.name ? propertyNameText(m.name) : undefined;
        const mayBeMethod = ts.isMethodDeclaration(m) || ts.isPropertyDeclaration(m);
        if (mayBeMethod) c.methods.push(m);
        // a `probe`/`remove` that is neither method nor property names no function
        if (key === "probe") c.probe = mayBeMethod ? m : undefined;
        else if (key === "remove") c.remove = mayBeMethod ? m : undefined;
        else if (key === "name") c.name = m;
      }
    }
    if (c) {
      out.candidates.push(c);
      c.methods.forEach((m, i) => list(c!, m, "method", i));
      list(c, c.probe, "probe", c.methods.length);
      list(c, c.remove, "remove", c.methods.length + 1);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  fileDriversMemo.set(sf, fd);
  return fd;
}

/** The files whose candidates count (the program's own sources), kept up to date by file delta. */
interface DriverFiles {
  owner: ts.Program | undefined;
  generation: number;
  /** The files with a member given by reference. */
  withReferences: Set<ts.SourceFile>;
}

function driverFiles(an: Analysis): DriverFiles {
  const program = an.program;
  const d = lineageSlot<DriverFiles>(program, "driver-files", () => ({ owner: undefined, generation: 0, withReferences: new Set() }));
  if (d.owner === program) return d;
  const place = (sf: ts.SourceFile) => {
    const fd = !sf.isDeclarationFile && !program.isSourceFileFromExternalLibrary(sf) ? fileDrivers(sf) : NO_DRIVERS;
    if (fd.references.length > 0) d.withReferences.add(sf);
    else d.withReferences.delete(sf);
  };
  const delta = deltaOf(program);
  if (d.owner && delta && d.generation === delta.generation - 1) {
    for (const sf of delta.removed) d.withReferences.delete(sf);
    for (const sf of delta.stale) place(sf);
  } else {
    d.withReferences.clear();
    for (const sf of filesOf(program).all) place(sf);
  }
  d.owner = program;
  d.generation = generationOf(program);
  return d;
}

/** The function a member given by reference names: per file, reused while the file's imports do not change. */
const memberReference = defineSummary<Member, FunctionNode | null, Analysis>("driver-member-reference", (an, member) => referencedFunction(an, member) ?? null, {
  fileOf: (member) => member.getSourceFile(),
});

/** A member's function: from its syntax, or resolved. */
function memberFunction(an: Analysis, member: Member | undefined): FunctionNode | undefined {
  if (!member) return undefined;
  const fn = inlineFunction(member);
  return fn === "reference" ? (memberReference.get(an, member) ?? undefined) : fn;
}

function nameOf(an: Analysis, c: Candidate): string | undefined {
  const m = c.name;
  if (!m) return undefined;
  if (ts.isPropertyAssignment(m) || ts.isPropertyDeclaration(m)) return staticString(an, m.initializer);
  if (ts.isShorthandPropertyAssignment(m)) return staticString(an, m.name);
  if (ts.isGetAccessor(m) && ts.isClassLike(c.node)) return staticString(an, m.body?.statements.find(ts.isReturnStatement)?.expression);
  return undefined;
}

/** A candidate is a driver when its probe takes a Device<Core> (asked of the checker once per program). */
const confirmed = defineSummary<Candidate, DriverInfo | null, Analysis>("driver-confirmed", (an, c) => {
  const probe = memberFunction(an, c.probe);
  if (!takesCoreDevice(an, probe)) return null;
  const remove = memberFunction(an, c.remove) ?? (c.remove === undefined && ts.isClassLike(c.node) ? inheritedMethod(an, c.node, "remove") : undefined);
  const methods = c.methods.map((m) => memberFunction(an, m)).filter((f): f is FunctionNode => f !== undefined);
  return ts.isObjectLiteralExpression(c.node)
    ? { kind: "object", node: c.node, name: nameOf(an, c), binding: bindingName(c.node), probe, remove, methods: [] }
    : { kind: "class", node: c.node, name: nameOf(an, c), binding: c.node.name?.text ?? bindingName(c.node), probe, remove, methods };
});

/** A subclass driver without its own remove() runs its base class's (a class of the program's own sources). */
function inheritedMethod(an: Analysis, cls: ts.ClassLikeDeclaration, name: string): FunctionNode | undefined {
  if (!cls.heritageClauses?.some((h) => h.token === ts.SyntaxKind.ExtendsKeyword)) return undefined;
  const sym = an.checker.getPropertyOfType(an.checker.getTypeAtLocation(cls), name);
  const decl = sym?.declarations?.find((d): d is ts.MethodDeclaration => ts.isMethodDeclaration(d) && d.body !== undefined);
  return decl && !decl.getSourceFile().isDeclarationFile ? decl : undefined;
}

function confirm(an: Analysis, c: Candidate): DriverInfo | undefined {
  return confirmed.get(an, c) ?? undefined;
}

/** Functions listed by reference, across the program (per program; resolutions per file). */
const referenceRolesOf = defineSummary<"program", Map<ts.Node, CandidateRole[]>, Analysis>("driver-reference-roles", (an) => {
  const roles = new Map<ts.Node, CandidateRole[]>();
  for (const sf of driverFiles(an).withReferences) {
    for (const r of fileDrivers(sf).references) {
      const fn = memberFunction(an, r.member);
      if (!fn) continue;
      const list = roles.get(fn);
      if (list) list.push(r);
      else roles.set(fn, [r]);
    }
  }
  return roles;
});

function referenceRoles(an: Analysis): Map<ts.Node, CandidateRole[]> {
  return referenceRolesOf.get(an, "program");
}

/** Every listing of `fn`, in the order of the first index (see CandidateRole). */
function rolesOfFunction(an: Analysis, fn: ts.Node): readonly CandidateRole[] {
  const sf = fn.getSourceFile();
  const inline = (!sf.isDeclarationFile && !an.program.isSourceFileFromExternalLibrary(sf) && fileDrivers(sf).inline.get(fn)) || [];
  const byReference = referenceRoles(an).get(fn);
  if (!byReference) return inline;
  const order = fileOrder(an);
  const key = (r: CandidateRole) => [order.get(r.candidate.node.getSourceFile()) ?? -1, r.candidate.index, r.seq] as const;
  return [...inline, ...byReference].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    return ka[0] - kb[0] || ka[1] - kb[1] || ka[2] - kb[2];
  });
}

/** Each file's place in the program (the order listings are read in). */
const fileOrderOf = defineSummary<"program", Map<ts.SourceFile, number>, Analysis>("program-file-order", (an) => {
  const order = new Map<ts.SourceFile, number>();
  for (const sf of filesOf(an.program).all) order.set(sf, order.size);
  return order;
});

function fileOrder(an: Analysis): Map<ts.SourceFile, number> {
  return fileOrderOf.get(an, "program");
}

export function driversInFile(an: Analysis, sf: ts.SourceFile = an.sourceFile): readonly DriverInfo[] {
  if (sf.isDeclarationFile || an.program.isSourceFileFromExternalLibrary(sf)) return [];
  return fileDrivers(sf).candidates.map((c) => confirm(an, c)).filter((d): d is DriverInfo => d !== undefined);
}

export function driverRoleOf(an: Analysis, fn: ts.Node): DriverRole | undefined {
  // The last driver listing the function wins (the first index overwrote in visiting order).
  const list = rolesOfFunction(an, fn);
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
