// Loaded with `node --import` by devbound-pre-commit: registers resolve-fallback.js, telling it
// which package to resolve from when the user's project cannot (this one, the hook's install).
import { register } from "node:module";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register("./resolve-fallback.js", import.meta.url, { data: { parentURL: pathToFileURL(path.join(root, "package.json")).href } });
