// The driver model the corpus generator fills in: one driver = a few files whose bodies are
// lists of lines in named slots, so a planted bug can be inserted at a known place and its
// line found again after formatting (a marker travels with the line; see generate.ts).

import type { Prng } from "./prng.js";

/** Rule ids without the plugin prefix (the manifest uses these). */
export const RULES = [
  "devm-after-unbind",
  "no-devres-to-kobject",
  "no-try-access-in-bound-scope",
  "no-mixed-devm-teardown",
  "no-devres-in-release",
  "no-manual-free-of-devres",
  "no-bound-device-escape",
  "no-revocable-escape",
  "no-await-in-revocable-section",
] as const;
export type RuleId = (typeof RULES)[number];

export type FileRole = "driver.ts" | "helpers.ts" | "fops.ts";

/** One expected finding on a marked line. `also`: rules that may report the same line too. */
export interface Mark {
  rule: RuleId;
  kind: string;
  also?: RuleId[];
  /** Allowed but not required: the rule's documented design may or may not report this line. */
  optional?: boolean;
}

export interface Line {
  text: string;
  marks?: Mark[];
}

export function L(text: string, ...marks: Mark[]): Line {
  return marks.length > 0 ? { text, marks } : { text };
}

export interface Features {
  irq: boolean;
  wq: boolean;
  cdev: boolean;
  /** File operations written inline in probe (a deferred closure with `dev` lexically in scope). */
  fopsInProbe: boolean;
  i2c: boolean;
  kobj: boolean;
  timer: boolean;
  /** The poll timer's callback written inline in probe instead of calling a helper. */
  timerInProbe: boolean;
  asyncProbe: boolean;
}

/** A field of the driver data returned by probe(): name and (for class drivers) its type. */
export interface DataField {
  name: string;
  type: string;
  /** Expression if not the shorthand `name`. */
  value?: string;
}

export interface Driver {
  /** kebab-case, the driver's `name` and its directory. */
  name: string;
  /** PascalCase, for types and classes. */
  ident: string;
  style: "object" | "class";
  /** Calls the runtime through common/kernel.ts's snake_case re-exports (devm_kzalloc, ...). */
  kernelNames: boolean;
  /** The probe/remove device parameter name. */
  dev: string;
  f: Features;
  rng: Prng;
  // driver.ts
  moduleDecls: Line[];
  classFields: Line[];
  classMethods: Line[];
  probeDevm: Line[];
  /** Between the devm phase and the manual phase (planted mixed-teardown bugs go here). */
  probeMixed: Line[];
  probeManual: Line[];
  probeTail: Line[];
  data: DataField[];
  /** Marks for the `return { ... }` line of probe(). */
  returnMarks: Mark[];
  removeHead: Line[];
  removeBody: Line[];
  removeTail: Line[];
  removeAsync: boolean;
  // helpers.ts and fops.ts extras
  helperExtra: Line[];
  fopsExtra: Line[];
  /** Lines of the child device's options object (after name/parent). */
  childRelease: Line;
  /** Inline fops (when fopsInProbe) property lines. */
  inlineFops: Line[];
  /** Bugs planted in this driver (kinds), for the manifest. */
  planted: string[];
}
