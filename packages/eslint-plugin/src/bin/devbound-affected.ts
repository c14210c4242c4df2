#!/usr/bin/env node
/**
 * devbound-affected: expands changed files to those files plus the files of the TypeScript
 * project that import them (transitively), for pre-commit hooks (analysis in ../affected.ts).
 *
 *   devbound-affected [--project <tsconfig>]... <file>...
 *       prints the files, one a line (relative to the working directory)
 *   devbound-affected [--project <tsconfig>]... --run <command> [<arg>...] -- <file>...
 *       runs `<command> <arg>... <files>` and exits with its status (nothing to run: exit 0)
 *
 * Exit status 2 with one clear line (no stack trace) for bad input: an unknown option, no
 * tsconfig, a tsconfig with errors, a command that cannot be started.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { AffectedError, affectedFiles } from "../affected.js";

const USAGE = "usage: devbound-affected [--project <tsconfig>]... [--run <command> [<arg>...] --] <file>...";

function fail(message: string): never {
  process.stderr.write(`devbound-affected: ${message}\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): { projects: string[]; run: string[] | undefined; files: string[] } {
  const projects: string[] = [];
  let run: string[] | undefined;
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      files.push(...argv.slice(i + 1));
      break;
    } else if (arg === "--project" || arg === "-p") {
      const value = argv[++i];
      if (value === undefined) fail(`${arg} needs a tsconfig path\n${USAGE}`);
      projects.push(value);
    } else if (arg.startsWith("--project=")) {
      projects.push(arg.slice("--project=".length));
    } else if (arg === "--run") {
      const end = argv.indexOf("--", i + 1);
      run = argv.slice(i + 1, end === -1 ? argv.length : end);
      if (run.length === 0) fail(`--run needs a command\n${USAGE}`);
      if (end === -1) fail(`--run <command> must end with -- before the files\n${USAGE}`);
      i = end - 1; // the `--` is handled next round
    } else if (arg === "--help" || arg === "-h") {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith("-")) {
      fail(`unknown option ${arg}\n${USAGE}`);
    } else {
      files.push(arg);
    }
  }
  return { projects, run, files };
}

const { projects, run, files } = parseArgs(process.argv.slice(2));
const cwd = process.cwd();
let result;
try {
  result = affectedFiles({ changed: files, projects, cwd });
} catch (error) {
  if (error instanceof AffectedError) fail(error.message);
  throw error;
}
const shown = result.files.map((f) => path.relative(cwd, f) || ".");

if (!run) {
  if (shown.length > 0) process.stdout.write(`${shown.join("\n")}\n`);
  process.exit(0);
}
if (shown.length === 0) process.exit(0);
if (result.dependents.length > 0) {
  process.stderr.write(
    `devbound-affected: also checking ${result.dependents.length} file(s) that import the changed ones: ${result.dependents.map((f) => path.relative(cwd, f)).join(", ")}\n`,
  );
}
const [command, ...args] = run;
const child = spawnSync(command!, [...args, ...shown], { stdio: "inherit", shell: process.platform === "win32" });
if (child.error) fail(`cannot run ${command}: ${child.error.message}`);
process.exit(child.status ?? 1);
