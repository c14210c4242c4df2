// The main job's script (scripts/lint-examples.mjs): exit 0 with the findings printed when
// linting ran; exit 2 with a readable message when ESLint could not run (a broken config) or
// could not lint a file (a fatal parse error). Uses the repository's built plugin (pnpm build).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = path.join(root, "scripts/lint-examples.mjs");
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-lint-examples-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function run(cwd: string) {
  return spawnSync(process.execPath, [script], { cwd, encoding: "utf8", timeout: 240_000 });
}

describe("scripts/lint-examples.mjs", () => {
  it("lints the bundled examples: exit 0, findings printed with rule ids and a count", () => {
    const r = run(root);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain("devbound/devm-after-unbind");
    expect(r.stdout).toContain("devbound/no-devres-to-kobject");
    expect(r.stdout).toContain("devbound/no-try-access-in-bound-scope");
    // the kernel-style C examples too
    expect(r.stdout).toMatch(/fixtures\/no-manual-free-of-devres\/bad\.c\n(.*\n)*?\s+\d+:\d+\s+error\s+`adc->samples` is devres-managed/);
    expect(r.stdout).toMatch(/devbound: [1-9]\d* finding\(s\) in \d+ example file\(s\)\./);
  });

  it("a configuration ESLint cannot load: exit 2 and a readable message, no stack trace", () => {
    const dir = path.join(scratch, "broken-config");
    fs.mkdirSync(path.join(dir, "fixtures"), { recursive: true });
    fs.writeFileSync(path.join(dir, "eslint.config.js"), `throw new Error("config exploded");\n`);
    fs.writeFileSync(path.join(dir, "fixtures", "a.ts"), "export const a = 1;\n");
    const r = run(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("devbound: could not lint the examples");
    expect(r.stderr).toContain("config exploded");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("a file ESLint cannot parse: exit 2, the file named", () => {
    const dir = path.join(scratch, "parse-error");
    fs.mkdirSync(path.join(dir, "fixtures"), { recursive: true });
    fs.writeFileSync(path.join(dir, "eslint.config.js"), `export default [{ files: ["**/*.ts"], rules: {} }];\n`);
    fs.writeFileSync(path.join(dir, "fixtures", "broken.ts"), "export const = ;\n");
    const r = run(dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("could not lint 1 file(s)");
    expect(r.stderr).toContain("broken.ts");
  });
});
