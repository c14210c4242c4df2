// Docs that cannot drift: every rule's meta.docs.url (what editors, SARIF and the CLI link to)
// is the GitHub address of an existing rules-docs/<rule>.md page that documents that rule, every
// page belongs to a rule, each page keeps the marker eslint-doc-generator manages its header
// by, documents each of the rule's named options, and the generated parts (README rules table,
// page headers) match the rules' metadata (`eslint-doc-generator --check`, also run by
// `pnpm test` as `pnpm docs:check`).
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { JSONSchema4 } from "@typescript-eslint/utils/json-schema";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const URL_PREFIX = "https://github.com/devbound/devbound/blob/main/";
const HEADER_END = "<!-- end auto-generated rule header -->";

interface RuleLike {
  meta: { docs?: { url?: string; description?: string }; schema?: JSONSchema4 | JSONSchema4[] | false; hasSuggestions?: boolean };
}
let rules: Record<string, RuleLike>;

beforeAll(async () => {
  const mod = (await import(pathToFileURL(join(ROOT, "packages/eslint-plugin/dist/index.js")).href)) as {
    default: { rules: Record<string, RuleLike> };
  };
  rules = mod.default.rules;
});

/** Property names anywhere in an options schema (objects nested in arrays, oneOf, ...). */
function namedOptions(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema) namedOptions(s, out);
  else if (schema && typeof schema === "object") {
    const s = schema as Record<string, unknown>;
    if (s.properties && typeof s.properties === "object") {
      for (const [name, sub] of Object.entries(s.properties)) {
        out.add(name);
        namedOptions(sub, out);
      }
    }
    for (const key of ["items", "oneOf", "anyOf", "allOf"]) namedOptions(s[key], out);
  }
  return out;
}

describe("rule documentation", () => {
  it("every rule's meta.docs.url is its rules-docs/<rule>.md page on GitHub, and the page exists", () => {
    expect(Object.keys(rules).length).toBeGreaterThan(0);
    for (const [name, rule] of Object.entries(rules)) {
      const url = rule.meta.docs?.url;
      expect(url, `${name}: meta.docs.url`).toBe(`${URL_PREFIX}rules-docs/${name}.md`);
      const page = join(ROOT, url!.slice(URL_PREFIX.length));
      expect(existsSync(page), `${name}: ${page} exists`).toBe(true);
      const text = readFileSync(page, "utf8");
      expect(text.split("\n")[0], `${name}: the page's title names the rule`).toContain(`\`devbound/${name}\``);
      expect(text, `${name}: the page keeps the generator's header marker`).toContain(HEADER_END);
      expect(rule.meta.docs?.description, `${name}: meta.docs.description`).toBeTruthy();
    }
  });

  it("every page in rules-docs/ belongs to a rule", () => {
    const pages = readdirSync(join(ROOT, "rules-docs")).filter((f) => f.endsWith(".md"));
    expect(pages.map((p) => p.slice(0, -".md".length)).sort()).toEqual(Object.keys(rules).sort());
  });

  it("every named option of a rule is documented on its page", () => {
    for (const [name, rule] of Object.entries(rules)) {
      const text = readFileSync(join(ROOT, "rules-docs", `${name}.md`), "utf8");
      for (const option of namedOptions(rule.meta.schema)) {
        expect(text, `${name}: option \`${option}\` documented`).toContain(`\`${option}\``);
      }
    }
  });

  it("the README's rules table and the pages' headers match the rules' metadata (eslint-doc-generator --check)", () => {
    const r = spawnSync(join(ROOT, "node_modules/.bin/eslint-doc-generator"), ["scripts/doc-generator", "--check"], {
      cwd: ROOT,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" },
    });
    expect(r.status, `eslint-doc-generator --check (run \`pnpm docs\` to regenerate):\n${r.stdout}\n${r.stderr}`).toBe(0);
    // The table is there and lists every rule with its documentation link.
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const table = /<!-- begin auto-generated rules list -->([\s\S]*)<!-- end auto-generated rules list -->/.exec(readme)?.[1] ?? "";
    for (const [name, rule] of Object.entries(rules)) {
      expect(table, `README lists ${name}`).toContain(`[${name}](${rule.meta.docs!.url})`);
    }
  });
});
