// Behaviour tests of the C analysis core (packages/eslint-plugin/src/c/analysis/): scopes,
// drivers and roles, where values come from, argument-resource marks, goto-unwinding paths.
// Kernel-style code written for these tests (no kernel source).
import { describe, expect, it } from "vitest";
import { parseC, walk, type CNode } from "../../packages/eslint-language-c/src/index.js";
import { kernelMacroHints } from "../../packages/eslint-plugin/src/c/vocabulary/index.js";
import { getUnit, type Unit } from "../../packages/eslint-plugin/src/c/analysis/unit.js";
import { getValues } from "../../packages/eslint-plugin/src/c/analysis/values.js";
import { driversReaching, getDrivers, rolesOf } from "../../packages/eslint-plugin/src/c/analysis/drivers.js";
import { canRunAfter, inFailureBranchOf } from "../../packages/eslint-plugin/src/c/analysis/paths.js";
import { calleeName } from "../../packages/eslint-plugin/src/c/analysis/syntax.js";

const c = (...lines: string[]): string => lines.join("\n");

function parse(code: string): { unit: Unit; text: string } {
  const r = parseC(code, "test.c", kernelMacroHints as never);
  if (!r.ok) throw new Error(r.message);
  return { unit: getUnit(r.ast), text: code };
}

/** The `occurrence`-th call of `name`. */
function callOf(unit: Unit, name: string, occurrence = 1): CNode {
  const calls = unit.calls.filter((n) => calleeName(n) === name);
  const call = calls[occurrence - 1];
  if (!call) throw new Error(`no call #${occurrence} of ${name}`);
  return call;
}

function argOf(unit: Unit, name: string, index: number, occurrence = 1): CNode {
  const list = callOf(unit, name, occurrence).children.find((x) => x.field === "arguments")!;
  return list.children[index]!;
}

/** The sources of an expression as "api@line" / their key. */
function sources(unit: Unit, expr: CNode): string[] {
  return getValues(unit)
    .sourcesOf(expr)
    .map((s) => (s.api ? `${s.type}:${s.api}@${s.node.loc.start.line}` : `${s.type}:${s.key}`))
    .sort();
}

describe("unit: scopes", () => {
  const { unit } = parse(
    c(
      "#define iounmap(x) my_unmap(x)",
      "static void free_irq(int irq, void *d) { }",
      "static void (*gfree)(void *);",
      "int f(void *p)",
      "{",
      "\tkfree(p);",
      "\t{",
      "\t\tvoid (*kfree)(const void *) = my_free;",
      "\t\tkfree(p);",
      "\t}",
      "\tkfree(p);",
      "\tfree_irq(1, p);",
      "\tiounmap(p);",
      "\tgfree(p);",
      "\treturn 0;",
      "}",
    ),
  );
  it("a block-scoped local named kfree shadows the API only inside its block", () => {
    expect([1, 2, 3].map((i) => unit.isKernelCall(callOf(unit, "kfree", i)))).toEqual(["kfree", undefined, "kfree"]);
  });
  it("a file function, a file macro and a global are not the kernel's", () => {
    expect(unit.isKernelCall(callOf(unit, "free_irq"))).toBeUndefined();
    expect(unit.isKernelCall(callOf(unit, "iounmap"))).toBeUndefined();
    expect(unit.isKernelCall(callOf(unit, "gfree"))).toBeUndefined();
  });
});

describe("drivers: structs, roles, module macros, reach", () => {
  const { unit } = parse(
    c(
      "static void foo_helper(void) { }",
      "static irqreturn_t foo_isr(int irq, void *d) { foo_helper(); return IRQ_HANDLED; }",
      "static int foo_probe(struct platform_device *pdev) { return devm_request_irq(&pdev->dev, 1, foo_isr, 0, \"f\", NULL); }",
      "static int foo_remove(struct platform_device *pdev) { return 0; }",
      "static int bar_probe(struct usb_interface *intf, const struct usb_device_id *id) { return 0; }",
      "static void bar_disconnect(struct usb_interface *intf) { }",
      "static int baz_probe(struct platform_device *pdev) { return 0; }",
      "#ifdef CONFIG_PM",
      "static int foo_suspend(struct device *dev) { return 0; }",
      "#endif",
      "static SIMPLE_DEV_PM_OPS(foo_pm, foo_suspend, NULL);",
      "static struct platform_driver foo_driver = {",
      "\t.probe = foo_probe,",
      "\t.remove_new = foo_remove,",
      "\t.driver = { .name = \"foo\", .pm = pm_sleep_ptr(&foo_pm) },",
      "};",
      "static struct usb_driver bar_driver = { .probe = bar_probe, .disconnect = bar_disconnect };",
      "static struct platform_driver baz_driver = { .driver = { .name = \"baz\" } };",
      "module_platform_driver(foo_driver);",
      "module_usb_driver(bar_driver);",
      "module_platform_driver_probe(baz_driver, baz_probe);",
    ),
  );
  const drivers = getDrivers(unit);
  const byName = (n: string) => drivers.find((d) => d.name === n)!;
  it("finds every driver, its bus and roles (remove_new, usb disconnect, pm ops, probe given to the macro)", () => {
    expect(drivers.map((d) => `${d.name}:${d.struct}:${d.registered}`)).toEqual(["foo_driver:platform_driver:true", "bar_driver:usb_driver:true", "baz_driver:platform_driver:true"]);
    const names = (fs: { name: string }[]) => fs.map((f) => f.name);
    expect(names(byName("foo_driver").probe)).toEqual(["foo_probe"]);
    expect(names(byName("foo_driver").remove)).toEqual(["foo_remove"]);
    expect(names(byName("foo_driver").pm)).toEqual(["foo_suspend"]);
    expect(names(byName("bar_driver").remove)).toEqual(["bar_disconnect"]);
    expect(names(byName("baz_driver").probe)).toEqual(["baz_probe"]);
    expect(rolesOf(unit, unit.functions.get("bar_disconnect")!).map((r) => `${r.driver.name}.${r.role}`)).toEqual(["bar_driver.remove"]);
  });
  it("a driver reaches the callbacks its probe registers and what they call; not the other drivers' functions", () => {
    expect(driversReaching(unit, unit.functions.get("foo_helper")!).map((d) => d.name)).toEqual(["foo_driver"]);
    expect(driversReaching(unit, unit.functions.get("bar_probe")!).map((d) => d.name)).toEqual(["bar_driver"]);
  });
});

describe("values: where a value comes from", () => {
  const code = c(
    "struct foo_priv { u8 *buf; int irq; struct foo_res res; struct work_struct work; struct foo_ctx *ctx; };",
    "struct foo_res { void __iomem *base; };",
    "struct foo_ctx { u8 *ring; };",
    "static u8 *foo_get_buf(struct device *dev) { return devm_kmalloc(dev, 8, GFP_KERNEL); }",
    "static void foo_use(u8 *p) { foo_touch(p); }",
    "static void foo_work(struct work_struct *work)",
    "{",
    "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
    "\tfoo_touch(priv);",
    "}",
    "static int foo_probe(struct platform_device *pdev)",
    "{",
    "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
    "\tu8 *b = NULL;",
    "",
    "\tif (pdev->id)",
    "\t\tb = kmalloc(4, GFP_KERNEL);",
    "\tfoo_touch(b);",
    "\tb = foo_get_buf(&pdev->dev);",
    "\tfoo_touch(b);",
    "\tpriv->buf = b;",
    "\tpriv->res.base = devm_ioremap(&pdev->dev, 0, 4);",
    "\tpriv->ctx->ring = dmam_alloc_coherent(&pdev->dev, 64, &pdev->dma, GFP_KERNEL);",
    "\tpriv->irq = platform_get_irq(pdev, 0);",
    "\tfoo_use(priv->buf);",
    "\tINIT_WORK(&priv->work, foo_work);",
    "\tplatform_set_drvdata(pdev, priv);",
    "\treturn devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, \"foo\", priv);",
    "}",
    "static int foo_remove(struct platform_device *pdev)",
    "{",
    "\tstruct foo_priv *p = platform_get_drvdata(pdev);",
    "",
    "\tfoo_touch(p->buf);",
    "\tfoo_touch(p->res.base);",
    "\tfoo_touch(p->ctx->ring);",
    "\tfoo_touch(p->irq);",
    "\treturn 0;",
    "}",
    "static struct platform_driver foo_driver = { .probe = foo_probe, .remove = foo_remove };",
  );
  const { unit } = parse(code);
  // foo_touch calls in order: 1 foo_use(p), 2 foo_work(priv), 3-4 probe's b, 5-8 remove's members
  it("a local: the writes that reach the use (a conditional one and the dominating one before it; then only the last)", () => {
    expect(sources(unit, argOf(unit, "foo_touch", 0, 3))).toEqual(["acquire:kmalloc@17", "null:null"]);
    expect(sources(unit, argOf(unit, "foo_touch", 0, 4))).toEqual(["acquire:devm_kmalloc@4"]);
  });
  it("members by struct type and path, through drvdata into remove(), nested structs and pointer members", () => {
    expect(sources(unit, argOf(unit, "foo_touch", 0, 5))).toEqual(["acquire:devm_kmalloc@4"]);
    expect(sources(unit, argOf(unit, "foo_touch", 0, 6))).toEqual(["acquire:devm_ioremap@22"]);
    expect(sources(unit, argOf(unit, "foo_touch", 0, 7))).toEqual(["acquire:dmam_alloc_coherent@23"]);
    expect(sources(unit, argOf(unit, "foo_touch", 0, 8))).toEqual(["call:platform_get_irq@24"]);
  });
  it("a helper's parameter is what its callers pass; container_of gives the objects of the struct type", () => {
    expect(sources(unit, argOf(unit, "foo_touch", 0, 1))).toEqual(["acquire:devm_kmalloc@4"]);
    expect(sources(unit, argOf(unit, "foo_touch", 0, 2))).toEqual(["acquire:devm_kzalloc@13"]);
  });
  it("marks: the IRQ number devm_request_irq takes has the platform_get_irq source", () => {
    const key = getValues(unit).sourcesOf(argOf(unit, "foo_touch", 0, 8))[0]!.key;
    expect((getValues(unit).marks().get(key) ?? []).map((m) => `${m.api}@${m.call.loc.start.line}`)).toEqual(["devm_request_irq@28"]);
  });
});

describe("paths: goto-unwinding", () => {
  const code = c(
    "static int foo_probe(struct platform_device *pdev)",
    "{",
    "\tint ret = foo_a();",
    "\tif (ret)",
    "\t\tgoto err_a;",
    "\tfoo_acquire();",
    "\tret = foo_b();",
    "\tif (ret)",
    "\t\tgoto err_b;",
    "\treturn 0;",
    "err_b:",
    "\tfoo_undo_b();",
    "err_a:",
    "\tfoo_undo_a();",
    "\treturn ret;",
    "}",
    "static int bar(void)",
    "{",
    "\tint i;",
    "\tfor (i = 0; i < 2; i++) {",
    "\t\tfoo_release();",
    "\t\tfoo_acquire();",
    "\t}",
    "\tfoo_release();",
    "\treturn 0;",
    "}",
    "static int baz(void)",
    "{",
    "\tint ret = foo_a();",
    "\tif (ret)",
    "\t\tgoto err;",
    "\tfoo_acquire();",
    "\treturn 0;",
    "err:",
    "\tfoo_release();",
    "\treturn ret;",
    "}",
  );
  const { unit } = parse(code);
  const acquire = callOf(unit, "foo_acquire");
  it("a label reached by a goto after the acquisition runs after it, also through the chain that falls into a later label", () => {
    expect(canRunAfter(unit, acquire, callOf(unit, "foo_undo_b"))).toBe(true);
    expect(canRunAfter(unit, acquire, callOf(unit, "foo_undo_a"))).toBe(true);
  });
  it("a label reached only by gotos placed before the acquisition does not", () => {
    expect(canRunAfter(unit, callOf(unit, "foo_acquire", 3), callOf(unit, "foo_release", 3))).toBe(false);
    expect(canRunAfter(unit, callOf(unit, "foo_a", 2), callOf(unit, "foo_release", 3))).toBe(true);
  });
  it("straight-line order, and loops", () => {
    expect(canRunAfter(unit, callOf(unit, "foo_b"), acquire)).toBe(false);
    expect(canRunAfter(unit, callOf(unit, "foo_acquire", 2), callOf(unit, "foo_release", 1))).toBe(true);
    expect(canRunAfter(unit, callOf(unit, "foo_acquire", 2), callOf(unit, "foo_release", 2))).toBe(true);
  });
});

describe("paths: failure branch of a call", () => {
  const { unit } = parse(
    c(
      "static int foo(void)",
      "{",
      "\tint ret = foo_register();",
      "\tif (ret) {",
      "\t\tfoo_undo(1);",
      "\t\treturn ret;",
      "\t}",
      "\tif (foo_register())",
      "\t\tfoo_undo(2);",
      "\tret = foo_register();",
      "\tfoo_log();",
      "\tif (ret)",
      "\t\tfoo_undo(3);",
      "\tfoo_undo(4);",
      "\treturn 0;",
      "}",
    ),
  );
  it("the if right after the stored result, or around the call; not a later one, not after the if", () => {
    expect(inFailureBranchOf(callOf(unit, "foo_register", 1), callOf(unit, "foo_undo", 1))).toBe(true);
    expect(inFailureBranchOf(callOf(unit, "foo_register", 2), callOf(unit, "foo_undo", 2))).toBe(true);
    expect(inFailureBranchOf(callOf(unit, "foo_register", 3), callOf(unit, "foo_undo", 3))).toBe(false);
    expect(inFailureBranchOf(callOf(unit, "foo_register", 1), callOf(unit, "foo_undo", 4))).toBe(false);
    expect(inFailureBranchOf(callOf(unit, "foo_register", 1), callOf(unit, "foo_undo", 2))).toBe(false);
  });
});

describe("never throws on odd code", () => {
  it("ERROR subtrees, K&R definitions, macros everywhere, an empty file", () => {
    for (const code of [
      "",
      "int f(a, b) int a; char *b; { kfree(b); return a; }",
      "FOO(BAR) { kfree( ; } static int = ; devm_kzalloc(",
      "#define X(a) a\nX(int) y = X(devm_kzalloc)(d, 1, 2); void g(void) { kfree(y); kfree(((y))); }",
    ]) {
      const { unit } = parse(code);
      const values = getValues(unit);
      walk(unit.root, (n) => {
        if (n.type.endsWith("expression") || n.type === "identifier") values.sourcesOf(n);
      });
      expect(() => getDrivers(unit)).not.toThrow();
    }
  });
});
