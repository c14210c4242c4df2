/**
 * release-callbacks.ts: which functions are kobject release callbacks or file release()
 * operations, i.e. code that runs when the last reference goes away, possibly long after the
 * device unbound.
 *
 * Invariant: a function is a release callback because of the type expected where it is
 * written or passed (a `KobjectRelease<…>` position, a `FileOperation<…, "release">`
 * position), never because of its name: arrows and function expressions passed as arguments,
 * property values and methods of typed object literals (fops), variables annotated with the
 * brand, methods of a class implementing a branded interface, and functions passed by
 * reference (`new Kobject("k", onRelease)`, `this.onRelease`), whose declaration may be in
 * another file. Only the linted file's sites are scanned; the function found may live anywhere.
 *
 * API
 *   releaseCallbacksIn(an)   ReleaseCallback[] for the linted file (memoised per file)
 *     .fn        the release function (any file)
 *     .context   "kobject" | "file"
 *     .site      where it is designated in the linted file: the function itself when it is
 *                written here, else the reference passed
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { brandsOfType, type TypeBrands } from "./brands.js";
import { argumentBrands, expectedTypeAt, functionBrands, referencedFunction } from "./call-sites.js";
import { isFunctionNode, propertyNameText, skipOuter, type FunctionNode } from "./ast.js";
import { mayCallBranded } from "./name-index.js";
import { defineSummary } from "./summaries.js";

export type ReleaseContext = "kobject" | "file";

export interface ReleaseCallback {
  fn: FunctionNode;
  context: ReleaseContext;
  site: ts.Node;
}

function contextOf(b: TypeBrands): ReleaseContext | undefined {
  if (b.kobjectRelease) return "kobject";
  if (b.fileOperation?.includes("release")) return "file";
  return undefined;
}

/** The type expected at `expr` when it is an argument or the value of an object-literal property. */
function expectedBrands(an: Analysis, expr: ts.Expression): TypeBrands | undefined {
  let node: ts.Node = expr;
  while (node.parent && (ts.isParenthesizedExpression(node.parent) || ts.isAsExpression(node.parent) || ts.isSatisfiesExpression(node.parent))) node = node.parent;
  const parent = node.parent;
  if (!parent) return undefined;
  if ((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments) {
    const i = parent.arguments.indexOf(node as ts.Expression);
    if (i >= 0) return argumentBrands(an.checker, parent, i);
  }
  if ((ts.isPropertyAssignment(parent) && parent.initializer === node) || (ts.isShorthandPropertyAssignment(parent) && parent.name === node)) {
    const name = propertyNameText(parent.name);
    const objType = expectedTypeAt(an.checker, parent.parent);
    const prop = objType && name ? an.checker.getPropertyOfType(objType, name) : undefined;
    return prop ? brandsOfType(an.checker, an.checker.getTypeOfSymbol(prop)) : undefined;
  }
  if (ts.isVariableDeclaration(parent) && parent.initializer === node && parent.type) {
    return brandsOfType(an.checker, an.checker.getTypeFromTypeNode(parent.type));
  }
  if (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === node) {
    return brandsOfType(an.checker, an.checker.getTypeAtLocation(parent.left));
  }
  return undefined;
}

/**
 * A subtree no release callback can be written or passed in: types (erased, their code never
 * runs; not a heritage clause's expression, which does), imports and exports.
 */
function designatesNothing(n: ts.Node): boolean {
  switch (n.kind) {
    case ts.SyntaxKind.InterfaceDeclaration:
    case ts.SyntaxKind.TypeAliasDeclaration:
    case ts.SyntaxKind.ImportDeclaration:
    case ts.SyntaxKind.ExportDeclaration:
      return true;
    case ts.SyntaxKind.ExpressionWithTypeArguments:
      return false;
    default:
      return ts.isTypeNode(n);
  }
}

function scan(an: Analysis, sf: ts.SourceFile): ReleaseCallback[] {
  const out: ReleaseCallback[] = [];
  const seen = new Set<ts.Node>();
  const add = (fn: FunctionNode | undefined, context: ReleaseContext | undefined, site: ts.Node) => {
    if (!fn || !context || seen.has(fn) || !(fn as ts.FunctionLikeDeclaration).body) return;
    seen.add(fn);
    out.push({ fn, context, site });
  };
  const visit = (n: ts.Node): void => {
    if (designatesNothing(n)) return;
    if (isFunctionNode(n)) {
      // Written here: its contextual type says what it is.
      add(n, contextOf(functionBrands(an.checker, n)), n);
    } else if (ts.isIdentifier(n) || ts.isPropertyAccessExpression(n)) {
      // Passed by reference: follow it to its declaration.
      const parent = n.parent;
      const isValuePosition =
        parent &&
        (((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(n)) ||
          (ts.isPropertyAssignment(parent) && parent.initializer === n) ||
          (ts.isShorthandPropertyAssignment(parent) && parent.name === n) ||
          (ts.isVariableDeclaration(parent) && parent.initializer === n) ||
          (ts.isBinaryExpression(parent) && parent.operatorToken.kind === ts.SyntaxKind.EqualsToken && parent.right === n));
      // Only a reference to a function can be a release callback: ask that (a symbol lookup)
      // before resolving the call's signature for the expected type; and before both, what the
      // syntax says: an argument of a callee no branded parameter is declared for, or an
      // unannotated variable, expects no brand (expectedBrands).
      const mayExpectBrand =
        isValuePosition &&
        !(((ts.isCallExpression(parent) || ts.isNewExpression(parent)) && parent.arguments?.includes(n)) && !mayCallBranded(an.checker, parent)) &&
        !(ts.isVariableDeclaration(parent) && !parent.type);
      const fn = mayExpectBrand ? referencedFunction(an, n) : undefined;
      if (fn) {
        const b = expectedBrands(an, n);
        const ctx = b && contextOf(b);
        if (ctx) add(fn, ctx, n);
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

/** Per program: which file's callbacks (a reference may designate a function of another file). */
const releaseCallbacksOf = defineSummary<ts.SourceFile, readonly ReleaseCallback[], Analysis>("release-callbacks", scan);

export function releaseCallbacksIn(an: Analysis): readonly ReleaseCallback[] {
  return releaseCallbacksOf.get(an, an.sourceFile);
}
