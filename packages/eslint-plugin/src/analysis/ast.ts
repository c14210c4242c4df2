/**
 * ast.ts: small TypeScript-AST helpers shared by the analysis modules.
 *
 * Invariant: purely syntactic or a single checker question (the symbol of a node, the name a
 * callee is declared with). No policy lives here.
 *
 * API
 *   skipOuter(expr)               strip parens, `!`, `satisfies`, `as`/`<T>` (keeps provenance)
 *   isFunctionNode(node)          function declarations/expressions, arrows, methods, accessors, constructors
 *   enclosingFunction(node)       nearest function node containing `node` (not `node` itself)
 *   calleeName(call)              last identifier of the callee (`a.b.c()` -> "c"), or undefined
 *   symbolOf(checker, node)       symbol of a node, aliases (imports, re-exports) resolved
 *   declaredName(checker, call)   the callee's declared name (renamed imports: the original name)
 *   argumentIndex(node)           [call, index] when `node` is an argument of a call/new
 *   isModuleLevel(decl)           a variable declared outside any function
 *   forEachDescendant(node, cb)   pre-order walk; cb returns false to skip children
 *   propertyNameText(name)        text of a property/binding name when it is a plain one
 *   functionName(fn)              the name a function is declared or assigned under
 *   mentionsName(node, names)     some identifier under `node` is one of `names`
 *   identifiersByName(sf)         the file's identifiers (private ones too) by text, in source order
 *   walkFile(sf, visit)           every other node of the file, building that index on the way
 *
 * Layer: the bottom of analysis/: imports nothing from it. Which function a call runs is
 * call-sites.ts (it needs the name index and the checker).
 */
import { ts } from "../util/typescript.js";

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration
  | ts.ConstructorDeclaration;

export function skipOuter(expr: ts.Expression): ts.Expression {
  const K = ts.SyntaxKind;
  let e = expr;
  // (a switch on the kind: these run on nearly every node a rule looks at)
  for (;;) {
    switch (e.kind) {
      case K.ParenthesizedExpression:
      case K.NonNullExpression:
      case K.SatisfiesExpression:
      case K.AsExpression:
      case K.TypeAssertionExpression:
        e = (e as ts.AsExpression).expression; // (every kind above has `expression`)
        break;
      default:
        return e;
    }
  }
}

/** Like skipOuter but stops at type assertions (they matter for forged device contexts). */
export function skipParens(expr: ts.Expression): ts.Expression {
  let e = expr;
  while (ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  const K = ts.SyntaxKind;
  switch (node.kind) {
    case K.FunctionDeclaration:
    case K.FunctionExpression:
    case K.ArrowFunction:
    case K.MethodDeclaration:
    case K.GetAccessor:
    case K.SetAccessor:
    case K.Constructor:
      return true;
    default:
      return false;
  }
}

/**
 * An expression whose value is a primitive whatever its operands are (`a & 0xff`, `x === y`,
 * `!ok`, `` `${n}` ``, a literal): syntax alone answers "is it a promise, a device, an object?".
 */
export function isPrimitiveExpression(expr: ts.Expression): boolean {
  const K = ts.SyntaxKind;
  const e = skipOuter(expr);
  switch (e.kind) {
    case K.NumericLiteral:
    case K.BigIntLiteral:
    case K.StringLiteral:
    case K.NoSubstitutionTemplateLiteral:
    case K.TemplateExpression:
    case K.TrueKeyword:
    case K.FalseKeyword:
    case K.NullKeyword:
    case K.PrefixUnaryExpression:
    case K.PostfixUnaryExpression:
    case K.TypeOfExpression:
    case K.VoidExpression:
    case K.DeleteExpression:
      return true;
    case K.BinaryExpression:
      // all but the operators that yield an operand: `=`, `,`, `&&`, `||`, `??` and their assignments
      switch ((e as ts.BinaryExpression).operatorToken.kind) {
        case K.EqualsToken:
        case K.CommaToken:
        case K.AmpersandAmpersandToken:
        case K.BarBarToken:
        case K.QuestionQuestionToken:
        case K.AmpersandAmpersandEqualsToken:
        case K.BarBarEqualsToken:
        case K.QuestionQuestionEqualsToken:
          return false;
        default:
          return true;
      }
    default:
      return false;
  }
}

/**
 * What `fn` returns: its expression body, or the expressions of its own `return` statements (not
 * those of nested functions or classes), undefined for a bare `return;`.
 */
export function returnedExpressions(fn: FunctionNode): Array<ts.Expression | undefined> {
  const body = fn.body;
  if (!body) return [];
  if (!ts.isBlock(body)) return [body];
  const out: Array<ts.Expression | undefined> = [];
  const visit = (n: ts.Node): void => {
    if (ts.isReturnStatement(n)) out.push(n.expression);
    else if (!isFunctionNode(n) && !ts.isClassLike(n)) ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

export function enclosingFunction(node: ts.Node): FunctionNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (isFunctionNode(p)) return p;
  return undefined;
}

export function calleeName(call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = skipOuter(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  if (ts.isElementAccessExpression(callee) && ts.isStringLiteralLike(callee.argumentExpression)) return callee.argumentExpression.text;
  return undefined;
}

/**
 * Per checker, per node: the checker does not cache getSymbolAtLocation for a name in an
 * expression (it resolves the name again each time), and several rules ask for the same callee.
 */
const symbolMemo = new WeakMap<ts.TypeChecker, Map<ts.Node, ts.Symbol | null>>();

export function symbolOf(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  let perChecker = symbolMemo.get(checker);
  if (!perChecker) symbolMemo.set(checker, (perChecker = new Map()));
  let sym = perChecker.get(node);
  if (sym === undefined) perChecker.set(node, (sym = symbolOfUncached(checker, node) ?? null));
  return sym ?? undefined;
}

function symbolOfUncached(checker: ts.TypeChecker, node: ts.Node): ts.Symbol | undefined {
  let sym = checker.getSymbolAtLocation(node);
  if (!sym && ts.isShorthandPropertyAssignment(node.parent) && node.parent.name === node) {
    sym = checker.getShorthandAssignmentValueSymbol(node.parent);
  }
  if (sym && sym.flags & ts.SymbolFlags.Alias) {
    try {
      sym = checker.getAliasedSymbol(sym);
    } catch {
      /* unresolvable alias: keep the local symbol */
    }
  }
  return sym;
}

/** The name the callee is declared with (so a renamed import reads as the original API). */
export function declaredName(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): string | undefined {
  const callee = skipOuter(call.expression);
  const target = ts.isPropertyAccessExpression(callee) ? callee.name : callee;
  const sym = symbolOf(checker, target);
  return sym?.name && sym.name !== "default" && !sym.name.startsWith("__") ? sym.name : calleeName(call);
}

export function argumentIndex(node: ts.Node): [ts.CallExpression | ts.NewExpression, number] | undefined {
  const parent = node.parent;
  if (parent && (ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments) {
    const i = parent.arguments.indexOf(node as ts.Expression);
    if (i >= 0) return [parent, i];
  }
  return undefined;
}

export function isModuleLevel(node: ts.Node): boolean {
  for (let p = node.parent; p; p = p.parent) {
    if (isFunctionNode(p) || ts.isClassStaticBlockDeclaration(p)) return false;
    if (ts.isSourceFile(p)) return true;
  }
  return true;
}

export function forEachDescendant(node: ts.Node, cb: (n: ts.Node) => boolean | void): void {
  const visit = (n: ts.Node): void => {
    if (cb(n) === false) return;
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(node, visit);
}

export function propertyNameText(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  return undefined;
}

export function functionName(fn: ts.Node): string | undefined {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessor(fn) || ts.isSetAccessor(fn)) return propertyNameText(fn.name);
  const p = fn.parent;
  if (p && (ts.isVariableDeclaration(p) || ts.isPropertyAssignment(p) || ts.isPropertyDeclaration(p)) && p.initializer === fn) {
    return propertyNameText(p.name);
  }
  return undefined;
}

/** Some identifier under `node` (or `node` itself) is one of `names`. */
export function mentionsName(node: ts.Node, names: ReadonlySet<string>): boolean {
  if (ts.isIdentifier(node)) return names.has(node.text);
  return !!ts.forEachChild(node, (c) => mentionsName(c, names) || undefined);
}

/**
 * Per SourceFile: a file is immutable and the editor's next program reuses it while unchanged, so
 * one walk serves every question about it, in every program.
 */
const identifierIndex = new WeakMap<ts.SourceFile, Map<string, Array<ts.Identifier | ts.PrivateIdentifier>>>();

/**
 * The identifiers and private identifiers of `sf` by text, each list in source order (the order
 * of a ts.forEachChild walk, which is what it visits: not the names inside JSDoc). Where a name is
 * used is then a look-up, not a walk of the file for every name asked.
 */
export function identifiersByName(sf: ts.SourceFile): ReadonlyMap<string, ReadonlyArray<ts.Identifier | ts.PrivateIdentifier>> {
  if (!identifierIndex.has(sf)) walkFile(sf, () => {});
  return identifierIndex.get(sf)!;
}

/**
 * Visit every node of `sf` but its identifiers, in a ts.forEachChild walk (the name index's walk):
 * the file's identifier index (identifiersByName) is built on the way when it has none yet, so a
 * file is walked once for both.
 */
export function walkFile(sf: ts.SourceFile, visit: (n: ts.Node) => void): void {
  const K = ts.SyntaxKind;
  const index = identifierIndex.has(sf) ? undefined : new Map<string, Array<ts.Identifier | ts.PrivateIdentifier>>();
  const step = (n: ts.Node): void => {
    if (n.kind === K.Identifier || n.kind === K.PrivateIdentifier) {
      if (!index) return;
      const text = (n as ts.Identifier).text;
      const list = index.get(text);
      if (list) list.push(n as ts.Identifier);
      else index.set(text, [n as ts.Identifier]);
      return;
    }
    visit(n);
    ts.forEachChild(n, step);
  };
  ts.forEachChild(sf, step);
  if (index) identifierIndex.set(sf, index);
}
