/**
 * origins.ts: which allocation a value comes from, managed or manual, member by member.
 *
 * Invariant: path-sensitive and may-analysis, bounded: a depth limit and a per-query step
 * budget (past them an origin is "unknown") keep pathological fan-out linear. `originsOf(expr)` returns EVERY origin the code
 * allows, each with the member path below it, following what the code says: const and `let`
 * aliases (every assignment counts), member assignments (`priv.buf = kzalloc(...)` makes
 * `priv.buf` a manual allocation even inside a managed one), destructuring, object literals
 * (`return { ring }` then `data.ring`), a driver's `remove(dev, data)` receiving what its
 * `probe` returned, class fields (`this.ring`) through every assignment in the class, returns
 * of the user's helpers in any file (a helper's parameter resolves to the caller's argument),
 * `await`, conditionals, and `Devres<T>.access(dev)` (a method of a managed value that takes
 * a bound-device proof hands out the managed value itself). A value whose type carries
 * `Managed<…>` is managed even when nothing else is known.
 *
 * provenance.ts's `managedOrigin` answers "is this (a member of) something managed?";
 * this module also answers "which manual allocation is it?", which teardown analysis needs
 * (what does remove() free, and where did probe() acquire it).
 *
 * API
 *   originsOf(an, expr, path?, bindings?)    Origin[]:
 *     managed   { kinds, allocation (the devm call when visible), path, via }
 *     call      { call (a call the analysis cannot see through: kzalloc, requestIrq, a
 *                 library), path, via }
 *     literal   a fresh literal / `new` object: not an allocation
 *     unknown   a parameter nobody passes here, a global, a depth cut
 *   via: the helper calls descended through to reach the origin, outermost first (so a
 *   caller can place an origin found inside a helper at the call in its own function).
 *   bindArguments(call, fn, outer?)   Bindings: resolve inside helper `fn` as called by `call`
 *                                 (its parameters read the call's arguments)
 *   isManagedRelease(origins)     at least one managed origin and no manual allocation
 *   pathStartsWith(path, prefix)
 */
import ts from "typescript";
import { isErrorType, type Analysis } from "./services.js";
import { deviceContextOf, isBoundContext, managedKindOf, type ManagedKind } from "./brands.js";
import { isFunctionNode, propertyNameText, skipOuter, symbolOf, type FunctionNode } from "./ast.js";
import { calledFunction } from "./call-sites.js";
import { driverRoleOf } from "./drivers.js";

const MAX_DEPTH = 10;

type Via = ts.CallExpression[];

export type Origin =
  | { kind: "managed"; kinds: ManagedKind[]; allocation: ts.CallExpression | undefined; source: ts.Node; path: string[]; via: Via }
  | { kind: "call"; call: ts.CallExpression | ts.NewExpression; path: string[]; via: Via }
  | { kind: "literal"; node: ts.Node; via: Via }
  | { kind: "unknown"; node: ts.Node; via: Via };

/** Parameter bindings of the helper calls being descended through. */
type Env = ReadonlyMap<ts.ParameterDeclaration, { arg: ts.Expression; env: Env; via: Via }>;
const EMPTY_ENV: Env = new Map();

interface State {
  depth: number;
  env: Env;
  via: Via;
  /** (node, path) pairs on the current resolution stack: cycle guard. */
  stack: Set<string>;
  /** Resolution steps left for this query (shared): bounds pathological fan-out. */
  budget: { left: number };
}

const BUDGET = 2000;

function memberName(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  const a = e.argumentExpression;
  return ts.isStringLiteralLike(a) || ts.isNumericLiteral(a) ? a.text : undefined;
}

export function pathStartsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((p, i) => path[i] === p);
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

function assignmentsIn(an: Analysis, scope: ts.Node): Map<ts.Symbol, Assignment[]> {
  const memo = an.memo<ts.Node, Map<ts.Symbol, Assignment[]>>("origins-assignments");
  let idx = memo.get(scope);
  if (idx) return idx;
  idx = new Map();
  const visit = (n: ts.Node): void => {
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const split = splitChain(n.left);
      const sym = split && symbolOf(an.checker, split[0]);
      if (sym) {
        let list = idx!.get(sym);
        if (!list) idx!.set(sym, (list = []));
        list.push({ path: split![1], value: n.right });
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(scope);
  memo.set(scope, idx);
  return idx;
}

/** The function (or source file) a declaration's assignments can appear in. */
function declarationScope(decl: ts.Node): ts.Node {
  for (let p = decl.parent; p; p = p.parent) {
    if (isFunctionNode(p) || ts.isSourceFile(p)) return p;
  }
  return decl.getSourceFile();
}

/** Every `this.<name> = v` in a class and its field initialiser. */
function thisFieldValues(an: Analysis, cls: ts.ClassLikeDeclaration, name: string): ts.Expression[] {
  const memo = an.memo<ts.Node, Map<string, ts.Expression[]>>("origins-this-fields");
  let idx = memo.get(cls);
  if (!idx) {
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
      visit(m);
    }
    memo.set(cls, (idx = built));
  }
  return idx.get(name) ?? [];
}

function classOfThis(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isClassLike(p)) return p;
    if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p)) return undefined;
  }
  return undefined;
}

function returnExpressions(fn: FunctionNode): ts.Expression[] {
  const body = (fn as ts.FunctionLikeDeclaration).body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body];
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunctionNode(n)) return;
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

/** Binding path of a destructuring element and the declaration or parameter at its top. */
function bindingPath(el: ts.BindingElement): { path: string[]; top: ts.VariableDeclaration | ts.ParameterDeclaration | undefined } {
  const path: string[] = [];
  let node: ts.Node = el;
  while (ts.isBindingElement(node)) {
    const pattern = node.parent;
    if (ts.isObjectBindingPattern(pattern)) {
      const key = node.propertyName ? propertyNameText(node.propertyName) : propertyNameText(node.name as ts.Identifier);
      path.unshift(key ?? "?");
    } else {
      path.unshift(String(pattern.elements.indexOf(node)));
    }
    node = pattern.parent;
  }
  return { path, top: ts.isVariableDeclaration(node) || ts.isParameter(node) ? node : undefined };
}

// ---- resolution ----------------------------------------------------------------------------

function resolve(an: Analysis, expr: ts.Expression, path: string[], st: State): Origin[] {
  const e = skipOuter(expr);
  if (st.depth > MAX_DEPTH || --st.budget.left < 0) return [{ kind: "unknown", node: e, via: st.via }];
  const key = `${e.getSourceFile().fileName}:${e.pos}:${e.end}:${path.join(".")}`;
  if (st.stack.has(key)) return [];
  st.stack.add(key);
  try {
    const out = resolveInner(an, e, path, { ...st, depth: st.depth + 1 });
    if (!out.some((o) => o.kind === "managed")) {
      // The type may say what the code does not show (a parameter typed Managed<...>).
      const kinds = managedKindOf(an.checker, an.checker.getTypeAtLocation(e));
      if (kinds) return [{ kind: "managed", kinds, allocation: undefined, source: e, path, via: st.via }, ...out.filter((o) => o.kind !== "unknown")];
    }
    return out;
  } finally {
    st.stack.delete(key);
  }
}

function resolveInner(an: Analysis, e: ts.Expression, path: string[], st: State): Origin[] {
  const { checker } = an;

  if (ts.isCallExpression(e)) {
    const type = checker.getTypeAtLocation(e);
    // A call TypeScript cannot type (a misspelt or missing API, an unresolved import) allocates nothing we know of.
    if (isErrorType(type)) return [{ kind: "unknown", node: e, via: st.via }];
    const kinds = managedKindOf(checker, type);
    if (kinds) return [{ kind: "managed", kinds, allocation: e, source: e, path, via: st.via }];
    const callee = skipOuter(e.expression);
    // Devres<T>.access(dev): a method of a managed value taking a bound-device proof.
    if (ts.isPropertyAccessExpression(callee)) {
      const sig = checker.getResolvedSignature(e);
      const takesProof = sig?.getParameters().some((p) => isBoundContext(deviceContextOf(checker, checker.getTypeOfSymbol(p))));
      if (takesProof) {
        const recv = resolve(an, callee.expression, [], st).filter((o) => o.kind === "managed");
        if (recv.length > 0) return recv.map((o) => ({ ...o, path: [...(o as { path: string[] }).path, ...path] }));
      }
    }
    const fn = calledFunction(an, e);
    if (fn) {
      const env = new Map(st.env);
      fn.parameters.forEach((p, i) => {
        const arg = e.arguments[i];
        if (arg && !p.dotDotDotToken) env.set(p, { arg, env: st.env, via: st.via });
      });
      const inner: State = { ...st, env, via: [...st.via, e] };
      const rets = returnExpressions(fn);
      if (rets.length === 0) return [{ kind: "unknown", node: e, via: st.via }];
      return rets.flatMap((r) => resolve(an, r, path, inner));
    }
    return [{ kind: "call", call: e, path, via: st.via }];
  }
  if (ts.isNewExpression(e)) return [{ kind: "literal", node: e, via: st.via }];
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
      if (ts.isSpreadAssignment(p)) return [{ kind: "unknown", node: p, via: st.via }];
      if (p.name && propertyNameText(p.name) === head) {
        if (ts.isPropertyAssignment(p)) return resolve(an, p.initializer, rest, st);
        if (ts.isShorthandPropertyAssignment(p)) return resolve(an, p.name, rest, st);
        return [{ kind: "literal", node: p, via: st.via }];
      }
    }
    return [{ kind: "unknown", node: e, via: st.via }];
  }
  if (ts.isArrayLiteralExpression(e) || ts.isLiteralExpression(e) || ts.isFunctionLike(e) || e.kind === ts.SyntaxKind.NullKeyword || ts.isTemplateExpression(e)) {
    return [{ kind: "literal", node: e, via: st.via }];
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e);
    if (name === undefined) return [{ kind: "unknown", node: e, via: st.via }];
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = classOfThis(e);
      if (!cls) return [{ kind: "unknown", node: e, via: st.via }];
      const values = thisFieldValues(an, cls, name);
      if (values.length === 0) return [{ kind: "unknown", node: e, via: st.via }];
      return values.flatMap((v) => resolve(an, v, path, st));
    }
    return resolve(an, e.expression, [name, ...path], st);
  }
  if (ts.isIdentifier(e)) return resolveIdentifier(an, e, path, st);
  return [{ kind: "unknown", node: e, via: st.via }];
}

function resolveIdentifier(an: Analysis, id: ts.Identifier, path: string[], st: State): Origin[] {
  // `{ ring }`: the name of a shorthand property reads the variable, not the property.
  const shorthand = ts.isShorthandPropertyAssignment(id.parent) && id.parent.name === id;
  const sym = shorthand ? an.checker.getShorthandAssignmentValueSymbol(id.parent) : symbolOf(an.checker, id);
  const decl = sym?.valueDeclaration;
  if (!sym || !decl) return [{ kind: "unknown", node: id, via: st.via }];
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
    else if (!assigned) out.push({ kind: "unknown", node: id, via: st.via });
    return out;
  }
  if (ts.isBindingElement(decl)) {
    const { path: bpath, top } = bindingPath(decl);
    if (top && ts.isVariableDeclaration(top) && top.initializer) out.push(...resolve(an, top.initializer, [...bpath, ...path], st));
    else if (top && ts.isParameter(top)) out.push(...resolveParameter(an, top, [...bpath, ...path], st));
    else out.push({ kind: "unknown", node: id, via: st.via });
    return out;
  }
  if (ts.isParameter(decl)) {
    out.push(...resolveParameter(an, decl, path, st));
    return out;
  }
  if (isFunctionNode(decl) || ts.isClassLike(decl)) return [{ kind: "literal", node: decl, via: st.via }];
  return [{ kind: "unknown", node: id, via: st.via }];
}

function resolveParameter(an: Analysis, param: ts.ParameterDeclaration, path: string[], st: State): Origin[] {
  const bound = st.env.get(param);
  if (bound) return resolve(an, bound.arg, path, { ...st, env: bound.env, via: bound.via });
  const fn = param.parent;
  if (isFunctionNode(fn)) {
    const role = driverRoleOf(an, fn);
    // A driver's remove(dev, data) receives what its probe returned.
    if (role?.role === "remove" && fn.parameters.indexOf(param) === 1 && role.driver.probe) {
      const rets = returnExpressions(role.driver.probe);
      if (rets.length > 0) return rets.flatMap((r) => resolve(an, r, path, { ...st, env: EMPTY_ENV }));
    }
  }
  return [{ kind: "unknown", node: param, via: st.via }];
}

/** Parameter bindings for resolving inside a helper as called from a given call site. */
export type Bindings = Env;
export const NO_BINDINGS: Bindings = EMPTY_ENV;

/** Bind `fn`'s parameters to `call`'s arguments (resolved, in turn, under `outer`). */
export function bindArguments(call: ts.CallExpression | ts.NewExpression, fn: FunctionNode, outer: Bindings = EMPTY_ENV): Bindings {
  const env = new Map(outer);
  fn.parameters.forEach((p, i) => {
    const arg = call.arguments?.[i];
    if (arg && !p.dotDotDotToken) env.set(p, { arg, env: outer, via: [] });
  });
  return env;
}

export function originsOf(an: Analysis, expr: ts.Expression, path: string[] = [], bindings: Bindings = EMPTY_ENV): Origin[] {
  return resolve(an, expr, path, { depth: 0, env: bindings, via: [], stack: new Set(), budget: { left: BUDGET } });
}

/** A manual release of these origins frees devres-managed memory: some managed, none manual. */
export function isManagedRelease(origins: readonly Origin[]): Extract<Origin, { kind: "managed" }> | undefined {
  if (origins.some((o) => o.kind === "call")) return undefined;
  return origins.find((o): o is Extract<Origin, { kind: "managed" }> => o.kind === "managed");
}
