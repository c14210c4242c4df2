// The profile summariser (scripts/bench-profile.mjs, `node scripts/bench.mjs profile`) on a small
// synthetic .cpuprofile built here (no lint run): time by category, a rule listener's time split
// into devbound's own JS, AST walks, TypeScript and other, and the top devbound functions.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = path.join(root, "scripts/bench-profile.mjs");

interface Frame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: Frame; children?: number[]; parent?: number }
interface Profile { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] }
interface Row { name: string; file: string; line: number; ms: number; ownMs?: number; walkMs?: number; tsMs?: number; otherMs?: number }
interface Summary {
  totalMs: number;
  idleMs: number;
  samples: number;
  categories: Record<string, number>;
  devboundInclusiveMs: number;
  listeners: Row[];
  selfTop: Row[];
  belowTop: Row[];
}
interface Lib {
  summarise(profile: Profile, options?: { top?: number; devboundDist?: string }): Summary;
  format(summary: Summary, options?: { file?: string; top?: number }): string[];
  categorize(frame: Partial<Frame>, devboundDist?: string): string;
}
let lib: Lib;
beforeAll(async () => {
  // a plain-JS script module: imported by URL so the tests' type check does not need its types
  lib = (await import(pathToFileURL(script).href)) as Lib;
});
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-bench-profile-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const plugin = "file:///repo/packages/eslint-plugin/dist";
const ts = "file:///repo/node_modules/.pnpm/typescript@6.0.3/node_modules/typescript/lib/typescript.js";
const linter = "file:///repo/node_modules/.pnpm/eslint@10.15.0/node_modules/eslint/lib/linter/linter.js";
const tseslintRule = "file:///repo/node_modules/.pnpm/@typescript-eslint+eslint-plugin@8.72.0/node_modules/@typescript-eslint/eslint-plugin/dist/rules/no-floating-promises.js";
const frame = (functionName: string, url = "", lineNumber = -1): Frame => ({ functionName, url, lineNumber, columnNumber: 0 });

/**
 * root -> eslint runRules -> devbound CallExpression listener -> argumentSinks -> checkExpression (TS)
 *                                                                              -> forEachChild (TS, an AST walk)
 *                                                           -> eslint getScope
 *                         -> typescript-eslint's listener (not devbound) -> getTypeAtLocation (TS)
 *      -> (garbage collector), (idle), (program)
 */
function syntheticProfile(): Profile {
  const nodes: ProfileNode[] = [
    { id: 1, callFrame: frame("(root)"), children: [2, 10, 11, 12] },
    { id: 2, callFrame: frame("runRules", linter, 900), children: [3, 8] },
    { id: 3, callFrame: frame("CallExpression", `${plugin}/rules/devm-after-unbind.js`, 56), children: [4, 7] },
    { id: 4, callFrame: frame("argumentSinks", `${plugin}/analysis/values.js`, 788), children: [5, 6] },
    { id: 5, callFrame: frame("checkExpression", ts, 80000), children: [] },
    { id: 6, callFrame: frame("forEachChild", ts, 33066), children: [] },
    { id: 7, callFrame: frame("getScope", linter, 1200), children: [] },
    { id: 8, callFrame: frame("CallExpression", tseslintRule, 40), children: [9] },
    { id: 9, callFrame: frame("getTypeAtLocation", ts, 50000), children: [] },
    { id: 10, callFrame: frame("(garbage collector)"), children: [] },
    { id: 11, callFrame: frame("(idle)"), children: [] },
    { id: 12, callFrame: frame("(program)"), children: [] },
  ];
  // [node, µs until the next sample]
  const timeline: [number, number][] = [
    [3, 1000], // listener's own JS
    [4, 2000], // argumentSinks' own JS
    [5, 4000], // the checker, below argumentSinks
    [5, 3000],
    [6, 1000], // forEachChild below argumentSinks
    [7, 1000], // eslint, directly below the listener
    [8, 1250], // typescript-eslint's listener
    [9, 6000], // the checker, below typescript-eslint
    [10, 1500],
    [11, 7000],
    [12, 250],
    [2, 750], // the last sample: lasts until endTime
  ];
  const startTime = 5_000;
  const timeDeltas = [0, ...timeline.slice(0, -1).map(([, us]) => us)];
  const endTime = startTime + timeline.reduce((a, [, us]) => a + us, 0);
  return { nodes, startTime, endTime, samples: timeline.map(([id]) => id), timeDeltas };
}

describe("scripts/bench-profile.mjs summarise", () => {
  it("splits the sampled time by category, by listener, and by devbound function", () => {
    const sum = lib.summarise(syntheticProfile());
    expect(sum.samples).toBe(12);
    expect(sum.idleMs).toBe(7);
    expect(sum.totalMs).toBe(21.75);
    expect(sum.categories).toEqual({
      typescript: 14,
      devbound: 3,
      eslint: 1.75,
      "garbage collector": 1.5,
      "typescript-eslint (other)": 1.25,
      other: 0.25,
    });
    // typescript-eslint's own eslint-plugin/dist is not devbound: one listener only
    expect(sum.listeners).toEqual([
      { name: "CallExpression", file: "rules/devm-after-unbind.js", line: 57, ms: 12, ownMs: 3, walkMs: 1, tsMs: 7, otherMs: 1 },
    ]);
    expect(sum.devboundInclusiveMs).toBe(12);
    expect(sum.selfTop).toEqual([
      { name: "argumentSinks", file: "analysis/values.js", line: 789, ms: 2 },
      { name: "CallExpression", file: "rules/devm-after-unbind.js", line: 57, ms: 1 },
    ]);
    // the nearest devbound frame above non-devbound leaves: argumentSinks (checker + walk), the listener (eslint)
    expect(sum.belowTop).toEqual([
      { name: "argumentSinks", file: "analysis/values.js", line: 789, ms: 8, tsMs: 8 },
      { name: "CallExpression", file: "rules/devm-after-unbind.js", line: 57, ms: 1, tsMs: 0 },
    ]);
    expect(lib.summarise(syntheticProfile(), { top: 1 }).selfTop).toHaveLength(1);
  });

  it("reads a profile whose nodes name their parent instead of their children, the same", () => {
    const withParents = syntheticProfile();
    const parentOf = new Map(withParents.nodes.flatMap((n) => (n.children ?? []).map((c) => [c, n.id] as const)));
    withParents.nodes = withParents.nodes.map(({ children: _children, ...n }) => (parentOf.has(n.id) ? { ...n, parent: parentOf.get(n.id) } : n));
    expect(lib.summarise(withParents)).toEqual(lib.summarise(syntheticProfile()));
  });

  it("counts a plugin build loaded from elsewhere (DEVBOUND_PLUGIN) as devbound", () => {
    const other = "file:///tmp/build-before/dist/";
    expect(lib.categorize({ url: `${other}rules/x.js` })).toBe("other");
    expect(lib.categorize({ url: `${other}rules/x.js` }, other)).toBe("devbound");
    const profile = syntheticProfile();
    for (const n of profile.nodes) if (n.callFrame.functionName === "argumentSinks") n.callFrame.url = `${other}analysis/values.js`;
    const sum = lib.summarise(profile, { devboundDist: other });
    expect(sum.selfTop[0]).toEqual({ name: "argumentSinks", file: "analysis/values.js", line: 789, ms: 2 });
  });

  it("--file summarises an existing .cpuprofile: the listener line printed, PROFILE_RESULT last", () => {
    const file = path.join(scratch, "synthetic.cpuprofile");
    fs.writeFileSync(file, JSON.stringify(syntheticProfile()));
    const r = spawnSync(process.execPath, [script, "--file", file, "--top", "5"], { cwd: root, encoding: "utf8", timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`profile: ${file}`);
    expect(r.stdout).toMatch(/ 12 ms\s+3 ms\s+1 ms\s+7 ms\s+1 ms  CallExpression rules\/devm-after-unbind\.js:57\n/);
    const last = r.stdout.trim().split("\n").at(-1) ?? "";
    expect(last.startsWith("PROFILE_RESULT ")).toBe(true);
    expect(JSON.parse(last.slice("PROFILE_RESULT ".length))).toMatchObject({ file, totalMs: 21.75, devboundInclusiveMs: 12 });
  });

  it("--file with a missing file or one that is not a profile: a one-line error, exit 2", () => {
    const notProfile = path.join(scratch, "not.cpuprofile");
    fs.writeFileSync(notProfile, "{}");
    for (const [file, message] of [
      [path.join(scratch, "missing.cpuprofile"), /^bench-profile: cannot read .*missing\.cpuprofile as a \.cpuprofile: ENOENT/],
      [notProfile, /^bench-profile: .*not\.cpuprofile is not a \.cpuprofile \(no nodes and samples\)\n$/],
    ] as const) {
      const r = spawnSync(process.execPath, [script, "--file", file], { cwd: root, encoding: "utf8", timeout: 30_000 });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain("    at ");
    }
  });
});
