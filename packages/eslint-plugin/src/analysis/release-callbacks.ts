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
 * another file. Only the linted file's sites are looked at; the function found may live anywhere.
 *
 * Cost: the sites are the linted file's function nodes and the references held by calls,
 * property assignments, declarations and assignments (the rule hands these nodes over from
 * ESLint's own traversal of the file, which runs anyway: no second walk of the TypeScript tree,
 * and not every name); types, imports and exports designate nothing (their code never runs) and
 * are left out. The name index rules out most references before any symbol lookup.
 *
 * API
 *   releaseSites(an)         a collector for the linted file:
 *     .add(node)             a node of the linted file, in any order: a function node, or a node
 *                            holding a reference in a position a type is expected for (a call or
 *                            `new` and its arguments, a property assignment or shorthand, a variable
 *                            declaration, an `=` assignment); other nodes are ignored
 *     .callbacks()           ReleaseCallback[], in source order of their sites (pre-order)
 *       .fn        the release function (any file)
 *       .context   "kobject" | "file"
 *       .site      where it is designated in the linted file: the function itself when it is
 *                  written here, else the reference passed (the first such site)
 */
import { ts } from "../util/typescript.js";
import type { Analysis } from "./services.js";
import { brandsOfType, type TypeBrands } from "./brands.js";
import { argumentBrands, expectedTypeAt, functionBrands, referencedFunction } from "./call-sites.js";
import { isFunctionNode, propertyNameText, type FunctionNode } from "./ast.js";
import { mayCallBranded } from "./name-index.js";

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
 * Where a reference (a name, `this.m`) is a value a type is expected for: an argument, a
 * property value, an annotated variable's initialiser, the right side of `=` (what
 * expectedBrands reads). Before any symbol lookup, what the syntax says: an argument of a
 * callee no branded parameter is declared for (the name index), or an unannotated variable,
 * expects no brand.
 */
function mayExpectBrand(an: Analysis, n: ts.Identifier | ts.PropertyAccessExpression): boolean {
  const K = ts.SyntaxKind;
  const parent = n.parent;
  switch (parent.kind) {
    case K.CallExpression:
    case K.NewExpression: {
      const call = parent as ts.CallExpression | ts.NewExpression;
      return !!call.arguments?.includes(n) && mayCallBranded(an.checker, call);
    }
    case K.PropertyAssignment:
      return (parent as ts.PropertyAssignment).initializer === n;
    case K.ShorthandPropertyAssignment:
      return ts.isShorthandPropertyAssignment(parent) && parent.name === n;
    case K.VariableDeclaration:
      return (parent as ts.VariableDeclaration).initializer === n && !!(parent as ts.VariableDeclaration).type;
    case K.BinaryExpression:
      return ts.isBinaryExpression(parent) && parent.operatorToken.kind === K.EqualsToken && parent.right === n;
    default:
      return false;
  }
}

/** Inside a declaration of types, an import/export or a type (not a heritage clause's expression): code that never runs. */
function inTypesOrImports(n: ts.Node): boolean {
  const K = ts.SyntaxKind;
  for (let p: ts.Node | undefined = n; p && p.kind !== K.SourceFile; p = p.parent) {
    switch (p.kind) {
      case K.InterfaceDeclaration:
      case K.TypeAliasDeclaration:
      case K.ImportDeclaration:
      case K.ExportDeclaration:
        return true;
      case K.ExpressionWithTypeArguments:
        break;
      default:
        if (ts.isTypeNode(p)) return true;
    }
  }
  return false;
}

export interface ReleaseSites {
  add(node: ts.Node): void;
  callbacks(): ReleaseCallback[];
}

export function releaseSites(an: Analysis): ReleaseSites {
  const K = ts.SyntaxKind;
  const functions: FunctionNode[] = [];
  const references: Array<ts.Identifier | ts.PropertyAccessExpression> = [];
  const reference = (e: ts.Node | undefined) => {
    // Only a value in a position a type is expected for; the symbol lookup comes later.
    if (e && (e.kind === K.Identifier || e.kind === K.PropertyAccessExpression) && mayExpectBrand(an, e as ts.Identifier | ts.PropertyAccessExpression)) {
      references.push(e as ts.Identifier | ts.PropertyAccessExpression);
    }
  };
  return {
    add(n) {
      if (isFunctionNode(n)) {
        // (without a body it is no callback)
        if (n.body) functions.push(n);
        return;
      }
      switch (n.kind) {
        // The positions a reference is read in (mayExpectBrand), from the node holding it.
        case K.CallExpression:
        case K.NewExpression:
          (n as ts.CallExpression | ts.NewExpression).arguments?.forEach(reference);
          break;
        case K.PropertyAssignment:
          reference((n as ts.PropertyAssignment).initializer);
          break;
        case K.ShorthandPropertyAssignment:
          if (ts.isShorthandPropertyAssignment(n)) reference(n.name);
          break;
        case K.VariableDeclaration:
          reference((n as ts.VariableDeclaration).initializer);
          break;
        case K.BinaryExpression:
          if (ts.isBinaryExpression(n)) reference(n.right);
          break;
        case K.Identifier:
        case K.PropertyAccessExpression:
          reference(n);
          break;
      }
    },
    callbacks() {
      // Source order, an enclosing node before the nodes in it (the first site of a function wins).
      const sites = [...new Set<ts.Node>([...functions, ...references])].filter((n) => !inTypesOrImports(n));
      sites.sort((a, b) => a.pos - b.pos || b.end - a.end);
      const out: ReleaseCallback[] = [];
      const seen = new Set<ts.Node>();
      const add = (fn: FunctionNode | undefined, context: ReleaseContext | undefined, site: ts.Node) => {
        if (!fn || !context || seen.has(fn) || !(fn as ts.FunctionLikeDeclaration).body) return;
        seen.add(fn);
        out.push({ fn, context, site });
      };
      for (const n of sites) {
        if (n.kind !== K.Identifier && n.kind !== K.PropertyAccessExpression) {
          // Written here: its contextual type says what it is.
          add(n as FunctionNode, contextOf(functionBrands(an.checker, n)), n);
          continue;
        }
        // Passed by reference: follow it to its declaration (only a function can be a callback).
        const ref = n as ts.Identifier | ts.PropertyAccessExpression;
        const fn = referencedFunction(an, ref);
        if (!fn) continue;
        const b = expectedBrands(an, ref);
        const ctx = b && contextOf(b);
        if (ctx) add(fn, ctx, ref);
      }
      return out;
    },
  };
}
