/**
 * no-devres-to-kobject: a devres-managed allocation (or a member embedded in one, or an alias
 * of either) passed to a kobject-style API (debug check 3 of seeds/001; the i2c adapter case).
 *
 * One rule id, two checks: `create` below is the TypeScript check; C files (the `devbound/c`
 * language) go to `c`, c/checks/no-devres-to-kobject.ts (an embedded struct device, kobject,
 * cdev, i2c_adapter, miscdevice, ... of devm memory registered).
 *
 * Sinks are KobjectParam-branded parameters, reached directly or through the user's own
 * functions (values.argumentSinks, which also carries member paths: `register(priv)` whose
 * body does `i2cAddAdapter(p.adapter)` passes `priv.adapter`; rest parameters and default
 * initialisers included). Arguments are read by parameter position (`add(...[priv.adapter])`).
 * Values are traced with values.managedOrigin (aliases, destructuring, members, spreads,
 * getters, helper returns, remove()'s data).
 */
import { ts } from "../util/typescript.js";
import type { TSESTree } from "@typescript-eslint/utils";
import { createRule } from "../util/create-rule.js";
import { argumentSinks, argumentValues, getAnalysis, managedOrigin, memberText, ownerName, typeInfoMessages } from "../analysis/index.js";
import { checkNoDevresToKobject, type Options } from "../c/checks/no-devres-to-kobject.js";

type MessageIds = "toKobject" | "toKobjectVia" | "devmEmbeddedRegistered" | "devmEmbeddedRegisteredVia" | keyof typeof typeInfoMessages;

export default createRule<Options, MessageIds>({
  name: "no-devres-to-kobject",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow passing devres-managed memory (or what is embedded in it) to kobject-style APIs that keep it alive",
      recommended: "error",
      requiresTypeChecking: true,
    },
    // C only: the kernel's i2c_del_adapter() waits for the adapter's release; the runtime's
    // i2cDelAdapter() does not, so the TypeScript check reports i2cAddAdapter() either way.
    schema: [
      {
        type: "object",
        properties: {
          checkBlockingUnbind: {
            type: "boolean",
            description:
              "C: also report registrations whose unregister waits for the object's release (i2c adapters): no use after free, but the unbind blocks until the last user lets go.",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ checkBlockingUnbind: false }],
    messages: {
      ...typeInfoMessages,
      toKobject: "`{{resource}}` is freed by devres when {{owner}} unbinds, but {{api}} keeps it alive after that",
      toKobjectVia: "`{{resource}}` is freed by devres when {{owner}} unbinds, but {{via}} passes it to {{api}}, which keeps it alive after that",
      // C (c/checks/no-devres-to-kobject.ts): the devm allocation, the embedded object and why it
      // outlives unbind. Reported by the C check, a module eslint-plugin's rule does not read.
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by c/checks/no-devres-to-kobject.ts
      devmEmbeddedRegistered: "`{{resource}}` is devm memory ({{alloc}} at line {{line}}); {{what}} registered with {{api}}, so {{why}}",
      // eslint-disable-next-line eslint-plugin/no-unused-message-ids -- reported by c/checks/no-devres-to-kobject.ts
      devmEmbeddedRegisteredVia: "`{{resource}}` is devm memory ({{alloc}} at line {{line}}); {{what}} registered with {{api}} by {{via}}, so {{why}}",
    },
  },
  defaultOptions: [{ checkBlockingUnbind: false }],
  c: checkNoDevresToKobject,
  create(context) {
    const an = getAnalysis(context);
    if (!an?.usesBrands) return {};
    const check = (node: TSESTree.CallExpression | TSESTree.NewExpression) => {
      if (node.arguments.length === 0) return;
      const call = an.tsNode(node) as ts.CallExpression | ts.NewExpression;
      for (const { value: arg, index: i, written } of argumentValues(call)) {
        for (const sink of argumentSinks(an, call, i)) {
          if (sink.brand !== "kobjectParam") continue;
          const origin = managedOrigin(an, arg);
          if (!origin) continue;
          const esArg = an.esNode(written);
          if (!esArg) break;
          const resource = memberText(an.text(arg), sink.path);
          const owner = ownerName(an, origin.allocation ?? call);
          if (sink.via.length) {
            context.report({ node: esArg, messageId: "toKobjectVia", data: { resource, owner, via: sink.via.join(" → "), api: sink.api } });
          } else {
            context.report({ node: esArg, messageId: "toKobject", data: { resource, owner, api: sink.api } });
          }
          break;
        }
      }
    };
    return { CallExpression: check, NewExpression: check };
  },
});
