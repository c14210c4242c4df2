// services.ts's program-level answers in the editor case: what tsc says about the tsconfig is kept
// from the previous program of the same tsconfig when only module contents changed (same options
// object, same files: program-delta's deltaOf), and computed again otherwise.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import { tsconfigErrors } from "../../packages/eslint-plugin/src/analysis/services.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const dir = path.join(root, "corpus-out", `services-${process.pid}`);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("tsconfigErrors across programs", () => {
  it("reuses the previous program's answer after a content edit, and asks again when options or files change", () => {
    fs.mkdirSync(dir, { recursive: true });
    const config = path.join(dir, "tsconfig.json");
    fs.writeFileSync(config, JSON.stringify({ compilerOptions: { strict: true, notAnOption: true, module: "ESNext", moduleResolution: "Bundler", types: [] }, include: ["./*.ts"] }));
    fs.writeFileSync(path.join(dir, "a.ts"), "export const a = 1;\n");
    fs.writeFileSync(path.join(dir, "b.ts"), 'import { a } from "./a";\nexport const b = a;\n');
    const parsed = ts.getParsedCommandLineOfConfigFile(config, undefined, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
    // a host that keeps unchanged files' SourceFile objects, as the project service does
    const texts = new Map<string, string>();
    const files = new Map<string, ts.SourceFile>();
    const base = ts.createCompilerHost(parsed.options);
    const host: ts.CompilerHost = {
      ...base,
      getSourceFile(name, lang) {
        const text = texts.get(path.resolve(name));
        let sf = files.get(name);
        if (text === undefined) {
          if (!sf) files.set(name, (sf = base.getSourceFile(name, lang)!));
        } else if (!sf || sf.text !== text) files.set(name, (sf = ts.createSourceFile(name, text, lang)));
        return sf;
      },
    };
    for (const f of parsed.fileNames) texts.set(path.resolve(f), fs.readFileSync(f, "utf8"));
    const p1 = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host });
    const first = tsconfigErrors(p1);
    expect(first?.errors).toEqual(["TS5023: Unknown compiler option 'notAnOption'"]);

    texts.set(path.join(dir, "a.ts"), "export const a = 2;\n");
    const p2 = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host, oldProgram: p1 });
    expect(tsconfigErrors(p2)).toBe(first); // kept, not computed again

    const p3 = ts.createProgram({ rootNames: parsed.fileNames, options: { ...parsed.options }, host, oldProgram: p2 });
    const third = tsconfigErrors(p3);
    expect(third).not.toBe(first); // other options: asked again
    expect(third).toEqual(first);

    fs.writeFileSync(path.join(dir, "c.ts"), "export const c = 3;\n");
    texts.set(path.join(dir, "c.ts"), "export const c = 3;\n");
    const p4 = ts.createProgram({ rootNames: [...parsed.fileNames, path.join(dir, "c.ts")], options: p3.getCompilerOptions(), host, oldProgram: p3 });
    expect(tsconfigErrors(p4)).not.toBe(third); // a file added: asked again
  });
});
