// RuleTester cases for the problems of the program every devbound rule states once a file
// (analysis/services.ts): `@devbound/runtime` imported but not resolvable (directly or through a
// re-export), and a tsconfig with errors. Each rule alone must say it, with the exact message, at
// the exact place: whichever devbound rule runs first on a file is the one that reports.
// The projects are test/projects/*; no-runtime is copied to a temporary folder outside this
// repository, where no node_modules above it can provide the runtime.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { RuleTester } from "@typescript-eslint/rule-tester";
import { afterAll } from "vitest";
import { rules } from "../../packages/eslint-plugin/src/rules/index.js";
import "./setup.js"; // RuleTester's vitest hooks
import { RUNTIME_MISSING, runtimeMissingThrough, tsconfigErrors } from "./program-messages.js";

const projects = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../projects");
const noRuntime = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-no-runtime-"));
fs.cpSync(path.join(projects, "no-runtime"), noRuntime, { recursive: true });
afterAll(() => fs.rmSync(noRuntime, { recursive: true, force: true }));
const badConfig = path.join(projects, "bad-tsconfig");

const tester = (dir: string) => new RuleTester({ languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: dir } } });

const DRIVER = [
  `import { defineDriver, devmKzalloc, kfree } from "@devbound/runtime";`,
  `export const d = defineDriver({ name: "foo", probe(dev) { const p = devmKzalloc(dev, () => ({ n: 0 })); kfree(p); return {}; } });`,
].join("\n");

const loc = (line: number, column: number, endColumn: number) => ({ line, column, endLine: line, endColumn });

for (const [name, rule] of Object.entries(rules)) {
  tester(noRuntime).run(`${name} [runtime not resolvable]`, rule as never, {
    valid: [
      // no runtime import: nothing to say
      { filename: path.join(noRuntime, "file.ts"), code: `export const answer = 42;` },
      // a local module that does not re-export the runtime
      { filename: path.join(noRuntime, "file.ts"), code: `import { answer } from "./plain.js";\nexport const twice = answer * 2;` },
    ],
    invalid: [
      {
        name: "direct import",
        filename: path.join(noRuntime, "file.ts"),
        code: DRIVER,
        errors: [{ message: RUNTIME_MISSING, ...loc(1, 50, 69) } as never],
      },
      {
        name: "type-only import, after another import",
        filename: path.join(noRuntime, "file.ts"),
        code: `import { answer } from "./plain.js";\nimport type { Device } from "@devbound/runtime";\nexport const f = (d: Device) => [d, answer];`,
        errors: [{ message: RUNTIME_MISSING, ...loc(2, 29, 48) } as never],
      },
      {
        name: "through export * from",
        filename: path.join(noRuntime, "file.ts"),
        code: `import { devmKzalloc, kfree } from "./rt.js";\nexport function f(dev: object) { kfree(devmKzalloc(dev, () => ({}))); }`,
        errors: [{ message: runtimeMissingThrough("./rt.js"), ...loc(1, 36, 45) } as never],
      },
      {
        name: "through imported-then-exported names",
        filename: path.join(noRuntime, "file.ts"),
        code: `import { alloc, kfree } from "./named.js";\nexport function f(dev: object) { kfree(alloc(dev, () => ({}))); }`,
        errors: [{ message: runtimeMissingThrough("./named.js"), ...loc(1, 30, 42) } as never],
      },
      {
        name: "two runtime imports: one report, at the first",
        filename: path.join(noRuntime, "file.ts"),
        code: `import { kfree } from "@devbound/runtime";\nimport type { Device } from "@devbound/runtime";\nexport const f = (d: Device) => kfree(d);`,
        errors: [{ message: RUNTIME_MISSING, ...loc(1, 23, 42) } as never],
      },
    ],
  });

  tester(badConfig).run(`${name} [tsconfig with errors]`, rule as never, {
    valid: [],
    invalid: [
      {
        filename: path.join(badConfig, "file.ts"),
        code: `import type { Device } from "@devbound/runtime";\nexport const name = (d: Device) => d.name;`,
        errors: [
          {
            message: tsconfigErrors(
              path.join(badConfig, "tsconfig.json"), // RuleTester's cwd is /: the path is absolute
              `TS5025: Unknown compiler option 'stict'. Did you mean 'strict'?; TS5083: Cannot read file '${path.join(badConfig, "missing-base.json")}'`,
            ),
            ...loc(1, 1, 1),
          } as never,
        ],
      },
    ],
  });
}
