// The kernel run (scripts/kernel/run.mjs, `pnpm kernel`): its helpers (option parsing, the
// Coccinelle report, the overlap, the seeded triage sample, GNU time's line), and one whole run
// on a small kernel-style tree written here (never kernel source) with a stand-in `spatch` on
// PATH: files, lines, crashes (listed), parse errors, findings per rule, overlap by file:line,
// and Coccinelle's output cached. Uses the repository's built plugin (pnpm build).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = path.join(root, "scripts/kernel/run.mjs");

interface Finding { file: string; line: number; column?: number }
interface Lib {
  parseArgs(argv: string[]): Record<string, unknown>;
  parseCocciReport(text: string): { file: string; line: number; column: number; endColumn: number; message: string }[];
  overlap(d: Finding[], c: Finding[]): { both: string[]; onlyDevbound: string[]; onlyCocci: string[]; onlyCocciSameFile: string[] };
  sample<T extends Finding>(findings: T[], n: number, seed: number): T[];
  parseGnuTime(text: string): { wallS: number; userS: number; sysS: number; maxRssKB: number } | null;
  countLines(paths: string[]): number;
}
let lib: Lib;
let kernelConfig: { rules?: object }[];
const snapshots = path.join(root, "packages/eslint-plugin/.kernel");
beforeAll(async () => {
  kernelConfig = ((await import(pathToFileURL(path.join(root, "packages/eslint-plugin/dist/index.js")).href)) as { default: { configs: { kernel: { rules?: object }[] } } }).default.configs.kernel;
  // a plain-JS script module: imported by URL so the tests' type check does not need its types
  lib = (await import(pathToFileURL(path.join(root, "scripts/kernel/lib.mjs")).href)) as Lib;
});

describe("kernel run helpers (scripts/kernel/lib.mjs)", () => {
  it("parses the options, with clear errors on bad input", () => {
    expect(lib.parseArgs([])).toMatchObject({ subset: "drivers", concurrency: 2, skipCocci: false, json: null });
    expect(lib.parseArgs(["--subset", "drivers/spi/", "--concurrency", "auto", "--skip-cocci", "--json", "o.json"])).toMatchObject({
      subset: "drivers/spi",
      concurrency: "auto",
      skipCocci: true,
      json: "o.json",
    });
    expect(() => lib.parseArgs(["--subset"])).toThrow("--subset needs a value");
    expect(() => lib.parseArgs(["--concurrency", "0"])).toThrow("--concurrency takes a positive number, auto or off");
    expect(() => lib.parseArgs(["--subset", "../etc"])).toThrow("--subset must be a directory inside the kernel tree");
    expect(() => lib.parseArgs(["--frobnicate"])).toThrow('unknown option "--frobnicate"');
    expect(() => lib.parseArgs(["--cocci-only", "--skip-cocci"])).toThrow("exclude each other");
  });

  it("reads Coccinelle's report lines and ignores everything else", () => {
    const text = [
      "drivers/foo/foo.c:269:2-7: WARNING: invalid free of devm_ allocated data",
      "diff -u -p drivers/foo/foo.c /tmp/nothing/foo.c",
      "./drivers/bar/bar.c:83:1-6: WARNING: invalid free of devm_ allocated data",
      "1090 files match",
    ].join("\n");
    expect(lib.parseCocciReport(text)).toEqual([
      { file: "drivers/foo/foo.c", line: 269, column: 2, endColumn: 7, message: "WARNING: invalid free of devm_ allocated data" },
      { file: "drivers/bar/bar.c", line: 83, column: 1, endColumn: 6, message: "WARNING: invalid free of devm_ allocated data" },
    ]);
  });

  it("splits the overlap by file:line (both, only devbound, only Coccinelle, duplicates once)", () => {
    const d = [{ file: "a.c", line: 10 }, { file: "a.c", line: 10, column: 5 }, { file: "a.c", line: 20 }, { file: "b.c", line: 1 }];
    const c = [{ file: "a.c", line: 10 }, { file: "a.c", line: 21 }, { file: "c.c", line: 3 }];
    expect(lib.overlap(d, c)).toEqual({ both: ["a.c:10"], onlyDevbound: ["a.c:20", "b.c:1"], onlyCocci: ["a.c:21", "c.c:3"], onlyCocciSameFile: ["a.c:21"] });
  });

  it("draws a reproducible sample without replacement, whatever the input order", () => {
    const all = Array.from({ length: 100 }, (_, i) => ({ file: `f${i % 7}.c`, line: i }));
    const a = lib.sample(all, 30, 42);
    const b = lib.sample([...all].reverse(), 30, 42);
    expect(a).toEqual(b);
    expect(new Set(a.map((f) => `${f.file}:${f.line}`)).size).toBe(30);
    expect(lib.sample(all, 30, 43)).not.toEqual(a);
    expect(lib.sample(all.slice(0, 5), 30, 1)).toHaveLength(5);
  });

  it("reads GNU time's line", () => {
    expect(lib.parseGnuTime("172.31 117.64 1.68 130328\n")).toEqual({ wallS: 172.31, userS: 117.64, sysS: 1.68, maxRssKB: 130328 });
    expect(lib.parseGnuTime("Command exited with non-zero status 1\n")).toBeNull();
  });
});

// ---- a whole run on a small tree ---------------------------------------------------------------

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-kernel-run-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const BAD = `// kernel-style code written for this test
#include <linux/platform_device.h>
#include <linux/slab.h>

struct foo_priv {
	void __iomem *base;
	int irq;
};

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	kfree(priv);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`;
// kfree(priv) above is on line 25
const BAD_FREE_LINE = 25;

const BROKEN = `// kernel-style code written for this test
static int bar_probe(struct platform_device *pdev)
{
	int x = ((;
	return 0;
}
`;

const CRASH = `// kernel-style code written for this test
/* kernel-run: selftest crash */
static int baz(void)
{
	return 0;
}
`;

// a binary file named .c: the language's one clear message, not a crash
const ATTRS = `// kernel-style code written for this test\nFOO(\0)\n`;

function writeTree(dir: string) {
  const files: Record<string, string> = {
    "drivers/foo/foo.c": BAD,
    "drivers/foo/bar.c": BROKEN,
    "drivers/foo/baz.c": CRASH,
    "drivers/foo/baz.h": "int baz_h(void);\n",
    "drivers/foo/attrs.c": ATTRS,
    "scripts/coccinelle/free/devm_free.cocci": "// a stand-in: the stand-in spatch does not read it\n",
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
}

/** A stand-in spatch: its version, and in a run one report on foo.c's free and one elsewhere; counts its runs. */
function writeSpatch(bin: string, counter: string) {
  fs.mkdirSync(bin, { recursive: true });
  const sh = `#!/bin/sh
if [ "$1" = "--version" ]; then echo "spatch version 0.0-standin"; exit 0; fi
echo run >> ${JSON.stringify(counter)}
echo "2 files match" >&2
echo "drivers/foo/foo.c:${BAD_FREE_LINE}:1-6: WARNING: invalid free of devm_ allocated data"
echo "drivers/foo/qux.c:7:1-6: WARNING: invalid free of devm_ allocated data"
`;
  fs.writeFileSync(path.join(bin, "spatch"), sh, { mode: 0o755 });
}

describe("scripts/kernel/run.mjs on a small tree", () => {
  const tree = path.join(scratch, "tree");
  const bin = path.join(scratch, "bin");
  const cache = path.join(scratch, "cache");
  const counter = path.join(scratch, "spatch-runs");
  const json = path.join(scratch, "out.json");
  beforeAll(() => {
    writeTree(tree);
    writeSpatch(bin, counter);
  });
  const run = (...args: string[]) =>
    spawnSync(process.execPath, [script, "--tree", tree, "--cache", cache, "--subset", "drivers", ...args], {
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, KERNEL_RUN_SELFTEST: "1" },
    });

  it("prints the figures, lists the crash (exit 1), counts parse errors, findings and the overlap", () => {
    const r = run("--json", json);
    expect(r.status, r.stderr).toBe(1);
    const cell = (label: string) => new RegExp(`^\\| ${label} \\| ([^|]*) \\|`, "m").exec(r.stdout)?.[1]?.trim();
    expect(cell("files \\(\\.c\\)")).toBe("4"); // the .h file is not linted
    expect(r.stdout).toContain("| 4 (2 past its token prefilter) |");
    expect(cell("lines")).toBe(String([BAD, BROKEN, CRASH, ATTRS].reduce((n, t) => n + t.split("\n").length - 1, 0)));
    expect(cell("crashes \\(rule exceptions\\)")).toBe("1");
    expect(cell("files ESLint could not lint")).toBe("1");
    expect(r.stdout).toMatch(/Files ESLint could not lint \(1\):\n {2}drivers\/foo\/attrs\.c:\d+: .*attrs\.c is not C source text/);
    expect(cell("files with parse errors")).toBe("1");
    expect(cell("functions with parse errors")).toBe("1");
    expect(cell("findings devbound/no-manual-free-of-devres")).toBe("1");
    // every C rule of configs.kernel has its row (as ESLint's config for a .c file enables it), 0 when it found nothing
    const kernelRules = Object.keys(Object.assign({}, ...kernelConfig.map((c: { rules?: object }) => c.rules ?? {}))).sort();
    expect(kernelRules.length).toBeGreaterThanOrEqual(4);
    for (const id of kernelRules) expect(cell(`findings ${id}`), id).toMatch(/^\d+$/);
    expect(Object.keys(JSON.parse(fs.readFileSync(json, "utf8")).figures.perRule).sort()).toEqual(kernelRules);
    // the run lints a copy of the built plugin and removes it afterwards
    expect(fs.existsSync(snapshots) ? fs.readdirSync(snapshots).filter((d) => d.startsWith("snapshot-")) : []).toEqual([]);
    expect(r.stdout).toMatch(/Crashes \(1\):\n {2}drivers\/foo\/baz\.c:\d+: exception in kernel-run\/selftest: Error: selftest crash/);
    expect(r.stdout).toContain("both 1, only devbound 0, only Coccinelle 1");
    expect(r.stdout).toContain("only Coccinelle: drivers/foo/qux.c:7");

    const out = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(out.findings).toContainEqual(expect.objectContaining({ rule: "devbound/no-manual-free-of-devres", file: "drivers/foo/foo.c", line: BAD_FREE_LINE }));
    expect(out.parseErrors).toEqual([expect.objectContaining({ file: "drivers/foo/bar.c", functions: 1, fnLines: [[2, "bar_probe"]] })]);
    expect(out.overlap.both).toEqual([`drivers/foo/foo.c:${BAD_FREE_LINE}`]);
    expect(out.cocci).toMatchObject({ filesMatched: 2, reportCount: 2, cached: false });
    expect(fs.readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(1);
  }, 240_000);

  it("reuses Coccinelle's cached output; --fresh-cocci runs it again; --skip-cocci leaves it out", () => {
    // single-threaded: these runs are about Coccinelle's cache, not ESLint's workers
    expect(run("--concurrency", "off").stderr).toContain("Coccinelle: cached output of");
    expect(fs.readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(1);
    run("--concurrency", "off", "--fresh-cocci");
    expect(fs.readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(2);
    const r = run("--concurrency", "off", "--skip-cocci");
    expect(r.stdout).not.toContain("Overlap");
    expect(fs.readFileSync(counter, "utf8").trim().split("\n")).toHaveLength(2);
  }, 480_000);

  it("--prefilter lints only the files naming a managed API, with the same findings", () => {
    const r = run("--concurrency", "off", "--skip-cocci", "--prefilter", "--json", json);
    expect(r.status, r.stderr).toBe(0); // the crashing and the binary file name no managed API
    expect(r.stdout).toContain("| files (.c) | 1 (of 4 scanned: --prefilter) |");
    const out = JSON.parse(fs.readFileSync(json, "utf8"));
    expect(out.findings).toEqual([expect.objectContaining({ rule: "devbound/no-manual-free-of-devres", file: "drivers/foo/foo.c", line: BAD_FREE_LINE })]);
  }, 240_000);

  it("bad input: a clear message and exit 2, no stack trace", () => {
    const r = spawnSync(process.execPath, [script, "--tree", tree, "--subset", "drivers/nope", "--skip-cocci"], { encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("drivers/nope does not exist in --tree");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
