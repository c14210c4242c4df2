// Robustness on real TypeScript nobody here wrote: the .ts sources of pinned root
// devDependencies (viem, ox, effect, zod, rxjs, zrender, @tanstack/query-core: ~3,500 files)
// linted typed with devbound's `recommended` rules. None of them uses @devbound/runtime, so
// every rule must report nothing, and none may throw. The runtime's declarations are put into
// each program (as in a repository that has device code and other code), so the rules do not
// take their "no brand anywhere" early exit, and `settings.devbound.analyseAllFiles` (the
// script's --analyse-all) turns off the per-file one (a file that cannot hold a branded value is
// skipped by default: none of these imports the runtime), so every rule really analyses the
// third-party code. Typed linting of that much code is
// split into four TypeScript programs (test/integration/third-party/tsconfig.<group>.json),
// each linted in its own process (scripts/bench-third-party.mjs), two at a time. On this
// 2-core machine, shared with other jobs, the whole test took 4.6 to 10 minutes.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import devbound from "@devbound/eslint-plugin";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const GROUPS = ["viem", "ox", "effect", "misc"] as const;

interface GroupResult {
  tsconfig: string;
  runtimeInProgram: boolean;
  analyseAllFiles: boolean;
  files: number;
  linted: number;
  rules: number;
  findings: string[];
  fatal: string[];
  crash: string | null;
  ms: number;
  maxRssMB: number;
}

function lintGroup(group: string): Promise<GroupResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--max-old-space-size=6144", path.join(root, "scripts/bench-third-party.mjs"), `test/integration/third-party/tsconfig.${group}.json`, "--analyse-all"],
      { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith("THIRD_PARTY_RESULT "));
      if (code !== 0 || !line) reject(new Error(`linting ${group} exited with ${code}:\n${stderr.slice(-4000)}`));
      else resolve(JSON.parse(line.slice("THIRD_PARTY_RESULT ".length)) as GroupResult);
    });
  });
}

const results = new Map<string, GroupResult>();

beforeAll(async () => {
  const queue = [...GROUPS];
  const worker = async () => {
    for (let g = queue.shift(); g !== undefined; g = queue.shift()) results.set(g, await lintGroup(g));
  };
  await Promise.all([worker(), worker()]);
  for (const g of GROUPS) {
    const r = results.get(g)!;
    console.log(`third-party ${g}: ${r.linted} files, ${(r.ms / 1000).toFixed(1)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB, ${r.findings.length} findings, ${r.fatal.length} fatal`);
  }
}, 1_200_000);

describe("third-party TypeScript sources", () => {
  it("covers several thousand files with every devbound rule enabled", () => {
    const total = GROUPS.reduce((n, g) => n + results.get(g)!.linted, 0);
    expect(total).toBeGreaterThanOrEqual(3000);
    for (const g of GROUPS) {
      const r = results.get(g)!;
      expect(r.files, g).toBeGreaterThan(0);
      expect(r.linted, `${g}: every source file of the program linted`).toBe(r.files);
      expect(r.rules, `${g}: devbound rules enabled`).toBe(Object.keys(devbound.rules).length);
      // with the runtime's brands in the program the rules cannot bail out early: they analyse it all
      expect(r.runtimeInProgram, `${g}: @devbound/runtime's declarations in the program`).toBe(true);
      // and no file is skipped for not importing them (test/integration/early-exit.test.ts shows the setting is honoured)
      expect(r.analyseAllFiles, `${g}: settings.devbound.analyseAllFiles`).toBe(true);
    }
  });

  for (const g of GROUPS) {
    it(`${g}: no crash, no fatal message, no devbound finding`, () => {
      const r = results.get(g)!;
      expect(r.crash).toBeNull();
      expect(r.fatal).toEqual([]);
      expect(r.findings).toEqual([]);
    });
  }
});
