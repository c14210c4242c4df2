/**
 * summaries.ts: the one mechanism behind every per-program summary of the analysis layer (what a
 * helper does with a parameter, which devres call a function reaches, how a callback is deferred,
 * a program-wide index), so that a summary does not depend on who asked first.
 *
 * Invariant: a value is kept only when it is the answer any asker would compute, whatever the file,
 * the rule or the order of questions:
 * - Recursion: a key asked while it is being computed (one in-progress marker a key) gets the
 *   summary's `onCycle` answer (the least value: "nothing found"). No computation that read such
 *   a provisional answer is kept, the key the cycle came back to included: a key on a cycle is
 *   computed again from wherever it is asked, so its answer depends on the key alone, never on
 *   which member of the cycle was asked first (a kept value is then always one whose computation
 *   touched no cycle, and reads the same from any context). Recursion is rare in driver code; the
 *   values below a cycle are kept as usual.
 * - Budgets: a summary may bound how deep its own computations nest (`budget.depth`, the root
 *   being depth 0). An ask deeper than that gets `budget.onCut` and every computation of the
 *   summary above it, up to its root, is provisional; the root's value is kept for askers at depth
 *   0 only (the cut is part of the key). A value computed without a cut is kept with the depth its
 *   computation reached, and reused at depth d only when d plus that depth fits in the budget (so
 *   a deep asker never reads a value it could not have computed itself).
 * - Per program: values live per ts.Program (a new program in the editor starts empty), or, with
 *   `fileOf`, per SourceFile through program-delta.ts's fileCache (reused by a later program of
 *   the same tsconfig while neither the key's file nor any file it imports changed: only for
 *   summaries whose value depends on nothing else). In-progress markers are always per program.
 * A compute function must not read the linted file (Analysis.sourceFile, esNode): it gets the
 * host it was asked with only to reach the program and checker.
 *
 * API
 *   defineSummary(name, compute, options?)   Summary<K, V, H>; `name` is unique (the file cache key)
 *   atTopLevel()                             no computation is running: answers read now may be memoised
 *   Summary.get(host, key)                   V (host: anything with `program`, e.g. an Analysis)
 *   SummaryOptions: onCycle(key), budget { depth, onCut(key) }, keyParts(key), fileOf(key)
 */
import type ts from "typescript";
import { fileCache, type FileCache } from "./program-delta.js";

export interface SummaryHost {
  readonly program: ts.Program;
}

export interface SummaryOptions<K, V> {
  /** The answer for a key asked while it is being computed. Without it, recursion is an error. */
  onCycle?: (key: K) => V;
  /** How deep this summary's computations may nest (root: 0), and the answer past that. */
  budget?: { depth: number; onCut: (key: K) => V };
  /** A composite key's parts (`[fn, index]`), compared by identity; default: the key itself. */
  keyParts?: (key: K) => readonly unknown[];
  /** The file the key's value depends on (with what it imports): keep the value per file across programs. */
  fileOf?: (key: K) => ts.SourceFile;
}

export interface Summary<K, V, H extends SummaryHost = SummaryHost> {
  readonly name: string;
  get(host: H, key: K): V;
}

interface Entry<V> {
  value: V;
  /** How deep below itself the computation nested (this summary's frames). */
  height: number;
  /** Computed under a cut: valid only for askers at this depth. */
  onlyAtDepth: number | undefined;
}

interface Frame {
  summary: object;
  program: ts.Program;
  /** Place on the (global) stack of computations. */
  index: number;
  /** Depth among this summary's computations for this program (root: 0). */
  depth: number;
  /** Lowest stack index of an in-progress computation whose provisional answer this one read. */
  low: number;
  height: number;
  /** A cut below this root frame: its value is kept for depth 0 only. */
  cutHere: boolean;
  /** A computation above asked for this key while it ran (a cycle through it): not kept. */
  cycleHere: boolean;
  /** The same summary's frame this one runs inside (same program), if any. */
  outer: Frame | undefined;
}

/** Computations in progress, innermost last (compute functions are synchronous). */
const stack: Frame[] = [];

/** A Map keyed by a key, or part by part (identity) for a composite key: no allocation per lookup. */
class KeyMap<K, T> {
  private readonly root = new Map<unknown, unknown>();
  constructor(private readonly parts: ((key: K) => readonly unknown[]) | undefined) {}
  get(key: K): T | undefined {
    if (!this.parts) return this.root.get(key) as T | undefined;
    const parts = this.parts(key);
    let m: Map<unknown, unknown> | undefined = this.root;
    for (let i = 0; i < parts.length - 1 && m; i++) m = m.get(parts[i]) as Map<unknown, unknown> | undefined;
    return m?.get(parts[parts.length - 1]) as T | undefined;
  }
  set(key: K, value: T): void {
    if (!this.parts) return void this.root.set(key, value);
    const parts = this.parts(key);
    let m = this.root;
    for (let i = 0; i < parts.length - 1; i++) {
      let next = m.get(parts[i]) as Map<unknown, unknown> | undefined;
      if (!next) m.set(parts[i], (next = new Map()));
      m = next;
    }
    m.set(parts[parts.length - 1], value);
  }
  delete(key: K): void {
    if (!this.parts) return void this.root.delete(key);
    const parts = this.parts(key);
    let m: Map<unknown, unknown> | undefined = this.root;
    for (let i = 0; i < parts.length - 1 && m; i++) m = m.get(parts[i]) as Map<unknown, unknown> | undefined;
    m?.delete(parts[parts.length - 1]);
  }
}

/**
 * No summary computation is running: an answer derived from summaries now is what any later asker
 * outside a computation gets (every kept value is final for depth 0), so a caller may memoise it.
 */
export function atTopLevel(): boolean {
  return stack.length === 0;
}

export function defineSummary<K, V, H extends SummaryHost = SummaryHost>(
  name: string,
  compute: (host: H, key: K) => V,
  options: SummaryOptions<K, V> = {},
): Summary<K, V, H> {
  const { onCycle, budget, keyParts, fileOf } = options;
  interface State {
    values: KeyMap<K, Entry<V>>;
    inProgress: KeyMap<K, Frame>;
    files: FileCache<KeyMap<K, Entry<V>>> | undefined;
  }
  const byProgram = new WeakMap<ts.Program, State>();
  const self = {};
  /** This summary's computations in progress (any program): none, no stack walk. */
  let active = 0;
  const fileKey = `summary:${name}`;

  // The last program's state without a WeakMap lookup: nearly every ask is for the program just asked about.
  let lastProgram: ts.Program | undefined;
  let lastState: State | undefined;
  const stateOf = (program: ts.Program): State => {
    if (program === lastProgram) return lastState!;
    let s = byProgram.get(program);
    if (!s) byProgram.set(program, (s = { values: new KeyMap(keyParts), inProgress: new KeyMap(keyParts), files: fileOf ? fileCache(program, fileKey) : undefined }));
    lastProgram = program;
    lastState = s;
    return s;
  };
  const valuesFor = (key: K, state: State, create: boolean): KeyMap<K, Entry<V>> | undefined => {
    if (!state.files) return state.values;
    const sf = fileOf!(key);
    let m = state.files.get(sf);
    if (!m && create) state.files.set(sf, (m = new KeyMap(keyParts)));
    return m;
  };
  /** This summary's innermost frame for `program`. */
  const outerFrame = (program: ts.Program): Frame | undefined => {
    if (active === 0) return undefined;
    for (let i = stack.length - 1; i >= 0; i--) {
      const f = stack[i]!;
      if (f.summary === self && f.program === program) return f;
    }
    return undefined;
  };

  return {
    name,
    get(host, key) {
      const program = host.program;
      const state = stateOf(program);
      if (!budget) {
        // Without a budget a kept value holds at any depth (heights only matter to budgets).
        const kept = valuesFor(key, state, false)?.get(key);
        if (kept) return kept.value;
      }
      const outer = outerFrame(program);
      const depth = outer ? outer.depth + 1 : 0;
      const top = stack[stack.length - 1];

      const entry = valuesFor(key, state, false)?.get(key);
      if (entry && (entry.onlyAtDepth === undefined ? !budget || depth + entry.height <= budget.depth : entry.onlyAtDepth === depth)) {
        if (outer) outer.height = Math.max(outer.height, entry.height + 1);
        return entry.value;
      }
      const running = state.inProgress.get(key);
      if (running) {
        if (!onCycle) throw new Error(`devbound: summary "${name}" asked for a key it is computing (recursion it does not expect)`);
        running.cycleHere = true;
        if (top) top.low = Math.min(top.low, running.index);
        return onCycle(key);
      }
      if (budget && depth > budget.depth) {
        // Everything from this summary's root up depends on the cut: provisional, the root kept at depth 0.
        let root = outer!;
        while (root.outer) root = root.outer;
        root.cutHere = true;
        if (top) top.low = Math.min(top.low, root.index);
        return budget.onCut(key);
      }

      const frame: Frame = { summary: self, program, index: stack.length, depth, low: Infinity, height: 0, cutHere: false, cycleHere: false, outer };
      stack.push(frame);
      active++;
      state.inProgress.set(key, frame);
      let value: V;
      try {
        value = compute(host, key);
      } finally {
        stack.pop();
        active--;
        state.inProgress.delete(key);
      }
      // Read a provisional answer of a computation below this one (still running), or of itself: not kept.
      if (frame.low < frame.index) {
        if (top) top.low = Math.min(top.low, frame.low);
      } else if (!frame.cycleHere) {
        valuesFor(key, state, true)!.set(key, { value, height: frame.height, onlyAtDepth: frame.cutHere ? depth : undefined });
      }
      if (outer) outer.height = Math.max(outer.height, frame.height + 1);
      return value;
    },
  };
}
