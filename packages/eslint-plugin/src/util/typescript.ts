/**
 * typescript.ts: `typescript`, loaded on first use. Every module of the TypeScript side imports
 * `ts` from here instead of from "typescript", so loading the plugin (and linting C files with
 * `configs.kernel`, as devbound-kernel-check does once per file under kbuild) never loads the
 * compiler: that load is about half of a C run's CPU.
 *
 *   import { ts } from "../util/typescript.js";   // ts.Node, ts.isIdentifier(n), ts.SyntaxKind...
 *
 * Invariant: `ts` is, from its first property read on, the compiler's own exports (its own
 * properties are the module's, read once into plain values but for LIVE_EXPORTS, and its
 * prototype is the module's prototype), so the TypeScript side behaves exactly as with a static
 * import. `ts.X` in a type names the
 * compiler's type X (declared below; add a name there when a module needs a new one). A
 * module must not read `ts.` at its top level (a table built when loaded): that would load
 * the compiler with the plugin; build such tables on first use (test/integration/c-without-typescript).
 * `ts` has some 2,200 properties, so each `ts.X` is a dictionary look-up: a function that switches
 * on node kinds reads `const K = ts.SyntaxKind` once and writes `case K.X` (ten times faster).
 */
import { createRequire } from "node:module";
import type * as TS from "typescript";

const require = createRequire(import.meta.url);

/**
 * Exports the compiler assigns again after it has loaded (`setSys`, tracing, the file watcher's
 * thresholds): read through their getters. Found by searching typescript.js for `<export> = `
 * inside a function; test/analysis/typescript-accessor.test.ts checks the list against it.
 */
export const LIVE_EXPORTS: ReadonlySet<string> = new Set(["sys", "tracing", "unchangedPollThresholds"]);

const ts = Object.create(
  new Proxy(Object.create(null) as object, {
    // reached only while `ts` has no own properties yet, i.e. on the first read
    get(_target, key) {
      const real = require("typescript") as typeof TS;
      const descriptors = Object.getOwnPropertyDescriptors(real);
      // The bundle exports every name through a getter (a live binding): `ts.isIdentifier`,
      // `ts.SyntaxKind` would call one on every read, in the analysis's hottest loops. Every export
      // is read once into a plain value, but the few the compiler reassigns after loading.
      for (const [name, d] of Object.entries(descriptors)) {
        if (d.get && !LIVE_EXPORTS.has(name)) descriptors[name] = { value: d.get.call(real), enumerable: d.enumerable, writable: false, configurable: false };
      }
      Object.defineProperties(ts, descriptors);
      Object.setPrototypeOf(ts, Object.getPrototypeOf(real) as object | null);
      return Reflect.get(real, key);
    },
  }),
) as typeof TS;

// The compiler's types the TypeScript side names as `ts.X` (a const cannot carry the whole
// namespace's types; a type not listed here fails to compile with "has no exported member").
declare namespace ts {
  export type ArrowFunction = TS.ArrowFunction;
  export type AsExpression = TS.AsExpression;
  export type BinaryExpression = TS.BinaryExpression;
  export type BindingElement = TS.BindingElement;
  export type BindingName = TS.BindingName;
  export type CallExpression = TS.CallExpression;
  export type ClassDeclaration = TS.ClassDeclaration;
  export type ClassElement = TS.ClassElement;
  export type ClassLikeDeclaration = TS.ClassLikeDeclaration;
  export type CompilerOptions = TS.CompilerOptions;
  export type ConstructorDeclaration = TS.ConstructorDeclaration;
  export type Declaration = TS.Declaration;
  export type Diagnostic = TS.Diagnostic;
  export type ElementAccessExpression = TS.ElementAccessExpression;
  export type ExportSpecifier = TS.ExportSpecifier;
  export type Expression = TS.Expression;
  export type FunctionDeclaration = TS.FunctionDeclaration;
  export type FunctionExpression = TS.FunctionExpression;
  export type FunctionLikeDeclaration = TS.FunctionLikeDeclaration;
  export type GetAccessorDeclaration = TS.GetAccessorDeclaration;
  export type Identifier = TS.Identifier;
  export type ImportSpecifier = TS.ImportSpecifier;
  export type InterfaceDeclaration = TS.InterfaceDeclaration;
  export type MethodDeclaration = TS.MethodDeclaration;
  export type NamedDeclaration = TS.NamedDeclaration;
  export type NewExpression = TS.NewExpression;
  export type Node = TS.Node;
  export type ObjectLiteralElementLike = TS.ObjectLiteralElementLike;
  export type ObjectLiteralExpression = TS.ObjectLiteralExpression;
  export type ObjectType = TS.ObjectType;
  export type ParameterDeclaration = TS.ParameterDeclaration;
  export type ParseConfigFileHost = TS.ParseConfigFileHost;
  export type PrivateIdentifier = TS.PrivateIdentifier;
  export type Program = TS.Program;
  export type PropertyAccessExpression = TS.PropertyAccessExpression;
  export type PropertyAssignment = TS.PropertyAssignment;
  export type PropertyDeclaration = TS.PropertyDeclaration;
  export type PropertyName = TS.PropertyName;
  export type PropertySignature = TS.PropertySignature;
  export type ResolvedModuleWithFailedLookupLocations = TS.ResolvedModuleWithFailedLookupLocations;
  export type SetAccessorDeclaration = TS.SetAccessorDeclaration;
  export type ShorthandPropertyAssignment = TS.ShorthandPropertyAssignment;
  export type Signature = TS.Signature;
  export type SignatureDeclaration = TS.SignatureDeclaration;
  export type SourceFile = TS.SourceFile;
  export type Statement = TS.Statement;
  export type StringLiteral = TS.StringLiteral;
  export type StringLiteralLike = TS.StringLiteralLike;
  export type Symbol = TS.Symbol;
  export type SyntaxKind = TS.SyntaxKind;
  export type TryStatement = TS.TryStatement;
  export type Type = TS.Type;
  export type TypeAliasDeclaration = TS.TypeAliasDeclaration;
  export type TypeAssertion = TS.TypeAssertion;
  export type TypeChecker = TS.TypeChecker;
  export type TypeNode = TS.TypeNode;
  export type TypeParameter = TS.TypeParameter;
  export type TypeReference = TS.TypeReference;
  export type VariableDeclaration = TS.VariableDeclaration;
}

export { ts };
