// The plugin object and its flat configs (packages/eslint-plugin/src/index.ts): meta, docs
// urls pointing at existing pages, `recommended` = errors for bugs and warnings for smells,
// `strict` = recommended plus the soft checks, and the README's usage
// (`export default [...devbound.configs.recommended]`) working as is on a typed .ts file.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const pkg = JSON.parse(fs.readFileSync(path.join(root, "packages/eslint-plugin/package.json"), "utf8")) as { name: string; version: string };
const ruleNames = Object.keys(devbound.rules);
const rulesOf = (c: typeof devbound.configs.recommended) => Object.assign({}, ...c.map((x) => x.rules ?? {})) as Record<string, unknown>;

describe("plugin object", () => {
  it("meta is the package's name and version", () => {
    expect(devbound.meta).toEqual({ name: pkg.name, version: pkg.version });
  });

  it("every rule's docs url is its rules-docs page, and the page exists with the generator marker", () => {
    expect(ruleNames.length).toBeGreaterThanOrEqual(3);
    for (const name of ruleNames) {
      const rule = devbound.rules[name as keyof typeof devbound.rules];
      expect(rule.meta.docs?.url).toBe(`https://github.com/devbound/devbound/blob/main/rules-docs/${name}.md`);
      const page = path.join(root, "rules-docs", `${name}.md`);
      expect(fs.existsSync(page), page).toBe(true);
      expect(fs.readFileSync(page, "utf8")).toContain("<!-- end auto-generated rule header -->");
    }
  });
});

describe("configs", () => {
  it("recommended enables every rule: problems as errors, suggestions (smells) as warnings", () => {
    const rules = rulesOf(devbound.configs.recommended);
    expect(Object.keys(rules).sort()).toEqual(ruleNames.map((n) => `devbound/${n}`).sort());
    for (const name of ruleNames) {
      const rule = devbound.rules[name as keyof typeof devbound.rules];
      const level = rules[`devbound/${name}`];
      expect(Array.isArray(level) ? level[0] : level).toBe(rule.meta.type === "problem" ? "error" : "warn");
    }
    expect(rules["devbound/no-try-access-in-bound-scope"]).toBe("warn");
    expect(rules["devbound/devm-after-unbind"]).toBe("error");
  });

  it("strict adds the soft checks through rule options; recommended leaves them off", () => {
    const rec = rulesOf(devbound.configs.recommended);
    const strict = rulesOf(devbound.configs.strict);
    const withOptions = Object.entries(strict).filter(([, v]) => Array.isArray(v) && v.length > 1);
    expect(withOptions.length).toBeGreaterThan(0);
    for (const [id] of withOptions) expect(Array.isArray(rec[id]) && (rec[id] as unknown[]).length > 1).toBe(false);
  });

  it("each config is devbound/base (the plugin, no files) then the TypeScript object (files, typescript-eslint's parser with projectService, rules)", () => {
    for (const which of ["recommended", "strict"] as const) {
      const [base, ts, ...rest] = devbound.configs[which];
      expect(rest).toEqual([]);
      expect(base).toEqual({ name: "devbound/base", plugins: { devbound } });
      expect(base!.plugins!.devbound).toBe(devbound);
      expect(ts!.name).toBe(`devbound/${which}`);
      expect(ts!.files).toEqual(expect.arrayContaining(["**/*.ts"]));
      expect(ts!.plugins).toBeUndefined();
      expect(ts!.languageOptions?.parserOptions).toMatchObject({ projectService: true });
      expect(Object.keys(ts!.rules ?? {}).length).toBe(ruleNames.length);
    }
  });

  const overrideFile = "fixtures/no-devres-to-kobject/bad.ts";
  const lintWith = async (config: unknown[], files: string[]) =>
    new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: config as never }).lintFiles(files);

  it("a rule override in the user's own config object (no files) finds the plugin and changes the level and options, on .ts and on files the TypeScript config does not cover", async () => {
    const recommended = devbound.configs.recommended;
    // Without devbound/base this object fails on every file: `could not find plugin "devbound"`.
    const [asWarn, plainJs] = await lintWith(
      [...recommended, { rules: { "devbound/no-devres-to-kobject": "warn", "devbound/no-mixed-devm-teardown": ["error", { checkDevresWithRemove: true }] } }],
      [overrideFile, "eslint.config.js"],
    );
    const kobject = asWarn!.messages.filter((m) => m.ruleId === "devbound/no-devres-to-kobject");
    expect(kobject.length).toBeGreaterThan(0);
    expect(kobject.every((m) => m.severity === 1)).toBe(true);
    // An object without `files` applies its rules to every linted file (as in ESLint itself): on a
    // .js file outside the typed config the rule says it needs type information, no crash.
    expect(plainJs!.messages.map((m) => [m.ruleId, m.messageId, m.severity])).toEqual([["devbound/no-devres-to-kobject", "missingTypeInfo", 1]]);
    const [off] = await lintWith([...recommended, { rules: { "devbound/no-devres-to-kobject": "off" } }], [overrideFile]);
    expect(off!.messages.filter((m) => m.ruleId === "devbound/no-devres-to-kobject")).toEqual([]);
    // A misconfigured option is still ESLint's validation error (the plugin is found, its schema applies).
    await expect(lintWith([...recommended, { rules: { "devbound/no-devres-to-kobject": ["error", { notAnOption: true }] } }], [overrideFile])).rejects.toThrow(
      /Key "rules": Key "devbound\/no-devres-to-kobject"/,
    );
  });

  it("`require(\"@devbound/eslint-plugin\")` (the built package, Node's require) is the plugin itself: rules and configs, no `.default`; its C language says to use import", () => {
    const script = `
      const p = require("@devbound/eslint-plugin");
      let c;
      try { p.languages.c; c = "no error"; } catch (e) { c = e.message; }
      console.log(JSON.stringify({ default: "default" in p, meta: p.meta, rules: Object.keys(p.rules), configs: Object.keys(p.configs), base: p.configs.recommended[0].plugins.devbound === p, c }));`;
    const r = spawnSync(process.execPath, ["-e", script], { cwd: path.join(root, "packages/eslint-plugin"), encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { default: boolean; meta: unknown; rules: string[]; configs: string[]; base: boolean; c: string };
    expect(out.default).toBe(false);
    expect(out.meta).toEqual({ name: pkg.name, version: pkg.version });
    expect(out.rules.sort()).toEqual([...ruleNames].sort());
    expect(out.configs).toEqual(Object.keys(devbound.configs));
    expect(out.base).toBe(true);
    expect(out.c).toMatch(/^@devbound\/eslint-plugin: the C language \(devbound\/c\) loads its WebAssembly grammar asynchronously, which require\(\) cannot wait for: load the plugin with import, in an ES module config \(eslint\.config\.mjs/);
  });

  it("`import` of the built package registers the C language", async () => {
    const pkgPlugin = (await import("@devbound/eslint-plugin")).default;
    expect(Object.keys(pkgPlugin.languages)).toEqual(["c"]);
    expect(typeof (pkgPlugin.languages.c as { parse?: unknown }).parse).toBe("function");
  });

  it("recommended and strict together (the same plugin object twice) is accepted; the later one wins", async () => {
    const [result] = await lintWith([...devbound.configs.recommended, ...devbound.configs.strict], [overrideFile]);
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    expect(result!.messages.some((m) => m.ruleId === "devbound/no-devres-to-kobject")).toBe(true);
  });

  it("`import devbound from \"@devbound/eslint-plugin\"; [...devbound.configs.recommended]` (the built package) lints a typed file and finds the bug", async () => {
    const pkgPlugin = (await import("@devbound/eslint-plugin")).default;
    expect(Object.keys(pkgPlugin.rules).sort()).toEqual([...ruleNames].sort());
    const eslint = new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: [...pkgPlugin.configs.recommended] as never });
    const file = "fixtures/no-devres-to-kobject/bad.ts";
    const expected = fs
      .readFileSync(path.join(root, file), "utf8")
      .split("\n")
      .flatMap((l, i) => (/\/\/ expect: no-devres-to-kobject$/.test(l) ? [`devbound/no-devres-to-kobject@${i + 1}`] : []));
    expect(expected.length).toBeGreaterThan(0);
    const [result] = await eslint.lintFiles([file]);
    expect(result!.messages.map((m) => `${m.ruleId}@${m.line}`)).toEqual(expected);
  });
});
