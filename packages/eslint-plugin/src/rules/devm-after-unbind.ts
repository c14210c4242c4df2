/**
 * devm-after-unbind: a devres registration reachable where the device may be unbound
 * (debug check 1 of seeds/001's "proactive debug mode").
 *
 * A registration is a call whose argument maps to a DevresTarget-branded parameter, directly or
 * through user helpers that pass their parameter on (values.argumentSinks). The device
 * argument is traced (values.deviceOrigins: aliases, destructuring, local object and array
 * literals are followed; storage is an origin); it is reported when it is
 *   - a parameter captured across a function that may run after unbind (scopes.afterUnbindBoundary:
 *     deferred/stored callbacks, kobject release callbacks, file operations),
 *   - read from a field, a module variable or a collection (`registry.get(k)`, a `for … of` over
 *     one): a stored Device<Bound> proves nothing later,
 *   - forged with a cast to Device<Bound>/<Core> from something that is not bound.
 * Devres releases (a call that also takes a DevresRelease-branded argument: devmKfree,
 * devresReleaseGroup, ...) are not registrations. Devres calls inside a kobject release
 * callback or a file release() are left to no-devres-in-release (debug check 4): one finding
 * for one bug.
 *
 * One rule id, two checks: `create` below is the TypeScript check; C files (the `devbound/c`
 * language) go to `c`, c/checks/devm-after-unbind.ts (work/timer/tasklet callbacks and manual
 * IRQ handlers teardown does not stop, file operations, module init). `beforeBind` is C's.
 */
import { ts } from "../util/typescript.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import { checkDevmAfterUnbind } from "../c/checks/devm-after-unbind.js";
import {
  afterUnbindBoundary,
  argumentSinks,
  contextText,
  declaredParameterType,
  deviceOrigins,
  enclosingDriver,
  enclosingFunction,
  enclosingReleaseCallback,
  getAnalysis,
  isAwaited,
  isDeviceType,
  ownerName,
  storesInto,
  typeInfoMessages,
  type Sink,
} from "../analysis/index.js";

type MessageIds = "deferred" | "afterRelease" | "beforeBind" | "stored" | "forged" | "floating" | keyof typeof typeInfoMessages;

function apiLabel(s: Sink): string {
  return s.via.length ? `${s.via.join(" → ")} → ${s.api}` : s.api;
}

export default createRule<[], MessageIds>({
  name: "devm-after-unbind",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow devres registrations where the device may already be unbound",
      recommended: "error",
      requiresTypeChecking: true,
    },
    schema: [],
    messages: {
      ...typeInfoMessages,
      deferred:
        "`{{api}}` registers devres on `{{dev}}` inside {{where}}, which may run after {{owner}} unbinds: devres registered on an unbound device is never released. Register it in probe(), or use a bound callback",
      afterRelease:
        "`{{api}}` registers devres on `{{dev}}` inside {{where}}, which can run after {{owner}} has unbound: devres registered there is never released",
      beforeBind:
        "`{{api}}` registers devres on `{{dev}}` inside {{where}}, which runs before any driver is bound to the device: the driver core then refuses to probe it (\"Resources present before probing\")",
      stored:
        "`{{api}}` registers devres on `{{dev}}`, read from {{source}}: a stored device does not prove {{owner}} is still bound, and devres registered after unbind is never released",
      floating:
        "`{{api}}` registers devres on `{{dev}}` after an await inside async `{{helper}}`, whose promise is not awaited: that part may run after {{owner}} unbinds, and devres registered then is never released. Await it",
      forged:
        "`{{api}}` registers devres on `{{dev}}`, a Device<{{to}}> forged with a cast: nothing proves {{owner}} is bound here, and devres registered after unbind is never released",
    },
  },
  defaultOptions: [],
  c: checkDevmAfterUnbind,
  create(context) {
    const an = getAnalysis(context);
    if (!an?.usesBrands) return {};
    return {
      CallExpression(node: TSESTree.CallExpression) {
        if (node.arguments.length === 0) return;
        const call = an.tsNode(node) as ts.CallExpression;
        let checkedRelease = false;
        for (const [i, arg] of call.arguments.entries()) {
          // Sinks first (memoised per call and shared with the other sink rules), then the
          // argument's type: only a device-typed argument can be a devres target.
          const sink = argumentSinks(an, call, i).find((s) => s.brand === "devresTarget" && s.path.length === 0);
          if (!sink) continue;
          // A parameter declared a device is one (narrowing keeps it one); typing an unannotated
          // probe's `dev` instead has the checker infer the whole defineDriver({...}) call.
          const param = ts.isIdentifier(arg) ? an.checker.getSymbolAtLocation(arg)?.valueDeclaration : undefined;
          const declared = param && ts.isParameter(param) ? declaredParameterType(an.checker, param) : undefined;
          if (!(declared && isDeviceType(an.checker, declared)) && !isDeviceType(an.checker, an.checker.getTypeAtLocation(arg))) continue;
          if (!checkedRelease) {
            checkedRelease = true;
            const isRelease = call.arguments.some((_, j) => argumentSinks(an, call, j).some((s) => s.brand === "devresRelease"));
            if (isRelease || enclosingReleaseCallback(an, call)) return;
          }
          const dev = an.text(arg);
          const api = apiLabel(sink);
          for (const origin of deviceOrigins(an, arg)) {
            if (origin.kind === "cast") {
              context.report({ node, messageId: "forged", data: { api, dev, to: contextText(origin.to), owner: ownerName(an, call) } });
              return;
            }
            if (origin.kind === "stored") {
              const text = an.text(origin.node);
              const source =
                origin.storage === "field" ? `the field \`${text}\`` : origin.storage === "module-variable" ? `the module variable \`${text}\`` : `the collection \`${text}\``;
              // The driver that stored the device there (`lastDevice = dev`, `registry.set(k, dev)` in its probe) owns it.
              let ownerNode: ts.Node = call;
              if (origin.decl) ownerNode = storesInto(an, origin.decl).find((v) => enclosingDriver(an, v)) ?? call;
              context.report({ node, messageId: "stored", data: { api, dev, source, owner: ownerName(an, ownerNode) } });
              return;
            }
            if (origin.kind === "parameter") {
              // Include the declaring function itself: a deferred callback's own parameter proves nothing.
              const boundary = afterUnbindBoundary(an, call, enclosingFunction(origin.fn));
              if (!boundary) {
                // `void initLater(dev)`: the helper registers after its first await, nobody waits for it.
                const helper = sink.floating ?? (sink.afterAwait && !isAwaited(call) ? (sink.via[0] ?? sink.api) : undefined);
                if (helper) {
                  context.report({ node, messageId: "floating", data: { api, dev, helper, owner: ownerName(an, origin.fn) } });
                  return;
                }
                continue;
              }
              const owner = ownerName(an, origin.fn);
              const where = boundary.cls.description;
              const messageId = boundary.cls.kind === "kobject-release" || boundary.cls.kind === "file-operation" ? "afterRelease" : "deferred";
              context.report({ node, messageId, data: { api, dev, where, owner } });
              return;
            }
          }
        }
      },
    };
  },
});
