// The ESLint config of the kernel run (scripts/kernel/run.mjs, through lint.mjs): the BUILT
// plugin's `configs.kernel` (packages/eslint-plugin/dist: run `pnpm build` first), measured as a
// kernel developer would run it, with two additions that only count, never change a finding:
//
// - every devbound rule is wrapped so that an exception in it becomes one message (prefixed with
//   CRASH_MARK) on the file instead of aborting the whole run: the run lists crashes, it does not
//   stop at the first;
// - `kernel-run/parse-errors` reports, once per file whose tree has ERROR/MISSING nodes, how many
//   function definitions contain one and where the ERROR nodes are (a JSON message).
//
// KERNEL_RUN_LANGUAGE_ONLY=1 (run.mjs --language-only) turns devbound's rules off: the same
// files, language options and parse-error counter, to measure the language alone.
// KERNEL_RUN_SELFTEST=1 adds a rule that throws in files containing `kernel-run: selftest crash`
// (test/integration/kernel-run.test.ts checks that the crash is counted and listed).
// KERNEL_RUN_PLUGIN=<path of a built plugin's index.js> (run.mjs --plugin) lints with that build
// instead, e.g. a copy of dist/ taken when it built, so that a rebuild during the long run
// cannot change the plugin half-way.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { CRASH_MARK } from "./lib.mjs";

const pluginPath = process.env.KERNEL_RUN_PLUGIN
  ? pathToFileURL(path.resolve(process.env.KERNEL_RUN_PLUGIN)).href
  : new URL("../../packages/eslint-plugin/dist/index.js", import.meta.url).href;
const devbound = (await import(pluginPath)).default;
const kernel = devbound?.configs?.kernel;
if (!kernel) {
  throw new Error(`kernel-run: the built plugin (${pluginPath}) has no configs.kernel (run \`pnpm build\`; the C rules ship it)`);
}

function describe(error) {
  const stack = error instanceof Error ? (error.stack ?? error.message) : String(error);
  return stack.split("\n").slice(0, 4).map((s) => s.trim()).join(" | ");
}

/** The rule, with its create() and every visitor guarded: the first exception in a file is reported once. */
function guarded(rule) {
  return {
    ...rule,
    create(context) {
      let crashed = false;
      const crash = (error, node) => {
        if (crashed) return;
        crashed = true;
        context.report({ loc: node?.loc ?? { line: 1, column: 0 }, message: `${CRASH_MARK} ${describe(error)}` });
      };
      let visitors;
      try {
        visitors = rule.create(context);
      } catch (error) {
        crash(error);
        return {};
      }
      const out = {};
      for (const [key, fn] of Object.entries(visitors ?? {})) {
        out[key] =
          typeof fn !== "function"
            ? fn
            : function (...args) {
                if (crashed) return undefined;
                try {
                  return fn.apply(this, args);
                } catch (error) {
                  crash(error, args[0]?.loc ? args[0] : undefined);
                  return undefined;
                }
              };
      }
      return out;
    },
  };
}

/** The name a function definition declares (through pointer/function declarators), or null. */
function functionName(node) {
  let d = node.children.find((c) => c.field === "declarator");
  while (d && d.type !== "identifier") d = d.children.find((c) => c.field === "declarator");
  return d?.text ?? null;
}

const parseErrors = {
  meta: { type: "problem", schema: [], docs: { description: "counts parse errors (kernel run measurement only)" } },
  create(context) {
    let functions = 0;
    const fnLines = [];
    const errLines = [];
    return {
      function_definition(node) {
        if (!node.hasError) return;
        functions++;
        if (fnLines.length < 20) fnLines.push([node.loc.start.line, functionName(node)]);
      },
      ERROR(node) {
        if (errLines.length < 20) errLines.push(node.loc.start.line);
      },
      "translation_unit:exit"(node) {
        if (!node.hasError) return;
        context.report({
          loc: { line: 1, column: 0 },
          message: JSON.stringify({ functions, fnLines, errLines }),
        });
      },
    };
  },
};

const selftest = {
  meta: { type: "problem", schema: [] },
  create(context) {
    return {
      translation_unit() {
        if (context.sourceCode.text.includes("kernel-run: selftest crash")) throw new Error("selftest crash");
      },
    };
  },
};

const wrappedRules = Object.fromEntries(Object.entries(devbound.rules).map(([name, rule]) => [name, guarded(rule)]));
const wrappedPlugin = { ...devbound, rules: wrappedRules };
const kernelRun = { rules: { "parse-errors": parseErrors, ...(process.env.KERNEL_RUN_SELFTEST === "1" ? { selftest: guarded(selftest) } : {}) } };

const languageOnly = process.env.KERNEL_RUN_LANGUAGE_ONLY === "1";
const configs = (Array.isArray(kernel) ? kernel : [kernel]).map((config) => {
  const out = config.plugins?.devbound ? { ...config, plugins: { ...config.plugins, devbound: wrappedPlugin } } : { ...config };
  if (languageOnly && out.rules) out.rules = Object.fromEntries(Object.keys(out.rules).map((id) => [id, "off"]));
  return out;
});
const cFiles = configs.find((c) => c.files && c.language)?.files ?? ["**/*.{c,h}"];
const language = configs.find((c) => c.language)?.language ?? "devbound/c";

export default [
  ...configs,
  {
    name: "kernel-run/measure",
    files: cFiles,
    language,
    plugins: { "kernel-run": kernelRun },
    rules: {
      "kernel-run/parse-errors": "warn",
      ...(process.env.KERNEL_RUN_SELFTEST === "1" ? { "kernel-run/selftest": "warn" } : {}),
    },
  },
];
