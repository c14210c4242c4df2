// callerArguments (c/analysis/values.ts): when a helper's parameter is read as what each caller
// passes, the way no-devres-to-kobject and no-manual-free-of-devres follow a registration or a
// release out of a helper. Kernel-style code written for these tests (no kernel source).
import { describe, expect, it } from "vitest";
import { parseC, type CNode } from "../../packages/eslint-language-c/src/index.js";
import { kernelMacroHints } from "../../packages/eslint-plugin/src/c/vocabulary/index.js";
import { getUnit, type Unit } from "../../packages/eslint-plugin/src/c/analysis/unit.js";
import { callerArguments } from "../../packages/eslint-plugin/src/c/analysis/values.js";
import { argumentsOf, calleeName } from "../../packages/eslint-plugin/src/c/analysis/syntax.js";

const c = (...lines: string[]): string => lines.join("\n");

function unitOf(code: string): Unit {
  const r = parseC(code, "test.c", kernelMacroHints as never);
  if (!r.ok) throw new Error(r.message);
  return getUnit(r.ast);
}

/** The first argument of the `occurrence`-th call of `name`. */
function firstArgOf(unit: Unit, name: string, occurrence = 1): CNode {
  const call = unit.calls.filter((n) => calleeName(n) === name)[occurrence - 1];
  if (!call) throw new Error(`no call #${occurrence} of ${name}`);
  return argumentsOf(call)[0]!;
}

/** What callerArguments says of the first argument of a kfree: the helper and each call's line and argument text. */
function passed(code: string, occurrence = 1) {
  const unit = unitOf(code);
  const r = callerArguments(unit, firstArgOf(unit, "kfree", occurrence));
  return r && { helper: r.helper, calls: r.calls.map(({ call, arg }) => `${call.loc.start.line}: ${arg ? code.slice(arg.range[0], arg.range[1]) : "(none)"}`) };
}

const HELPER = c("static void foo_put(void *buf)", "{", "\tkfree(buf);", "}");

describe("callerArguments", () => {
  it("a helper only called here: what every call passes, in source order (a call passing too few: none)", () => {
    const code = c(HELPER, "", "static void foo_a(struct foo *p) { foo_put(p->buf); }", "static void foo_b(struct foo *p) { foo_put(p->ring); foo_put(); }");
    expect(passed(code)).toEqual({ helper: "foo_put", calls: ["6: p->buf", "7: p->ring", "7: (none)"] });
  });

  it("not followed: a helper also named as a callback, a helper nobody calls, a parameter written before the read, a local", () => {
    expect(passed(c(HELPER, "static void (*put_fn)(void *) = foo_put;", "static void foo_a(struct foo *p) { foo_put(p->buf); }"))).toBeUndefined();
    expect(passed(HELPER)).toBeUndefined();
    expect(passed(c("static void foo_put(void *buf)", "{", "\tbuf = foo_other();", "\tkfree(buf);", "}", "static void foo_a(struct foo *p) { foo_put(p->buf); }"))).toBeUndefined();
    expect(passed(c("static void foo_put(void)", "{", "\tvoid *buf = foo_other();", "\tkfree(buf);", "}", "static void foo_a(void) { foo_put(); }"))).toBeUndefined();
  });

  it("a member of the parameter is not the parameter", () => {
    expect(passed(c("static void foo_put(struct foo *p)", "{", "\tkfree(p->buf);", "}", "static void foo_a(struct foo *q) { foo_put(q); }"))).toBeUndefined();
  });
});
