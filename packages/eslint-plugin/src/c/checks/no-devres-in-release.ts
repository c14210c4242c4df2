/**
 * no-devres-in-release, the C check: a devm call (an allocation, `devm_kfree`,
 * `devm_remove_action`, any `devm_`/`dmam_`/`pcim_` call) inside a release callback, directly
 * or through the file's helpers: a kobject's `kobj_type.release`, a `device.release` /
 * `device_type.release` / `class.dev_release`, or a `file_operations.release`. These run when
 * the last reference goes, which can be after the driver unbound and devres released
 * everything registered against the device (an allocation then leaks or touches a dead devres
 * list; a devm_kfree() frees memory devres already freed).
 *
 * How: release-callbacks.ts finds the callbacks where they are installed (struct initialisers
 * and member assignments, typed through the file's layouts and the vocabulary's embedded
 * members); each call in such a callback is reported when it is a managed call (by name, an
 * external function) or a call of a file helper that makes one (reported at the helper call,
 * "(through devm_kzalloc())"). A helper that is itself a release callback is reported in its
 * own body only.
 *
 * Not reported: a file release()'s devm call on a device no driver binds (unbound-devices.ts),
 * whose devres is released with that device, which outlives the open file.
 *
 * Invariant: never throws; a file that names no managed API costs one text scan.
 */
import type { TSESLint } from "@typescript-eslint/utils";
import type { CNode } from "@devbound/eslint-language-c";
import { MANAGED_NAME_IN_TEXT, acquireApi, devresKind, isManagedName, type ReleaseCallbackRole } from "../vocabulary/index.js";
import { argumentsOf, child, inError, stripParens } from "../analysis/syntax.js";
import { getUnit, type Unit } from "../analysis/unit.js";
import { driversReaching, ownerText } from "../analysis/drivers.js";
import { managedCallIn, releaseCallbacks } from "../analysis/release-callbacks.js";
import { neverBound } from "../analysis/unbound-devices.js";

type MessageIds = "devresInRelease" | "devresInReleaseVia";
type Context = Readonly<TSESLint.RuleContext<MessageIds, readonly unknown[]>>;


const ROLE_TEXT: Record<ReleaseCallbackRole, string> = {
  kobject: "a kobject release callback",
  device: "a device release callback",
  file: "a file release()",
};

/**
 * A file release() whose devm call is on a device no driver binds (a miscdevice's this_device,
 * a device_create() device): that devres lives until the device goes, which an open file
 * (fops.owner pins the module that unregisters the device) outlasts, not until an unbind. A
 * kobject or device release stays reported: device_release() has run devres_release_all() on
 * the device before the callback.
 */
function onUnboundDevice(unit: Unit, role: ReleaseCallbackRole, call: CNode, api: string): boolean {
  return role === "file" && neverBound(unit, argumentsOf(call)[acquireApi(api)?.device ?? 0]);
}

export function checkNoDevresInRelease(context: Context): TSESLint.RuleListener {
  const text = context.sourceCode.text;
  if (!MANAGED_NAME_IN_TEXT.test(text)) return {};
  return {
    "translation_unit:exit"(root: unknown) {
      const unit: Unit = getUnit(root as CNode);
      const callbacks = releaseCallbacks(unit);
      if (callbacks.length === 0) return;
      const isCallback = new Set(callbacks.map((c) => c.fn));
      const reported = new Set<CNode>();
      for (const rc of callbacks) {
        const driver = driversReaching(unit, rc.fn)[0];
        const where = `${rc.fn.name}(), ${ROLE_TEXT[rc.role]} (${rc.member})`;
        for (const call of rc.fn.calls) {
          if (reported.has(call) || call.hasError || inError(call)) continue;
          const name = unit.isKernelCall(call);
          if (name && isManagedName(name)) {
            if (onUnboundDevice(unit, rc.role, call, name)) continue;
            reported.add(call);
            context.report({ loc: call.loc, messageId: "devresInRelease", data: { call: `${name}()`, kind: devresKind(name), context: where, owner: ownerText(driver) } });
            continue;
          }
          const callee = child(call, "function");
          const b = callee ? unit.resolve(stripParens(callee)) : undefined;
          if (b?.kind !== "function" || b.fn === rc.fn || isCallback.has(b.fn)) continue;
          const reach = managedCallIn(unit, b.fn);
          if (!reach || onUnboundDevice(unit, rc.role, reach.call, reach.api)) continue;
          reported.add(call);
          context.report({
            loc: call.loc,
            messageId: "devresInReleaseVia",
            data: { call: `${b.fn.name}()`, inner: `${reach.api}()`, kind: devresKind(reach.api), context: where, owner: ownerText(driver) },
          });
        }
      }
    },
  };
}
