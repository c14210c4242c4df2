// CI gate, SARIF: the real ESLint CLI with `-f @microsoft/eslint-formatter-sarif` on the
// example drivers. The formatter is written against ESLint 8 (and depends on it); this checks
// it formats ESLint 10's results correctly: exactly the findings the fixtures' `// expect:`
// comments announce, at the locations and with the messages and severities ESLint's API
// reports, each result pointing at a rule descriptor whose helpUri is the rule's meta.docs.url
// (the link code scanning shows).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ESLint } from "eslint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const ESLINT_BIN = join(ROOT, "node_modules/.bin/eslint");

interface SarifResult {
  ruleId?: string;
  ruleIndex?: number;
  level: "error" | "warning" | "note";
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; index: number }; region?: { startLine?: number; startColumn?: number; endLine?: number; endColumn?: number } } }[];
}
interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; version?: string; rules: { id: string; helpUri?: string; shortDescription?: { text: string } }[] } };
    artifacts?: { location: { uri: string } }[];
    results: SarifResult[];
    invocations?: { toolConfigurationNotifications?: unknown[]; executionSuccessful: boolean }[];
  }[];
}

/** All .ts and .c (kernel-style, configs.kernel) files under fixtures/, relative to ROOT. */
function fixtureFiles(dir = join(ROOT, "fixtures")): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? fixtureFiles(join(dir, d.name)) : d.name.endsWith(".ts") || d.name.endsWith(".c") ? [relative(ROOT, join(dir, d.name))] : [],
  );
}

/** `// expect: a, b` comments as "file:line devbound/rule" keys. */
function expectedKeys(files: string[]): string[] {
  return files.flatMap((file) =>
    readFileSync(join(ROOT, file), "utf8")
      .split("\n")
      .flatMap((text, i) => {
        const m = /\/\/\s*expect:\s*(.+?)\s*$/.exec(text);
        return m?.[1] ? m[1].split(",").map((rule) => `${file}:${i + 1} devbound/${rule.trim()}`) : [];
      }),
  );
}

const uriToPath = (uri: string) => relative(ROOT, fileURLToPath(uri));

describe("SARIF output (@microsoft/eslint-formatter-sarif through the ESLint CLI)", () => {
  let tmp: string;
  let status: number | null;
  let stderr: string;
  let sarif: SarifLog;
  let run: SarifLog["runs"][number];
  const files = fixtureFiles();

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), "devbound-sarif-"));
    const out = join(tmp, "devbound.sarif");
    // As the CI gate runs it (.github/workflows/devbound.yml).
    const r = spawnSync(ESLINT_BIN, ["--max-warnings", "0", "--format", "@microsoft/eslint-formatter-sarif", "--output-file", out, "fixtures"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 300_000,
    });
    status = r.status;
    stderr = `${r.stdout}\n${r.stderr}\n${r.error ?? ""}`;
    sarif = JSON.parse(readFileSync(out, "utf8")) as SarifLog;
    run = sarif.runs[0]!;
  }, 320_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it("is SARIF 2.1.0 from this ESLint (10), ran without internal errors, and the findings fail the run (exit 1)", () => {
    expect(status, stderr).toBe(1);
    expect(sarif.version).toBe("2.1.0");
    expect(sarif.runs).toHaveLength(1);
    expect(run.tool.driver.name).toBe("ESLint");
    expect(run.tool.driver.version).toBe(ESLint.version);
    expect(ESLint.version.split(".")[0]).toBe("10");
    expect(run.invocations?.flatMap((i) => i.toolConfigurationNotifications ?? []) ?? []).toEqual([]);
    // Every linted file is an artifact (good drivers too: a clean file is a positive result).
    expect((run.artifacts ?? []).map((a) => uriToPath(a.location.uri)).sort()).toEqual([...files].sort());
  });

  it("holds exactly the findings the fixtures' `// expect:` comments announce", () => {
    const got = run.results.map((r) => `${uriToPath(r.locations[0]!.physicalLocation.artifactLocation.uri)}:${r.locations[0]!.physicalLocation.region?.startLine} ${r.ruleId}`);
    const want = expectedKeys(files);
    expect(want.length).toBeGreaterThan(0);
    expect(got.sort()).toEqual(want.sort());
  });

  it("matches ESLint's own findings: locations, messages, severities", async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const results = await eslint.lintFiles(["fixtures"]);
    const fromApi = results
      .flatMap((r) =>
        r.messages.map((m) =>
          JSON.stringify([relative(ROOT, r.filePath), m.ruleId, m.line, m.column, m.endLine, m.endColumn, m.severity === 2 ? "error" : "warning", m.message]),
        ),
      )
      .sort();
    const fromSarif = run.results
      .map((r) => {
        const loc = r.locations[0]!.physicalLocation;
        const reg = loc.region ?? {};
        return JSON.stringify([uriToPath(loc.artifactLocation.uri), r.ruleId, reg.startLine, reg.startColumn, reg.endLine, reg.endColumn, r.level, r.message.text]);
      })
      .sort();
    expect(fromSarif).toEqual(fromApi);
    // The artifact index points at the result's own file.
    for (const r of run.results) {
      const loc = r.locations[0]!.physicalLocation.artifactLocation;
      expect(run.artifacts![loc.index]!.location.uri).toBe(loc.uri);
    }
  });

  it("gives each result its rule's descriptor with the help link (meta.docs.url) and description", async () => {
    const { default: plugin } = (await import(pathToFileURL(join(ROOT, "packages/eslint-plugin/dist/index.js")).href)) as {
      default: { rules: Record<string, { meta: { docs?: { url?: string; description?: string } } }> };
    };
    const descriptors = run.tool.driver.rules;
    expect(new Set(descriptors.map((d) => d.id)).size).toBe(descriptors.length);
    expect(descriptors.map((d) => d.id).sort()).toEqual([...new Set(run.results.map((r) => r.ruleId!))].sort());
    for (const r of run.results) {
      const d = descriptors[r.ruleIndex!];
      expect(d?.id, `ruleIndex of a ${r.ruleId} result`).toBe(r.ruleId);
      const name = r.ruleId!.slice("devbound/".length);
      const meta = plugin.rules[name]?.meta;
      expect(meta, `${r.ruleId} is a devbound rule`).toBeDefined();
      expect(d!.helpUri).toBe(meta!.docs!.url);
      expect(d!.helpUri).toBe(`https://github.com/devbound/devbound/blob/main/rules-docs/${name}.md`);
      expect(d!.shortDescription?.text).toBe(meta!.docs!.description);
    }
  });

  it("reports the kernel C drivers' findings (configs.kernel) like the TypeScript ones: a .c location at ESLint's line/column, the message, a descriptor with helpUri", async () => {
    const cFiles = files.filter((f) => f.endsWith(".c"));
    expect(cFiles.length, "fixtures/<rule>/{bad,good}.c exist").toBeGreaterThan(0);
    const cResults = run.results.filter((r) => r.locations[0]!.physicalLocation.artifactLocation.uri.endsWith(".c"));
    // every C finding the fixtures announce is there, and nothing else
    expect(cResults.map((r) => `${uriToPath(r.locations[0]!.physicalLocation.artifactLocation.uri)}:${r.locations[0]!.physicalLocation.region?.startLine} ${r.ruleId}`).sort()).toEqual(
      expectedKeys(cFiles).sort(),
    );
    const eslint = new ESLint({ cwd: ROOT });
    const byFile = new Map((await eslint.lintFiles(cFiles)).map((r) => [relative(ROOT, r.filePath), r.messages]));
    for (const r of cResults) {
      const loc = r.locations[0]!.physicalLocation;
      const file = uriToPath(loc.artifactLocation.uri);
      expect(loc.artifactLocation.uri).toBe(pathToFileURL(join(ROOT, file)).href);
      const m = byFile.get(file)?.find((x) => x.ruleId === r.ruleId && x.line === loc.region?.startLine && x.column === loc.region?.startColumn);
      expect(m, `${file} ${r.ruleId} at ${loc.region?.startLine}:${loc.region?.startColumn} is one of ESLint's messages`).toBeDefined();
      expect(loc.region).toEqual({ startLine: m!.line, startColumn: m!.column, endLine: m!.endLine, endColumn: m!.endColumn });
      expect(r.message.text).toBe(m!.message);
      const d = run.tool.driver.rules[r.ruleIndex!]!;
      expect(d.id).toBe(r.ruleId);
      expect(d.helpUri).toBe(`https://github.com/devbound/devbound/blob/main/rules-docs/${r.ruleId!.slice("devbound/".length)}.md`);
    }
    // each C rule of the fixtures has its descriptor
    const cRules = new Set(cResults.map((r) => r.ruleId));
    expect(cRules.size).toBe(new Set(expectedKeys(cFiles).map((k) => k.split(" ")[1])).size);
  });
});
