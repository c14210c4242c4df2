/**
 * program-delta.ts: what a TypeScript program shares with the program before it, so program-wide
 * structures are rebuilt per changed file instead of per program. The editor hands the rules a new
 * program on every edit; TypeScript keeps the SourceFile objects of the files that did not change.
 *
 * Invariant: a value cached with fileCache() for file F under program P is returned under a later
 * program Q only when computing it under Q would give the same: F is the same SourceFile object, no
 * file F imports (transitively, by resolved import or `/// <reference path>`) changed between them,
 * and no change between them can reach every file: a changed script (a file that is not a module)
 * or a file with module augmentations or ambient modules, a file added or removed, other compiler
 * options, or a module resolution of an unchanged file that moved. Each program is compared with
 * the program seen before it for the same tsconfig; a program without a tsconfig (configFilePath)
 * is compared with nothing and reuses nothing. Syntax-only facts need none of this: they are cached
 * per SourceFile object (WeakMap) by their own modules.
 *
 * API
 *   filesOf(program)             { all, byName } the program's files (cached per program)
 *   importersOf(program)         Map<fileName, fileName[]>: who imports a file (the reverse graph);
 *                                undefined when ts offers no way to read resolutions
 *   importsOf(program, sf)       the file names `sf` imports (resolved)
 *   deltaOf(program)             { generation, added, removed, stale } against the previous program
 *                                of the tsconfig, or undefined (none, or everything changed)
 *   fileCache<V>(program, key)   { get(sf), set(sf, v) } a per-file cache for checker-derived values
 *   generationOf(program)        the program's place among its tsconfig's programs (0: none)
 *   changedSince(program, gen)   files whose derived values may differ from generation gen's, or "all"
 *   lineageSlot(program, key, init)   one value shared by the programs of one tsconfig (a structure
 *                                kept up to date by file deltas)
 *   mentionsBrand(sf)            the file's text mentions `__devbound` (cached per SourceFile)
 *   reachesEveryFile(sf)         the file can change names or types of files that do not import it
 */
import { ts } from "../util/typescript.js";

interface ProgramFiles {
  all: readonly ts.SourceFile[];
  byName: ReadonlyMap<string, ts.SourceFile>;
}

/** The reverse import graph, and the forward edges it came from (to see which resolutions moved). */
interface Graph {
  /** ts's resolution map the graph was read from (internal; identical object: same resolutions). */
  resolvedModules: unknown;
  forward: Map<string, string[]>;
  importers: Map<string, string[]>;
  /** false: ts offers no way to read resolutions (every change then counts as reaching every file). */
  complete: boolean;
}

/** Programs compared with one another: one tsconfig. */
interface Lineage {
  generation: number;
  last: { files: Set<ts.SourceFile>; byName: ReadonlyMap<string, ts.SourceFile>; options: ts.CompilerOptions; graph: Graph } | undefined;
  /** The generation in which a file last turned stale (its derived values may have changed). */
  staleAt: WeakMap<ts.SourceFile, number>;
  /** The generation of the last change that can reach every file. */
  allStaleAt: number;
  caches: Map<string, WeakMap<ts.SourceFile, { generation: number; value: unknown }>>;
  /** Per recent generation, the files that turned stale in it (both versions of a changed file). */
  log: Map<number, ReadonlySet<ts.SourceFile> | "all">;
}

/** From the program before (generation - 1) to this one, when known file by file. */
export interface ProgramDelta {
  generation: number;
  /** SourceFile objects new in this program, and the ones they replace (same file names). */
  added: readonly ts.SourceFile[];
  removed: readonly ts.SourceFile[];
  /** Files of this program whose derived values may have changed (added ones and their importers). */
  stale: ReadonlySet<ts.SourceFile>;
}

interface ProgramState {
  files: ProgramFiles;
  delta: ProgramDelta | undefined;
  lineage: Lineage | undefined;
  generation: number;
  graph: Graph | undefined;
  /** Caches of a program without a lineage. */
  local: Map<string, Map<ts.SourceFile, unknown>>;
}

const lineages = new Map<string, Lineage>();
/** Generations whose stale files are remembered (for changedSince). */
const LOG_LENGTH = 32;
const states = new WeakMap<ts.Program, ProgramState>();

export function filesOf(program: ts.Program): ProgramFiles {
  return stateOf(program).files;
}

/** Resolved import targets of a file (file names); undefined when resolutions cannot be read. */
export function importsOf(program: ts.Program, sf: ts.SourceFile): readonly string[] | undefined {
  const state = stateOf(program);
  const graph = (state.graph ??= buildGraph(program, state.files));
  return graph.complete ? (graph.forward.get(sf.fileName) ?? []) : undefined;
}

/**
 * What changed from the previous program of the tsconfig to this one, file by file; undefined when
 * there is none or the change can reach every file (then rebuild from the program).
 */
export function deltaOf(program: ts.Program): ProgramDelta | undefined {
  return stateOf(program).delta;
}

/** undefined: resolutions cannot be read (take every file as importing every other). */
export function importersOf(program: ts.Program): ReadonlyMap<string, readonly string[]> | undefined {
  const state = stateOf(program);
  const graph = (state.graph ??= buildGraph(program, state.files));
  return graph.complete ? graph.importers : undefined;
}

/** The program's place among the programs of its tsconfig (increasing); 0 without a tsconfig. */
export function generationOf(program: ts.Program): number {
  return stateOf(program).generation;
}

/**
 * The files whose checker-derived values may differ between the program of generation `since`
 * (same tsconfig) and `program`, both versions of a changed file included; "all" when that is not
 * known (no tsconfig, an older program, too long ago, or a change that reaches every file).
 */
export function changedSince(program: ts.Program, since: number): ReadonlySet<ts.SourceFile> | "all" {
  const state = stateOf(program);
  if (!state.lineage || since <= 0 || since > state.generation) return "all";
  const out = new Set<ts.SourceFile>();
  for (let g = since + 1; g <= state.generation; g++) {
    const files = state.lineage.log.get(g);
    if (!files || files === "all") return "all";
    for (const sf of files) out.add(sf);
  }
  return out;
}

export interface FileCache<V> {
  get(sf: ts.SourceFile): V | undefined;
  set(sf: ts.SourceFile, value: V): void;
}

export function fileCache<V>(program: ts.Program, key: string): FileCache<V> {
  const state = stateOf(program);
  const lineage = state.lineage;
  if (!lineage) {
    let local = state.local.get(key) as Map<ts.SourceFile, V> | undefined;
    if (!local) state.local.set(key, (local = new Map()));
    return local;
  }
  let entries = lineage.caches.get(key);
  if (!entries) lineage.caches.set(key, (entries = new WeakMap()));
  const generation = state.generation;
  return {
    get(sf) {
      const e = entries.get(sf);
      // made under this program or an earlier one, after the last change that could reach the file
      if (!e || e.generation > generation || e.generation < lineage.allStaleAt || e.generation < (lineage.staleAt.get(sf) ?? 0)) return undefined;
      return e.value as V;
    },
    set(sf, value) {
      entries.set(sf, { generation, value });
    },
  };
}

const brandMention = new WeakMap<ts.SourceFile, boolean>();

export function mentionsBrand(sf: ts.SourceFile): boolean {
  let v = brandMention.get(sf);
  if (v === undefined) brandMention.set(sf, (v = sf.text.includes("__devbound")));
  return v;
}

function stateOf(program: ts.Program): ProgramState {
  let state = states.get(program);
  if (!state) states.set(program, (state = register(program)));
  return state;
}

function register(program: ts.Program): ProgramState {
  const all = program.getSourceFiles();
  const byName = new Map<string, ts.SourceFile>();
  for (const sf of all) byName.set(sf.fileName, sf);
  const files: ProgramFiles = { all, byName };
  const options = program.getCompilerOptions();
  const key = typeof options.configFilePath === "string" ? options.configFilePath : undefined;
  if (key === undefined) return { files, delta: undefined, lineage: undefined, generation: 0, graph: undefined, local: new Map() };
  let lineage = lineages.get(key);
  if (!lineage) lineages.set(key, (lineage = { generation: 0, last: undefined, staleAt: new WeakMap(), allStaleAt: 0, caches: new Map(), log: new Map() }));
  const generation = ++lineage.generation;
  const last = lineage.last;
  let graph: Graph | undefined;
  let delta: ProgramDelta | undefined;
  lineage.log.delete(generation - LOG_LENGTH);
  if (!last || last.options !== options || last.byName.size !== byName.size) {
    lineage.allStaleAt = generation;
    lineage.log.set(generation, "all");
  } else {
    const changed: ts.SourceFile[] = [];
    let global = false;
    for (const sf of all) {
      if (last.files.has(sf)) continue;
      const before = last.byName.get(sf.fileName);
      if (!before || reachesEveryFile(sf) || reachesEveryFile(before)) {
        global = true;
        break;
      }
      changed.push(sf);
    }
    if (!global && changed.length > 0 && !last.graph.complete) global = true;
    if (!global) {
      // Same resolution map object: ts reused the old program's resolutions, the graph is the old one.
      graph = resolutionsOf(program) !== undefined && resolutionsOf(program) === last.graph.resolvedModules ? last.graph : buildGraph(program, files);
      const stale = new Set(changed.map((sf) => sf.fileName));
      if (graph !== last.graph) {
        // An unchanged file whose imports now resolve elsewhere counts as changed.
        for (const sf of all) {
          if (!stale.has(sf.fileName) && !sameEdges(graph.forward.get(sf.fileName), last.graph.forward.get(sf.fileName))) stale.add(sf.fileName);
        }
      }
      const queue = [...stale];
      for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
        for (const importer of graph.importers.get(name) ?? []) if (!stale.has(importer)) stale.add(importer), queue.push(importer);
      }
      const logged = new Set<ts.SourceFile>();
      const staleNow = new Set<ts.SourceFile>();
      for (const name of stale) {
        const sf = byName.get(name);
        if (sf) lineage.staleAt.set(sf, generation), logged.add(sf), staleNow.add(sf);
        const before = last.byName.get(name);
        if (before) logged.add(before);
      }
      lineage.log.set(generation, logged);
      delta = { generation, added: changed, removed: changed.map((sf) => last.byName.get(sf.fileName)!), stale: staleNow };
    } else {
      lineage.allStaleAt = generation;
      lineage.log.set(generation, "all");
    }
  }
  graph ??= buildGraph(program, files);
  lineage.last = { files: new Set(all), byName, options, graph };
  return { files, delta, lineage, generation, graph, local: new Map() };
}

/**
 * A file whose content can alter names or types in files that do not import it: a script (its
 * declarations are global), a module with `declare global` or a module augmentation, or one
 * declaring ambient modules (`declare module "x"`, imported without a resolved file).
 */
export function reachesEveryFile(sf: ts.SourceFile): boolean {
  const internal = sf as { moduleAugmentations?: readonly unknown[]; ambientModuleNames?: readonly string[] };
  return !ts.isExternalModule(sf) || (internal.moduleAugmentations?.length ?? 0) > 0 || (internal.ambientModuleNames?.length ?? 0) > 0;
}

function sameEdges(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (!a || !b) return (a?.length ?? 0) === (b?.length ?? 0);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

type ResolutionCache = { forEach(cb: (resolution: ts.ResolvedModuleWithFailedLookupLocations) => void): void };

/** ts's per-program module resolutions (internal; read-only use). */
function resolutionsOf(program: ts.Program): Map<string, ResolutionCache> | undefined {
  const r = (program as { resolvedModules?: unknown }).resolvedModules;
  return r instanceof Map ? (r as Map<string, ResolutionCache>) : undefined;
}

function buildGraph(program: ts.Program, files: ProgramFiles): Graph {
  const forward = new Map<string, string[]>();
  const resolved = resolutionsOf(program);
  const push = (from: string, to: string) => {
    const list = forward.get(from);
    if (list) list.push(to);
    else forward.set(from, [to]);
  };
  if (resolved) {
    // Reading ts's resolution map is ~10x cheaper than resolving each import specifier again.
    const byPath = new Map<string, ts.SourceFile>();
    for (const sf of files.all) byPath.set((sf as { path?: string }).path ?? sf.fileName, sf);
    for (const [path, cache] of resolved) {
      const sf = byPath.get(path);
      if (sf) cache.forEach((r) => r.resolvedModule && push(sf.fileName, r.resolvedModule.resolvedFileName));
    }
  } else {
    // Module specifiers and their resolution are kept by the program (internal but stable API).
    const resolve = (program as { getResolvedModuleFromModuleSpecifier?: (s: ts.StringLiteralLike, sf: ts.SourceFile) => ts.ResolvedModuleWithFailedLookupLocations | undefined })
      .getResolvedModuleFromModuleSpecifier;
    if (typeof resolve !== "function") return { resolvedModules: undefined, forward, importers: new Map(), complete: false };
    for (const sf of files.all) {
      for (const spec of (sf as { imports?: readonly ts.StringLiteralLike[] }).imports ?? []) {
        const target = resolve.call(program, spec, sf)?.resolvedModule?.resolvedFileName;
        if (target) push(sf.fileName, target);
      }
    }
  }
  for (const sf of files.all) {
    for (const ref of sf.referencedFiles) push(sf.fileName, ts.resolveTripleslashReference(ref.fileName, sf.fileName));
  }
  const importers = new Map<string, string[]>();
  for (const [from, raw] of forward) {
    // a target is known by the name its SourceFile has in the program (a symlink resolves to its real path)
    const targets = [...new Set(raw.map((to) => files.byName.get(to)?.fileName ?? program.getSourceFile(to)?.fileName ?? to))].sort();
    forward.set(from, targets);
    for (const name of targets) {
      const list = importers.get(name);
      if (list) list.push(from);
      else importers.set(name, [from]);
    }
  }
  return { resolvedModules: resolved, forward, importers, complete: true };
}

const slots = new WeakMap<Lineage | ts.Program, Map<string, unknown>>();

/**
 * One value shared by the programs of one tsconfig (a program without one gets its own): a
 * structure a module keeps up to date from one program to the next (it must check which program
 * it was last brought up to date for).
 */
export function lineageSlot<T>(program: ts.Program, key: string, init: () => T): T {
  const owner = stateOf(program).lineage ?? program;
  let m = slots.get(owner);
  if (!m) slots.set(owner, (m = new Map()));
  if (!m.has(key)) m.set(key, init());
  return m.get(key) as T;
}
