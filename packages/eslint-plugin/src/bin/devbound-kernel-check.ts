#!/usr/bin/env node
/**
 * devbound-kernel-check: devbound as the kernel build's checker, `make C=1 CHECK=devbound-kernel-check`.
 * kbuild runs `$(CHECK) $(CHECKFLAGS) $(c_flags) <file.c>` for each file it compiles (C=2: every
 * file); this takes that argument list, skips the compiler's and sparse's flags, lints the source
 * files with the plugin's own `configs.kernel` (no user config file) and prints each finding the
 * way sparse does, on stderr:
 *
 *   drivers/foo/foo.c:42:9: warning: <message> [devbound/<rule>]
 *   drivers/foo/foo.c:2:6: error: Parsing error: <message>   (a file ESLint could not parse)
 *
 * Exit status: 0 when it linted (findings are warnings: the build goes on, as with sparse);
 * with DEVBOUND_WERROR=1, 1 when there was a finding or an error; 2 with one clear line for bad
 * usage (no source file), a file that cannot be read, or an internal error.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ESLint, Linter } from "eslint";

const NAME = "devbound-kernel-check";
const USAGE = `usage: ${NAME} [<compiler or sparse flag>]... <file.c>...   (as kbuild's CHECK: make C=1 CHECK=${NAME})`;

/** GCC/sparse options whose value is the next argument when it is not attached (`-I DIR`, `-include FILE`). */
const TAKES_VALUE = new Set([
  "-D", "-U", "-I", "-o", "-include", "-imacros", "-isystem", "-idirafter", "-iquote", "-iprefix",
  "-iwithprefix", "-iwithprefixbefore", "-isysroot", "-MF", "-MT", "-MQ", "-x", "-Xpreprocessor",
  "-Xassembler", "-Xlinker", "--param", "-aux-info", "-T", "-L", "-l",
]);

/** A source file kbuild hands the checker: a non-option argument naming C code. */
const SOURCE = /\.[ch]$/;

class UsageError extends Error {}

/** The source files of a CHECK argument list; every other argument is a flag (and its value). */
function sourceFiles(argv: readonly string[]): string[] {
  const files: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg.startsWith("-") && arg !== "-") {
      if (TAKES_VALUE.has(arg)) {
        if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
        i++;
      }
      continue;
    }
    if (!SOURCE.test(arg)) throw new UsageError(`'${arg}' is neither a flag nor a C source file (.c/.h)`);
    files.push(arg);
  }
  for (const file of files) {
    if (!SOURCE.test(file)) throw new UsageError(`'${file}' is not a C source file (.c/.h)`);
  }
  if (files.length === 0) throw new UsageError("no source file (.c/.h) in the arguments");
  return files;
}

/** sparse's line for one ESLint message, `shown` being the path as given on the command line. */
function sparseLine(shown: string, message: Linter.LintMessage): string {
  const line = message.line || 1;
  const column = message.column || 1;
  if (message.fatal) return `${shown}:${line}:${column}: error: ${message.message}`;
  const rule = message.ruleId ? ` [${message.ruleId}]` : "";
  return `${shown}:${line}:${column}: warning: ${message.message}${rule}`;
}

function fail(message: string): never {
  process.stderr.write(`${NAME}: ${message}\n`);
  process.exit(2);
}

/** ESLint resolves `files` globs against its cwd: the kernel tree, or the file's own directory
 * when the file lies outside it (an external module built with `make -C <tree> M=<dir>`). */
function eslintCwd(absolute: string): string {
  const cwd = process.cwd();
  const relative = path.relative(cwd, absolute);
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.dirname(absolute) : cwd;
}

async function main(argv: readonly string[]): Promise<number> {
  let files: string[];
  try {
    files = sourceFiles(argv);
  } catch (error) {
    if (error instanceof UsageError) fail(`${error.message} (${USAGE})`);
    throw error;
  }
  const texts = files.map((file) => {
    try {
      return readFileSync(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      return fail(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : ((error as Error).message)}`);
    }
  });
  // Loaded only now: bad usage and unreadable files answer without ESLint's and the plugin's start-up.
  const [{ ESLint: Engine }, { default: devbound }] = await Promise.all([import("eslint"), import("../index.js")]);
  const engines = new Map<string, ESLint>();
  let problems = 0;
  const out: string[] = [];
  for (const [index, file] of files.entries()) {
    const absolute = path.resolve(file);
    const cwd = eslintCwd(absolute);
    let eslint = engines.get(cwd);
    if (!eslint) {
      eslint = new Engine({ cwd, overrideConfigFile: true, baseConfig: devbound.configs.kernel as Linter.Config[] });
      engines.set(cwd, eslint);
    }
    const [result] = await eslint.lintText(texts[index]!, { filePath: absolute });
    for (const message of result?.messages ?? []) {
      out.push(sparseLine(file, message));
      problems++;
    }
  }
  if (out.length > 0) process.stderr.write(`${out.join("\n")}\n`);
  return problems > 0 && process.env.DEVBOUND_WERROR === "1" ? 1 : 0;
}

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status;
  },
  (error: unknown) => fail(`internal error: ${error instanceof Error ? error.message : String(error)}`),
);
