#!/usr/bin/env node
// The pre-commit framework's entry (.pre-commit-hooks.yaml), in the environment pre-commit
// installs from this repository (`npm install -g git+file://<clone>`: the root package, its
// packages/* sources compiled by setup.js, eslint, typescript and the parser from the registry).
//
//   devbound-pre-commit <command> [<arg>...]      command: devbound-affected | eslint
//
// Runs that command from this package (its node_modules/.bin first on PATH, so the `eslint`
// that devbound-affected starts is this environment's too), with Node's module resolution
// falling back to this package for a bare import the user's project cannot resolve: the
// project's eslint.config.mjs imports `@devbound/eslint-plugin`, and an ES module import
// ignores NODE_PATH (pre-commit#3321). What the project installed itself still wins.
// If npm did not run the root package's postinstall (npm 12 blocks a dependency's install
// scripts unless allowed), the first run links and compiles the packages (setup.js).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isReady, setup } from "./setup.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = path.join(root, "node_modules", ".bin");
/** The commands, as scripts of this package: devbound-affected is linked by setup.js, not by npm. */
const COMMANDS = {
  "devbound-affected": path.join(root, "packages", "eslint-plugin", "bin", "devbound-affected.js"),
  eslint: path.join(root, "node_modules", "eslint", "bin", "eslint.js"),
};

function fail(message) {
  process.stderr.write(`devbound-pre-commit: ${message}\n`);
  process.exit(2);
}

const [command, ...args] = process.argv.slice(2);
if (!command || !Object.hasOwn(COMMANDS, command)) {
  fail(`usage: devbound-pre-commit <${Object.keys(COMMANDS).join("|")}> [<arg>...] (got ${command === undefined ? "no command" : JSON.stringify(command)})`);
}
if (!isReady()) {
  process.stderr.write("devbound-pre-commit: setting up devbound in this environment (npm did not run its postinstall), once\n");
  setup();
}
const script = COMMANDS[command];
// devbound-affected starts `eslint` by name: this environment's, first on PATH.
for (const file of [script, path.join(bin, "eslint")]) {
  if (!existsSync(file)) fail(`${file} is missing: this installation of devbound is incomplete (reinstall the hook: pre-commit clean)`);
}

// --import runs in every Node process of the hook (devbound-affected, and the eslint it starts).
const register = pathToFileURL(path.join(root, "hook", "register.js")).href;
const nodeOptions = [process.env.NODE_OPTIONS, `--import=${register}`].filter(Boolean).join(" ");
// A CommonJS config's require() does read NODE_PATH.
const nodePath = [process.env.NODE_PATH, path.join(root, "node_modules")].filter(Boolean).join(path.delimiter);
const env = {
  ...process.env,
  PATH: [bin, process.env.PATH].filter(Boolean).join(path.delimiter),
  NODE_OPTIONS: nodeOptions,
  NODE_PATH: nodePath,
};
const child = spawnSync(process.execPath, [script, ...args], { stdio: "inherit", env });
if (child.error) fail(`cannot start ${command}: ${child.error.message}`);
process.exit(child.status ?? 1);
