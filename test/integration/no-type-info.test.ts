// Without type information a devbound rule must not throw: it reports ONE clear error for the
// file saying how to enable typed linting (analysis/services.ts). A file outside every
// tsconfig with `projectService` is refused by typescript-eslint's parser itself with a clear
// parse error (no stack trace), which we also pin here.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { ESLint } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { afterAll, describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";

const allRules = Object.fromEntries(Object.keys(devbound.rules).map((r) => [`devbound/${r}`, "error" as const]));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-notypes-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DRIVER = `import { defineDriver, devmKzalloc } from "@devbound/runtime";
export const drv = defineDriver({ name: "foo", probe(dev) { setTimeout(() => devmKzalloc(dev, () => ({})), 1); return {}; } });
`;

function only(messages: ESLint.LintResult["messages"]) {
  expect(messages).toHaveLength(1);
  return messages[0]!;
}

describe("no type information", () => {
  it("plain JavaScript (espree): one clear error, no crash", async () => {
    const eslint = new ESLint({
      cwd: tmp,
      overrideConfigFile: true,
      overrideConfig: [{ files: ["**/*.js"], plugins: { devbound: devbound as never }, rules: allRules }],
    });
    const [result] = await eslint.lintText(DRIVER, { filePath: path.join(tmp, "driver.js") });
    const m = only(result!.messages);
    expect(m.ruleId).toMatch(/^devbound\//);
    expect(m.fatal).toBeFalsy();
    expect(m.line).toBe(1);
    expect(m.message).toContain("devbound needs type information");
    expect(m.message).toContain("parserOptions.projectService: true");
    expect(m.message).toContain("without typescript-eslint's parser");
  });

  it("TypeScript parsed without a program (no projectService): one clear error, no crash", async () => {
    const eslint = new ESLint({
      cwd: tmp,
      overrideConfigFile: true,
      overrideConfig: [{ files: ["**/*.ts"], languageOptions: { parser: tsParser as never }, plugins: { devbound: devbound as never }, rules: allRules }],
    });
    const [result] = await eslint.lintText(DRIVER, { filePath: path.join(tmp, "driver.ts") });
    const m = only(result!.messages);
    expect(m.message).toContain("devbound needs type information");
    expect(m.message).toContain("without a TypeScript program");
  });

  it("a .ts file outside every tsconfig with projectService: a clear parse error, no crash", async () => {
    const outside = path.join(tmp, "outside.ts");
    fs.writeFileSync(outside, DRIVER);
    const eslint = new ESLint({
      cwd: tmp,
      overrideConfigFile: true,
      overrideConfig: devbound.configs.recommended.map((c) => ({
        ...c,
        languageOptions: { ...c.languageOptions, parserOptions: { projectService: true, tsconfigRootDir: tmp } },
      })) as never,
    });
    const [result] = await eslint.lintFiles([outside]);
    const m = only(result!.messages);
    expect(m.fatal).toBe(true);
    expect(m.message).toMatch(/not found by the project service|not included in|tsconfig/i);
    expect(m.message).not.toMatch(/\n\s+at /); // no stack trace
  });
});
