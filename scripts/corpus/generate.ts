// Corpus generator: N realistic drivers written against @devbound/runtime, with bugs planted
// at known places and a manifest of them (file, line, rule). Deterministic from a seed: the
// same options produce byte-identical output (a seeded PRNG, no clock, no Math.random).
//
//   npx tsx scripts/corpus/generate.ts --out .bench/corpus --count 200 --seed 1 --bug-rate 0.3
//   npx tsx scripts/corpus/generate.ts --out .bench/corpus --files 1000
//
// ts-morph assembles each file: it computes the import declarations from the identifiers a
// body uses (type-only imports for types), formats the text, and the generator then finds
// its line markers again to record where each planted bug ended up.

import { mkdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { IndentationText, Node, Project, QuoteKind, SyntaxKind, type SourceFile } from "ts-morph";
import { Prng } from "./prng.js";
import { RULES, type Driver, type Line, type Mark, type RuleId } from "./model.js";
import { BUG_KINDS, type BugKind } from "./bugs.js";
import { COMMON_FILES, KERNEL_NAMES, buildClean, driverFile, fopsFile, helpersFile, newDriver } from "./templates.js";

export const GENERATOR_VERSION = 2;

export interface GenerateOptions {
  /** Output directory; emptied first. Keep it under a gitignored path (.bench/, corpus-out/). */
  outDir: string;
  /** Number of drivers. Ignored when `files` is given. */
  count?: number;
  /** Generate drivers until at least this many .ts files exist (the shared common/ files included). */
  files?: number;
  seed?: number;
  /** Fraction of drivers that get one planted bug (0..1). */
  bugRate?: number;
  /** Only plant bugs whose rule is in this list (default: all rules). */
  rules?: readonly RuleId[];
  /**
   * Plant the bug kinds in rotation instead of at random, so that every kind appears once
   * as soon as there are as many buggy drivers as kinds (tests use this for full coverage).
   */
  cover?: boolean;
}

export interface PlantedBug {
  file: string;
  line: number;
  rule: RuleId;
  kind: string;
  driver: string;
  /** Rules that may also report this line (their documented scope covers it). */
  also?: RuleId[];
  /** Allowed, not required (a rule's design may report the line or leave it to another line). */
  optional?: boolean;
}

export interface DriverEntry {
  name: string;
  style: "object" | "class";
  files: string[];
  /** Bug kinds planted in this driver; empty for a clean driver. */
  bugs: string[];
}

export interface Manifest {
  generator: number;
  seed: number;
  bugRate: number;
  cover?: boolean;
  files: string[];
  drivers: DriverEntry[];
  bugs: PlantedBug[];
}

const RUNTIME_VALUES = new Set([
  "defineDriver", "devmKzalloc", "devmIoremap", "devmRequestIrq", "devmAllocWorkqueue", "devmAddAction", "devmKfree",
  "kzalloc", "kfree", "freeIrq", "iounmap", "Device", "deviceRegister", "deviceUnregister", "putDevice", "Cdev",
  "cdevDeviceAdd", "cdevDeviceDel", "cdevUnregisterBegin", "cdevUnregisterFinish", "I2cAdapter", "i2cAddAdapter",
  "i2cDelAdapter", "Kobject", "kobjectInitAndAdd", "kobjectPut", "Devres",
]);
const RUNTIME_TYPES = new Set(["Core", "Bound", "DriverOps", "Mmio", "BoundWorkqueue", "FileOperations"]);
const COMMON_EXPORTS: Record<string, string[]> = {
  "common/bits.ts": ["BIT", "GENMASK", "FIELD_PREP", "FIELD_GET", "hex"],
  "common/ring.ts": ["Ring"],
  "common/util.ts": ["ENODEV", "EBUSY", "EIO", "msleep", "log", "recentLog"],
  "common/kernel.ts": Object.values(KERNEL_NAMES),
};

const KERNEL_RE = new RegExp(`\\b(${Object.keys(KERNEL_NAMES).join("|")})\\(`, "g");

/** A driver ported from C: runtime calls spelled the kernel's way, through common/kernel.ts. */
function kernelSpelling(lines: Line[]): Line[] {
  return lines.map((l) => ({ ...l, text: l.text.replace(KERNEL_RE, (_, name: string) => `${KERNEL_NAMES[name]}(`) }));
}

const MARKER = "//@@BUG:";
const MARKER_RE = / ?\/\/@@BUG:(\d+)/;

function isTypePosition(id: Node): boolean {
  const parent = id.getParent();
  if (parent === undefined) return false;
  if (Node.isTypeReference(parent) || Node.isTypeQuery(parent) || Node.isQualifiedName(parent)) return true;
  if (Node.isExpressionWithTypeArguments(parent)) {
    const clause = parent.getParent();
    return Node.isHeritageClause(clause) && clause.getToken() === SyntaxKind.ImplementsKeyword;
  }
  return false;
}

/** Names used in value and in type positions (declarations excluded). */
function usedNames(sf: SourceFile): { values: Set<string>; types: Set<string> } {
  const values = new Set<string>();
  const types = new Set<string>();
  for (const id of sf.getDescendantsOfKind(SyntaxKind.Identifier)) {
    const parent = id.getParent();
    // property names (`x.name`, `{ name: ... }`) are not references to imports
    if (Node.isPropertyAccessExpression(parent) && parent.getNameNode() === id) continue;
    if ((Node.isPropertyAssignment(parent) || Node.isPropertySignature(parent) || Node.isPropertyDeclaration(parent) || Node.isMethodDeclaration(parent)) && parent.getNameNode() === id) continue;
    (isTypePosition(id) ? types : values).add(id.getText());
  }
  return { values, types };
}

/** Exported names declared at the top level of a generated module, and which are type-only. */
function exportsOf(sf: SourceFile): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const fn of sf.getFunctions()) if (fn.isExported() && fn.getName()) out.set(fn.getName()!, false);
  for (const c of sf.getClasses()) if (c.isExported() && c.getName()) out.set(c.getName()!, false);
  for (const i of sf.getInterfaces()) if (i.isExported()) out.set(i.getName(), true);
  for (const t of sf.getTypeAliases()) if (t.isExported()) out.set(t.getName(), true);
  for (const v of sf.getVariableStatements()) if (v.isExported()) for (const decl of v.getDeclarations()) out.set(decl.getName(), false);
  return out;
}

interface Emitted {
  text: string;
  bugs: { line: number; mark: Mark }[];
}

class Emitter {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double },
  });

  /**
   * Assemble one module: body lines (with markers), imports computed from what the body
   * uses, formatting, then marker lines turned into (line, mark) records.
   */
  emit(
    relPath: string,
    header: string,
    body: Line[],
    localModules: { specifier: string; exports: Map<string, boolean> }[],
  ): Emitted {
    const marks: Mark[][] = [];
    const src = body
      .map((l) => {
        if (!l.marks) return l.text;
        marks.push(l.marks);
        return `${l.text} ${MARKER}${marks.length - 1}`;
      })
      .join("\n");
    const sf = this.project.createSourceFile(`/corpus/${relPath}`, src, { overwrite: true });
    const { values, types } = usedNames(sf);
    const declaredHere = exportsOf(sf);
    const imports: { moduleSpecifier: string; namedImports: { name: string; isTypeOnly?: boolean }[] }[] = [];
    const named = (candidates: Iterable<[string, boolean]>) =>
      [...candidates]
        .filter(([name]) => !declaredHere.has(name) && (values.has(name) || types.has(name)))
        .map(([name, typeOnly]) => ({ name, ...(typeOnly || !values.has(name) ? { isTypeOnly: true } : {}) }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const runtime = named([...[...RUNTIME_VALUES].map((n) => [n, false] as [string, boolean]), ...[...RUNTIME_TYPES].map((n) => [n, true] as [string, boolean])]);
    if (runtime.length > 0) imports.push({ moduleSpecifier: "@devbound/runtime", namedImports: runtime });
    const depth = relPath.split("/").length - 1;
    for (const [file, names] of Object.entries(COMMON_EXPORTS)) {
      const specifier = `${"../".repeat(depth)}${file.replace(/\.ts$/, ".js")}`;
      const ni = named(names.map((n) => [n, false] as [string, boolean]));
      if (ni.length > 0) imports.push({ moduleSpecifier: specifier, namedImports: ni });
    }
    for (const mod of localModules) {
      const ni = named(mod.exports);
      if (ni.length > 0) imports.push({ moduleSpecifier: mod.specifier, namedImports: ni });
    }
    if (imports.length > 0) sf.insertImportDeclarations(0, imports);
    sf.formatText({ indentSize: 2, tabSize: 2, convertTabsToSpaces: true, ensureNewLineAtEndOfFile: true });
    const lines = `${header}\n${sf.getFullText()}`.split("\n");
    const bugs: { line: number; mark: Mark }[] = [];
    for (let i = 0; i < lines.length; i++) {
      const hit = MARKER_RE.exec(lines[i]!);
      if (!hit) continue;
      for (const mark of marks[Number(hit[1])]!) bugs.push({ line: i + 1, mark });
      lines[i] = lines[i]!.replace(MARKER_RE, "");
    }
    this.project.removeSourceFile(sf);
    const text = lines.join("\n");
    return { text: text.endsWith("\n") ? text : `${text}\n`, bugs };
  }

  /** Exports of a generated module, read back with ts-morph for the importers. */
  exportsOfText(relPath: string, body: Line[]): Map<string, boolean> {
    const sf = this.project.createSourceFile(`/corpus/${relPath}`, body.map((l) => l.text).join("\n"), { overwrite: true });
    const out = exportsOf(sf);
    this.project.removeSourceFile(sf);
    return out;
  }
}

function chooseBug(d: Driver, rng: Prng, allowed: readonly BugKind[]): BugKind | undefined {
  const fitting = allowed.filter((b) => b.fits === undefined || b.fits(d));
  return fitting.length > 0 ? rng.pick(fitting) : undefined;
}

function tsconfigFor(outDir: string, repoRoot: string): string {
  const inside = !path.relative(repoRoot, outDir).startsWith("..") && !path.isAbsolute(path.relative(repoRoot, outDir));
  const compilerOptions: Record<string, unknown> = {
    target: "ES2022",
    lib: ["ES2023", "ESNext.Disposable"],
    module: "NodeNext",
    moduleResolution: "NodeNext",
    strict: true,
    noUncheckedIndexedAccess: true,
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
  };
  if (!inside) {
    // Outside the repository node_modules is not on the resolution path: point at it.
    compilerOptions.typeRoots = [path.join(repoRoot, "node_modules/@types")];
    compilerOptions.paths = { "@devbound/runtime": [path.join(repoRoot, "packages/runtime/dist/index.d.ts")] };
  }
  return `${JSON.stringify({ compilerOptions, include: ["**/*.ts"] }, null, 2)}\n`;
}

export function generate(opts: GenerateOptions): Manifest {
  const seed = opts.seed ?? 1;
  if (!Number.isInteger(seed)) throw new TypeError(`corpus seed must be an integer, got ${seed}`);
  const bugRate = opts.bugRate ?? 0.3;
  if (!(bugRate >= 0 && bugRate <= 1)) throw new RangeError(`bugRate must be within 0..1, got ${bugRate}`);
  if (opts.count === undefined && opts.files === undefined) throw new TypeError("generate: give `count` (drivers) or `files`");
  const count = opts.count ?? Number.POSITIVE_INFINITY;
  if (opts.files === undefined && !(Number.isInteger(count) && count >= 0)) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (opts.files !== undefined && !(Number.isInteger(opts.files) && opts.files >= 0)) throw new RangeError(`files must be a non-negative integer, got ${opts.files}`);
  const unknown = (opts.rules ?? []).filter((r) => !(RULES as readonly string[]).includes(r));
  if (unknown.length > 0) throw new RangeError(`unknown rule(s): ${unknown.join(", ")}`);
  const allowed = BUG_KINDS.filter((b) => opts.rules === undefined || opts.rules.includes(b.rule));

  const outDir = path.resolve(opts.outDir);
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const write = (rel: string, text: string) => {
    const abs = path.join(outDir, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
  };

  const manifest: Manifest = { generator: GENERATOR_VERSION, seed, bugRate, files: [], drivers: [], bugs: [] };
  if (opts.cover) manifest.cover = true;
  for (const [rel, text] of Object.entries(COMMON_FILES)) {
    write(rel, text);
    manifest.files.push(rel);
  }
  write("tsconfig.json", tsconfigFor(outDir, repoRoot));
  write("package.json", `${JSON.stringify({ name: "devbound-corpus", private: true, type: "module" }, null, 2)}\n`);

  const root = new Prng(seed);
  const emitter = new Emitter();
  let rotation = 0;
  for (let i = 0; i < count && (opts.files === undefined || manifest.files.length < opts.files); i++) {
    const rng = root.fork(i);
    const d = newDriver(i, rng);
    let bug: BugKind | undefined;
    if (allowed.length > 0 && rng.chance(bugRate)) {
      if (opts.cover) {
        bug = allowed[rotation++ % allowed.length]!;
        // the class-only kinds: make this driver a class driver
        if (bug.fits && !bug.fits(d)) d.style = "class";
        if (bug.fits && !bug.fits(d)) throw new Error(`internal: bug kind ${bug.kind} fits no driver style`);
      } else {
        bug = chooseBug(d, rng, allowed);
      }
    }
    bug?.needs?.(d);
    buildClean(d);
    if (bug) {
      bug.apply(d);
      d.planted.push(bug.kind);
    }
    const dir = `drivers/${d.name}`;
    const header = (what: string) => `// ${d.name}: ${what} (generated by scripts/corpus/generate.ts, seed ${seed})`;
    const spell = d.kernelNames ? kernelSpelling : (lines: Line[]) => lines;
    const helpersBody = spell(helpersFile(d));
    const locals: { specifier: string; exports: Map<string, boolean> }[] = [
      { specifier: "./helpers.js", exports: emitter.exportsOfText(`${dir}/helpers.ts`, helpersBody) },
    ];
    const outputs: { rel: string; emitted: Emitted }[] = [];
    outputs.push({ rel: `${dir}/helpers.ts`, emitted: emitter.emit(`${dir}/helpers.ts`, header("registers, chip programming, IRQ and poll helpers"), helpersBody, []) });
    if (d.f.cdev && !d.f.fopsInProbe) {
      const fopsBody = spell(fopsFile(d));
      outputs.push({ rel: `${dir}/fops.ts`, emitted: emitter.emit(`${dir}/fops.ts`, header("file operations of the control device"), fopsBody, [locals[0]!]) });
      locals.push({ specifier: "./fops.js", exports: emitter.exportsOfText(`${dir}/fops.ts`, fopsBody) });
    }
    outputs.push({ rel: `${dir}/driver.ts`, emitted: emitter.emit(`${dir}/driver.ts`, header(`${d.style} driver${d.kernelNames ? ", kernel spelling" : ""}`), spell(driverFile(d)), locals) });
    const entry: DriverEntry = { name: d.name, style: d.style, files: [], bugs: d.planted };
    for (const { rel, emitted } of outputs) {
      write(rel, emitted.text);
      manifest.files.push(rel);
      entry.files.push(rel);
      for (const b of emitted.bugs) {
        manifest.bugs.push({ file: rel, line: b.line, rule: b.mark.rule, kind: b.mark.kind, driver: d.name, ...(b.mark.also ? { also: b.mark.also } : {}), ...(b.mark.optional ? { optional: true } : {}) });
      }
    }
    if (bug && !manifest.bugs.some((b) => b.driver === d.name && !b.optional)) {
      throw new Error(`internal: bug ${bug.kind} planted in ${d.name} but no marked line survived`);
    }
    manifest.drivers.push(entry);
  }
  write("manifest.json", `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

// ---- CLI ----
function parseArgs(argv: string[]): GenerateOptions {
  const get = (flag: string): string | undefined => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const num = (flag: string): number | undefined => {
    const v = get(flag);
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isFinite(n)) throw new TypeError(`${flag} expects a number, got "${v}"`);
    return n;
  };
  const out = get("--out");
  if (out === undefined) throw new TypeError("usage: generate.ts --out <dir> (--count <drivers> | --files <n>) [--seed <int>] [--bug-rate <0..1>] [--rules a,b] [--cover]");
  const rules = get("--rules")?.split(",") as RuleId[] | undefined;
  const cover = argv.includes("--cover");
  const o: GenerateOptions = { outDir: out };
  const count = num("--count");
  const files = num("--files");
  const seed = num("--seed");
  const bugRate = num("--bug-rate");
  if (count !== undefined) o.count = count;
  if (files !== undefined) o.files = files;
  if (seed !== undefined) o.seed = seed;
  if (bugRate !== undefined) o.bugRate = bugRate;
  if (rules !== undefined) o.rules = rules;
  if (cover) o.cover = true;
  return o;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const opts = parseArgs(process.argv.slice(2));
    const t0 = performance.now();
    const m = generate(opts);
    const clean = m.drivers.filter((d) => d.bugs.length === 0).length;
    process.stdout.write(
      `corpus: ${m.drivers.length} drivers (${clean} clean), ${m.files.length} files, ${m.bugs.length} planted findings -> ${path.resolve(opts.outDir)} in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`,
    );
  } catch (error) {
    process.stderr.write(`corpus: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(2);
  }
}
