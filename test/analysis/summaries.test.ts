// defineSummary (analysis/summaries.ts): one in-progress marker, budgets inside the summary, one
// store per program. Each case asks the same questions in two orders, or from two programs, and
// expects the answer a fresh program gives.
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { atTopLevel, defineSummary, type Summary } from "../../packages/eslint-plugin/src/analysis/summaries.js";

/** A stand-in program: summaries key their stores on the program object only (no file cache here). */
const fakeProgram = () => ({}) as ts.Program;

/** A call graph: reach(n) = n and everything its callees reach (a union summary, as the rules' are). */
function reachSummary(graph: Record<string, string[]>, name: string, budget?: number) {
  const computed: string[] = [];
  const reach = defineSummary<string, string[], { program: ts.Program }>(
    name,
    (host, node) => {
      computed.push(node);
      const out = new Set([node]);
      for (const callee of graph[node] ?? []) for (const n of reach.get(host, callee)) out.add(n);
      return [...out].sort();
    },
    {
      onCycle: () => [],
      ...(budget !== undefined ? { budget: { depth: budget, onCut: (n: string) => [`cut@${n}`] } } : {}),
    },
  );
  return { reach, computed };
}

describe("defineSummary: recursion", () => {
  const cyclic = { a: ["b"], b: ["c", "a"], c: ["b", "d"], d: [] };

  it("gives every key of a cycle its whole reach, whichever key is asked first", () => {
    const fresh = (first: string) => {
      const { reach } = reachSummary(cyclic, `cycle-${first}`);
      const host = { program: fakeProgram() };
      reach.get(host, first);
      return Object.fromEntries(["a", "b", "c", "d"].map((k) => [k, reach.get(host, k)]));
    };
    const expected = { a: ["a", "b", "c", "d"], b: ["a", "b", "c", "d"], c: ["a", "b", "c", "d"], d: ["d"] };
    for (const first of ["a", "b", "c", "d"]) expect(fresh(first), `asked ${first} first`).toEqual(expected);
  });

  it("keeps no value that read a provisional answer, the cycle's entry included; what lies below the cycle is kept", () => {
    const { reach, computed } = reachSummary(cyclic, "cycle-kept");
    const host = { program: fakeProgram() };
    reach.get(host, "a");
    expect(computed).toEqual(["a", "b", "c", "d"]);
    computed.length = 0;
    reach.get(host, "d"); // no cycle below d: kept
    expect(computed).toEqual([]);
    reach.get(host, "a"); // a is on a cycle: computed again (d is not)
    expect(computed).toEqual(["a", "b", "c"]);
  });

  it("a summary that picks a witness (the first path to a mark) gives each key the same path whichever key is asked first", () => {
    // a -> b -> a, b -> c (marked): b's path is b, c; a's is a, b, c. Had a's answer been kept when
    // a was asked first, b would have read it and answered b, a, b, c.
    const graph: Record<string, string[]> = { a: ["b"], b: ["a", "c"], c: [] };
    const paths = (order: string[]) => {
      const path: Summary<string, string[]> = defineSummary<string, string[]>(
        `witness-${order.join("")}`,
        (host, n) => {
          if (n === "c") return ["c"];
          for (const callee of graph[n] ?? []) {
            const p = path.get(host, callee);
            if (p.length) return [n, ...p];
          }
          return [];
        },
        { onCycle: () => [] },
      );
      const host = { program: fakeProgram() };
      return Object.fromEntries(order.map((k) => [k, path.get(host, k)]));
    };
    const aFirst = paths(["a", "b", "c"]);
    expect(aFirst).toEqual({ a: ["a", "b", "c"], b: ["b", "c"], c: ["c"] });
    expect(paths(["b", "a", "c"])).toEqual(aFirst);
    expect(paths(["c", "b", "a"])).toEqual(aFirst);
  });

  it("without onCycle, recursion is a clear error, and the marker does not outlive the throw", () => {
    let calls = 0;
    const s: Summary<string, number> = defineSummary<string, number>("no-cycle", (host, key) => {
      calls++;
      return key === "self" ? s.get(host, "self") : 1;
    });
    const host = { program: fakeProgram() };
    expect(() => s.get(host, "self")).toThrow('devbound: summary "no-cycle" asked for a key it is computing (recursion it does not expect)');
    expect(() => s.get(host, "self")).toThrow(/no-cycle/); // not a stale in-progress marker: computed again
    expect(calls).toBe(2);
    expect(s.get(host, "other")).toBe(1);
  });

  it("an exception inside a computation leaves no in-progress marker behind", () => {
    let fail = true;
    const s: Summary<string, string> = defineSummary<string, string>(
      "throws",
      (host, key) => {
        if (key === "inner" && fail) throw new Error("boom");
        return key === "outer" ? `outer(${s.get(host, "inner")})` : key;
      },
      { onCycle: () => "cycle" },
    );
    const host = { program: fakeProgram() };
    expect(() => s.get(host, "outer")).toThrow("boom");
    fail = false;
    expect(s.get(host, "outer")).toBe("outer(inner)");
  });
});

describe("defineSummary: budgets", () => {
  // a -> b -> c -> d -> e: with depth 2, a's computation is cut at d.
  const chain = { a: ["b"], b: ["c"], c: ["d"], d: ["e"], e: [] };

  it("a value computed under a cut is not kept as the full answer", () => {
    const { reach, computed } = reachSummary(chain, "cut-not-fact", 2);
    const host = { program: fakeProgram() };
    expect(reach.get(host, "a")).toEqual(["a", "b", "c", "cut@d"]);
    // b and c were computed under a's cut: asked themselves, they go as deep as the budget lets them.
    expect(reach.get(host, "b")).toEqual(["b", "c", "cut@e", "d"]);
    expect(reach.get(host, "c")).toEqual(["c", "d", "e"]);
    computed.length = 0;
    expect(reach.get(host, "a")).toEqual(["a", "b", "c", "cut@d"]); // a's cut answer kept for depth 0
    expect(computed).toEqual([]);
  });

  it("a deep asker never reads a value it could not have computed itself: same answers in both orders", () => {
    const answers = (order: string[]) => {
      const { reach } = reachSummary(chain, `cut-order-${order.join("")}`, 2);
      const host = { program: fakeProgram() };
      return Object.fromEntries(order.map((k) => [k, reach.get(host, k)]));
    };
    const deepFirst = answers(["e", "d", "c", "b", "a"]);
    const rootFirst = answers(["a", "b", "c", "d", "e"]);
    expect(deepFirst).toEqual(rootFirst);
    expect(deepFirst.a).toEqual(["a", "b", "c", "cut@d"]); // not c's full reach (d, e) through a kept value
  });

  it("a value computed without a cut is reused where it fits in the budget, computed again where it does not", () => {
    const { reach, computed } = reachSummary(chain, "cut-reuse", 2);
    const host = { program: fakeProgram() };
    reach.get(host, "e"); // height 0
    reach.get(host, "d"); // d -> e (kept): height 1
    computed.length = 0;
    expect(reach.get(host, "c")).toEqual(["c", "d", "e"]); // d at depth 1, 1 + 1 <= 2: reused
    expect(computed).toEqual(["c"]);
    computed.length = 0;
    expect(reach.get(host, "b")).toEqual(["b", "c", "cut@e", "d"]); // c (height 2) at depth 1, d at 2: computed again
    expect(computed).toEqual(["b", "c", "d"]);
  });
});

describe("defineSummary: per program", () => {
  it("keeps one store per program: a key is computed once in each, values do not cross", () => {
    let version = 1;
    const calls: number[] = [];
    const s = defineSummary<string, string>("per-program", (_host, key) => {
      calls.push(version);
      return `${key}@${version}`;
    });
    const p1 = { program: fakeProgram() };
    const p2 = { program: fakeProgram() };
    expect(s.get(p1, "k")).toBe("k@1");
    version = 2;
    expect(s.get(p2, "k")).toBe("k@2");
    expect(s.get(p1, "k")).toBe("k@1");
    expect(calls).toEqual([1, 2]);
  });

  it("composite keys (keyParts) are compared part by part", () => {
    const s = defineSummary<readonly [object, number], string>("parts", (_h, [o, i]) => `${(o as { n: string }).n}${i}`, { keyParts: (k) => k });
    const host = { program: fakeProgram() };
    const x = { n: "x" };
    expect(s.get(host, [x, 0])).toBe("x0");
    expect(s.get(host, [x, 1])).toBe("x1");
    expect(s.get(host, [{ n: "y" }, 0])).toBe("y0");
  });

  it("with fileOf, a value is reused by the next program of the tsconfig while its file is unchanged", () => {
    const files: Record<string, string> = {
      "/v/a.ts": "export const a = 1;\n",
      "/v/b.ts": "export const b = 2;\n",
    };
    const options: ts.CompilerOptions = { noLib: true, configFilePath: "/v/summaries-test-tsconfig.json" } as ts.CompilerOptions;
    const host: ts.CompilerHost = {
      ...ts.createCompilerHost(options),
      fileExists: (f) => f in files,
      readFile: (f) => files[f],
      getSourceFile: (f, lang) => (f in files ? ts.createSourceFile(f, files[f]!, lang, true) : undefined),
      getDefaultLibFileName: () => "/v/lib.d.ts",
      getCurrentDirectory: () => "/v",
    };
    const sourceFiles = new Map<string, ts.SourceFile>();
    host.getSourceFile = (f, lang) => {
      if (!(f in files)) return undefined;
      let sf = sourceFiles.get(f);
      if (!sf || sf.text !== files[f]) sourceFiles.set(f, (sf = ts.createSourceFile(f, files[f]!, lang, true)));
      return sf;
    };
    const computed: string[] = [];
    const s = defineSummary<ts.SourceFile, string>(
      "per-file",
      (_h, sf) => {
        computed.push(sf.fileName);
        return sf.text.trim();
      },
      { fileOf: (sf) => sf },
    );
    const p1 = ts.createProgram({ rootNames: Object.keys(files), options, host });
    expect(s.get({ program: p1 }, p1.getSourceFile("/v/a.ts")!)).toBe("export const a = 1;");
    expect(s.get({ program: p1 }, p1.getSourceFile("/v/b.ts")!)).toBe("export const b = 2;");
    files["/v/b.ts"] = "export const b = 3;\n";
    const p2 = ts.createProgram({ rootNames: Object.keys(files), options, host, oldProgram: p1 });
    expect(p2.getSourceFile("/v/a.ts")).toBe(p1.getSourceFile("/v/a.ts"));
    computed.length = 0;
    expect(s.get({ program: p2 }, p2.getSourceFile("/v/a.ts")!)).toBe("export const a = 1;");
    expect(s.get({ program: p2 }, p2.getSourceFile("/v/b.ts")!)).toBe("export const b = 3;");
    expect(computed).toEqual(["/v/b.ts"]); // a.ts unchanged: its value came from p1
  });
});

describe("atTopLevel: when an answer read from summaries may be memoised by its caller", () => {
  it("is false while any summary computes (nested ones too), true again after, an exception included", () => {
    const seen: boolean[] = [];
    const inner = defineSummary<string, number>("top-level-inner", () => (seen.push(atTopLevel()), 1));
    const outer = defineSummary<string, number>("top-level-outer", (host, k) => {
      seen.push(atTopLevel());
      if (k === "throw") throw new Error("boom");
      return inner.get(host, k) + 1;
    });
    const host = { program: fakeProgram() };
    expect(atTopLevel()).toBe(true);
    expect(outer.get(host, "a")).toBe(2);
    expect(seen).toEqual([false, false]);
    expect(atTopLevel()).toBe(true);
    expect(() => outer.get(host, "throw")).toThrow("boom");
    expect(atTopLevel()).toBe(true);
  });
});
