/**
 * affected.ts: which files a change can give devbound findings in.
 *
 * devbound's rules are typed: a finding in `user.ts` can be caused by a change in `helper.ts`
 * alone (helper switches from `kzalloc` to `devmKzalloc`; user's `kfree` is now a double free).
 * A pre-commit hook that lints only the staged files, or `eslint --cache` (which keys a result
 * on the file's own content and config), misses it. `affectedFiles` expands a list of changed
 * files to those files plus every file of the TypeScript project(s) that imports one of them,
 * directly or transitively.
 *
 * Invariant: the import graph is read syntactically (`ts.preProcessFile`: imports, re-exports,
 * `require`, `import()`, `/// <reference path>`), and each specifier is resolved with the
 * project's own compiler options (`ts.resolveModuleName`: paths, NodeNext exports, `.js` ->
 * `.ts`), so it costs a read of each file and no type check. Changed files are always in the
 * result (the linter decides what to do with files outside the project); dependents are the
 * project's own sources (no declaration files, nothing under node_modules). Deleting a file
 * finds no dependents: nothing resolves to it any more (tsc reports its importers).
 *
 * API
 *   affectedFiles({ changed, projects?, cwd? }) -> { files, changed, dependents, projects }
 *   AffectedError                                 bad input (no tsconfig, a tsconfig with errors)
 */
import path from "node:path";
import ts from "typescript";

export class AffectedError extends Error {}

export interface AffectedOptions {
  /** Changed files, absolute or relative to `cwd`. */
  changed: readonly string[];
  /** tsconfig files (or directories holding a tsconfig.json); default: the one `tsc` would find from `cwd`. */
  projects?: readonly string[];
  cwd?: string;
}

export interface AffectedResult {
  /** `changed` then `dependents`, absolute, without duplicates. */
  files: string[];
  changed: string[];
  /** Files importing a changed file (transitively), in breadth-first order. */
  dependents: string[];
  /** The tsconfig files read, with the ones they reference. */
  projects: string[];
}

const canonical = ts.sys.useCaseSensitiveFileNames ? (f: string) => f : (f: string) => f.toLowerCase();

function formatDiagnostics(diagnostics: readonly ts.Diagnostic[], cwd: string): string {
  return ts.formatDiagnostics(diagnostics, {
    getCanonicalFileName: canonical,
    getCurrentDirectory: () => cwd,
    getNewLine: () => "\n",
  });
}

function locateProject(spec: string | undefined, cwd: string): string {
  if (spec === undefined) {
    const found = ts.findConfigFile(cwd, ts.sys.fileExists);
    if (!found) throw new AffectedError(`no tsconfig.json in ${cwd} or above it: pass --project <tsconfig.json>`);
    return path.resolve(found);
  }
  const abs = path.resolve(cwd, spec);
  if (ts.sys.directoryExists(abs)) {
    const inDir = path.join(abs, "tsconfig.json");
    if (!ts.sys.fileExists(inDir)) throw new AffectedError(`no tsconfig.json in ${abs}`);
    return inDir;
  }
  if (!ts.sys.fileExists(abs)) throw new AffectedError(`tsconfig not found: ${abs}`);
  return abs;
}

/** Parses a tsconfig (and, recursively, the projects it references) into `out`. */
function readProject(configPath: string, cwd: string, out: Map<string, ts.ParsedCommandLine>): void {
  if (out.has(canonical(configPath))) return;
  const problems: ts.Diagnostic[] = [];
  const host: ts.ParseConfigFileHost = {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => problems.push(d),
  };
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, undefined, host);
  // Errors that change what the project is (a missing `extends`, bad JSON, no input files):
  // the graph would be wrong, so say so instead of guessing.
  problems.push(...(parsed?.errors ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error));
  if (!parsed || problems.length > 0) {
    throw new AffectedError(`${path.relative(cwd, configPath) || configPath} has errors:\n${formatDiagnostics(problems, cwd).trimEnd()}`);
  }
  out.set(canonical(configPath), parsed);
  for (const ref of parsed.projectReferences ?? []) {
    readProject(ts.resolveProjectReferencePath(ref), cwd, out);
  }
}

export function affectedFiles(options: AffectedOptions): AffectedResult {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const projectPaths = (options.projects?.length ? options.projects : [undefined]).map((p) => locateProject(p, cwd));
  const projects = new Map<string, ts.ParsedCommandLine>();
  for (const p of projectPaths) readProject(p, cwd, projects);

  // importer lists, keyed by the canonical path of the imported file
  const importers = new Map<string, string[]>();
  const seen = new Set<string>();
  for (const parsed of projects.values()) {
    const cache = ts.createModuleResolutionCache(cwd, canonical, parsed.options);
    for (const file of parsed.fileNames) {
      const abs = path.resolve(file);
      if (seen.has(canonical(abs)) || abs.endsWith(".d.ts") || abs.split(path.sep).includes("node_modules")) continue;
      seen.add(canonical(abs));
      const text = ts.sys.readFile(abs);
      if (text === undefined) continue;
      const info = ts.preProcessFile(text, true, true);
      const mode = ts.getImpliedNodeFormatForFile(abs as ts.Path, cache.getPackageJsonInfoCache(), ts.sys, parsed.options);
      const targets: string[] = [];
      for (const ref of info.importedFiles) {
        const resolved = ts.resolveModuleName(ref.fileName, abs, parsed.options, ts.sys, cache, undefined, mode).resolvedModule;
        if (resolved && !resolved.isExternalLibraryImport) targets.push(resolved.resolvedFileName);
      }
      for (const ref of info.referencedFiles) targets.push(path.resolve(path.dirname(abs), ref.fileName));
      for (const target of targets) {
        const key = canonical(path.resolve(target));
        const list = importers.get(key);
        if (list) list.push(abs);
        else importers.set(key, [abs]);
      }
    }
  }

  const changed = [...new Set(options.changed.map((f) => path.resolve(cwd, f)))];
  const inResult = new Set(changed.map(canonical));
  const dependents: string[] = [];
  const queue = [...changed];
  for (let i = 0; i < queue.length; i++) {
    for (const importer of importers.get(canonical(queue[i]!)) ?? []) {
      if (inResult.has(canonical(importer))) continue;
      inResult.add(canonical(importer));
      dependents.push(importer);
      queue.push(importer);
    }
  }
  return { files: [...changed, ...dependents], changed, dependents, projects: [...projects.values()].map((p) => p.options.configFilePath as string) };
}
