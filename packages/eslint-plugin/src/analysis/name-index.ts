/**
 * name-index.ts: per program, name sets that let the analysis skip the checker for most calls.
 * Resolving a callee's type or symbol, or typing a local, can force the checker to infer a
 * generic call over a whole driver object literal; in driver code most calls are register
 * reads, bit helpers and logging, which no rule needs typed.
 *
 * Invariant: each set over-approximates. A name missing from a set proves the fact false;
 * a name in it only means "ask the checker". No expression is type-checked; a declaration's
 * annotations are read only when a call by its name is first asked about.
 *
 * Incremental: each file is walked once per SourceFile object (its declarations by name, its
 * function names and renames: syntax only, WeakMap by SourceFile), and the program-wide sets are
 * the union of the files' sets, kept up to date from one program to the next of the same tsconfig
 * by adding and removing the files that changed (program-delta.ts). What a declaration's
 * annotations say (read through the checker) is cached per file while program-delta says it
 * cannot have changed. An edit in the editor re-walks the edited file only, and the answers are
 * those of a fresh build (test/integration/incremental.test.ts). A name's facts are summaries
 * (summaries.ts: per program, cycles of renames or helpers add nothing, the least fixpoint
 * whatever order names are asked in); those of a name without a rename are also shared with the
 * tsconfig's later programs until a file declaring it changes.
 *
 *   branded        names a call of a signature with a branded parameter can be made by. Walked:
 *                  only files that can see a brand (a file mentioning `__devbound` and every file
 *                  importing one, transitively: lib, @types/node and unrelated packages drop out).
 *                  In: a function, method or constructor (its class's name) whose own parameter
 *                  annotation carries a brand or mentions one of its own type parameters; a
 *                  variable, property or parameter whose annotation has such a signature; a name
 *                  whose type is not written down and may be a function (an unannotated variable
 *                  or property initialised from anything but a literal, a contextually typed
 *                  parameter, a destructured binding, a default import, a class without its own
 *                  constructor). Type parameters of an enclosing class or interface count as
 *                  instantiated by the receiver (`Ring<number>.push`).
 *   deviceResult   names of the same kinds whose call may return a bound device (declared return
 *                  type, awaited; no annotation or an own type parameter in it counts as may). For
 *                  a generic whose return type is a device only through its own type parameters,
 *                  each inferred from one argument (`T`, `() => T`, `T[]`: GenericResult), the call's
 *                  arguments decide: `devmKzalloc(dev, () => ({ n: 0 }))` returns no device.
 *   sectionResult  ... whose call may return an AccessSection-branded value (a `tryAccess()` guard).
 *   deviceParam    ... with a parameter that may take a bound device (`access(dev: Device<Bound>)`).
 *   reachesBranded (name, parameter) pairs: a function with a body by that name passes the parameter
 *                  (read directly or through a local initialised from it) to a call by a `branded`
 *                  name, a call without a name, or a pair that does (transitively); a default or
 *                  `import =` import name always may.
 *   functions      names under which a function with a body in the program's own sources can be
 *                  called: function declarations, methods and accessors with bodies, variables
 *                  and properties initialised with a function, classes (constructors), default
 *                  imports.
 * A renaming import or export specifier (`{ a as b }`) puts b in every set a is in (through
 * chains and cycles of renames: the least fixpoint); for `functions` and `reachesBranded`, so
 * does an alias (`const b = a`, `const b = x.a`, a property `b: a`).
 *
 * API
 *   registerProgram(checker, program)   (services.ts, once per program) lets the sets be found by checker
 *   mayCallBranded(checker, call)        false: no argument of `call` can map to a branded parameter
 *   mayNameFunction(checker, name)       false: no function with a body is known by this name
 *   mayBeDeviceValue(checker, expr)      false: `expr` cannot evaluate to a bound device (a literal,
 *                                        a function, a `new`, a call of nothing declared to return one,
 *                                        a generic call whose inferring arguments make no device)
 *   mayReturnSection(checker, call)      false: `call` returns no AccessSection-branded value
 *   mayTakeDevice(checker, call)         false: no parameter of the callee takes a bound device
 *   mayReachBranded(checker, call, i)    false: following argument i into the program's own functions
 *                                        reaches no call with a branded parameter (no sink behind it)
 */
import { ts } from "../util/typescript.js";
import { MENTION_BUDGET, brandsOfType, deviceContextOf, hasAnyBrand, isBoundContext, signatureMayBrand, signatureMentions, typeMentions } from "./brands.js";
import { calleeName, mentionsName, returnedExpressions, skipOuter, skipParens, walkFile, type FunctionNode } from "./ast.js";
import { changedSince, deltaOf, fileCache, filesOf, generationOf, importersOf, importsOf, lineageSlot, mentionsBrand } from "./program-delta.js";
import { defineSummary } from "./summaries.js";

/** Above this many files with a body by the same name, mayReachBranded leaves it to a symbol lookup. */
const MANY_BODIES = 8;
const BRANDED = 1; // a parameter may carry a brand
const DEVICE = 2; // may return a bound device
const SECTION = 4; // may return an AccessSection-branded value (opens a read-side section)
const DEVICE_ARG = 8; // a parameter may take a bound device
const ALL = BRANDED | DEVICE | SECTION | DEVICE_ARG;

const programOf = new WeakMap<ts.TypeChecker, ts.Program>();

export function registerProgram(checker: ts.TypeChecker, program: ts.Program): void {
  if (!programOf.has(checker)) programOf.set(checker, program);
}

export function mayCallBranded(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  const name = calleeName(call);
  const index = name === undefined ? undefined : indexFor(checker);
  return !index || (index.facts(name!) & BRANDED) !== 0;
}

/**
 * false: `expr` cannot evaluate to a bound device (a literal, a function, a call of something declared
 * to return no device, a call of a generic whose result is a device only through what its arguments
 * make it, when they make none: `devmKzalloc(dev, () => ({ n: 0 }))`, ...). An `as` cast, a name or a
 * member read may.
 */
export function mayBeDeviceValue(checker: ts.TypeChecker, expr: ts.Expression | undefined): boolean {
  return mayBeDeviceExpr(checker, expr, 0);
}

/** How deep mayBeDeviceValue follows generic calls into the callbacks and arguments they infer from. */
const MAX_VALUE_DEPTH = 4;

function mayBeDeviceExpr(checker: ts.TypeChecker, expr: ts.Expression | undefined, depth: number): boolean {
  if (!expr) return true;
  const e = skipParens(expr);
  if (ts.isAwaitExpression(e)) return mayBeDeviceExpr(checker, e.expression, depth);
  // `{ ...dev }` has the device's brand properties; any other object literal is a new object
  if (ts.isObjectLiteralExpression(e)) return e.properties.some((p) => ts.isSpreadAssignment(p) || (p.name !== undefined && ts.isComputedPropertyName(p.name)) || !!nameText(p.name)?.startsWith("__devbound"));
  if (isPlainValue(e) || ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isClassExpression(e) || ts.isNewExpression(e)) return false;
  // the value is one of the operands (the type is the union of theirs)
  if (ts.isConditionalExpression(e)) return mayBeDeviceExpr(checker, e.whenTrue, depth) || mayBeDeviceExpr(checker, e.whenFalse, depth);
  if (ts.isBinaryExpression(e) && isLogicalOperator(e.operatorToken.kind)) return mayBeDeviceExpr(checker, e.left, depth) || mayBeDeviceExpr(checker, e.right, depth);
  if (ts.isCallExpression(e)) {
    const name = calleeName(e);
    const index = name === undefined ? undefined : indexFor(checker);
    return !index || index.callMayReturnDevice(name!, e, depth);
  }
  return true;
}

/** `a ??= b`, `a ||= b`, `a &&= b`: the value is a's or b's. */
function isLogicalAssignment(kind: ts.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  return kind === K.QuestionQuestionEqualsToken || kind === K.BarBarEqualsToken || kind === K.AmpersandAmpersandEqualsToken;
}

function isLogicalOperator(kind: ts.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  return kind === K.QuestionQuestionToken || kind === K.BarBarToken || kind === K.AmpersandAmpersandToken;
}

export function mayNameFunction(checker: ts.TypeChecker, name: string): boolean {
  const index = indexFor(checker);
  return !index || index.namesFunction(name);
}

/** false: `call` cannot return an AccessSection-branded value (it opens no read-side section by its result). */
export function mayReturnSection(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  const name = calleeName(call);
  const index = name === undefined ? undefined : indexFor(checker);
  return !index || (index.facts(name!) & SECTION) !== 0;
}

/** false: no parameter of `call`'s callee can take a bound device (`r.access(dev)` needs one). */
export function mayTakeDevice(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression): boolean {
  const name = calleeName(call);
  const index = name === undefined ? undefined : indexFor(checker);
  return !index || (index.facts(name!) & DEVICE_ARG) !== 0;
}

/**
 * false: no function with a body that `call` can run (looked up by the callee's name) passes its
 * parameter `argument` on to a call that may take a branded argument, directly or through the
 * functions it calls by name: following the argument into the program's own code reaches no sink.
 */
export function mayReachBranded(checker: ts.TypeChecker, call: ts.CallExpression | ts.NewExpression, argument: number): boolean {
  const name = calleeName(call);
  const index = name === undefined ? undefined : indexFor(checker);
  return !index || index.reachesBranded(name!, argument);
}

// ---------------------------------------------------------------------------------------------
// Per file: syntax only, cached per SourceFile object.

/** Declarations by name whose facts a call by that name depends on (the `branded`/`deviceResult` walk). */
type FileDecls = Map<string, ts.Node[]>;

/** Names of functions with bodies, and renames, of one of the program's own (non-declaration) files. */
interface FileFunctions {
  functions: Set<string>;
  renames: Array<[alias: string, original: string]>;
  /** The functions with bodies by name, as call-sites.ts resolves them. */
  bodies: Map<string, FunctionNode[]>;
  /** Names that import a function under a name of the importer's choosing (default, `import =`). */
  opaque: Set<string>;
}

/** Both, from one walk of the file (most of the program's files are driver sources that need both). */
interface FileNames {
  decls: FileDecls;
  functions: FileFunctions;
}

const namesMemo = new WeakMap<ts.SourceFile, FileNames>();

function nameText(n: ts.Node | undefined): string | undefined {
  return n && (ts.isIdentifier(n) || ts.isPrivateIdentifier(n) || ts.isStringLiteralLike(n) || ts.isNumericLiteral(n)) ? n.text : undefined;
}

function declsOf(sf: ts.SourceFile): FileDecls {
  return namesOf(sf).decls;
}

function functionsOf(sf: ts.SourceFile): FileFunctions {
  return namesOf(sf).functions;
}

/**
 * One walk: the declarations by name whose facts a call by that name depends on, and the function
 * names call-sites.ts can resolve a call to, with import renames and aliases (ast.walkFile: the
 * same walk indexes the file's identifiers for referencesTo).
 */
function namesOf(sf: ts.SourceFile): FileNames {
  const K = ts.SyntaxKind;
  const memo = namesMemo.get(sf);
  if (memo) return memo;
  const decls: FileDecls = new Map();
  const own: FileFunctions = { functions: new Set(), renames: [], bodies: new Map(), opaque: new Set() };
  const addDecl = (n: ts.Node | undefined, decl: ts.Node) => {
    const t = nameText(n);
    if (t === undefined) return;
    const list = decls.get(t);
    if (list) list.push(decl);
    else decls.set(t, [decl]);
  };
  const addFunction = (n: ts.Node | undefined, body?: FunctionNode) => {
    const t = nameText(n);
    if (t === undefined) return;
    own.functions.add(t);
    if (!body) return;
    const list = own.bodies.get(t);
    if (list) list.push(body);
    else own.bodies.set(t, [body]);
  };
  const visit = (n: ts.Node): void => {
    switch (n.kind) {
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
        addDecl((n as ts.SignatureDeclaration).name, n);
        if ((n as ts.FunctionLikeDeclaration).body) addFunction((n as ts.FunctionLikeDeclaration).name, n as FunctionNode);
        break;
      case K.MethodSignature:
        addDecl((n as ts.SignatureDeclaration).name, n);
        break;
      case K.GetAccessor:
        addDecl((n as ts.NamedDeclaration).name, n);
        if ((n as ts.FunctionLikeDeclaration).body) addFunction((n as ts.FunctionLikeDeclaration).name, n as FunctionNode);
        break;
      case K.SetAccessor:
        if ((n as ts.FunctionLikeDeclaration).body) addFunction((n as ts.FunctionLikeDeclaration).name, n as FunctionNode);
        break;
      case K.Constructor: {
        // `new C(..)` is named by the class
        const cls = n.parent as ts.ClassLikeDeclaration;
        addDecl(cls.name, n);
        if (!cls.name && ts.isVariableDeclaration(cls.parent)) addDecl(cls.parent.name, n);
        break;
      }
      case K.ClassDeclaration:
      case K.ClassExpression: {
        // Without a constructor of its own a class is constructed through its base's.
        const cls = n as ts.ClassLikeDeclaration;
        if (cls.heritageClauses?.some((h) => h.token === K.ExtendsKeyword) && !cls.members.some(ts.isConstructorDeclaration)) {
          addDecl(cls.name, n);
          if (!cls.name && ts.isVariableDeclaration(cls.parent)) addDecl(cls.parent.name, n);
        }
        // `new C(..)` runs C's constructor (or its base's)
        addFunction(cls.name);
        if (ts.isVariableDeclaration(n.parent)) addFunction(n.parent.name);
        break;
      }
      case K.VariableDeclaration:
      case K.PropertyDeclaration:
      case K.PropertyAssignment: {
        const d = n as ts.VariableDeclaration | ts.PropertyDeclaration | ts.PropertyAssignment;
        if (ts.isIdentifier(d.name) || !ts.isVariableDeclaration(d)) addDecl(d.name, n);
        const e = d.initializer && skipOuter(d.initializer);
        if (e && (ts.isArrowFunction(e) || ts.isFunctionExpression(e))) addFunction(d.name, e);
        else if (e && (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e))) {
          // `const g = f`, `{ read: readRegs }`: an alias, which call-sites.ts follows to f's body
          const alias = nameText(d.name);
          if (alias !== undefined) own.renames.push([alias, ts.isIdentifier(e) ? e.text : e.name.text]);
        }
        break;
      }
      case K.PropertySignature:
        addDecl((n as ts.PropertySignature).name, n);
        break;
      case K.Parameter:
        if (ts.isIdentifier((n as ts.ParameterDeclaration).name)) addDecl((n as ts.ParameterDeclaration).name, n);
        break;
      case K.ImportSpecifier:
      case K.ExportSpecifier: {
        // A rename reads as what it renames; no rename adds nothing.
        const spec = n as ts.ImportSpecifier | ts.ExportSpecifier;
        if (spec.propertyName) {
          addDecl(spec.name, n);
          own.renames.push([spec.name.text, spec.propertyName.text]);
        }
        break;
      }
      case K.ImportClause:
      case K.ImportEqualsDeclaration: {
        addDecl((n as ts.NamedDeclaration).name, n);
        const name = nameText((n as ts.NamedDeclaration).name);
        if (name !== undefined) own.functions.add(name), own.opaque.add(name);
        break;
      }
      case K.BindingElement:
      case K.ShorthandPropertyAssignment:
        addDecl((n as ts.NamedDeclaration).name, n);
        break;
    }
  };
  walkFile(sf, visit);
  const names = { decls, functions: own };
  namesMemo.set(sf, names);
  return names;
}

// ---------------------------------------------------------------------------------------------
// Per tsconfig: the union of the files' sets, brought up to date program by program.

const CAPABLE = 1; // the file's declarations count for `branded`/`deviceResult`
const USER = 2; // the file's functions and renames count for `functions`

interface MergedNames {
  /** The program the sets describe; another program of the tsconfig takes them over by file delta. */
  owner: ts.Program | undefined;
  generation: number;
  roles: Map<ts.SourceFile, number>;
  declFiles: Map<string, Set<ts.SourceFile>>;
  functionFiles: Map<string, number>;
  /** Files with a function body by this name (for reachesBranded). */
  bodyFiles: Map<string, Set<ts.SourceFile>>;
  opaque: Map<string, number>;
  /** alias -> original -> number of files renaming so */
  renames: Map<string, Map<string, number>>;
}

/** What each file of the program contributes: CAPABLE (can see a brand) and/or USER (own source). */
function rolesOf(program: ts.Program): Map<ts.SourceFile, number> {
  const { all, byName } = filesOf(program);
  const roles = new Map<ts.SourceFile, number>();
  const queue: ts.SourceFile[] = [];
  for (const sf of all) {
    if (program.isSourceFileDefaultLibrary(sf)) continue;
    let role = sf.isDeclarationFile ? 0 : USER;
    if (mentionsBrand(sf)) (role |= CAPABLE), queue.push(sf);
    if (role) roles.set(sf, role);
  }
  const importers = importersOf(program);
  if (!importers) {
    // resolutions unknown: every file may import a branded one
    for (const [sf, role] of roles) roles.set(sf, role | CAPABLE);
    for (const sf of all) if (sf.isDeclarationFile && !program.isSourceFileDefaultLibrary(sf)) roles.set(sf, CAPABLE);
    return roles;
  }
  for (let sf = queue.pop(); sf; sf = queue.pop()) {
    for (const name of importers.get(sf.fileName) ?? []) {
      const dep = byName.get(name);
      if (!dep || program.isSourceFileDefaultLibrary(dep)) continue;
      const role = roles.get(dep) ?? 0;
      if (!(role & CAPABLE)) roles.set(dep, role | CAPABLE), queue.push(dep);
    }
  }
  return roles;
}

function contribute(m: MergedNames, sf: ts.SourceFile, role: number, sign: 1 | -1): void {
  if (role & CAPABLE) {
    for (const name of declsOf(sf).keys()) {
      let set = m.declFiles.get(name);
      if (sign > 0) {
        if (!set) m.declFiles.set(name, (set = new Set()));
        set.add(sf);
      } else if (set) {
        set.delete(sf);
        if (set.size === 0) m.declFiles.delete(name);
      }
    }
  }
  if (role & USER) {
    const own = functionsOf(sf);
    for (const name of own.functions) {
      const n = (m.functionFiles.get(name) ?? 0) + sign;
      if (n > 0) m.functionFiles.set(name, n);
      else m.functionFiles.delete(name);
    }
    for (const name of own.opaque) {
      const n = (m.opaque.get(name) ?? 0) + sign;
      if (n > 0) m.opaque.set(name, n);
      else m.opaque.delete(name);
    }
    for (const name of own.bodies.keys()) {
      let set = m.bodyFiles.get(name);
      if (sign > 0) {
        if (!set) m.bodyFiles.set(name, (set = new Set()));
        set.add(sf);
      } else if (set) {
        set.delete(sf);
        if (set.size === 0) m.bodyFiles.delete(name);
      }
    }
    for (const [alias, original] of own.renames) {
      let originals = m.renames.get(alias);
      if (!originals) m.renames.set(alias, (originals = new Map()));
      const n = (originals.get(original) ?? 0) + sign;
      if (n > 0) originals.set(original, n);
      else originals.delete(original);
      if (originals.size === 0) m.renames.delete(alias);
    }
  }
}

/**
 * The merged sets for `program`, taken over from the program before it: only the files that
 * changed, or that import a changed file, can change what they contribute (a file's CAPABLE role
 * depends on what it imports); otherwise from the file roles of the whole program.
 */
function mergedFor(program: ts.Program): MergedNames {
  const m = lineageSlot<MergedNames>(program, "name-index", () => ({ owner: undefined, generation: 0, roles: new Map(), declFiles: new Map(), functionFiles: new Map(), bodyFiles: new Map(), opaque: new Map(), renames: new Map() }));
  if (m.owner === program) return m;
  const delta = deltaOf(program);
  if (m.owner && delta && m.generation === delta.generation - 1) {
    for (const sf of delta.removed) {
      contribute(m, sf, m.roles.get(sf) ?? 0, -1);
      m.roles.delete(sf);
    }
    const roles = staleRoles(program, m, delta.stale);
    for (const [sf, role] of roles) {
      const old = m.roles.get(sf) ?? 0;
      if (old === role) continue;
      contribute(m, sf, old, -1);
      contribute(m, sf, role, 1);
      if (role) m.roles.set(sf, role);
      else m.roles.delete(sf);
    }
  } else {
    const roles = rolesOf(program);
    for (const [sf, old] of m.roles) if ((roles.get(sf) ?? 0) !== old) contribute(m, sf, old, -1);
    for (const [sf, role] of roles) if ((m.roles.get(sf) ?? 0) !== role) contribute(m, sf, role, 1);
    m.roles = roles;
  }
  m.owner = program;
  m.generation = generationOf(program);
  return m;
}

/**
 * Roles of the stale files of `program`, the other files keeping theirs in `m` (what they import did
 * not change): CAPABLE when the file mentions a brand or imports a CAPABLE file (to a fixpoint over
 * imports among the stale files).
 */
function staleRoles(program: ts.Program, m: MergedNames, stale: ReadonlySet<ts.SourceFile>): Map<ts.SourceFile, number> {
  const { byName } = filesOf(program);
  const roles = new Map<ts.SourceFile, number>();
  for (const sf of stale) {
    if (program.isSourceFileDefaultLibrary(sf)) continue;
    roles.set(sf, (sf.isDeclarationFile ? 0 : USER) | (mentionsBrand(sf) ? CAPABLE : 0));
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const [sf, role] of roles) {
      if (role & CAPABLE) continue;
      for (const name of importsOf(program, sf) ?? []) {
        const target = byName.get(name);
        if (!target || program.isSourceFileDefaultLibrary(target)) continue;
        if (((roles.has(target) ? roles.get(target)! : (m.roles.get(target) ?? 0)) & CAPABLE) !== 0) {
          roles.set(sf, role | CAPABLE);
          changed = true;
          break;
        }
      }
    }
  }
  return roles;
}

// ---------------------------------------------------------------------------------------------
// Per program: facts of names, read through the checker on first ask.

interface NameIndex {
  /** BRANDED | DEVICE | SECTION | DEVICE_ARG facts of a name, evaluated on first ask (most names are never called). */
  facts(name: string): number;
  /** A call by this name may return a bound device (mayBeDeviceValue; `depth`: generic calls followed so far). */
  callMayReturnDevice(name: string, call: ts.CallExpression, depth: number): boolean;
  namesFunction(name: string): boolean;
  reachesBranded(name: string, index: number): boolean;
}

/**
 * Where each parameter of a function goes, syntax only: the calls (callee name, or undefined for a
 * callee without one, and argument position) given an argument rooted at the parameter, read
 * directly (`p`, `p.a`, `p[0]`) or through a local variable initialised from one (destructuring
 * too), anywhere in the body. A superset of what values.ts's parameterSinks follows.
 */
type ParamFlows = Array<Array<[callee: string | undefined, arg: number]>>;

const paramFlowsMemo = new WeakMap<ts.Node, ParamFlows>();

function rootName(expr: ts.Expression): string | undefined {
  let e = skipOuter(expr);
  while (ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e)) e = skipOuter(e.expression);
  return ts.isIdentifier(e) ? e.text : undefined;
}

function paramFlowsOf(fn: FunctionNode): ParamFlows {
  let flows = paramFlowsMemo.get(fn);
  if (flows) return flows;
  const out: ParamFlows = fn.parameters.map(() => []);
  paramFlowsMemo.set(fn, out);
  if (!fn.body) return out;
  /** local name -> the parameters it may hold (part of) */
  const origin = new Map<string, Set<number>>();
  const bind = (b: ts.BindingName, from: ReadonlySet<number>): boolean => {
    if (ts.isIdentifier(b)) {
      let set = origin.get(b.text);
      if (!set) origin.set(b.text, (set = new Set()));
      const before = set.size;
      for (const i of from) set.add(i);
      return set.size > before;
    }
    let grew = false;
    for (const el of b.elements) if (ts.isBindingElement(el)) grew = bind(el.name, from) || grew;
    return grew;
  };
  fn.parameters.forEach((p, i) => bind(p.name, new Set([i])));
  // Names bound from an expression: initialised variables, `for (const x of xs)`, and parameters
  // whose default reads another (`victim = p.scratch`), as values.ts's parameterSinks follows them.
  const decls: Array<[ts.BindingName, ts.Expression]> = [];
  for (const p of fn.parameters) if (p.initializer) decls.push([p.name, p.initializer]);
  const calls: Array<ts.CallExpression | ts.NewExpression> = [];
  const collect = (n: ts.Node): void => {
    if (ts.isVariableDeclaration(n) && n.initializer) decls.push([n.name, n.initializer]);
    else if (ts.isForOfStatement(n) && ts.isVariableDeclarationList(n.initializer)) for (const d of n.initializer.declarations) decls.push([d.name, n.expression]);
    else if ((ts.isCallExpression(n) || ts.isNewExpression(n)) && n.arguments?.length) calls.push(n);
    ts.forEachChild(n, collect);
  };
  collect(fn.body);
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, init] of decls) {
      const from = origin.get(rootName(init) ?? "");
      if (from && bind(name, from)) grew = true;
    }
  }
  for (const call of calls) {
    const callee = calleeName(call);
    call.arguments!.forEach((arg, j) => {
      const from = origin.get(rootName(arg) ?? "");
      for (const i of from ?? []) out[i]!.push([callee, j]);
    });
  }
  return out;
}

/**
 * How a generic signature's result can be a bound device: only through its own type parameters
 * (`devmKzalloc<T extends object>(dev, init: () => T): Managed<T>`, Managed<T> = T & a brand), each
 * inferred from one argument, in one of these shapes:
 *   value     `x: T`              T is the argument's type
 *   returns   `init: () => T`     T is what the callback returns (its own parameters, other members
 *             (through aliases:   of an intersection such as SyncCallback's brand mention no own
 *             SyncCallback<..>)   type parameter)
 *   elements  `xs: T[]`           T is the array literal's element type
 * The rest of the return type (`| undefined`, `& ManagedBrand`), the type parameter's constraint
 * and default are no device. Plain data (no types): cached per file like the facts.
 */
type TypeParam = NonNullable<ts.SignatureDeclaration["typeParameters"]>[number];
type InferredShape = "value" | "returns" | "elements";
interface GenericResult {
  /** Per type parameter in the return: the argument (position among the call's arguments) it is inferred from, and how. */
  sites: ReadonlyArray<readonly [argument: number, shape: InferredShape]>;
}

/**
 * false: `call` (of a signature described by `r`) cannot return a bound device: every argument an
 * inferred type parameter comes from makes it no device. Explicit type arguments, a spread argument,
 * a missing one, a callback with a return annotation or without a returned expression, a generator
 * callback: may.
 */
function genericMayReturnDevice(checker: ts.TypeChecker, r: GenericResult, call: ts.CallExpression, depth: number): boolean {
  for (const [at, shape] of r.sites) {
    const arg = call.arguments[at];
    if (!arg) return true;
    const e = skipParens(arg);
    switch (shape) {
      case "value":
        if (mayBeDeviceExpr(checker, e, depth + 1)) return true;
        break;
      case "elements":
        if (!ts.isArrayLiteralExpression(e) || e.elements.some((x) => ts.isSpreadElement(x) || (!ts.isOmittedExpression(x) && mayBeDeviceExpr(checker, x, depth + 1)))) return true;
        break;
      case "returns": {
        // an async callback makes T a promise of what it returns: a device only once awaited, which
        // mayBeDeviceExpr counts (a call's facts read the awaited type)
        if (!(ts.isArrowFunction(e) || ts.isFunctionExpression(e)) || e.type || e.asteriskToken) return true;
        const returned = returnedExpressions(e);
        if (returned.length === 0 || returned.some((x) => mayBeDeviceExpr(checker, x, depth + 1))) return true;
        break;
      }
    }
  }
  return false;
}

const indexOf = new WeakMap<ts.Program, NameIndex>();

function indexFor(checker: ts.TypeChecker): NameIndex | undefined {
  const program = programOf.get(checker);
  if (!program) return undefined;
  let index = indexOf.get(program);
  if (!index) indexOf.set(program, (index = createIndex(checker, program)));
  return index;
}

// built on first use: reading ts.SyntaxKind at load would load the compiler with the plugin (util/typescript.ts)
let notCallableType: ReadonlySet<ts.SyntaxKind> | undefined;
/** A type annotation's kind that never holds a function or class. */
function isNotCallableType(kind: ts.SyntaxKind): boolean {
  const K = ts.SyntaxKind;
  notCallableType ??= new Set<ts.SyntaxKind>([
    K.NumberKeyword, K.StringKeyword, K.BooleanKeyword, K.VoidKeyword,
    K.UndefinedKeyword, K.NeverKeyword, K.UnknownKeyword, K.AnyKeyword,
    K.BigIntKeyword, K.SymbolKeyword, K.ObjectKeyword, K.LiteralType,
  ]);
  return notCallableType.has(kind);
}

/** Initialisers whose value is never a function or class. */
function isPlainValue(e: ts.Expression): boolean {
  const K = ts.SyntaxKind;
  return (
    ts.isLiteralExpression(e) || ts.isTemplateExpression(e) || ts.isObjectLiteralExpression(e) || ts.isArrayLiteralExpression(e) ||
    ts.isPrefixUnaryExpression(e) || ts.isTypeOfExpression(e) || ts.isVoidExpression(e) ||
    (ts.isBinaryExpression(e) && e.operatorToken.kind !== K.QuestionQuestionToken && e.operatorToken.kind !== K.BarBarToken && e.operatorToken.kind !== K.AmpersandAmpersandToken && e.operatorToken.kind !== K.EqualsToken && e.operatorToken.kind !== K.CommaToken && !isLogicalAssignment(e.operatorToken.kind)) ||
    e.kind === K.TrueKeyword || e.kind === K.FalseKeyword || e.kind === K.NullKeyword
  );
}

/**
 * Facts of names that have no renaming declaration (they depend on their own declarations only),
 * shared by the programs of one tsconfig: brought up to the newest program by dropping the names
 * declared in the files that changed (or that import a changed file).
 */
interface SharedFacts {
  generation: number;
  facts: Map<string, number>;
}

function sharedFactsFor(program: ts.Program): Map<string, number> | undefined {
  const generation = generationOf(program);
  if (generation === 0) return undefined;
  const shared = lineageSlot<SharedFacts>(program, "name-facts", () => ({ generation: 0, facts: new Map() }));
  if (shared.generation > generation) return undefined; // an older program: its own memo only
  if (shared.generation < generation) {
    const changed = changedSince(program, shared.generation);
    if (changed === "all") shared.facts.clear();
    else for (const sf of changed) for (const name of declsOf(sf).keys()) shared.facts.delete(name);
    shared.generation = generation;
  }
  return shared.facts;
}

function createIndex(checker: ts.TypeChecker, program: ts.Program): NameIndex {
  const K = ts.SyntaxKind;
  const shared = sharedFactsFor(program);
  /** Facts of declarations read through the checker, per file, kept while the file's imports do not change. */
  const cached = fileCache<Map<ts.Node, number>>(program, "name-index-facts");

  /** A parameter annotation that carries a brand, or that only a call's inference can tell. */
  const parameterMayBrand = (p: ts.ParameterDeclaration, own: ReadonlySet<string>): boolean => {
    if (!p.type || isNotCallableType(p.type.kind)) return false;
    if (own.size > 0 && mentionsName(p.type, own)) return true;
    const t = checker.getTypeFromTypeNode(p.type);
    if (hasAnyBrand(brandsOfType(checker, t))) return true;
    const elem = p.dotDotDotToken ? checker.getIndexTypeOfType(t, ts.IndexKind.Number) : undefined;
    return !!elem && hasAnyBrand(brandsOfType(checker, elem));
  };
  /** A parameter annotation that may be a bound device (`access(dev: Device<Bound>)`). */
  const parameterMayTakeDevice = (p: ts.ParameterDeclaration, own: ReadonlySet<string>): boolean => {
    if (!p.type || isNotCallableType(p.type.kind)) return false;
    if (own.size > 0 && mentionsName(p.type, own)) return true;
    const t = checker.getTypeFromTypeNode(p.type);
    if (isBoundContext(deviceContextOf(checker, t))) return true;
    const elem = p.dotDotDotToken ? checker.getIndexTypeOfType(t, ts.IndexKind.Number) : undefined;
    return !!elem && isBoundContext(deviceContextOf(checker, elem));
  };
  const mayBeDevice = (t: ts.Type) => isBoundContext(deviceContextOf(checker, t)) || isBoundContext(deviceContextOf(checker, checker.getAwaitedType(t) ?? t));
  const mayBeSection = (t: ts.Type) => !!brandsOfType(checker, t).accessSection;
  /** What calling a declared signature can do: pass a branded argument or a device, return a device or a section. */
  const signatureFacts = (fn: ts.SignatureDeclaration): number => {
    const own = new Set((fn.typeParameters ?? []).map((tp) => tp.name.text));
    let facts = 0;
    for (const p of fn.parameters) {
      if (!(facts & BRANDED) && parameterMayBrand(p, own)) facts |= BRANDED;
      if (!(facts & DEVICE_ARG) && parameterMayTakeDevice(p, own)) facts |= DEVICE_ARG;
    }
    const ret = fn.type;
    if (!ret || (own.size > 0 && mentionsName(ret, own))) facts |= DEVICE | SECTION;
    else if (!isNotCallableType(ret.kind)) {
      const t = checker.getTypeFromTypeNode(ret);
      if (mayBeDevice(t)) facts |= DEVICE;
      if (mayBeSection(t)) facts |= SECTION;
    }
    return facts;
  };
  /** An annotated value (variable, property, parameter): what calling it can do. */
  const typeFacts = (type: ts.TypeNode): number => {
    if (isNotCallableType(type.kind)) return 0;
    if (ts.isFunctionTypeNode(type) || ts.isConstructorTypeNode(type)) return signatureFacts(type);
    const t = checker.getTypeFromTypeNode(type);
    let facts = 0;
    for (const part of t.isUnionOrIntersection() ? t.types : [t]) {
      for (const sig of [...part.getCallSignatures(), ...part.getConstructSignatures()]) {
        if (signatureMayBrand(checker, sig)) facts |= BRANDED;
        if (sig.typeParameters?.length) {
          facts |= DEVICE | SECTION | DEVICE_ARG;
          continue;
        }
        const ret = checker.getReturnTypeOfSignature(sig);
        if (mayBeDevice(ret)) facts |= DEVICE;
        if (mayBeSection(ret)) facts |= SECTION;
        if (sig.getParameters().some((p) => isBoundContext(deviceContextOf(checker, checker.getTypeOfSymbol(p))))) facts |= DEVICE_ARG;
      }
    }
    return facts;
  };
  const valueFacts = (type: ts.TypeNode | undefined, init: ts.Expression | undefined): number => {
    if (type) return typeFacts(type);
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return signatureFacts(init);
    return init && isPlainValue(init) ? 0 : ALL;
  };
  /** Facts of one declaration read through the checker (they depend on its file and what it imports only). */
  const typedFacts = (decl: ts.Node): number => {
    switch (decl.kind) {
      case K.FunctionDeclaration:
      case K.MethodDeclaration:
      case K.MethodSignature:
        return signatureFacts(decl as ts.SignatureDeclaration);
      case K.Constructor:
        // a constructed device is never bound: only brands matter
        return signatureFacts(decl as ts.ConstructorDeclaration) & BRANDED;
      case K.Parameter:
        return typeFacts((decl as ts.ParameterDeclaration).type!);
      default: {
        const d = decl as ts.VariableDeclaration | ts.PropertyDeclaration | ts.PropertySignature | ts.PropertyAssignment;
        return valueFacts(ts.isPropertyAssignment(d) ? undefined : d.type, ts.isPropertySignature(d) ? undefined : d.initializer);
      }
    }
  };
  /** Facts of one declaration other than a rename (renames: namedFacts). */
  const declFacts = (sf: ts.SourceFile, decl: ts.Node): number => {
    switch (decl.kind) {
      case K.ClassDeclaration:
      case K.ClassExpression:
        return BRANDED;
      case K.BindingElement:
      case K.ShorthandPropertyAssignment:
      case K.ImportClause:
      case K.ImportEqualsDeclaration:
      case K.GetAccessor:
        return ALL;
      case K.Parameter: {
        const p = decl as ts.ParameterDeclaration;
        if (!p.type) {
          // An unannotated parameter of a function declaration is `any`; of a function expression,
          // arrow or object method it takes the contextual type, which may be branded.
          const fn = p.parent;
          const contextual = ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || (ts.isMethodDeclaration(fn) && ts.isObjectLiteralExpression(fn.parent));
          return contextual || p.initializer ? ALL : 0;
        }
        break;
      }
    }
    let perFile = cached.get(sf);
    if (!perFile) cached.set(sf, (perFile = new Map()));
    let f = perFile.get(decl);
    if (f === undefined) perFile.set(decl, (f = typedFacts(decl)));
    return f;
  };
  /** `type` is a callable whose one call signature returns `tp` and mentions no own type parameter otherwise. */
  const returnsOnly = (type: ts.Type, tp: ts.Type, own: ReadonlySet<ts.Symbol>): boolean => {
    const budget = { left: MENTION_BUDGET };
    const sigs = type.getCallSignatures();
    if (sigs.length !== 1 || type.getConstructSignatures().length > 0 || checker.getReturnTypeOfSignature(sigs[0]!) !== tp) return false;
    if (signatureMentions(checker, sigs[0]!, own, budget, false)) return false;
    // the other members of an intersection (brands), and the callable's own properties
    for (const part of type.isIntersection() ? type.types : [type]) {
      if (part.getCallSignatures().length > 0) {
        if (part.getProperties().some((prop) => typeMentions(checker, checker.getTypeOfSymbol(prop), own, budget))) return false;
        if (checker.getIndexInfosOfType(part).length > 0) return false;
      } else if (typeMentions(checker, part, own, budget)) return false;
    }
    return true;
  };
  /** What a generic declaration's result depends on (GenericResult), or undefined: may be a device whatever the arguments. */
  const genericResultOf = (fn: ts.SignatureDeclaration): GenericResult | undefined => {
    const tps = fn.typeParameters;
    if (!tps?.length || !fn.type) return undefined;
    const byName = new Set(tps.map((tp) => tp.name.text));
    const symbols = new Map<ts.Symbol, TypeParam>();
    for (const tp of tps) {
      const sym = checker.getSymbolAtLocation(tp.name);
      if (!sym) return undefined;
      symbols.set(sym, tp);
    }
    const own = new Set(symbols.keys());
    // the return type's union and intersection members: own type parameters, or parts that are no device and mention none
    const inferred = new Map<TypeParam, ts.Type>();
    const parts = [checker.getTypeFromTypeNode(fn.type)];
    for (let part = parts.pop(); part; part = parts.pop()) {
      if (part.isUnionOrIntersection()) parts.push(...part.types);
      else if (part.flags & ts.TypeFlags.TypeParameter && part.symbol && symbols.has(part.symbol)) inferred.set(symbols.get(part.symbol)!, part);
      else if (typeMentions(checker, part, own, { left: MENTION_BUDGET }) || mayBeDevice(part)) return undefined;
    }
    if (inferred.size === 0) return undefined;
    const params = fn.parameters.filter((p) => !(ts.isIdentifier(p.name) && p.name.text === "this"));
    const sites: Array<readonly [number, InferredShape]> = [];
    for (const [tp, tpType] of inferred) {
      // inferred from one argument alone; its constraint or default (when nothing is inferred) no device
      for (const bound of [tp.constraint, tp.default]) if (bound && (mentionsName(bound, byName) || mayBeDevice(checker.getTypeFromTypeNode(bound)))) return undefined;
      const names = new Set([tp.name.text]);
      const at = fn.parameters.filter((p) => mentionsName(p, names));
      const p = at[0];
      if (at.length !== 1 || !p!.type || p!.dotDotDotToken || !params.includes(p!)) return undefined;
      const type = p!.type;
      const isTp = (n: ts.TypeNode) => ts.isTypeReferenceNode(n) && !n.typeArguments && ts.isIdentifier(n.typeName) && n.typeName.text === tp.name.text;
      const elem = ts.isTypeOperatorNode(type) && type.operator === K.ReadonlyKeyword ? type.type : type;
      const shape: InferredShape | undefined = isTp(type)
        ? "value"
        : ts.isArrayTypeNode(elem) && isTp(elem.elementType)
          ? "elements"
          : returnsOnly(checker.getTypeFromTypeNode(type), tpType, own)
            ? "returns"
            : undefined;
      if (!shape) return undefined;
      sites.push([params.indexOf(p!), shape]);
    }
    return { sites };
  };
  /** Generic results of declarations read through the checker, per file, kept like the facts. */
  const cachedGeneric = fileCache<Map<ts.Node, GenericResult | null>>(program, "name-index-generic");
  const declGeneric = (sf: ts.SourceFile, decl: ts.Node): GenericResult | undefined => {
    let perFile = cachedGeneric.get(sf);
    if (!perFile) cachedGeneric.set(sf, (perFile = new Map()));
    let r = perFile.get(decl);
    if (r === undefined) {
      const fn = signatureOf(decl);
      perFile.set(decl, (r = (fn && genericResultOf(fn)) ?? null));
    }
    return r ?? undefined;
  };
  const ix: IndexHost = { program, shared, declFacts, declGeneric };
  return {
    facts: (name) => factsOf(ix, name),
    callMayReturnDevice: (name, call, depth) => {
      if ((factsOf(ix, name) & DEVICE) === 0) return false;
      // explicit type arguments decide the result, a spread argument where each one lands
      if (depth >= MAX_VALUE_DEPTH || call.typeArguments || call.arguments.some(ts.isSpreadElement)) return true;
      const results = genericResults.get(ix, name);
      // each declaration by the name may be the one called (an overload, a method of another class)
      return !results || results.some((r) => genericMayReturnDevice(checker, r, call, depth));
    },
    namesFunction: (name) => {
      // the summary follows renames (through cycles); a name with a body, or without a rename, is answered here
      const m = mergedFor(program);
      if (m.functionFiles.has(name)) return true;
      return m.renames.has(name) && namesFunction.get(ix, name);
    },
    // A name with bodies in many files (a helper name every driver repeats): one symbol lookup by
    // the caller is cheaper than reading every body, and exact.
    reachesBranded: (name, index) => {
      const m = mergedFor(program);
      const bodies = m.bodyFiles.get(name)?.size ?? 0;
      if (bodies > MANY_BODIES) return true;
      // No body, import or rename by this name (a runtime API, a library call): nothing to follow,
      // and no key to build for the summary.
      if (bodies === 0 && !m.opaque.has(name) && !m.renames.has(name)) return false;
      return reachesBranded.get(ix, [name, index]);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The facts of names, as summaries (summaries.ts): a name asked while it is being computed (a
// cycle of renames, of helpers passing a parameter to each other) adds nothing, and a value that
// read such a provisional answer is not kept, so each answer is the least fixpoint whatever order
// names are asked in.

/** What the index's summaries read: the program's merged sets, the facts shared across its tsconfig's programs, typed declaration facts. */
interface IndexHost {
  readonly program: ts.Program;
  readonly shared: Map<string, number> | undefined;
  declFacts(sf: ts.SourceFile, decl: ts.Node): number;
  /** A declaration with DEVICE: how its result depends on the arguments, undefined if it may be a device whatever they are. */
  declGeneric(sf: ts.SourceFile, decl: ts.Node): GenericResult | undefined;
}

/** The union of the facts of every declaration by this name; a rename adds what it renames. */
const namedFacts = defineSummary<string, number, IndexHost>(
  "name-index:facts",
  (ix, name) => {
    let f = 0;
    let renamed = false;
    const m = mergedFor(ix.program);
    outer: for (const sf of m.declFiles.get(name) ?? []) {
      for (const decl of declsOf(sf).get(name)!) {
        if (ts.isImportSpecifier(decl) || ts.isExportSpecifier(decl)) {
          // across the program by name: never shared beyond this program
          renamed = true;
          f |= factsOf(ix, decl.propertyName!.text);
        } else f |= ix.declFacts(sf, decl);
        if (f === ALL) break outer;
      }
    }
    // Without a rename the facts depend on the name's own declarations only.
    if (!renamed && ix.shared) ix.shared.set(name, f);
    return f;
  },
  { onCycle: () => 0 },
);

/**
 * The generic results of every declaration by this name that may return a device (a rename adds
 * what it renames), or undefined when one may return a device whatever the arguments.
 */
const genericResults = defineSummary<string, readonly GenericResult[] | undefined, IndexHost>(
  "name-index:generic",
  (ix, name) => {
    const out: GenericResult[] = [];
    const m = mergedFor(ix.program);
    for (const sf of m.declFiles.get(name) ?? []) {
      for (const decl of declsOf(sf).get(name)!) {
        if (ts.isImportSpecifier(decl) || ts.isExportSpecifier(decl)) {
          const renamed = genericResults.get(ix, decl.propertyName!.text);
          if (!renamed) return undefined;
          out.push(...renamed);
        } else if (ix.declFacts(sf, decl) & DEVICE) {
          const r = ix.declGeneric(sf, decl);
          if (!r) return undefined;
          out.push(r);
        }
      }
    }
    return out;
  },
  { onCycle: () => [] },
);

/** The signature a declaration's facts are read from (signatureFacts), when it has one. */
function signatureOf(decl: ts.Node): ts.SignatureDeclaration | undefined {
  if (ts.isFunctionDeclaration(decl) || ts.isMethodDeclaration(decl) || ts.isMethodSignature(decl)) return decl;
  if ((ts.isVariableDeclaration(decl) || ts.isPropertyDeclaration(decl) || ts.isPropertyAssignment(decl)) && !(ts.isPropertyAssignment(decl) ? undefined : decl.type)) {
    const init = decl.initializer;
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init;
  }
  return undefined;
}

/** BRANDED | DEVICE | SECTION | DEVICE_ARG of a name (shared facts first: no allocation on a hit). */
function factsOf(ix: IndexHost, name: string): number {
  return ix.shared?.get(name) ?? namedFacts.get(ix, name);
}

/** A function with a body by this name, or a rename or alias of one. */
const namesFunction = defineSummary<string, boolean, IndexHost>(
  "name-index:functions",
  (ix, name) => {
    const m = mergedFor(ix.program);
    if (m.functionFiles.has(name)) return true;
    for (const original of m.renames.get(name)?.keys() ?? []) if (namesFunction.get(ix, original)) return true;
    return false;
  },
  { onCycle: () => false },
);

/**
 * Some function by this name (or a rename of one, or one imported under a name of the importer's
 * choosing) passes its parameter `index` on to a branded call, directly or through others.
 */
const reachesBranded = defineSummary<readonly [name: string, index: number], boolean, IndexHost>(
  "name-index:reaches-branded",
  (ix, [name, index]) => {
    const m = mergedFor(ix.program);
    if (m.opaque.has(name)) return true;
    for (const sf of m.bodyFiles.get(name) ?? []) for (const fn of functionsOf(sf).bodies.get(name)!) if (flowReaches(ix, fn, index, name)) return true;
    for (const original of m.renames.get(name)?.keys() ?? []) if (reachesBranded.get(ix, [original, index])) return true;
    return false;
  },
  { onCycle: () => false, keyParts: (key) => key },
);

/** Parameter `index` of `fn` (a function by the name `name`) flows into a call that may be branded, or that reaches one. */
function flowReaches(ix: IndexHost, fn: FunctionNode, index: number, name: string): boolean {
  // Arguments from a rest parameter's position on all go into it (values.ts follows them).
  const restAt = fn.parameters.findIndex((q) => q.dotDotDotToken);
  const at = restAt >= 0 && index >= restAt ? restAt : index;
  if (!fn.parameters[at]) return false;
  const flows = paramFlowsOf(fn)[at]!;
  for (const [callee] of flows) if (callee === undefined || (factsOf(ix, callee) & BRANDED) !== 0) return true;
  for (const [callee, arg] of flows) {
    // Passing the parameter on to itself (`walk(node.next)` in walk) adds nothing to the union:
    // not asked, so a recursive function's answer reads no provisional one and is kept.
    if (callee === name && arg === index) continue;
    if (reachesBranded.get(ix, [callee!, arg])) return true;
  }
  return false;
}
