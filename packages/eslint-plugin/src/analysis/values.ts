/**
 * values.ts: the value engine. Where a value comes from (every origin the code allows, with the
 * member path below it and the helper calls descended through), and where a parameter goes
 * (the branded parameters it reaches through the user's helpers). Every rule asks here, so
 * whether something is devres memory, or which device a call is given, does not depend on
 * which rule asks.
 *
 * Invariant: a may-analysis over what the code says (never names), flow-insensitive but
 * member-path-aware: `priv.buf = kzalloc(...)` gives `priv.buf` that origin even inside a managed
 * `priv` (both origins are kept: the view decides). Followed: const and `let` aliases (every
 * assignment counts), member assignments, object/array destructuring and literals (`{ ring }`,
 * `[dev]`, spreads `{ ...priv.side }` keep their members' origins), `for (const x of [a, b])`,
 * class fields (`this.ring`, every assignment in the class, parameter properties), getters,
 * the user's helpers in any file (parameters read the call's arguments, spread arguments
 * expanded, rest parameters by position, default-parameter initialisers when the argument is
 * not passed; overloads resolve to the implementation), `super.probe()`, `await`, conditionals,
 * a driver's `remove(dev, data)` receiving what its `probe` returned, and `Devres<T>.access(dev)`
 * (a method of a managed value taking a bound-device proof hands out the managed value). A
 * value whose type carries `Managed<…>` is managed even when nothing else is known.
 *
 * Two ways to read storage: values (`originsOf`) look through fields and module variables to
 * what was stored there; devices (`deviceOrigins`) stop at them, since a stored Device<Bound>
 * proves nothing when read back: a field, a module variable, a collection read
 * (`registry.get(k)`, `for (const d of registry.values())`) is the origin; a local object or
 * array literal (`const ctx = { dev }; ctx.dev`, `const [d] = [dev]`) is not storage.
 *
 * Bounded: a depth limit and a per-query step budget (past them an origin is "unknown"); both
 * live inside one query, so a cut is never kept as a fact. Kept across queries (summaries.ts):
 * only the per-scope assignment and class-field indexes (facts of the syntax) and the sink
 * summaries (parameterSinks; a summary that read a helper still in progress on its cycle is not
 * kept, so it does not depend on who asked first).
 *
 * API
 *   originsOf(an, expr, path?, bindings?)   Origin[] (values: storage looked through)
 *   deviceOrigins(an, expr)                 Origin[] (devices: storage is an origin; casts)
 *     managed    { kinds, allocation (the devm call when visible), source, path, via }
 *     call       { call: a call the engine cannot see through (kzalloc, requestIrq, a library), path, via }
 *     literal    a fresh literal / `new` object / function: not an allocation
 *     parameter  { decl, fn, path }: a parameter nobody passes here
 *     stored     (devices) { storage: field | module-variable | collection, node, decl? }
 *     cast       (devices) { node, from, to }: a Device<Bound>/<Core> forged with a cast
 *     unknown    a global, a depth cut
 *     via: the helper calls descended through, outermost first.
 *   managedOrigin(an, expr)                 view: the first managed origin (may be devres memory)
 *   isManagedRelease(origins)               view: some managed origin and no manual allocation
 *   registeringDevice(an, expr)             the device parameter whose devres registration produced
 *                                           the managed value behind `expr`, when visible
 *   comesFromOutside(an, expr, scope)       view: the Devres behind `expr` has no visible registration
 *                                           and reaches `scope` from outside (may be another device's)
 *   bindArguments(call, fn, outer?)         Bindings: resolve inside helper `fn` as called by `call`
 *   argumentValues(call)                    the call's arguments by parameter position, spreads of
 *                                           array literals expanded
 *   rootOf(an, expr)                        { symbol, decl, path }: the variable `expr` reads (const
 *                                           aliases, destructuring, for-of elements), cheap: no types
 *   argumentSinks(an, call, i)              Sink[]: the branded parameters argument i reaches, itself or
 *                                           through the user's helpers (member paths, async facts)
 *   parameterSinks(an, fn, i)               the same for parameter i of a user function
 *   assignmentsTo(an, decl)                 right-hand sides assigned to a variable (`x = v`)
 *   storesInto(an, decl)                    those and what collection methods store in it (`x.set(k, v)`)
 *   returnExpressions(fn)                   the expressions a function returns (not nested functions')
 *   memberName(e)                           `a.b` / `a["b"]` / `a[0]` -> "b" / "b" / "0"
 *   bindingPath(el)                         the member path of a destructuring element and its top
 *   pathStartsWith(path, prefix)
 */
import { ts } from "../util/typescript.js";
import { isErrorType, type Analysis } from "./services.js";
import {
  deviceContextOf,
  hasAnyBrand,
  isBoundContext,
  managedKindOf,
  type DeviceContextName,
  type ManagedKind,
} from "./brands.js";
import { argumentBrands, argumentTakesBoundDevice, calledFunction, constructedClass, getterRun, typeOf, userFunctionOf } from "./call-sites.js";
import {
  declaredName,
  functionName,
  isFunctionNode,
  isModuleLevel,
  propertyNameText,
  returnedExpressions,
  skipOuter,
  skipParens,
  symbolOf,
  type FunctionNode,
} from "./ast.js";
import { driverRoleOf } from "./drivers.js";
import { mayReachBranded } from "./name-index.js";
import { isAfterAwait, isAsync, isAwaited } from "./deferral.js";
import { atTopLevel, defineSummary } from "./summaries.js";
import { referencesTo } from "./presentation.js";

const MAX_DEPTH = 12;
const BUDGET = 2000;

type Via = ts.CallExpression[];

export type Origin =
  | { kind: "managed"; kinds: ManagedKind[]; allocation: ts.CallExpression | undefined; source: ts.Node; path: string[]; via: Via }
  | { kind: "call"; call: ts.CallExpression | ts.NewExpression; path: string[]; via: Via }
  | { kind: "literal"; node: ts.Node; via: Via }
  | { kind: "parameter"; decl: ts.ParameterDeclaration | ts.BindingElement; fn: FunctionNode; node: ts.Node; path: string[]; via: Via }
  | { kind: "stored"; storage: "field" | "module-variable" | "collection"; node: ts.Expression; decl: ts.VariableDeclaration | undefined; path: string[]; via: Via }
  | { kind: "cast"; node: ts.AsExpression | ts.TypeAssertion; from: DeviceContextName | undefined; to: DeviceContextName; via: Via }
  | { kind: "unknown"; node: ts.Node; via: Via };

export type ManagedOriginOf = Extract<Origin, { kind: "managed" }>;

/** What a helper's parameter (or `this`) reads while the engine is inside that helper. */
interface Binding {
  arg: ts.Expression;
  env: Env;
  via: Via;
}
interface Env {
  params: ReadonlyMap<ts.ParameterDeclaration, Binding>;
  /** `this` inside a getter or constructor reached through a known receiver / `new`. */
  self: Binding | undefined;
}
const EMPTY_ENV: Env = { params: new Map(), self: undefined };

/** Parameter bindings for resolving inside a helper as called from a given call site. */
export type Bindings = Env;
export const NO_BINDINGS: Bindings = EMPTY_ENV;

interface State {
  depth: number;
  env: Env;
  via: Via;
  /** Devices: storage (fields, module variables, collections) is an origin, not looked through. */
  devices: boolean;
  /** The member read that started the current path (devices: what a "field" origin names). */
  member: ts.Expression | undefined;
  /** (node, path) pairs on the current resolution stack: cycle guard. */
  stack: Set<string>;
  /** Resolution steps left for this query (shared): bounds pathological fan-out. */
  budget: { left: number };
}

// ---- syntax, one copy each ---------------------------------------------------------------

export function memberName(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  const a = e.argumentExpression;
  return ts.isStringLiteralLike(a) || ts.isNumericLiteral(a) ? a.text : undefined;
}

export function pathStartsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
}

/** Binding path of a destructuring element: `const { a: { b } } = x` -> b has path ["a", "b"]; `[, c]` -> ["1"]. */
export function bindingPath(el: ts.BindingElement): { path: string[]; top: ts.VariableDeclaration | ts.ParameterDeclaration | undefined } {
  const path: string[] = [];
  let node: ts.Node = el;
  while (ts.isBindingElement(node)) {
    const pattern = node.parent;
    if (ts.isObjectBindingPattern(pattern)) {
      const key = node.propertyName ? propertyNameText(node.propertyName) : propertyNameText(node.name);
      path.unshift(key ?? "?");
    } else {
      path.unshift(String(pattern.elements.indexOf(node)));
    }
    node = pattern.parent;
  }
  return { path, top: ts.isVariableDeclaration(node) || ts.isParameter(node) ? node : undefined };
}

/** What `fn` returns, bare `return;`s left out. */
function returnExpressions(fn: FunctionNode): ts.Expression[] {
  return returnedExpressions(fn).filter((e): e is ts.Expression => e !== undefined);
}

/** The class whose instance `this` is at `node` (arrows keep the outer `this`). */
function classOfThis(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isClassLike(p)) return p;
    if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p)) return undefined;
  }
  return undefined;
}

function isConstDeclaration(decl: ts.VariableDeclaration): boolean {
  const list = decl.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) !== 0;
}

/** The call's arguments by parameter position: `f(a, ...[b, c])` -> a@0, b@1, c@2. Other spreads end the list. */
export function argumentValues(call: ts.CallExpression | ts.NewExpression): Array<{ value: ts.Expression; index: number; written: ts.Expression }> {
  const out: Array<{ value: ts.Expression; index: number; written: ts.Expression }> = [];
  for (const arg of call.arguments ?? []) {
    if (ts.isSpreadElement(arg)) {
      const spread = skipOuter(arg.expression);
      if (!ts.isArrayLiteralExpression(spread)) break;
      for (const el of spread.elements) {
        if (ts.isSpreadElement(el) || ts.isOmittedExpression(el)) return out;
        out.push({ value: el, index: out.length, written: arg });
      }
      continue;
    }
    out.push({ value: arg, index: out.length, written: arg });
  }
  return out;
}

// ---- assignments, indexed once per scope -----------------------------------------------

interface Assignment {
  /** Members below the variable: `priv.buf = v` -> ["buf"]; `x = v` -> []. */
  path: string[];
  value: ts.Expression;
}

/** `a.b.c` -> [a's identifier, ["b","c"]] (only plain identifiers at the root). */
function splitChain(e: ts.Expression): [ts.Identifier, string[]] | undefined {
  const path: string[] = [];
  let cur = skipOuter(e);
  while (ts.isPropertyAccessExpression(cur) || ts.isElementAccessExpression(cur)) {
    const name = memberName(cur);
    if (name === undefined) return undefined;
    path.unshift(name);
    cur = skipOuter(cur.expression);
  }
  return ts.isIdentifier(cur) ? [cur, path] : undefined;
}

/** Assignments in a scope by the variable at the left's root: a fact of the syntax. */
const assignmentIndex = defineSummary<ts.Node, Map<ts.Symbol, Assignment[]>, Analysis>("values-assignments", (an, scope) => {
  const built = new Map<ts.Symbol, Assignment[]>();
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const split = splitChain(n.left);
      const sym = split && symbolOf(an.checker, split[0]);
      if (sym) {
        let list = built.get(sym);
        if (!list) built.set(sym, (list = []));
        list.push({ path: split![1], value: n.right });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  return built;
});

function assignmentsIn(an: Analysis, scope: ts.Node): Map<ts.Symbol, Assignment[]> {
  return assignmentIndex.get(an, scope);
}

/** The function (or source file) a declaration's assignments can appear in. */
function declarationScope(decl: ts.Node): ts.Node {
  for (let p = decl.parent; p; p = p.parent) {
    if (isFunctionNode(p) || ts.isSourceFile(p)) return p;
  }
  return decl.getSourceFile();
}

/** Right-hand sides assigned to a variable as a whole (`x = v`), anywhere it is visible. */
export function assignmentsTo(an: Analysis, decl: ts.VariableDeclaration): ts.Expression[] {
  const sym = ts.isIdentifier(decl.name) ? symbolOf(an.checker, decl.name) : undefined;
  if (!sym) return [];
  return (assignmentsIn(an, declarationScope(decl)).get(sym) ?? []).filter((a) => a.path.length === 0).map((a) => a.value);
}

const thisFieldIndex = defineSummary<ts.ClassLikeDeclaration, Map<string, ts.Expression[]>, Analysis>("values-this-fields", (_an, cls) => {
  const built = new Map<string, ts.Expression[]>();
  const push = (k: string, v: ts.Expression) => {
    let l = built.get(k);
    if (!l) built.set(k, (l = []));
    l.push(v);
  };
  const visit = (n: ts.Node): void => {
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(n.left) &&
      n.left.expression.kind === ts.SyntaxKind.ThisKeyword
    ) {
      push(n.left.name.text, n.right);
    }
    // `this` rebinds inside plain functions and nested classes.
    if ((ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n) || ts.isClassLike(n)) && n !== cls) return;
    ts.forEachChild(n, visit);
  };
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && m.initializer) {
      const k = propertyNameText(m.name);
      if (k) push(k, m.initializer);
    }
    if (ts.isConstructorDeclaration(m)) {
      // `constructor(private priv: Priv)`: the parameter is the field's value.
      for (const p of m.parameters) if (ts.isIdentifier(p.name) && ts.getModifiers(p)?.length) push(p.name.text, p.name);
    }
    visit(m);
  }
  return built;
});

/** Every `this.<name> = v` in a class, its field initialiser, and a constructor parameter property. */
function thisFieldValues(an: Analysis, cls: ts.ClassLikeDeclaration, name: string): ts.Expression[] {
  return thisFieldIndex.get(an, cls).get(name) ?? [];
}

/** Bind a function's parameters to a call's arguments (defaults read the callee's own bindings). */
function bind(call: ts.CallExpression | ts.NewExpression, fn: FunctionNode, outer: Env, via: Via, self: Binding | undefined): Env {
  const params = new Map<ts.ParameterDeclaration, Binding>(outer.params);
  const env: Env = { params, self };
  const args = argumentValues(call);
  fn.parameters.forEach((p, i) => {
    if (p.dotDotDotToken) {
      // `...rest`: element k of the rest array is argument i + k.
      const rest = args.filter((a) => a.index >= i).map((a) => a.value);
      const literal = ts.factory.createArrayLiteralExpression(rest);
      // A synthesised array literal has no parent or position: resolve its elements directly.
      restArrays.set(literal, rest);
      params.set(p, { arg: literal, env: outer, via });
      return;
    }
    const arg = args.find((a) => a.index === i)?.value;
    if (arg) params.set(p, { arg, env: outer, via });
    else if (p.initializer) params.set(p, { arg: p.initializer, env, via });
  });
  return env;
}

/** Synthesised rest arrays (bind()): their elements, resolved where they were written. */
const restArrays = new WeakMap<ts.Node, ts.Expression[]>();

/** Bind `fn`'s parameters to `call`'s arguments (resolved, in turn, under `outer`). */
export function bindArguments(call: ts.CallExpression | ts.NewExpression, fn: FunctionNode, outer: Bindings = EMPTY_ENV): Bindings {
  return bind(call, fn, outer, [], outer.self);
}

// ---- resolution ----------------------------------------------------------------------------

function unknown(e: ts.Node, st: State): Origin[] {
  return [{ kind: "unknown", node: e, via: st.via }];
}

/** Devices: a path that ends on something other than a local literal is a read of stored state. */
function storedMember(st: State, path: string[]): Origin[] {
  if (!st.devices || path.length === 0 || !st.member) return [];
  return [{ kind: "stored", storage: "field", node: st.member, decl: undefined, path: [], via: st.via }];
}

function resolve(an: Analysis, expr: ts.Expression, path: string[], st: State): Origin[] {
  const synthesised = restArrays.get(expr);
  if (synthesised) {
    if (path.length === 0) return [{ kind: "literal", node: expr, via: st.via }];
    const [head, ...rest] = path;
    const el = head === "[]" ? synthesised : synthesised[Number(head)] ? [synthesised[Number(head)]!] : [];
    return el.flatMap((v) => resolve(an, v, rest, st));
  }
  const e = st.devices ? skipParens(expr) : skipOuter(expr);
  if (st.depth > MAX_DEPTH || --st.budget.left < 0) return unknown(e, st);
  const key = `${e.getSourceFile().fileName}:${e.pos}:${e.end}:${path.join(".")}`;
  if (st.stack.has(key)) return [];
  st.stack.add(key);
  try {
    const out = resolveInner(an, e, path, { ...st, depth: st.depth + 1 });
    if (!st.devices && !out.some((o) => o.kind === "managed") && !showsItsValue(e, out) && !(typedByItsInitializer(an.checker, e) && !out.some((o) => o.kind === "unknown"))) {
      // The type may say what the code does not show (a parameter typed Managed<...>).
      const kinds = ts.isNewExpression(e) ? declaredManagedKinds(an.checker, e) : managedKindOf(an.checker, typeOf(an.checker, e));
      if (kinds) return [{ kind: "managed", kinds, allocation: undefined, source: e, path, via: st.via }, ...out.filter((o) => o.kind !== "unknown")];
    }
    return out;
  } finally {
    st.stack.delete(key);
  }
}

/** The value is the expression itself, written out (an object or array literal, a function, a literal): its type adds nothing. */
function showsItsValue(e: ts.Expression, origins: readonly Origin[]): boolean {
  return !ts.isNewExpression(e) && origins.length > 0 && origins.every((o) => o.kind === "literal" && o.node === e);
}

/**
 * A variable without a type annotation, read by name: its type is its initialiser's, whose own
 * type was asked when its origins were resolved, unless that resolution was cut short (an unknown
 * origin). Typing the name would infer the initialiser again.
 */
function typedByItsInitializer(checker: ts.TypeChecker, e: ts.Expression): boolean {
  if (!ts.isIdentifier(e) || (ts.isShorthandPropertyAssignment(e.parent) && e.parent.name === e)) return false;
  const decl = symbolOf(checker, e)?.valueDeclaration;
  return !!decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && !decl.type && decl.initializer !== undefined;
}

function resolveInner(an: Analysis, e: ts.Expression, path: string[], st: State): Origin[] {
  const { checker } = an;

  if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) {
    // (devices only: values skip assertions) a Device<Bound> made out of something that is not.
    const to = deviceContextOf(checker, checker.getTypeAtLocation(e));
    const from = deviceContextOf(checker, checker.getTypeAtLocation(e.expression));
    if (path.length === 0 && isBoundContext(to) && !isBoundContext(from)) return [{ kind: "cast", node: e, from, to: to!, via: st.via }];
    return resolve(an, e.expression, path, st);
  }
  if (ts.isCallExpression(e)) return resolveCall(an, e, path, st);
  if (ts.isNewExpression(e)) {
    if (path.length > 0) {
      // A member of an object the code constructs: what its constructor stores there.
      const cls = constructedClass(an, e);
      const ctor = cls?.members.find((m): m is ts.ConstructorDeclaration => ts.isConstructorDeclaration(m) && m.body !== undefined);
      const [head, ...rest] = path;
      if (cls) {
        const self: Binding = { arg: e, env: st.env, via: st.via };
        const env = ctor ? bind(e, ctor, st.env, st.via, self) : { params: st.env.params, self };
        const values = thisFieldValues(an, cls, head!);
        if (values.length > 0) return values.flatMap((v) => resolve(an, v, rest, { ...st, env }));
      }
      return [...storedMember(st, path), { kind: "literal", node: e, via: st.via }];
    }
    return [{ kind: "literal", node: e, via: st.via }];
  }
  if (ts.isAwaitExpression(e)) return resolve(an, e.expression, path, st);
  if (ts.isConditionalExpression(e)) return [...resolve(an, e.whenTrue, path, st), ...resolve(an, e.whenFalse, path, st)];
  if (ts.isBinaryExpression(e)) {
    const op = e.operatorToken.kind;
    if (op === ts.SyntaxKind.QuestionQuestionToken || op === ts.SyntaxKind.BarBarToken || op === ts.SyntaxKind.AmpersandAmpersandToken) {
      return [...resolve(an, e.left, path, st), ...resolve(an, e.right, path, st)];
    }
    if (op === ts.SyntaxKind.EqualsToken) return resolve(an, e.right, path, st);
    return [{ kind: "literal", node: e, via: st.via }];
  }
  if (ts.isObjectLiteralExpression(e)) {
    if (path.length === 0) return [{ kind: "literal", node: e, via: st.via }];
    const [head, ...rest] = path;
    for (let i = e.properties.length - 1; i >= 0; i--) {
      const p = e.properties[i]!;
      // `{ ...priv.side }`: a copy keeps the members it copies (a later property overrides).
      if (ts.isSpreadAssignment(p)) {
        const copied = resolve(an, p.expression, path, st);
        if (copied.length > 0) return copied;
        continue;
      }
      if (p.name && propertyNameText(p.name) === head) {
        if (ts.isPropertyAssignment(p)) return resolve(an, p.initializer, rest, st);
        if (ts.isShorthandPropertyAssignment(p)) return resolve(an, p.name, rest, st);
        if (ts.isGetAccessorDeclaration(p)) return returnExpressions(p).flatMap((r) => resolve(an, r, rest, st));
        return [{ kind: "literal", node: p, via: st.via }];
      }
    }
    return unknown(e, st);
  }
  if (ts.isArrayLiteralExpression(e)) {
    if (path.length === 0) return [{ kind: "literal", node: e, via: st.via }];
    const [head, ...rest] = path;
    // `[a, b][1]`, `const [x] = [dev]`; "[]" is any element (iteration).
    if (head === "[]") return e.elements.flatMap((el) => resolve(an, ts.isSpreadElement(el) ? el.expression : el, ts.isSpreadElement(el) ? path : rest, st));
    const index = Number(head);
    let k = 0;
    for (const el of e.elements) {
      if (ts.isSpreadElement(el)) return unknown(e, st); // positions after a spread are not known
      if (k++ === index) return ts.isOmittedExpression(el) ? [] : resolve(an, el, rest, st);
    }
    return unknown(e, st);
  }
  if (ts.isLiteralExpression(e) || ts.isFunctionLike(e) || e.kind === ts.SyntaxKind.NullKeyword || ts.isTemplateExpression(e) || ts.isClassExpression(e)) {
    return [{ kind: "literal", node: e, via: st.via }];
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e);
    if (name === undefined) {
      // `list[i]`: some element.
      if (ts.isElementAccessExpression(e)) return resolveElement(an, e, path, st);
      return unknown(e, st);
    }
    if (!st.devices && ts.isPropertyAccessExpression(e)) {
      const getter = getterRun(an, e);
      if (getter) {
        // A getter: what it returns, `this` being the receiver.
        const self: Binding = { arg: e.expression, env: st.env, via: st.via };
        const inner: State = { ...st, env: { params: st.env.params, self } };
        const rets = returnExpressions(getter);
        if (rets.length > 0) return rets.flatMap((r) => resolve(an, r, path, inner));
      }
    }
    const member = st.member ?? e;
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
      if (st.devices) return [{ kind: "stored", storage: "field", node: member, decl: undefined, path: [], via: st.via }];
      // `this` of a known receiver (a getter read, a constructor run by `new`): that object's member.
      const self = st.env.self;
      const known = self ? resolve(an, self.arg, [name, ...path], { ...st, env: self.env, via: self.via }) : [];
      if (known.some((o) => o.kind === "managed" || o.kind === "call")) return known;
      const cls = classOfThis(e);
      if (!cls) return known.length > 0 ? known : unknown(e, st);
      const values = thisFieldValues(an, cls, name);
      if (values.length === 0) return known.length > 0 ? known : unknown(e, st);
      return [...known.filter((o) => o.kind !== "unknown" && o.kind !== "parameter"), ...values.flatMap((v) => resolve(an, v, path, st))];
    }
    if (e.expression.kind === ts.SyntaxKind.SuperKeyword) return unknown(e, st);
    return resolve(an, e.expression, [name, ...path], { ...st, member });
  }
  if (ts.isIdentifier(e)) return resolveIdentifier(an, e, path, st);
  if (e.kind === ts.SyntaxKind.ThisKeyword) {
    // `const { dev } = this`: devices read it out of the object (stored state).
    if (st.devices && path.length > 0) return [{ kind: "stored", storage: "field", node: st.member ?? e, decl: undefined, path: [], via: st.via }];
    const s = st.env.self;
    if (s) return resolve(an, s.arg, path, { ...st, env: s.env, via: s.via });
  }
  return unknown(e, st);
}

/**
 * The managed kinds a callee declares its result to carry whatever its type arguments, read off
 * its declared signatures without inferring the call: a call's single signature
 * (`devmKzalloc<T>(…): Managed<T>`), a class's construct signatures (an instance's properties do
 * not depend on the class's type arguments: `new Ring<number>(n)`). A kind that is itself a type
 * parameter reads as no literal: the instantiated type decides.
 */
function declaredManagedKinds(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): ManagedKind[] | undefined {
  const callee = typeOf(checker, call.expression);
  const sigs = ts.isNewExpression(call) ? callee.getConstructSignatures() : callee.getCallSignatures();
  if (!ts.isNewExpression(call) && sigs.length !== 1) return undefined;
  for (const sig of sigs) {
    const kinds = managedKindOf(checker, checker.getReturnTypeOfSignature(sig));
    if (kinds && kinds.length > 0) return kinds;
  }
  return undefined;
}

/** `list[i]`, `map.get(k)`, `set.values()`: an element of a collection. */
function resolveElement(an: Analysis, e: ts.ElementAccessExpression, path: string[], st: State): Origin[] {
  if (st.devices) return [collectionRead(an, e.expression, st)];
  return resolve(an, e.expression, ["[]", ...path], st);
}

/** Devices: an element read back from a collection (named by the collection, with its variable when it has one). */
function collectionRead(an: Analysis, collection: ts.Expression, st: State): Origin {
  const c = skipOuter(collection);
  const decl = ts.isIdentifier(c) ? symbolOf(an.checker, c)?.valueDeclaration : undefined;
  return { kind: "stored", storage: "collection", node: c, decl: decl && ts.isVariableDeclaration(decl) ? decl : undefined, path: [], via: st.via };
}

const COLLECTION_STORES = new Set(["set", "push", "unshift", "add", "splice"]);

/**
 * What is stored into a variable: `x = v`, and for a collection `x.set(k, v)`, `x.push(v)`,
 * `x.add(v)` (the last argument), anywhere the variable is visible.
 */
export function storesInto(an: Analysis, decl: ts.VariableDeclaration): ts.Expression[] {
  const out = assignmentsTo(an, decl);
  if (!ts.isIdentifier(decl.name)) return out;
  for (const ref of referencesTo(an.checker, decl.name, declarationScope(decl))) {
    const access = ref.parent;
    const call = access?.parent;
    if (access && ts.isPropertyAccessExpression(access) && access.expression === ref && COLLECTION_STORES.has(access.name.text) && call && ts.isCallExpression(call) && call.expression === access) {
      const last = call.arguments[call.arguments.length - 1];
      if (last) out.push(last);
    }
  }
  return out;
}

const COLLECTION_READS = new Set(["get", "at", "values", "entries", "find", "findLast", "pop", "shift", "first", "last"]);
const COLLECTION_TYPES = new Set(["Array", "ReadonlyArray", "Map", "ReadonlyMap", "Set", "ReadonlySet", "WeakMap", "WeakRef"]);

function isCollectionType(an: Analysis, type: ts.Type): boolean {
  if (an.checker.isArrayType(type) || an.checker.isTupleType(type)) return true;
  const sym = type.getSymbol() ?? type.aliasSymbol;
  return sym !== undefined && COLLECTION_TYPES.has(sym.name);
}

function resolveCall(an: Analysis, e: ts.CallExpression, path: string[], st: State): Origin[] {
  const { checker } = an;
  const callee = skipOuter(e.expression);
  if (!st.devices) {
    // A brand the callee's declared result always carries (`Managed<T>` = T & ManagedBrand<"alloc">),
    // whatever its type arguments: no inference of the call.
    const declared = declaredManagedKinds(checker, e);
    if (declared) return [{ kind: "managed", kinds: declared, allocation: e, source: e, path, via: st.via }];
    const type = typeOf(checker, e);
    // A call TypeScript cannot type (a misspelt or missing API, an unresolved import) allocates nothing we know of.
    if (isErrorType(type)) return unknown(e, st);
    const kinds = managedKindOf(checker, type);
    if (kinds) return [{ kind: "managed", kinds, allocation: e, source: e, path, via: st.via }];
    // Devres<T>.access(dev): a method of a managed value taking a bound-device proof.
    if (ts.isPropertyAccessExpression(callee)) {
      // (the parameters' declared types: resolving the call infers it whole)
      const takesProof = e.arguments.some((_, i) => argumentTakesBoundDevice(checker, e, i));
      if (takesProof) {
        const recv = resolve(an, callee.expression, [], st).filter((o): o is ManagedOriginOf => o.kind === "managed");
        if (recv.length > 0) return recv.map((o) => ({ ...o, path: [...o.path, ...path] }));
      }
    }
  } else if (ts.isPropertyAccessExpression(callee) && COLLECTION_READS.has(callee.name.text) && isCollectionType(an, checker.getTypeAtLocation(callee.expression))) {
    // `registry.get(k)`: a device read back from a collection is stored state.
    return [collectionRead(an, callee.expression, st)];
  }
  // Devices: a device a call computes (`dev.get()`, a helper) is not followed (it is not a parameter read).
  const fn = st.devices ? undefined : calledFunction(an, e);
  if (fn) {
    // `this` inside the helper: the caller's own (`this.m()`, `super.probe()`), else its class's fields.
    const self = ts.isPropertyAccessExpression(callee) && (callee.expression.kind === ts.SyntaxKind.ThisKeyword || callee.expression.kind === ts.SyntaxKind.SuperKeyword) ? st.env.self : undefined;
    const env = bind(e, fn, st.env, st.via, self);
    const inner: State = { ...st, env, via: [...st.via, e], member: undefined };
    const rets = returnExpressions(fn);
    if (rets.length === 0) return unknown(e, st);
    return rets.flatMap((r) => resolve(an, r, path, inner));
  }
  if (st.devices) return path.length > 0 ? storedMember(st, path) : [{ kind: "call", call: e, path, via: st.via }];
  return [{ kind: "call", call: e, path, via: st.via }];
}

function resolveIdentifier(an: Analysis, id: ts.Identifier, path: string[], st: State): Origin[] {
  // `{ ring }`: the name of a shorthand property reads the variable, not the property.
  const shorthand = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id;
  const sym = shorthand ? an.checker.getShorthandAssignmentValueSymbol(id.parent) : symbolOf(an.checker, id);
  const decl = sym?.valueDeclaration;
  if (!sym || !decl) return unknown(id, st);
  if (st.devices && ts.isVariableDeclaration(decl) && isModuleLevel(decl)) {
    return [{ kind: "stored", storage: "module-variable", node: st.member ?? id, decl, path: [], via: st.via }];
  }
  const out: Origin[] = [];
  // Assignments to the variable or to members on the path: `x = v`, `x.buf = v`.
  let assigned = false;
  if (ts.isVariableDeclaration(decl) || ts.isParameter(decl) || ts.isBindingElement(decl)) {
    for (const a of assignmentsIn(an, declarationScope(decl)).get(sym) ?? []) {
      if (pathStartsWith(path, a.path)) {
        out.push(...resolve(an, a.value, path.slice(a.path.length), st));
        if (a.path.length === path.length) assigned = true;
      }
    }
  }
  if (ts.isVariableDeclaration(decl)) {
    if (decl.initializer) out.push(...resolve(an, decl.initializer, path, st));
    else if (ts.isForOfStatement(decl.parent.parent)) out.push(...resolveIterated(an, decl.parent.parent.expression, [], path, st));
    else if (!assigned) out.push(...unknown(id, st));
    return out;
  }
  if (ts.isBindingElement(decl)) {
    const { path: bpath, top } = bindingPath(decl);
    // (devices: a destructured read of stored state is named by the variable it binds)
    if (top && ts.isVariableDeclaration(top) && top.initializer) out.push(...resolve(an, top.initializer, [...bpath, ...path], st.devices ? { ...st, member: id } : st));
    else if (top && ts.isVariableDeclaration(top) && ts.isForOfStatement(top.parent.parent)) out.push(...resolveIterated(an, top.parent.parent.expression, bpath, path, st));
    else if (top && ts.isParameter(top)) out.push(...resolveParameter(an, top, [...bpath, ...path], st, decl));
    else out.push(...unknown(id, st));
    return out;
  }
  if (ts.isParameter(decl)) {
    out.push(...resolveParameter(an, decl, path, st, decl));
    return out;
  }
  if (isFunctionNode(decl) || ts.isClassLike(decl)) return [{ kind: "literal", node: decl, via: st.via }];
  return unknown(id, st);
}

/** `for (const x of iterable)`: an element of what is iterated (devices: a collection is storage). */
function resolveIterated(an: Analysis, iterable: ts.Expression, bpath: string[], path: string[], st: State): Origin[] {
  const it = skipOuter(iterable);
  if (ts.isArrayLiteralExpression(it)) return resolve(an, it, ["[]", ...bpath, ...path], st);
  // `for (const b of bufs)`, `for (const b of bufs.values())`: an element of the collection.
  const base = ts.isCallExpression(it) && ts.isPropertyAccessExpression(it.expression) && it.arguments.length === 0 ? it.expression.expression : it;
  if (st.devices) return [collectionRead(an, base, st)];
  return resolve(an, base, ["[]", ...bpath, ...path], st);
}

function resolveParameter(an: Analysis, param: ts.ParameterDeclaration, path: string[], st: State, decl: ts.ParameterDeclaration | ts.BindingElement): Origin[] {
  const bound = st.env.params.get(param);
  if (bound) return resolve(an, bound.arg, path, { ...st, env: bound.env, via: bound.via });
  const fn = param.parent;
  const out: Origin[] = [];
  if (isFunctionNode(fn)) {
    const role = driverRoleOf(an, fn);
    // A driver's remove(dev, data) receives what its probe returned.
    if (role?.role === "remove" && fn.parameters.indexOf(param) === 1 && role.driver.probe) {
      const rets = returnExpressions(role.driver.probe);
      if (rets.length > 0) return rets.flatMap((r) => resolve(an, r, path, { ...st, env: EMPTY_ENV, member: undefined }));
    }
    // Not passed by a caller we know of: a default initialiser is one of its values.
    if (param.initializer && !st.devices) out.push(...resolve(an, param.initializer, path, st));
    if (st.devices && path.length > 0 && st.member && decl === param) return storedMember(st, path);
    out.push({ kind: "parameter", decl, fn, node: param, path, via: st.via });
    return out;
  }
  return unknown(param, st);
}

function newState(bindings: Env, devices: boolean): State {
  return { depth: 0, env: bindings, via: [], devices, member: undefined, stack: new Set(), budget: { left: BUDGET } };
}

export function originsOf(an: Analysis, expr: ts.Expression, path: string[] = [], bindings: Bindings = EMPTY_ENV): Origin[] {
  return resolve(an, expr, path, newState(bindings, false));
}

/**
 * Where a device reference comes from, storage being an origin: a parameter (the rule asks
 * whether the scope between is bound), a field / module variable / collection (stored), a cast,
 * a call the engine cannot see through, or unknown.
 */
export function deviceOrigins(an: Analysis, expr: ts.Expression): Origin[] {
  return resolve(an, expr, [], newState(EMPTY_ENV, true));
}

// ---- views ----------------------------------------------------------------------------------

export interface ManagedOrigin {
  /** The expression whose type carries Managed<...> (often the devm call itself). */
  source: ts.Node;
  kinds: ManagedKind[];
  /** Members below the managed allocation: ["adapter"] for `priv.adapter`. */
  path: string[];
  /** The devres registration that produced it, when visible (`devmKzalloc(dev, ...)`). */
  allocation: ts.CallExpression | undefined;
}

/** `expr` may be (a member of) devres-managed memory: the first managed origin, the allocation preferred. */
export function managedOrigin(an: Analysis, expr: ts.Expression): ManagedOrigin | undefined {
  const managed = originsOf(an, expr).filter((o): o is ManagedOriginOf => o.kind === "managed");
  const best = managed.find((o) => o.allocation) ?? managed[0];
  return best && { source: best.source, kinds: best.kinds, path: best.path, allocation: best.allocation };
}

/** A manual release of these origins frees devres-managed memory: some managed, none manual. */
export function isManagedRelease(origins: readonly Origin[]): ManagedOriginOf | undefined {
  if (origins.some((o) => o.kind === "call")) return undefined;
  const managed = origins.filter((o): o is ManagedOriginOf => o.kind === "managed");
  return managed.find((o) => o.allocation) ?? managed[0];
}

/** The device parameter that registered the managed value behind `expr`, when the code shows it. */
export function registeringDevice(an: Analysis, expr: ts.Expression): ts.ParameterDeclaration | ts.BindingElement | undefined {
  const alloc = managedOrigin(an, expr)?.allocation;
  if (!alloc) return undefined;
  for (const { value, index } of argumentValues(alloc)) {
    if (!argumentSinks(an, alloc, index).some((s) => s.brand === "devresTarget")) continue;
    for (const o of deviceOrigins(an, value)) if (o.kind === "parameter") return o.decl;
  }
  return undefined;
}

/**
 * The Devres behind `expr` reaches `scope` from outside with its registration out of sight: no
 * origin is a visible registration, and some origin entered from outside `scope` (a parameter of
 * a function around it, such as a factory's or a constructor's (parameter properties and fields
 * set from a parameter included), a value made outside it, or a read of a variable or collection
 * declared outside it, such as a module map). Such a Devres may be another device's. An origin
 * reached through a helper call entered where that call is made.
 */
export function comesFromOutside(an: Analysis, expr: ts.Expression, scope: ts.Node): boolean {
  const origins = originsOf(an, expr);
  if (origins.some((o) => o.kind === "managed" && o.allocation)) return false;
  const inside = (n: ts.Node) => n.getSourceFile() === scope.getSourceFile() && n.pos >= scope.pos && n.end <= scope.end;
  const declaredOutside = (e: ts.Expression) => {
    const decl = rootOf(an, e)?.decl;
    return decl !== undefined && !inside(decl) && !isFunctionNode(decl) && !ts.isClassLike(decl);
  };
  return origins.some((o) => {
    const entry = o.via[0];
    if (entry) return !inside(entry);
    if (o.kind === "parameter") return !inside(o.decl);
    if (o.kind === "call") {
      // `children.get(k)`: an element of the collection it reads.
      const callee = skipOuter(o.call.expression);
      const receiver = ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? callee.expression : undefined;
      return !inside(o.call) || (receiver !== undefined && declaredOutside(receiver));
    }
    if (o.kind === "unknown") return !inside(o.node) || (ts.isExpression(o.node) && declaredOutside(o.node));
    return false;
  });
}

// ---- roots: the variable an expression reads (cheap: symbols only) --------------------------

export interface Root {
  symbol: ts.Symbol;
  decl: ts.Declaration | undefined;
  /** Members read below the variable: `p.adapter` -> ["adapter"]. */
  path: string[];
}

export function rootOf(an: Analysis, expr: ts.Expression, depth = 0): Root | undefined {
  const e = skipOuter(expr);
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e) ?? (ts.isElementAccessExpression(e) ? "[]" : undefined);
    if (name === undefined) return undefined;
    const base = rootOf(an, e.expression, depth + 1);
    return base ? { ...base, path: [...base.path, name] } : undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const symbol = symbolOf(an.checker, e);
  if (!symbol) return undefined;
  const decl = symbol.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && !isModuleLevel(decl)) {
    if (decl.initializer && isConstDeclaration(decl)) {
      const inner = rootOf(an, decl.initializer, depth + 1);
      if (inner) return inner;
    }
    // `for (const a of items)`: an element of `items`.
    const loop = decl.parent.parent;
    if (!decl.initializer && ts.isForOfStatement(loop)) {
      const inner = rootOf(an, loop.expression, depth + 1);
      if (inner) return { ...inner, path: [...inner.path, "[]"] };
    }
  }
  if (decl && ts.isBindingElement(decl)) {
    const { path, top } = bindingPath(decl);
    if (top && ts.isVariableDeclaration(top) && top.initializer && isConstDeclaration(top)) {
      const inner = rootOf(an, top.initializer, depth + 1);
      if (inner) return { ...inner, path: [...inner.path, ...path] };
    }
    if (top && ts.isParameter(top)) {
      const ps = an.checker.getSymbolAtLocation(top.name);
      if (ps) return { symbol: ps, decl: top, path };
    }
  }
  return { symbol, decl, path: [] };
}

// ---- sinks: where arguments and parameters go ----------------------------------------------

export type SinkBrand = "devresTarget" | "kobjectParam" | "releases" | "devresRelease";

export interface Sink {
  brand: SinkBrand;
  /** The branded API reached (declared name: renamed imports read as the original). */
  api: string;
  /** User helpers passed through, outermost first: ["register"]. */
  via: string[];
  /** Members of the argument that reach the API: ["adapter"] for `register(priv)` -> `i2cAddAdapter(p.adapter)`. */
  path: string[];
  /** Releases<T, K>: the kinds the API frees. */
  releases: ManagedKind[] | undefined;
  /** The branded call itself (possibly in another file). */
  call: ts.CallExpression | ts.NewExpression;
  /**
   * The branded call runs after an `await` of the async helper(s) called with this argument:
   * if the caller does not await the helper's promise, it runs after the caller returned.
   */
  afterAwait: boolean;
  /** An async helper on the way whose promise is dropped (not awaited): the sink is deferred. */
  floating: string | undefined;
  /** The helper's parameter whose default initialiser carried the value (`victim = p.scratch`): not when the caller passes it. */
  throughDefault?: ts.ParameterDeclaration;
}

function directSinks(an: Analysis, call: ts.CallExpression | ts.NewExpression, index: number): Sink[] {
  const b = argumentBrands(an.checker, call, index);
  // Most arguments reach no branded parameter: skip the callee's name lookup for them.
  if (!hasAnyBrand(b)) return [];
  const api = declaredName(an.checker, call) ?? "this call";
  const base = { api, via: [] as string[], path: [] as string[], releases: undefined, call, afterAwait: false, floating: undefined };
  const out: Sink[] = [];
  if (b.devresTarget) out.push({ ...base, brand: "devresTarget" });
  if (b.kobjectParam) out.push({ ...base, brand: "kobjectParam" });
  if (b.devresRelease) out.push({ ...base, brand: "devresRelease" });
  if (b.releases) out.push({ ...base, brand: "releases", releases: b.releases });
  return out;
}

/**
 * Per checker, per call: the sinks of each argument position as rules ask them (outside any summary
 * computation, where the answer is final: summaries.atTopLevel); several rules ask for each call.
 */
const argumentSinksMemo = new WeakMap<ts.TypeChecker, Map<ts.Node, Sink[][]>>();

/** The branded parameters argument position `index` of `call` reaches (spread arguments: argumentValues). */
export function argumentSinks(an: Analysis, call: ts.CallExpression | ts.NewExpression, index: number): Sink[] {
  if (!atTopLevel()) return computeArgumentSinks(an, call, index);
  let perChecker = argumentSinksMemo.get(an.checker);
  if (!perChecker) argumentSinksMemo.set(an.checker, (perChecker = new Map()));
  let perCall = perChecker.get(call);
  if (!perCall) perChecker.set(call, (perCall = []));
  return (perCall[index] ??= computeArgumentSinks(an, call, index));
}

function computeArgumentSinks(an: Analysis, call: ts.CallExpression | ts.NewExpression, index: number): Sink[] {
  const direct = directSinks(an, call, index);
  if (direct.length > 0) return direct;
  // No function by the callee's name reaches a branded call: no symbol lookup (name-index.ts).
  if (!mayReachBranded(an.checker, call, index)) return [];
  const fn = userFunctionOf(an, call);
  if (!fn) return [];
  const restAt = fn.parameters.findIndex((p) => p.dotDotDotToken);
  if (restAt >= 0 && index >= restAt) {
    // `...items`: argument `index` is element index - restAt of the rest array.
    const element = String(index - restAt);
    return parameterSinks(an, fn, restAt).flatMap((s) =>
      s.path[0] === element || s.path[0] === "[]" ? [{ ...s, path: s.path.slice(1) }] : [],
    );
  }
  if (!fn.parameters[index]) return [];
  const passed = argumentValues(call).length;
  return parameterSinks(an, fn, index).filter((s) => !s.throughDefault || fn.parameters.indexOf(s.throughDefault) >= passed);
}

/** What a helper's parameter reaches; a helper on the current chain reads as reaching nothing (its own computation adds it). */
const parameterSinkSummary = defineSummary<readonly [FunctionNode, number], Sink[], Analysis>(
  "parameter-sinks",
  (an, [fn, index]) => computeParameterSinks(an, fn, index),
  // A chain of helpers deeper than 16 is cut (kept only for the chain's root: summaries.ts).
  { onCycle: () => [], budget: { depth: 16, onCut: () => [] }, keyParts: (k) => k },
);

export function parameterSinks(an: Analysis, fn: FunctionNode, index: number): Sink[] {
  return parameterSinkSummary.get(an, [fn, index]);
}

function computeParameterSinks(an: Analysis, fn: FunctionNode, index: number): Sink[] {
  const param = fn.parameters[index];
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!param || !body) return [];
  const paramSymbol = ts.isIdentifier(param.name) ? an.checker.getSymbolAtLocation(param.name) : undefined;
  // Other parameters whose default reads this one (`victim = d.scratch`): reads of them are reads of it.
  const aliases = new Map<ts.ParameterDeclaration, string[]>();
  for (const q of fn.parameters) {
    if (q === param || !q.initializer) continue;
    const r = rootOf(an, q.initializer);
    if (r && ((paramSymbol && r.symbol === paramSymbol) || r.decl === param)) aliases.set(q, r.path);
  }
  const helperName = functionName(fn) ?? "a helper";
  const sinks: Sink[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments) {
      for (const { value, index: j } of argumentValues(n)) {
        const root = rootOf(an, value);
        let path: string[] | undefined;
        let throughDefault: ts.ParameterDeclaration | undefined;
        if (root && paramSymbol && root.symbol === paramSymbol) path = root.path;
        else if (root?.decl && ts.isParameter(root.decl) && root.decl === param) path = root.path; // destructured param
        else if (root?.decl && ts.isParameter(root.decl) && aliases.has(root.decl)) {
          path = [...aliases.get(root.decl)!, ...root.path];
          throughDefault = root.decl;
        }
        if (!path) continue;
        const awaited = isAwaited(n);
        const asyncHere = isAsync(fn) && isAfterAwait(fn, n);
        for (const s of argumentSinks(an, n, j)) {
          const dropped = s.floating ?? (s.afterAwait && !awaited ? (declaredName(an.checker, n as ts.CallExpression) ?? "an async helper") : undefined);
          const afterAwait = isAsync(fn) && (asyncHere || (s.afterAwait && awaited));
          sinks.push({ ...s, via: [helperName, ...s.via], path: [...path, ...s.path], afterAwait, floating: dropped, throughDefault });
        }
      }
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return sinks;
}
