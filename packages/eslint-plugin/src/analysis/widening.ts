/**
 * widening.ts: the `dev.get()` suggestion of no-bound-device-escape, made to compile.
 *
 * Invariant: a suggestion is offered only when the fixed file still type-checks, as far as the
 * code can show it: `dev.get()` is a Device<Normal>, so the place it is stored in must accept
 * one. When its declared type does not (`private dev?: Device<Bound>`, `let last: Device<Core> |
 * undefined`, an interface member, a `Device<Bound>[]` collection, a return type), the suggestion
 * also widens that declaration in the linted file (`Device<Bound>` -> `Device`, the type's default
 * context, Normal); a constructor parameter property becomes a field assigned `dev.get()`. Every
 * reader of a storage whose type changes (by widening, or by inference when it has no
 * annotation) is followed (aliases, `??`/`||`, members, destructuring, for-of, collections' reads)
 * to where its type is fixed: when that place asks for a bound device (`regs.access(this.dev)`,
 * a `Device<Bound>` parameter, an annotation), the stored value is used as a proof later: the fix
 * is in that code, and no suggestion is offered. Unknown flows (a callback over a collection, a
 * getter's inferred return) count as needing a bound device: no suggestion rather than a wrong one.
 *
 * API
 *   storeGetFix(an, node)          { edits, widened? } replacing `node` (a bound device expression)
 *                                  by `node.get()`, or undefined when it cannot be made to compile
 *   parameterPropertyFix(an, p)    the same for `constructor(private dev: Device<Bound>)`
 *   mentionsBoundDevice(an, type)  a bound device context in the type, a union member or a type argument
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { deviceContextOf, isBoundContext } from "./brands.js";
import { identifiersByName, isFunctionNode, symbolOf } from "./ast.js";
import { defineSummary } from "./summaries.js";

export interface TextEdit {
  range: [number, number];
  text: string;
}

export interface GetFix {
  edits: TextEdit[];
  /** A declaration the fix widens: what (for the message) and its new type text. */
  widened?: { target: string; type: string };
}

const MAX_FLOW = 10;
const COLLECTION_ADDERS = new Set(["push", "unshift", "set", "add"]);
/** Reads of a collection that hand out no element. */
const COLLECTION_QUERIES = new Set(["length", "size", "has", "delete", "clear", "includes", "indexOf"]);

export function mentionsBoundDevice(an: Analysis, type: ts.Type, depth = 0, seen = new Set<ts.Type>()): boolean {
  if (depth > 4 || seen.has(type)) return false;
  seen.add(type);
  const { checker } = an;
  const context = deviceContextOf(checker, type);
  if (isBoundContext(context)) return true;
  if (type.isUnionOrIntersection()) return type.types.some((t) => mentionsBoundDevice(an, t, depth + 1, seen));
  // The members of an object literal's type (`{ hw: Device<Bound> }`), not those of classes and interfaces.
  if (!context && type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Anonymous && !type.getCallSignatures().length) {
    if (type.getProperties().slice(0, 32).some((p) => mentionsBoundDevice(an, checker.getTypeOfSymbol(p), depth + 1, seen))) return true;
  }
  const args = [
    ...(type.flags & ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference ? checker.getTypeArguments(type as ts.TypeReference) : []),
    ...(type.aliasTypeArguments ?? []),
  ];
  return args.some((t) => mentionsBoundDevice(an, t, depth + 1, seen));
}

/** What `.get()` returns on this device type (Device<Normal>), if it has one. */
function getResultType(an: Analysis, device: ts.Type): ts.Type | undefined {
  const { checker } = an;
  const sym = checker.getPropertyOfType(checker.getNonNullableType(device), "get");
  const sig = sym && checker.getSignaturesOfType(checker.getTypeOfSymbol(sym), ts.SignatureKind.Call)[0];
  return sig?.getReturnType();
}

function getEdit(an: Analysis, node: ts.Expression): TextEdit {
  const sf = an.sourceFile;
  const text = node.getText(sf);
  const needsParens = !(ts.isIdentifier(node) || ts.isPropertyAccessExpression(node) || ts.isCallExpression(node) || ts.isElementAccessExpression(node));
  const got = needsParens ? `(${text}).get()` : `${text}.get()`;
  const parent = node.parent;
  // A shorthand property keeps its key.
  if (parent && ts.isShorthandPropertyAssignment(parent)) return { range: [parent.getStart(sf), parent.end], text: `${text}: ${got}` };
  return { range: [node.getStart(sf), node.end], text: got };
}

/**
 * A storage: its declaration, the type nodes that declare its type (an annotation, or the type
 * arguments of the `new Map<string, Device<Bound>>()` that initialises it; none: inferred from the
 * values stored), whether its type comes from what is stored in it (an unannotated object-literal
 * member, a variable without initializer), and a name for messages.
 */
type Storage = { decl: ts.Node; typeNodes: ts.TypeNode[]; inferred: boolean; target: string };

function storageOfDeclaration(decl: ts.Node, target: string): Storage {
  const type = ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertySignature(decl) || ts.isParameter(decl) || isFunctionNode(decl)
    ? (decl as { type?: ts.TypeNode }).type
    : undefined;
  if (type) return { decl, typeNodes: [type], inferred: false, target };
  const init = (decl as { initializer?: ts.Expression }).initializer;
  if (init && (ts.isNewExpression(init) || ts.isCallExpression(init)) && init.typeArguments?.length) return { decl, typeNodes: [...init.typeArguments], inferred: false, target };
  // An object-literal member, a variable without initializer: typed by what is put in it.
  const inferred = ts.isShorthandPropertyAssignment(decl) || ts.isPropertyAssignment(decl) || isFunctionNode(decl) || !init;
  return { decl, typeNodes: [], inferred, target };
}

function storageOfSymbol(sym: ts.Symbol | undefined, target: string): Storage | undefined {
  const decl = sym?.valueDeclaration ?? sym?.declarations?.[0];
  return decl ? storageOfDeclaration(decl, target) : undefined;
}

/**
 * The member `name` of an object literal's contextual type (the first constituent that has it:
 * a probe's return is contextually `D | Promise<D>`).
 */
function contextualMember(an: Analysis, literal: ts.ObjectLiteralExpression, name: string): ts.Symbol | undefined {
  const { checker } = an;
  const ctx = checker.getContextualType(literal);
  if (!ctx) return undefined;
  const types = ctx.isUnion() ? ctx.types : [ctx];
  for (const t of types) {
    const prop = checker.getPropertyOfType(t, name);
    if (prop) return prop;
  }
  return undefined;
}

/** Where the value at `node` is stored: the declaration whose type must accept `node.get()`. */
function storageOf(an: Analysis, node: ts.Expression): Storage | undefined {
  const { checker } = an;
  const p = node.parent;
  if (!p) return undefined;
  if ((ts.isShorthandPropertyAssignment(p) && p.name === node) || (ts.isPropertyAssignment(p) && p.initializer === node)) {
    const name = ts.isShorthandPropertyAssignment(p) ? p.name.text : ts.isIdentifier(p.name) || ts.isStringLiteral(p.name) ? p.name.text : undefined;
    if (name === undefined) return undefined;
    const prop = contextualMember(an, p.parent, name);
    // No contextual type: the literal's own member (its type is inferred from the value).
    return prop ? storageOfSymbol(prop, `\`${name}\``) : storageOfDeclaration(p, `\`${name}\``);
  }
  if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.EqualsToken && p.right === node) {
    const lhs = p.left;
    const sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(lhs) ? lhs.name : lhs);
    return storageOfSymbol(sym, `\`${lhs.getText()}\``);
  }
  if (ts.isVariableDeclaration(p) && p.initializer === node) return p.type ? storageOfDeclaration(p, `\`${p.name.getText()}\``) : { decl: p, typeNodes: [], inferred: true, target: "" };
  if (ts.isCallExpression(p) && p.arguments.includes(node) && ts.isPropertyAccessExpression(p.expression) && COLLECTION_ADDERS.has(p.expression.name.text)) {
    const recv = p.expression.expression;
    const sym = checker.getSymbolAtLocation(ts.isPropertyAccessExpression(recv) ? recv.name : recv);
    return storageOfSymbol(sym, `\`${recv.getText()}\``);
  }
  if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === node)) {
    let fn: ts.Node | undefined = p;
    while (fn && !isFunctionNode(fn)) fn = fn.parent;
    const fnName = fn && (fn as { name?: ts.Node }).name;
    const target = fnName && ts.isIdentifier(fnName) ? `the return type of \`${fnName.text}\`` : "the return type";
    return fn ? storageOfDeclaration(fn, target) : undefined;
  }
  return undefined;
}

/**
 * Edits that widen every bound device reference in an annotation to its default context
 * (`Device<Bound>` -> `Device`), or undefined when one cannot be (an alias such as `BoundDev`, a
 * generic without a default for its context).
 */
function widenAnnotation(an: Analysis, typeNode: ts.TypeNode): { edits: TextEdit[]; text: string } | undefined {
  const { checker } = an;
  const sf = an.sourceFile;
  if (typeNode.getSourceFile() !== sf) return undefined;
  const edits: TextEdit[] = [];
  let ok = true;
  const visit = (n: ts.Node): void => {
    if (!ok) return;
    if (ts.isTypeNode(n) && isBoundContext(deviceContextOf(checker, checker.getTypeFromTypeNode(n))) && !ts.isUnionTypeNode(n) && !ts.isParenthesizedTypeNode(n)) {
      if (!ts.isTypeReferenceNode(n) || !n.typeArguments?.length) {
        ok = false;
        return;
      }
      let sym = checker.getSymbolAtLocation(n.typeName);
      if (sym && sym.flags & ts.SymbolFlags.Alias) sym = checker.getAliasedSymbol(sym);
      const generic = sym?.declarations?.find((d) => ts.isClassDeclaration(d) || ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d)) as
        | ts.ClassDeclaration
        | ts.InterfaceDeclaration
        | ts.TypeAliasDeclaration
        | undefined;
      if (!generic?.typeParameters?.every((tp) => tp.default)) {
        ok = false;
        return;
      }
      edits.push({ range: [n.getStart(sf), n.end], text: n.typeName.getText(sf) });
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(typeNode);
  if (!ok || edits.length === 0) return undefined;
  const start = typeNode.getStart(sf);
  let text = typeNode.getText(sf);
  for (const e of [...edits].sort((a, b) => b.range[0] - a.range[0])) text = text.slice(0, e.range[0] - start) + e.text + text.slice(e.range[1] - start);
  return { edits, text };
}

// ---- readers: does any code use the stored value as a bound device? --------------------------

/**
 * Every identifier spelt `name` in the program's own (non-declaration) files: where a storage's
 * readers are looked for. Memoised per program and name (findings tend to share names: `dev`);
 * a file whose text does not contain `name` is not indexed for it (the editor's program holds
 * many files no rule reads).
 */
const identifiersNamedIn = defineSummary<string, ReadonlyArray<ts.Identifier | ts.PrivateIdentifier>, Analysis>("identifiers-named", (an, name) =>
  an.program.getSourceFiles().flatMap((sf) => (sf.isDeclarationFile || !sf.text.includes(name) ? [] : (identifiersByName(sf).get(name) ?? []))),
);

function identifiersNamed(an: Analysis, name: string): ReadonlyArray<ts.Identifier | ts.PrivateIdentifier> {
  return identifiersNamedIn.get(an, name);
}

/** A local (variable, parameter, binding) is read only in its own file; members and exports anywhere. */
function readableElsewhere(decl: ts.Node): boolean {
  if (ts.isParameter(decl)) return !!ts.getModifiers(decl)?.length; // a parameter property is a field
  if (ts.isBindingElement(decl)) return false;
  if (ts.isVariableDeclaration(decl)) {
    const stmt = decl.parent?.parent;
    return !!stmt && ts.isVariableStatement(stmt) && !!ts.getModifiers(stmt)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  }
  return true;
}

class Readers {
  private readonly seen = new Set<ts.Node>();
  constructor(private readonly an: Analysis) {}

  /**
   * Some reader of `decl` (a storage whose type is about to change) needs a bound device.
   * `membersOnly`: only `x.name` reads count (a parameter property's field, not the parameter).
   */
  storageUnsafe(decl: ts.Node, membersOnly = false, depth = 0): boolean {
    if (depth > MAX_FLOW) return true;
    if (this.seen.has(decl)) return false;
    this.seen.add(decl);
    const { checker } = this.an;
    const nameNode = (decl as { name?: ts.Node }).name;
    const name = nameNode && (ts.isIdentifier(nameNode) || ts.isPrivateIdentifier(nameNode)) ? nameNode.text : undefined;
    if (!name) return true;
    // An unannotated object-literal member: the literal's own type changes too, wherever it goes.
    if ((ts.isShorthandPropertyAssignment(decl) || ts.isPropertyAssignment(decl)) && ts.isObjectLiteralExpression(decl.parent) && this.flowUnsafe(decl.parent, depth + 1)) return true;
    const own = (sym: ts.Symbol | undefined) => !!sym?.declarations?.includes(decl as ts.Declaration);
    const local = readableElsewhere(decl) ? undefined : decl.getSourceFile();
    for (const n of identifiersNamed(this.an, name)) {
      if (n === nameNode || (local && n.getSourceFile() !== local)) continue;
      const p = n.parent;
      if (ts.isBindingElement(p) && (p.propertyName ?? p.name) === n && ts.isObjectBindingPattern(p.parent)) {
        // `const { dev } = data`, `remove(_d, { dev })`: the local reads the member.
        const prop = checker.getPropertyOfType(checker.getTypeAtLocation(p.parent), name);
        if (own(prop) && this.storageUnsafe(p, false, depth + 1)) return true;
      } else if (ts.isShorthandPropertyAssignment(p)) {
        // `{ dev }`: reads the variable `dev` (and writes a member of the same name).
        if (!membersOnly && own(checker.getShorthandAssignmentValueSymbol(p)) && this.flowUnsafe(n as ts.Identifier, depth)) return true;
      } else if (ts.isPropertyAssignment(p) && p.name === n) {
        // `{ dev: x }` written into the same declared type: a write.
      } else if ((!membersOnly || (ts.isPropertyAccessExpression(p) && p.name === n)) && own(checker.getSymbolAtLocation(n))) {
        const read = ts.isPropertyAccessExpression(p) && p.name === n ? p : ts.isIdentifier(n) ? n : undefined;
        if (!read || this.flowUnsafe(read, depth)) return true;
      }
    }
    return false;
  }

  /** The value at `e` is stored: its storage's declared type, or that storage's own readers. */
  private storedUnsafe(e: ts.Expression, depth: number): boolean | undefined {
    const st = storageOf(this.an, e);
    if (!st) return undefined;
    if (st.typeNodes.length) return st.typeNodes.some((t) => mentionsBoundDevice(this.an, this.an.checker.getTypeFromTypeNode(t)));
    return st.inferred ? this.storageUnsafe(st.decl, false, depth + 1) : mentionsBoundDevice(this.an, this.an.checker.getTypeAtLocation(e));
  }

  /** The value read at `read` reaches a place that asks for a bound device. */
  private flowUnsafe(read: ts.Expression, depth: number): boolean {
    if (depth > MAX_FLOW) return true;
    const { checker } = this.an;
    const mentions = (t: ts.Type | undefined) => t !== undefined && mentionsBoundDevice(this.an, t);
    let e: ts.Expression = read;
    for (;;) {
      const p = e.parent;
      if (ts.isParenthesizedExpression(p) || ts.isNonNullExpression(p) || ts.isAwaitExpression(p)) e = p;
      else if (ts.isBinaryExpression(p) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(p.operatorToken.kind)) e = p;
      else if (ts.isBinaryExpression(p) && p.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken && p.right === e) e = p;
      else if (ts.isConditionalExpression(p) && p.condition !== e) e = p;
      else if (ts.isCallExpression(p) && p.expression === e) e = p; // a function storage: its calls hand the value on
      else if (passesThrough(this.an, e)) e = p as ts.CallExpression;
      else break;
    }
    const p = e.parent;
    if (!p) return false;
    if (ts.isAsExpression(p) || ts.isTypeAssertionExpression(p)) return false; // a cast compiles from the wider type
    if (ts.isSatisfiesExpression(p)) return mentions(checker.getTypeFromTypeNode(p.type));
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsToken && p.right === e) return this.storedUnsafe(e, depth) ?? mentions(checker.getTypeAtLocation(p.left));
      if (op >= ts.SyntaxKind.FirstAssignment && op <= ts.SyntaxKind.LastAssignment) return p.left === e ? false : mentions(checker.getTypeAtLocation(p.left));
      return false; // comparisons, the left of `&&`
    }
    if (ts.isVariableDeclaration(p) && p.initializer === e) {
      if (p.type || ts.isIdentifier(p.name)) return this.storedUnsafe(e, depth) ?? true;
      if (ts.isObjectBindingPattern(p.name)) return p.name.elements.some((el) => this.storageUnsafe(el, false, depth + 1));
      return true;
    }
    if (ts.isPropertyAccessExpression(p) && p.expression === e) {
      const member = p.name.text;
      const call = p.parent;
      if (ts.isCallExpression(call) && call.expression === p) {
        if (COLLECTION_ADDERS.has(member) || COLLECTION_QUERIES.has(member)) return false;
        // A callback over the elements (forEach, map, find...) is not followed.
        if (mentions(checker.getTypeAtLocation(e)) && call.arguments.some((a) => isFunctionNode(a) || ts.isIdentifier(a))) return true;
        return mentions(checker.getTypeAtLocation(call)) ? this.flowUnsafe(call, depth + 1) : false;
      }
      if (COLLECTION_QUERIES.has(member)) return false;
      return mentions(checker.getTypeAtLocation(p)) ? this.flowUnsafe(p, depth + 1) : false;
    }
    if (ts.isElementAccessExpression(p) && p.expression === e) return mentions(checker.getTypeAtLocation(p)) ? this.flowUnsafe(p, depth + 1) : false;
    if (ts.isForOfStatement(p) && p.expression === e) {
      const init = p.initializer;
      const d = ts.isVariableDeclarationList(init) ? init.declarations[0] : undefined;
      return !d || !ts.isIdentifier(d.name) || this.storageUnsafe(d, false, depth + 1);
    }
    if (ts.isReturnStatement(p) || (ts.isArrowFunction(p) && p.body === e) || ts.isPropertyAssignment(p) || ts.isShorthandPropertyAssignment(p)) {
      const stored = this.storedUnsafe(e, depth);
      if (stored !== undefined) return stored;
    }
    if (ts.isCallExpression(p) || ts.isNewExpression(p) || ts.isArrayLiteralExpression(p) || ts.isSpreadElement(p) || ts.isReturnStatement(p) || ts.isArrowFunction(p)) {
      const ctx = checker.getContextualType(e);
      // No contextual type: the value's type is inferred into something not followed.
      return ctx ? mentions(ctx) : mentions(checker.getTypeAtLocation(e));
    }
    const ctx = ts.isShorthandPropertyAssignment(p) || ts.isPropertyAssignment(p) ? undefined : checker.getContextualType(e);
    return ctx ? mentions(ctx) : ts.isShorthandPropertyAssignment(p) || ts.isPropertyAssignment(p) ? mentions(checker.getTypeAtLocation(e)) : false;
  }
}

/**
 * `e` is an argument of a generic call whose parameter is a bare type parameter the result
 * carries on (`same<T>(x: T): T`): the value goes where the call's result goes.
 */
function passesThrough(an: Analysis, e: ts.Expression): boolean {
  const call = e.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(e)) return false;
  const sig = an.checker.getResolvedSignature(call);
  const decl = sig?.getDeclaration();
  const param = decl?.parameters?.[call.arguments.indexOf(e)];
  const tp = param?.type && ts.isTypeReferenceNode(param.type) && ts.isIdentifier(param.type.typeName) ? param.type.typeName.text : undefined;
  const ret = decl?.type && ts.isTypeReferenceNode(decl.type) && ts.isIdentifier(decl.type.typeName) ? decl.type.typeName.text : undefined;
  return !!tp && tp === ret && !!decl?.typeParameters?.some((t) => t.name.text === tp);
}

export function storeGetFix(an: Analysis, node: ts.Expression): GetFix | undefined {
  if (node.getSourceFile() !== an.sourceFile) return undefined;
  const { checker } = an;
  const normal = getResultType(an, checker.getTypeAtLocation(node));
  if (!normal) return undefined;
  const edits = [getEdit(an, node)];
  // `same(dev)` with `same<T>(x: T): T`: the call's result is what is stored.
  let at: ts.Expression = node;
  while (passesThrough(an, at)) at = at.parent as ts.CallExpression;
  const member = ts.isShorthandPropertyAssignment(at.parent) ? contextualMember(an, at.parent.parent, at.parent.name.text) : undefined;
  const expected = ts.isShorthandPropertyAssignment(at.parent) ? member && checker.getTypeOfSymbol(member) : checker.getContextualType(at);
  const store = storageOf(an, at);
  const accepts = expected ? checker.isTypeAssignableTo(normal, expected) : true;
  if (!store) return accepts ? { edits } : undefined;
  let widened: GetFix["widened"];
  const bound = store.typeNodes.filter((t) => mentionsBoundDevice(an, checker.getTypeFromTypeNode(t)));
  if (store.typeNodes.length && !bound.length) return accepts ? { edits } : undefined; // the declaration does not change
  if (!store.typeNodes.length && !store.inferred && !accepts) return undefined; // typed by something else: cannot widen here
  if (bound.length) {
    const texts = new Map<ts.TypeNode, string>();
    for (const t of bound) {
      const w = widenAnnotation(an, t);
      if (!w) return undefined;
      edits.push(...w.edits);
      texts.set(t, w.text);
    }
    const init = (store.decl as { initializer?: ts.Expression }).initializer;
    const fromInit = init && (ts.isNewExpression(init) || ts.isCallExpression(init)) && init.typeArguments?.includes(store.typeNodes[0]!);
    // For `new Map<string, Device<Bound>>()` name the widened type `Map<string, Device>`.
    const type = fromInit
      ? `${init.expression.getText(an.sourceFile)}<${store.typeNodes.map((t) => texts.get(t) ?? t.getText(an.sourceFile)).join(", ")}>`
      : texts.get(store.typeNodes[0]!)!;
    widened = { target: store.target, type };
  }
  if (new Readers(an).storageUnsafe(store.decl)) return undefined;
  return { edits, ...(widened ? { widened } : {}) };
}

/**
 * `constructor(private readonly dev: Device<Bound>, …) {…}` -> a field `private readonly dev:
 * Device;` before the constructor, a plain parameter, and `this.dev = dev.get();` first in the
 * body (after `super(…)`). Not for an optional or defaulted parameter.
 */
export function parameterPropertyFix(an: Analysis, param: ts.ParameterDeclaration): GetFix | undefined {
  const sf = an.sourceFile;
  const ctor = param.parent;
  if (param.getSourceFile() !== sf || !ts.isConstructorDeclaration(ctor) || !ctor.body || !ts.isIdentifier(param.name)) return undefined;
  if (param.questionToken || param.initializer || param.dotDotDotToken || !param.type) return undefined;
  const w = widenAnnotation(an, param.type);
  if (!w) return undefined;
  // Readers of the field `this.dev` (the parameter `dev` itself stays bound in the constructor).
  if (new Readers(an).storageUnsafe(param, true)) return undefined;
  const name = param.name.text;
  const modifiers = (ts.getModifiers(param) ?? []).map((m) => m.getText(sf)).join(" ");
  const lineStart = sf.text.lastIndexOf("\n", ctor.getStart(sf) - 1) + 1;
  const indent = /^[ \t]*/.exec(sf.text.slice(lineStart))![0];
  const edits: TextEdit[] = [
    { range: [ctor.getStart(sf), ctor.getStart(sf)], text: `${modifiers} ${name}: ${w.text};\n${indent}` },
    { range: [param.getStart(sf), param.type.end], text: `${name}: ${param.type.getText(sf)}` },
  ];
  const assign = `this.${name} = ${name}.get();`;
  const stmts = ctor.body.statements;
  const superCall = stmts.find((s) => ts.isExpressionStatement(s) && ts.isCallExpression(s.expression) && s.expression.expression.kind === ts.SyntaxKind.SuperKeyword);
  if (superCall) {
    // After `super(…)` (parameter properties are assigned there), on a line of its own when it has one.
    const line = sf.text.lastIndexOf("\n", superCall.getStart(sf) - 1) + 1;
    const before = sf.text.slice(line, superCall.getStart(sf));
    edits.push({ range: [superCall.end, superCall.end], text: /^[ \t]*$/.test(before) ? `\n${before}${assign}` : ` ${assign}` });
  }
  else if (stmts.length === 0) {
    const open = ctor.body.getStart(sf);
    edits.push({ range: [open + 1, ctor.body.end - 1], text: ` ${assign} ` });
  } else {
    const first = stmts[0]!;
    const firstLine = sf.text.lastIndexOf("\n", first.getStart(sf) - 1) + 1;
    const onOwnLine = /^[ \t]*$/.test(sf.text.slice(firstLine, first.getStart(sf)));
    const firstIndent = /^[ \t]*/.exec(sf.text.slice(firstLine))![0];
    edits.push({ range: [first.getStart(sf), first.getStart(sf)], text: onOwnLine ? `${assign}\n${firstIndent}` : `${assign} ` });
  }
  return { edits, widened: { target: `\`this.${name}\``, type: w.text } };
}
