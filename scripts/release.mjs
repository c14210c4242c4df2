#!/usr/bin/env node
// `pnpm release`: installable tarballs of every package (packages/*) in release/ (git-ignored),
// for the README's tarball install route. Builds first, then `pnpm pack` per package, which
// writes the published manifest: `workspace:*` ranges become the packages' versions. Each
// tarball is checked before it is announced: a manifest still naming `workspace:` (npm cannot
// install it: EUNSUPPORTEDPROTOCOL) or a package without its built entry points is an error.
//
//   pnpm release [--out <dir>]
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

const args = process.argv.slice(2);
let out = path.join(root, "release");
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--out" && args[i + 1]) out = path.resolve(args[++i]);
  else fail(`unknown argument ${JSON.stringify(args[i])} (usage: pnpm release [--out <dir>])`);
}

const packages = readdirSync(path.join(root, "packages"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(root, "packages", d.name, "package.json")))
  .map((d) => path.join(root, "packages", d.name));
if (packages.length === 0) fail("no packages under packages/");

const run = (cmd, argv, cwd) => execFileSync(cmd, argv, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

run("pnpm", ["build"], root);
mkdirSync(out, { recursive: true });

/** Every path in the tarball, and its package.json. */
function readTarball(file) {
  const entries = run("tar", ["-tzf", file], out).split("\n").filter(Boolean);
  const manifest = JSON.parse(run("tar", ["-xzOf", file, "package/package.json"], out));
  return { entries, manifest };
}

/** Files the manifest promises (exports targets, bin): a tarball without them installs but cannot load. */
function promisedFiles(manifest) {
  const files = new Set();
  const visit = (v) => {
    if (typeof v === "string") files.add(v);
    else if (v && typeof v === "object") Object.values(v).forEach(visit);
  };
  visit(manifest.exports);
  visit(typeof manifest.bin === "string" ? { bin: manifest.bin } : manifest.bin);
  return [...files].filter((f) => f.startsWith("./") && !f.includes("*")).map((f) => `package/${f.slice(2)}`);
}

const written = [];
for (const dir of packages) {
  const pkg = JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8"));
  const tarball = path.join(out, `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`);
  rmSync(tarball, { force: true });
  run("pnpm", ["pack", "--pack-destination", out], dir);
  if (!existsSync(tarball)) fail(`pnpm pack did not write ${path.relative(root, tarball)}`);
  const { entries, manifest } = readTarball(tarball);
  for (const field of ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"]) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith("workspace:")) fail(`${path.basename(tarball)}: ${field}.${name} is still ${range}`);
    }
  }
  const missing = promisedFiles(manifest).filter((f) => !entries.includes(f));
  if (missing.length > 0) fail(`${path.basename(tarball)} lacks ${missing.join(", ")} (not built?)`);
  written.push(tarball);
}

console.log(`release: ${written.length} tarballs in ${path.relative(process.cwd(), out) || "."}/`);
for (const file of written) console.log(`  ${path.relative(process.cwd(), file)}`);
console.log(`install them together (the plugin's @devbound/* peers resolve to each other):`);
console.log(`  npm i -D ${written.map((f) => `./${path.relative(process.cwd(), f)}`).join(" ")}`);
