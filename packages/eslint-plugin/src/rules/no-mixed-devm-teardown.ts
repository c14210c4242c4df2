/**
 * no-mixed-devm-teardown: devres that outlives what remove() frees. remove() runs first and
 * devres is released after it returns, so (1) a devm callback (IRQ handler, work item) using
 * what remove() frees can run on freed memory, and (2) a devm acquisition made after a manual
 * one that remove() tears down is released in the reverse of probe order. Option
 * `checkDevresWithRemove` (strict): any devres registration in a driver that has remove()
 * (debug check 2 of seeds/001, a soft check). C files (language devbound/c) go to the C check,
 * src/c/checks/no-mixed-devm-teardown.ts: the same checks in kernel drivers.
 */
import type { CNode } from "@devbound/eslint-language-c";
import { createRule } from "../util/create-rule.js";
import { checkNoMixedDevmTeardown, cMessages } from "../c/checks/no-mixed-devm-teardown.js";
import { getAnalysis, typeInfoMessages, managedKindOf, boundCallbacksOf, driverText, driversInFile, calleeText, devresCallKind, devresReach, userFunctionOf, ownSteps, probeAcquisitions, removeTeardowns, typeOf, useOfTeardown } from "../analysis/index.js";

type Options = [{ checkDevresWithRemove?: boolean }];

export default createRule<Options, keyof typeof typeInfoMessages | keyof typeof cMessages | "callbackUsesRemoved" | "callbackUsesRemovedVia" | "devmAfterManual" | "devresWithRemove">({
  name: "no-mixed-devm-teardown",
  meta: {
    type: "problem",
    docs: {
      description: "Disallow mixing devres and `remove()` teardown in a way that releases resources in the wrong order",
      recommended: "error",
      strict: { options: [{ checkDevresWithRemove: true }] },
      requiresTypeChecking: true,
    },
    schema: [
      {
        type: "object",
        properties: {
          checkDevresWithRemove: {
            type: "boolean",
            description: "Also report every devres registration in probe() of a driver that has remove() (soft check).",
          },
        },
        additionalProperties: false,
      },
    ],
    defaultOptions: [{ checkDevresWithRemove: false }],
    messages: {
      ...typeInfoMessages,
      callbackUsesRemoved:
        "The {{callee}}() callback uses `{{resource}}`, which {{driver}}'s remove() frees with {{release}}; devres stops this callback only after remove() returns, so it can run on a freed `{{resource}}`.",
      callbackUsesRemovedVia:
        "The {{inner}}() callback that {{callee}}() registers uses `{{resource}}`, which {{driver}}'s remove() frees with {{release}}; devres stops this callback only after remove() returns, so it can run on a freed `{{resource}}`.",
      devmAfterManual:
        "{{callee}}() registers devres after `{{resource}}` was acquired, which {{driver}}'s remove() frees with {{release}}; devres releases it only after remove() returns, so at unbind `{{resource}}` is gone first, the reverse of probe order.",
      devresWithRemove:
        "{{callee}}() registers devres in {{driver}}, which also has remove(): devres is released only after remove() returns; make sure it does not depend on anything remove() tears down.",
      // C (src/c/checks/no-mixed-devm-teardown.ts): the same two bugs, naming lines in the file
      ...cMessages,
    },
  },
  defaultOptions: [{ checkDevresWithRemove: false }],
  // C files (language devbound/c): src/c/checks/no-mixed-devm-teardown.ts
  c(context, [{ checkDevresWithRemove = false }]) {
    return {
      translation_unit(node: unknown) {
        for (const r of checkNoMixedDevmTeardown(node as CNode, context.sourceCode.text, { checkDevresWithRemove })) {
          context.report({ loc: r.node.loc, messageId: r.messageId, data: r.data });
        }
      },
    } as never;
  },
  create(context, [{ checkDevresWithRemove = false }]) {
    return {
      Program() {
        const an = getAnalysis(context);
        if (!an) return;
        for (const driver of driversInFile(an)) {
          const probe = driver.probe;
          if (!probe || !driver.remove || probe.getSourceFile() !== an.sourceFile) continue;
          // (1) and (2) are about what remove() frees by hand: when it frees nothing (most drivers:
          // devres releases everything), only the soft check (3) has anything to look at.
          const tornDown = removeTeardowns(an, driver).length > 0;
          if (!tornDown && !checkDevresWithRemove) continue;
          const name = driverText(driver);
          const acquisitions = probeAcquisitions(an, driver);
          for (const call of ownSteps(probe)) {
            const es = an.esNode(call);
            if (!es) continue;
            const callee = calleeText(an, call);
            // (1) a bound callback (devm IRQ handler, devm work item) using what remove() frees,
            // registered here or by a helper called here
            let reported = false;
            for (const site of tornDown ? boundCallbacksOf(an, call) : []) {
              const use = useOfTeardown(an, driver, site.fn, site.bindings);
              if (!use) continue;
              reported = true;
              const data = { callee, resource: an.text(use.expr), driver: name, release: use.teardown.release };
              if (site.registration === call) context.report({ node: es, messageId: "callbackUsesRemoved", data });
              // (data spelt out: eslint-plugin-eslint-plugin's no-missing-placeholders cannot see through a spread)
              else context.report({ node: es, messageId: "callbackUsesRemovedVia", data: { callee, resource: data.resource, driver: name, release: data.release, inner: calleeText(an, site.registration) } });
              break;
            }
            if (reported) continue;
            // (2) needs a manual acquisition before this call: only then, or for (3), is it asked
            // whether the call registers devres (the helper walk is what costs).
            const prior = acquisitions.findLast((a) => a.anchor.getStart() < call.getStart());
            if (!prior && !checkDevresWithRemove) continue;
            // A devres registration here, or in a helper (any file) called here.
            const kind = devresCallKind(an, call);
            const helper = kind ? undefined : userFunctionOf(an, call);
            const registers = kind === "registration" || (helper !== undefined && devresReach(an, helper)?.kind === "registration");
            // (2) a devm acquisition after a manual one remove() tears down. Not a devm MMIO
            // mapping: nothing may touch MMIO after remove() anyway, so its later unmap cannot
            // depend on what remove() freed (Laurent Pinchart in seeds/001).
            const last = registers ? prior : undefined;
            if (last) {
              // (asked only here: the type of a devm call's result is what costs)
              const kinds = kind ? managedKindOf(an.checker, typeOf(an.checker, call)) : undefined;
              const mmioOnly = kinds !== undefined && kinds.length > 0 && kinds.every((k) => k === "iomem");
              if (!mmioOnly) {
                context.report({
                  node: es,
                  messageId: "devmAfterManual",
                  data: { callee, resource: last.name, driver: name, release: last.teardown.release },
                });
                continue;
              }
            }
            // (3) soft check: devres at all in a driver that has remove()
            if (checkDevresWithRemove && registers) {
              context.report({ node: es, messageId: "devresWithRemove", data: { callee, driver: name } });
            }
          }
        }
      },
    };
  },
});
