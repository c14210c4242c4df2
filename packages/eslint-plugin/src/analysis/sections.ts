/**
 * sections.ts: revocable access sections and the values obtained inside them.
 *
 * Invariant: a section is recognised by type (the AccessSection brand of packages/runtime's
 * brands.ts), never by method name:
 *   guard     a call whose result carries the brand (`tryAccess()`): the section is the rest of
 *             the block the guard is declared in (C's REVOCABLE() scope), up to an explicit
 *             `g[Symbol.dispose]()` (or `if (g) …`; in a `finally` block it ends the section with
 *             that `try`); a guard used inline (`r.tryAccess()?.value`) lives for its statement
 *   callback  a function passed where the parameter type carries the brand (`tryAccessWith(fn)`,
 *             inline or by reference to a function declared in any file): the section is the
 *             callback (and, when it returns a promise, until that settles)
 *   access    `Devres.access(dev)` (brands.isDevresType): no read-side section, but the value is
 *             valid only while `dev`'s bound scope runs (the function whose parameter `dev` is)
 * The values of a section: the guard itself and its members (`g.value`), the callback's
 * parameter (destructured parts included), the result of `access(dev)` when obtained while the
 * scope that received `dev` runs (a callback nested in that scope that may run after unbind and
 * calls access() itself obtains nothing from the scope's proof: its capture of `dev` is the bug,
 * which no-bound-device-escape reports).
 *
 * API
 *   sectionOpenedBy(an, call)      AccessSection | undefined for a tryAccess/tryAccessWith/access call
 *   sectionValues(an, section)     the expressions holding the section's value (escape-analysis leaves)
 *   isInReadSide(an, section, n)   `n` runs inside the read-side section (not in a nested function,
 *                                  not after the guard was disposed, not where the guard is null)
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { brandsOfType, deviceContextOf, isBoundContext, isDevresType } from "./brands.js";
import { argumentBrands, argumentTakesBoundDevice, referencedFunction, typeOf } from "./call-sites.js";
import { calleeName, enclosingFunction, isFunctionNode, skipOuter, symbolOf, type FunctionNode } from "./ast.js";
import { classifyCallback, mayRunAfterUnbind } from "./deferral.js";
import { mayCallBranded, mayReturnSection, mayTakeDevice } from "./name-index.js";
import { referencesTo } from "./presentation.js";

export type SectionKind = "guard" | "callback" | "access";

export interface AccessSection {
  kind: SectionKind;
  /** The call that opens it. */
  opener: ts.CallExpression;
  /** The revocable the section reads (`this.regs`). */
  resource: ts.Expression;
  /** Where the section's values are valid: the guard's block, the callback, the bound scope. */
  home: ts.Node;
  /** guard: the guard's name (undefined when used inline). */
  guard: ts.Identifier | undefined;
  /** callback: the function run inside the section. */
  callback: FunctionNode | undefined;
  /** access: the device proving the scope bound. */
  device: ts.Expression | undefined;
}

function receiverOf(call: ts.CallExpression): ts.Expression | undefined {
  const callee = skipOuter(call.expression);
  return ts.isPropertyAccessExpression(callee) || ts.isElementAccessExpression(callee) ? callee.expression : undefined;
}

function enclosingStatement(node: ts.Node): ts.Node {
  let n = node;
  while (n.parent && !ts.isBlock(n.parent) && !ts.isSourceFile(n.parent) && !ts.isModuleBlock(n.parent) && !ts.isCaseClause(n.parent)) n = n.parent;
  return n;
}

export function sectionOpenedBy(an: Analysis, call: ts.CallExpression): AccessSection | undefined {
  const resource = receiverOf(call);
  if (!resource) return undefined;
  const { checker } = an;
  // Each form is asked of the checker only when the callee's name allows it (name-index.ts).
  if (call.arguments.length === 0 && mayReturnSection(checker, call) && brandsOfType(checker, typeOf(checker, call)).accessSection) {
    let n: ts.Node = call;
    while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent) || ts.isAsExpression(n.parent))) n = n.parent;
    const decl = n.parent;
    if (decl && ts.isVariableDeclaration(decl) && decl.initializer === n && ts.isIdentifier(decl.name)) {
      const stmt = decl.parent.parent;
      const block = stmt.parent;
      return { kind: "guard", opener: call, resource, home: block, guard: decl.name, callback: undefined, device: undefined };
    }
    return { kind: "guard", opener: call, resource, home: enclosingStatement(call), guard: undefined, callback: undefined, device: undefined };
  }
  for (const [i, arg] of mayCallBranded(checker, call) ? call.arguments.entries() : []) {
    // Inline, or a function passed by reference (`tryAccessWith(readRegs)`, any file).
    const fn = referencedFunction(an, arg);
    if (!fn) continue;
    if (!argumentBrands(checker, call, i).accessSection) continue;
    return { kind: "callback", opener: call, resource, home: fn, guard: undefined, callback: fn, device: undefined };
  }
  // The parameter's declared type before the receiver's and the argument's types (asked last:
  // typing an expression re-runs the checker's flow analysis).
  if (
    call.arguments.length === 1 &&
    mayTakeDevice(checker, call) &&
    argumentTakesBoundDevice(checker, call, 0) &&
    isDevresType(checker, typeOf(checker, resource))
  ) {
    const dev = call.arguments[0]!;
    if (isBoundContext(deviceContextOf(checker, typeOf(checker, dev)))) {
      // The value lives as long as the scope that proves the device bound: the function whose parameter it is.
      const sym = symbolOf(checker, skipOuter(dev));
      const decl = sym?.valueDeclaration;
      const scope = decl && ts.isParameter(decl) && isFunctionNode(decl.parent) ? decl.parent : enclosingFunction(call);
      if (!scope) return undefined;
      return { kind: "access", opener: call, resource, home: scope, guard: undefined, callback: undefined, device: dev };
    }
  }
  return undefined;
}

function isNullCheckOf(expr: ts.Expression, guard: ts.Symbol, checker: ts.TypeChecker): "null-when-true" | "null-when-false" | undefined {
  const e = skipOuter(expr);
  const isGuard = (x: ts.Expression) => {
    const s = skipOuter(x);
    return ts.isIdentifier(s) && checker.getSymbolAtLocation(s) === guard;
  };
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.ExclamationToken && isGuard(e.operand)) return "null-when-true";
  if (isGuard(e)) return "null-when-false";
  if (ts.isBinaryExpression(e)) {
    const other = isGuard(e.left) ? e.right : isGuard(e.right) ? e.left : undefined;
    if (other && (other.kind === ts.SyntaxKind.NullKeyword || (ts.isIdentifier(other) && other.text === "undefined"))) {
      const op = e.operatorToken.kind;
      if (op === ts.SyntaxKind.EqualsEqualsToken || op === ts.SyntaxKind.EqualsEqualsEqualsToken) return "null-when-true";
      if (op === ts.SyntaxKind.ExclamationEqualsToken || op === ts.SyntaxKind.ExclamationEqualsEqualsToken) return "null-when-false";
    }
  }
  return undefined;
}

function isDisposeCall(stmt: ts.Statement, guard: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (!ts.isExpressionStatement(stmt)) return false;
  const e = skipOuter(stmt.expression);
  if (!ts.isCallExpression(e)) return false;
  const callee = skipOuter(e.expression);
  if (!ts.isElementAccessExpression(callee) && !ts.isPropertyAccessExpression(callee)) return false;
  const recv = skipOuter(callee.expression);
  if (!ts.isIdentifier(recv) || checker.getSymbolAtLocation(recv) !== guard) return false;
  const key = ts.isElementAccessExpression(callee) ? callee.argumentExpression.getText() : callee.name.text;
  return key === "Symbol.dispose" || key === "Symbol.asyncDispose";
}

/** `stmt` disposes the guard whenever the guard was opened: `g[Symbol.dispose]()`, `if (g) g[Symbol.dispose]()`, `{ …; g?.[Symbol.dispose](); }`. */
function disposes(stmt: ts.Statement, guard: ts.Symbol, checker: ts.TypeChecker): boolean {
  if (isDisposeCall(stmt, guard, checker)) return true;
  if (ts.isBlock(stmt)) return stmt.statements.some((s) => disposes(s, guard, checker));
  // `if (g) …dispose…`: when the guard is null no section was opened, so both paths end it.
  return ts.isIfStatement(stmt) && !stmt.elseStatement && isNullCheckOf(stmt.expression, guard, checker) === "null-when-false" && disposes(stmt.thenStatement, guard, checker);
}

/**
 * A `try` whose `finally` disposes the guard: the section ends with the try statement, whatever
 * way its blocks are left (C's scope exit; the runtime's guard released on every path).
 */
function disposesInFinally(stmt: ts.Statement, guard: ts.Symbol, checker: ts.TypeChecker): ts.Statement | undefined {
  if (!ts.isTryStatement(stmt) || !stmt.finallyBlock) return undefined;
  return stmt.finallyBlock.statements.find((s) => disposes(s, guard, checker));
}

/**
 * Does `node` run inside the read-side section? Nested functions are their own scope (they run
 * when called, which a deferred-capture rule judges, not this). For guards: after the
 * declaration, before an explicit dispose, not in a branch where the guard is null.
 */
export function isInReadSide(an: Analysis, section: AccessSection, node: ts.Node): boolean {
  if (section.kind === "access") return false; // no read-side section: the device proves boundness
  if (section.kind === "callback") {
    const fn = section.callback!;
    return enclosingFunction(node) === fn && node !== fn;
  }
  // guard
  const home = section.home;
  if (enclosingFunction(node) !== enclosingFunction(section.opener)) return false;
  let n: ts.Node = node;
  while (n.parent && n.parent !== home) n = n.parent;
  if (n.parent !== home) return false;
  if (!section.guard) return n === enclosingStatement(section.opener);
  const stmts = ts.isBlock(home) || ts.isSourceFile(home) || ts.isModuleBlock(home) ? home.statements : ts.isCaseClause(home) ? home.statements : undefined;
  if (!stmts) return false;
  const declStmt = enclosingStatement(section.opener);
  const from = stmts.indexOf(declStmt as ts.Statement);
  const at = stmts.indexOf(n as ts.Statement);
  if (from < 0 || at <= from) return false;
  const guard = an.checker.getSymbolAtLocation(section.guard);
  if (!guard) return true;
  for (let k = from + 1; k < at; k++) if (disposes(stmts[k]!, guard, an.checker) || disposesInFinally(stmts[k]!, guard, an.checker)) return false;
  // Inside a `try … finally { g[Symbol.dispose]() }`: the finally block after its dispose is outside.
  const finalDispose = disposesInFinally(n as ts.Statement, guard, an.checker);
  if (finalDispose) {
    const fin = (n as ts.TryStatement).finallyBlock!;
    let m: ts.Node = node;
    while (m.parent && m.parent !== fin) m = m.parent;
    if (m.parent === fin && fin.statements.indexOf(m as ts.Statement) > fin.statements.indexOf(finalDispose)) return false;
  }
  // In a branch where the guard is null, no section was opened.
  for (let p: ts.Node | undefined = node; p && p !== home; p = p.parent) {
    const q: ts.Node | undefined = p.parent;
    if (q && ts.isIfStatement(q) && (p === q.thenStatement || p === q.elseStatement)) {
      const check = isNullCheckOf(q.expression, guard, an.checker);
      if ((check === "null-when-true" && p === q.thenStatement) || (check === "null-when-false" && p === q.elseStatement)) return false;
    }
    if (q && ts.isConditionalExpression(q) && (p === q.whenTrue || p === q.whenFalse)) {
      const check = isNullCheckOf(q.condition, guard, an.checker);
      if ((check === "null-when-true" && p === q.whenTrue) || (check === "null-when-false" && p === q.whenFalse)) return false;
    }
  }
  return true;
}

/** The expressions that hold the section's value: escape-analysis leaves. */
export function sectionValues(an: Analysis, section: AccessSection): ts.Expression[] {
  const { checker } = an;
  if (section.kind === "access") {
    // Obtained in a nested callback that may run after unbind: not while the bound scope runs.
    for (let fn = enclosingFunction(section.opener); fn && fn !== section.home; fn = enclosingFunction(fn)) {
      if (mayRunAfterUnbind(classifyCallback(an, fn).kind)) return [];
    }
    return [section.opener];
  }
  if (section.kind === "callback") {
    const p = section.callback!.parameters[0];
    if (!p) return [];
    const names: ts.Identifier[] = [];
    const collect = (b: ts.BindingName) => {
      if (ts.isIdentifier(b)) names.push(b);
      else for (const el of b.elements) if (ts.isBindingElement(el)) collect(el.name);
    };
    collect(p.name);
    return names.flatMap((name) => referencesTo(checker, name, section.callback!));
  }
  if (!section.guard) {
    // inline: `r.tryAccess()?.value`
    let n: ts.Node = section.opener;
    while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent))) n = n.parent;
    return n.parent && ts.isPropertyAccessExpression(n.parent) && n.parent.expression === n ? [n.parent] : [];
  }
  const out: ts.Expression[] = [];
  const guardSym = checker.getSymbolAtLocation(section.guard);
  for (const ref of referencesTo(checker, section.guard, section.home)) {
    let n: ts.Node = ref;
    while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isNonNullExpression(n.parent))) n = n.parent;
    const p = n.parent;
    if (p && ts.isPropertyAccessExpression(p) && p.expression === n) {
      // `g.value`; `g[Symbol.dispose]` and method reads are not the value
      const t = typeOf(checker, p);
      if (t.getCallSignatures().length === 0) out.push(p);
    } else if (p && ts.isElementAccessExpression(p) && p.expression === n) {
      continue;
    } else if (guardSym) {
      out.push(ref); // the guard itself
    }
  }
  return out;
}

/** For messages. */
export function describeSection(an: Analysis, s: AccessSection): string {
  const api = calleeName(s.opener) ?? "tryAccess";
  if (s.kind === "guard") return s.guard ? `the ${api}() guard \`${s.guard.text}\`` : `an inline ${api}() guard`;
  if (s.kind === "callback") return `a ${api}() callback`;
  return `access(${an.text(s.device!)}), valid while \`${an.text(s.device!)}\` proves the device bound`;
}
