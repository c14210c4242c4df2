/**
 * provenance.ts: where a value comes from, and where a parameter goes.
 *
 * Invariant: provenance follows what the code says, never names: const aliases, destructuring,
 * members (a member of a managed allocation is embedded in it: `priv.adapter`), type
 * assertions (kept, they do not change what a value is), conditionals, parameters and returns
 * of the user's own helpers, including helpers in other files (the checker resolves the
 * callee's declaration; its body is walked on the TypeScript AST). A driver's `remove(dev, data)`
 * receives what its `probe` returned. Depth-limited and cycle-safe; cached per program.
 *
 * API
 *   managedOrigin(an, expr)          ManagedOrigin | undefined: `expr` is (a member of) a devres-managed
 *                                    value. { source, kinds, path (members below the allocation),
 *                                    allocation (the devm call, when known) }
 *   traceDevice(an, expr)            DeviceOrigin[]: where a device reference comes from
 *                                    (parameter | field | module-variable | cast | call | unknown)
 *   rootOf(an, expr)                 { symbol, decl, path }: the variable an expression reads and the
 *                                    member path below it, through const aliases and destructuring
 *   argumentSinks(an, call, i)       Sink[]: the branded parameters (DevresTarget, KobjectParam,
 *                                    Releases, DevresRelease) argument i reaches, directly or through
 *                                    user helpers that pass their parameter (or a member of it) on
 *   parameterSinks(an, fn, i)        the same for parameter i of a user function
 *   callSinks(an, call, brand)       convenience: [argIndex, Sink][] of one brand
 *   registeringDevice(an, expr)      the device parameter declaration whose devres registration
 *                                    produced the managed value behind `expr` (`regs` from
 *                                    `devmIoremap(dev)` -> dev's declaration), when visible
 */
import ts from "typescript";
import type { Analysis } from "./services.js";
import { hasAnyBrand, deviceContextOf, isBoundContext, managedKindOf, type DeviceContextName, type ManagedKind } from "./brands.js";
import { argumentBrands, calledFunction } from "./call-sites.js";
import {
  declaredName,
  enclosingFunction,
  functionName,
  isFunctionNode,
  isModuleLevel,
  propertyNameText,
  skipOuter,
  skipParens,
  symbolOf,
  type FunctionNode,
} from "./ast.js";
import { driverRoleOf } from "./drivers.js";
import { mayReachBranded } from "./name-index.js";
import { isAfterAwait, isAsync, isAwaited } from "./deferral.js";

const MAX_DEPTH = 6;

// ---- roots: the variable an expression reads --------------------------------------------

export interface Root {
  symbol: ts.Symbol;
  decl: ts.Declaration | undefined;
  /** Members read below the variable: `p.adapter` -> ["adapter"]. */
  path: string[];
}

function memberName(e: ts.PropertyAccessExpression | ts.ElementAccessExpression): string | undefined {
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  const a = e.argumentExpression;
  return ts.isStringLiteralLike(a) || ts.isNumericLiteral(a) ? a.text : undefined;
}

/** Binding path of a destructuring element: `const { a: { b } } = x` -> b has path ["a", "b"]. */
function bindingPath(el: ts.BindingElement): { path: string[]; top: ts.VariableDeclaration | ts.ParameterDeclaration | undefined } {
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

function isConstAlias(decl: ts.VariableDeclaration): boolean {
  const list = decl.parent;
  return ts.isVariableDeclarationList(list) && (list.flags & (ts.NodeFlags.Const | ts.NodeFlags.Using | ts.NodeFlags.AwaitUsing)) !== 0;
}

export function rootOf(an: Analysis, expr: ts.Expression, depth = 0): Root | undefined {
  const e = skipOuter(expr);
  if (depth > MAX_DEPTH) return undefined;
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e);
    if (name === undefined) return undefined;
    const base = rootOf(an, e.expression, depth + 1);
    return base ? { ...base, path: [...base.path, name] } : undefined;
  }
  if (!ts.isIdentifier(e)) return undefined;
  const symbol = symbolOf(an.checker, e);
  if (!symbol) return undefined;
  const decl = symbol.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer && isConstAlias(decl) && !isModuleLevel(decl)) {
    const inner = rootOf(an, decl.initializer, depth + 1);
    if (inner) return inner;
  }
  if (decl && ts.isBindingElement(decl)) {
    const { path, top } = bindingPath(decl);
    if (top && ts.isVariableDeclaration(top) && top.initializer && isConstAlias(top)) {
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

// ---- managed values ---------------------------------------------------------------------

export interface ManagedOrigin {
  /** The expression whose type carries Managed<...> (often the devm call itself). */
  source: ts.Node;
  kinds: ManagedKind[];
  /** Members below the managed allocation: ["adapter"] for `priv.adapter`. */
  path: string[];
  /** The devres registration that produced it, when visible (`devmKzalloc(dev, ...)`). */
  allocation: ts.CallExpression | undefined;
}

function thisFieldAssignments(cls: ts.ClassLikeDeclaration, name: string): ts.Expression[] {
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (
      ts.isBinaryExpression(n) &&
      n.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
      ts.isPropertyAccessExpression(n.left) &&
      n.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
      n.left.name.text === name
    ) {
      out.push(n.right);
    }
    if (ts.isPropertyDeclaration(n) && propertyNameText(n.name) === name && n.initializer) out.push(n.initializer);
    ts.forEachChild(n, visit);
  };
  cls.members.forEach(visit);
  return out;
}

function returnExpressions(fn: FunctionNode): ts.Expression[] {
  if (!fn.body) return [];
  if (!ts.isBlock(fn.body)) return [fn.body];
  const out: ts.Expression[] = [];
  const visit = (n: ts.Node): void => {
    if (isFunctionNode(n)) return;
    if (ts.isReturnStatement(n) && n.expression) out.push(n.expression);
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn.body, visit);
  return out;
}

export function managedOrigin(an: Analysis, expr: ts.Expression, depth = 0): ManagedOrigin | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const e = skipOuter(expr);
  const kinds = managedKindOf(an.checker, an.checker.getTypeAtLocation(e));
  if (kinds && ts.isCallExpression(e)) return { source: e, kinds, path: [], allocation: e };
  // Follow the code first (it finds the allocation call, hence the owning device); the type
  // alone still says "managed" when the code cannot be followed.
  return structuralOrigin(an, e, depth) ?? (kinds ? { source: e, kinds, path: [], allocation: undefined } : undefined);
}

function structuralOrigin(an: Analysis, e: ts.Expression, depth: number): ManagedOrigin | undefined {

  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) {
    const name = memberName(e);
    if (name === undefined) return undefined;
    if (e.expression.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = findClass(e);
      if (!cls) return undefined;
      for (const v of thisFieldAssignments(cls, name)) {
        const o = managedOrigin(an, v, depth + 1);
        if (o) return o;
      }
      return undefined;
    }
    const base = managedOrigin(an, e.expression, depth + 1);
    if (base) return { ...base, path: [...base.path, name] };
    // A member of an object literal the code built: `const h = { a: priv.adapter }; h.a`,
    // `remove(dev, data)` reading `data.adapter` from probe's `return { adapter: priv.adapter }`.
    for (const obj of objectLiteralsOf(an, e.expression, depth + 1)) {
      const member = memberOfLiteral(obj, name);
      const o = member && managedOrigin(an, member, depth + 1);
      if (o) return o;
    }
    return undefined;
  }
  if (ts.isIdentifier(e)) {
    const sym = symbolOf(an.checker, e);
    const decl = sym?.valueDeclaration;
    if (!decl) return undefined;
    if (ts.isVariableDeclaration(decl)) {
      const init = decl.initializer ? managedOrigin(an, decl.initializer, depth + 1) : undefined;
      if (init || isConstAlias(decl) || !sym) return init;
      // `let shared; ... shared = devmIoremap(dev)`: what was assigned to it.
      for (const v of assignmentsTo(an, sym, decl.getSourceFile())) {
        const o = managedOrigin(an, v, depth + 1);
        if (o) return o;
      }
      return undefined;
    }
    if (ts.isBindingElement(decl)) {
      const { path, top } = bindingPath(decl);
      let base: ManagedOrigin | undefined;
      if (top && ts.isVariableDeclaration(top) && top.initializer) base = managedOrigin(an, top.initializer, depth + 1);
      if (top && ts.isParameter(top)) base = parameterOrigin(an, top, depth);
      return base ? { ...base, path: [...base.path, ...path] } : undefined;
    }
    if (ts.isParameter(decl)) return parameterOrigin(an, decl, depth);
    return undefined;
  }
  if (ts.isConditionalExpression(e)) return managedOrigin(an, e.whenTrue, depth + 1) ?? managedOrigin(an, e.whenFalse, depth + 1);
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) {
    return managedOrigin(an, e.left, depth + 1) ?? managedOrigin(an, e.right, depth + 1);
  }
  if (ts.isAwaitExpression(e)) return managedOrigin(an, e.expression, depth + 1);
  if (ts.isCallExpression(e)) {
    // A user helper: what do its returns carry? (`getAdapter(priv)` -> priv.adapter)
    const fn = calledFunction(an, e);
    if (!fn) return undefined;
    for (const ret of returnExpressions(fn)) {
      const own = managedOrigin(an, ret, depth + 1);
      if (own) return own;
      const root = rootOf(an, ret);
      const pIndex = root?.decl && ts.isParameter(root.decl) && root.decl.parent === fn ? fn.parameters.indexOf(root.decl) : -1;
      const arg = pIndex >= 0 ? e.arguments[pIndex] : undefined;
      if (arg && root) {
        const o = managedOrigin(an, arg, depth + 1);
        if (o) return { ...o, path: [...o.path, ...root.path] };
      }
    }
  }
  return undefined;
}

/** Right-hand sides assigned to a variable (`x = v`) anywhere in its file; cached per program. */
export function assignmentsTo(an: Analysis, sym: ts.Symbol, sf: ts.SourceFile): ts.Expression[] {
  const memo = an.memo<ts.SourceFile, Map<ts.Symbol, ts.Expression[]>>("assignments");
  let bySymbol = memo.get(sf);
  if (!bySymbol) {
    const map = new Map<ts.Symbol, ts.Expression[]>();
    const visit = (n: ts.Node): void => {
      if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isIdentifier(n.left)) {
        const s = an.checker.getSymbolAtLocation(n.left);
        if (s) map.set(s, [...(map.get(s) ?? []), n.right]);
      }
      ts.forEachChild(n, visit);
    };
    visit(sf);
    memo.set(sf, (bySymbol = map));
  }
  return bySymbol.get(sym) ?? [];
}

/** The object literals an expression may evaluate to (const aliases, remove()'s data from probe's returns). */
function objectLiteralsOf(an: Analysis, expr: ts.Expression, depth: number): ts.ObjectLiteralExpression[] {
  if (depth > MAX_DEPTH) return [];
  const e = skipOuter(expr);
  if (ts.isObjectLiteralExpression(e)) return [e];
  if (ts.isAwaitExpression(e)) return objectLiteralsOf(an, e.expression, depth + 1);
  if (ts.isPropertyAccessExpression(e)) {
    return objectLiteralsOf(an, e.expression, depth + 1).flatMap((o) => {
      const m = memberOfLiteral(o, e.name.text);
      return m ? objectLiteralsOf(an, m, depth + 1) : [];
    });
  }
  if (!ts.isIdentifier(e)) return [];
  const decl = symbolOf(an.checker, e)?.valueDeclaration;
  if (decl && ts.isVariableDeclaration(decl) && decl.initializer && isConstAlias(decl)) return objectLiteralsOf(an, decl.initializer, depth + 1);
  if (decl && ts.isParameter(decl) && isFunctionNode(decl.parent)) {
    const role = driverRoleOf(an, decl.parent);
    if (role?.role === "remove" && decl.parent.parameters.indexOf(decl) === 1 && role.driver.probe) {
      return returnExpressions(role.driver.probe).flatMap((r) => objectLiteralsOf(an, r, depth + 1));
    }
  }
  return [];
}

/** The expression a literal gives member `name` (`{ a: x }` -> x, `{ a }` -> a). */
function memberOfLiteral(obj: ts.ObjectLiteralExpression, name: string): ts.Expression | undefined {
  for (let i = obj.properties.length - 1; i >= 0; i--) {
    const p = obj.properties[i]!;
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return p.initializer;
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

function findClass(node: ts.Node): ts.ClassLikeDeclaration | undefined {
  for (let p = node.parent; p; p = p.parent) {
    if (ts.isClassLike(p)) return p;
    if (ts.isFunctionDeclaration(p) || ts.isFunctionExpression(p)) return undefined; // `this` rebinds
  }
  return undefined;
}

/** A driver's remove(dev, data): data is what probe returned. Other parameters: unknown here. */
function parameterOrigin(an: Analysis, param: ts.ParameterDeclaration, depth: number): ManagedOrigin | undefined {
  const fn = param.parent;
  if (!isFunctionNode(fn)) return undefined;
  const role = driverRoleOf(an, fn);
  if (role?.role === "remove" && fn.parameters.indexOf(param) === 1 && role.driver.probe) {
    for (const ret of returnExpressions(role.driver.probe)) {
      const o = managedOrigin(an, ret, depth + 1);
      if (o) return o;
    }
  }
  return undefined;
}

// ---- devices ------------------------------------------------------------------------------

export type DeviceOrigin =
  | { kind: "parameter"; decl: ts.ParameterDeclaration | ts.BindingElement; fn: FunctionNode; expr: ts.Expression }
  | { kind: "field"; expr: ts.Expression }
  | { kind: "module-variable"; decl: ts.VariableDeclaration; expr: ts.Expression }
  | { kind: "cast"; expr: ts.AsExpression | ts.TypeAssertion; from: DeviceContextName | undefined; to: DeviceContextName }
  | { kind: "call"; expr: ts.CallExpression }
  | { kind: "unknown"; expr: ts.Expression };

export function traceDevice(an: Analysis, expr: ts.Expression, depth = 0): DeviceOrigin[] {
  const e = skipParens(expr);
  if (depth > MAX_DEPTH) return [{ kind: "unknown", expr: e }];
  if (ts.isAsExpression(e) || ts.isTypeAssertionExpression(e)) {
    const to = deviceContextOf(an.checker, an.checker.getTypeAtLocation(e));
    const from = deviceContextOf(an.checker, an.checker.getTypeAtLocation(e.expression));
    if (isBoundContext(to) && !isBoundContext(from)) return [{ kind: "cast", expr: e, from, to: to! }];
    return traceDevice(an, e.expression, depth + 1);
  }
  if (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) return [{ kind: "field", expr: e }];
  if (ts.isConditionalExpression(e)) return [...traceDevice(an, e.whenTrue, depth + 1), ...traceDevice(an, e.whenFalse, depth + 1)];
  if (ts.isBinaryExpression(e) && [ts.SyntaxKind.QuestionQuestionToken, ts.SyntaxKind.BarBarToken].includes(e.operatorToken.kind)) {
    return [...traceDevice(an, e.left, depth + 1), ...traceDevice(an, e.right, depth + 1)];
  }
  if (ts.isCallExpression(e)) return [{ kind: "call", expr: e }];
  if (!ts.isIdentifier(e)) return [{ kind: "unknown", expr: e }];
  const decl = symbolOf(an.checker, e)?.valueDeclaration;
  if (!decl) return [{ kind: "unknown", expr: e }];
  if (ts.isParameter(decl) && isFunctionNode(decl.parent)) return [{ kind: "parameter", decl, fn: decl.parent, expr: e }];
  if (ts.isBindingElement(decl)) {
    const { top } = bindingPath(decl);
    if (top && ts.isParameter(top) && isFunctionNode(top.parent)) return [{ kind: "parameter", decl, fn: top.parent, expr: e }];
    if (top && ts.isVariableDeclaration(top) && top.initializer) {
      // `const { dev } = this` / `= priv`: a device read out of an object is a field read.
      return isModuleLevel(top) ? [{ kind: "module-variable", decl: top, expr: e }] : [{ kind: "field", expr: e }];
    }
    return [{ kind: "unknown", expr: e }];
  }
  if (ts.isVariableDeclaration(decl)) {
    if (isModuleLevel(decl)) return [{ kind: "module-variable", decl, expr: e }];
    if (decl.initializer && isConstAlias(decl)) return traceDevice(an, decl.initializer, depth + 1);
    if (decl.initializer) return traceDevice(an, decl.initializer, depth + 1);
  }
  return [{ kind: "unknown", expr: e }];
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

export function argumentSinks(an: Analysis, call: ts.CallExpression | ts.NewExpression, index: number, depth = 0): Sink[] {
  const direct = directSinks(an, call, index);
  if (direct.length > 0 || depth > MAX_DEPTH) return direct;
  // No function by the callee's name reaches a branded call: no symbol lookup (name-index.ts).
  if (!mayReachBranded(an.checker, call, index)) return [];
  // Not into a constructor (`new C(x)`): its parameters are not followed (as before call-sites.ts).
  const fn = ts.isNewExpression(call) ? undefined : calledFunction(an, call);
  if (!fn) return [];
  const param = fn.parameters[index];
  if (!param || param.dotDotDotToken) return [];
  return parameterSinks(an, fn, index, depth + 1);
}

export function parameterSinks(an: Analysis, fn: FunctionNode, index: number, depth = 0): Sink[] {
  const memo = an.memo<ts.Node, Sink[][]>("parameterSinks");
  let perParam = memo.get(fn);
  if (perParam?.[index]) return perParam[index]!;
  if (!perParam) memo.set(fn, (perParam = []));
  perParam[index] = []; // cycle guard
  const param = fn.parameters[index];
  if (!param || !fn.body) return [];
  const paramSymbols = new Set<ts.Symbol>();
  const addNames = (n: ts.BindingName) => {
    if (ts.isIdentifier(n)) {
      const s = an.checker.getSymbolAtLocation(n);
      if (s) paramSymbols.add(s);
    }
  };
  addNames(param.name);
  const helperName = functionName(fn) ?? "a helper";
  const sinks: Sink[] = [];
  const visit = (n: ts.Node): void => {
    if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments) {
      n.arguments.forEach((arg, j) => {
        const root = rootOf(an, arg);
        let path: string[] | undefined;
        if (root && paramSymbols.has(root.symbol)) path = root.path;
        else if (root?.decl && ts.isParameter(root.decl) && root.decl === param) path = root.path; // destructured param
        if (!path) return;
        const awaited = isAwaited(n);
        const asyncHere = isAsync(fn) && isAfterAwait(fn, n);
        for (const s of argumentSinks(an, n, j, depth + 1)) {
          const dropped = s.floating ?? (s.afterAwait && !awaited ? (declaredName(an.checker, n as ts.CallExpression) ?? "an async helper") : undefined);
          const afterAwait = isAsync(fn) && (asyncHere || (s.afterAwait && awaited));
          sinks.push({ ...s, via: [helperName, ...s.via], path: [...path, ...s.path], afterAwait, floating: dropped });
        }
      });
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(fn.body, visit);
  perParam[index] = sinks;
  return sinks;
}

export function callSinks(an: Analysis, call: ts.CallExpression | ts.NewExpression, brand: SinkBrand): Array<[number, Sink]> {
  const out: Array<[number, Sink]> = [];
  (call.arguments ?? []).forEach((_, i) => {
    for (const s of argumentSinks(an, call, i)) if (s.brand === brand) out.push([i, s]);
  });
  return out;
}


/** The device parameter that registered the managed value behind `expr`, when the code shows it. */
export function registeringDevice(an: Analysis, expr: ts.Expression): ts.ParameterDeclaration | ts.BindingElement | undefined {
  const alloc = managedOrigin(an, expr)?.allocation;
  if (!alloc) return undefined;
  for (const [j, arg] of alloc.arguments.entries()) {
    if (!argumentSinks(an, alloc, j).some((s) => s.brand === "devresTarget")) continue;
    for (const o of traceDevice(an, arg)) if (o.kind === "parameter") return o.decl;
  }
  return undefined;
}
