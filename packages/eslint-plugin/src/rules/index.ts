/**
 * The rule registry: `{ "<rule-name>": rule }`. One rule a file, named as the rule.
 * Adding a rule: create rules/<name>.ts with createRule (util/create-rule.ts), import it here
 * and add one entry. Configs (src/index.ts) are built from each rule's meta.docs, nothing else
 * to touch.
 */
import devmAfterUnbind from "./devm-after-unbind.js";
import noDevresToKobject from "./no-devres-to-kobject.js";
import noTryAccessInBoundScope from "./no-try-access-in-bound-scope.js";
import noBoundDeviceEscape from "./no-bound-device-escape.js";
import noRevocableEscape from "./no-revocable-escape.js";
import noAwaitInRevocableSection from "./no-await-in-revocable-section.js";
import noMixedDevmTeardown from "./no-mixed-devm-teardown.js";
import noDevresInRelease from "./no-devres-in-release.js";
import noManualFreeOfDevres from "./no-manual-free-of-devres.js";

export const rules = {
  "devm-after-unbind": devmAfterUnbind,
  "no-devres-to-kobject": noDevresToKobject,
  "no-try-access-in-bound-scope": noTryAccessInBoundScope,
  "no-bound-device-escape": noBoundDeviceEscape,
  "no-revocable-escape": noRevocableEscape,
  "no-await-in-revocable-section": noAwaitInRevocableSection,
  "no-mixed-devm-teardown": noMixedDevmTeardown,
  "no-devres-in-release": noDevresInRelease,
  "no-manual-free-of-devres": noManualFreeOfDevres,
};

export type RuleName = keyof typeof rules;
