// Turns an installed copy of this repository (what the pre-commit framework's
// `npm install -g git+file://<clone>` unpacks: packages/*/src, no dist/, no workspace links)
// into a working devbound: links node_modules/@devbound/<name> to packages/<name> and compiles
// the three packages with the TypeScript installed beside them. Run by the root package's
// postinstall and, where npm did not run that (npm 12 blocks dependencies' install scripts
// unless allowed), by devbound-pre-commit before its first run.
//
// A development checkout (pnpm-workspace.yaml is there: pnpm links and builds the workspace)
// is left alone; so is a clone that npm prepares as a git dependency.
// Why not bundleDependencies built in that preparation: npm 11 prepares a git dependency of a
// global install in global mode (npm/cli#8440; fixed in pacote 22, npm 12), so nothing is
// built or bundled there; the build has to happen where the dependencies are installed.
import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Dependency order: the plugin's build reads the language's and the runtime's types. */
const PACKAGES = ["runtime", "eslint-language-c", "eslint-plugin"];

function fail(message) {
  process.stderr.write(`devbound (pre-commit hook install): ${message}\n`);
  process.exit(1);
}

/** A development checkout: nothing to do. */
export const isCheckout = () => existsSync(path.join(root, "pnpm-workspace.yaml"));

const link = (name) => path.join(root, "node_modules", "@devbound", name);
const built = (name) => existsSync(path.join(root, "packages", name, "dist", "index.js"));

/** Linked and compiled (or a checkout). */
export function isReady() {
  return isCheckout() || PACKAGES.every((name) => existsSync(path.join(link(name), "package.json")) && built(name));
}

/** Links and compiles what is missing; exits with status 1 and a message when it cannot. */
export function setup() {
  if (isCheckout()) return;
  const scope = path.join(root, "node_modules", "@devbound");
  mkdirSync(scope, { recursive: true });
  for (const name of PACKAGES) {
    const target = path.join(root, "packages", name);
    if (!existsSync(path.join(target, "package.json"))) fail(`packages/${name}/package.json is missing from the installed files`);
    const file = link(name);
    if (existsSync(file) || isLink(file)) rmSync(file, { recursive: true, force: true });
    symlinkSync(path.relative(scope, target), file, "junction");
  }

  // npm 12 prepares the clone (installs it, runs the packages' `prepare`): dist/ may already be built.
  if (!PACKAGES.every(built)) {
    let tsc;
    try {
      tsc = createRequire(path.join(root, "package.json")).resolve("typescript/bin/tsc");
    } catch {
      fail("typescript is not installed beside it (a dependency of the root package.json)");
    }
    const compile = (args) => {
      try {
        execFileSync(process.execPath, [tsc, ...args], { cwd: root, stdio: "inherit" });
      } catch {
        fail(`compiling failed (tsc ${args.join(" ")}; output above)`);
      }
    };
    const dir = (name) => path.join(root, "packages", name);
    // The plugin compiles against the other two's declarations. --force: a tsbuildinfo left
    // beside a missing dist/ would make tsc -b skip the build.
    compile(["-b", "--force", dir("runtime"), dir("eslint-language-c")]);
    // The plugin's own declarations are not needed to run it, and here they cannot be emitted:
    // its dependencies live in the root's node_modules, not its own, and a rule's inferred type
    // names @typescript-eslint/utils by that path (TS2883, "not portable").
    compile(["-p", dir("eslint-plugin"), "--composite", "false", "--declaration", "false", "--declarationMap", "false", "--incremental", "false"]);
  }
}

function isLink(file) {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}
