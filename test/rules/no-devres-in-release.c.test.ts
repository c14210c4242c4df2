// RuleTester cases for devbound/no-devres-in-release on C (language devbound/c, the kernel macro
// hints as devbound.configs.kernel passes them): a devm call inside a kobject, device or file
// release callback (directly or through the file's helpers) runs when the last reference goes,
// possibly after the driver unbound. Kernel-style code written for these tests (no kernel source).
import { RuleTester } from "eslint";
import { afterAll, describe, it } from "vitest";
import devbound from "../../packages/eslint-plugin/src/index.js";
import { kernelMacroHints } from "../../packages/eslint-plugin/src/c/vocabulary/hints.js";

(RuleTester as unknown as { afterAll: unknown }).afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

const ruleTester = new RuleTester({
  plugins: { devbound: devbound as never },
  language: "devbound/c",
  languageOptions: { macroHints: kernelMacroHints } as never,
});
const rule = devbound.rules["no-devres-in-release"] as never;
const c = (...lines: string[]): string => lines.join("\n");

/** 1-based start and end of the `occurrence`-th `needle` (a whole call). */
function at(source: string, needle: string, occurrence = 1) {
  let index = -1;
  for (let i = 0; i < occurrence; i++) {
    index = source.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`at(): ${JSON.stringify(needle)} (#${occurrence}) not in the case's code`);
  }
  const pos = (i: number) => {
    const before = source.slice(0, i).split("\n");
    return { line: before.length, column: before[before.length - 1]!.length + 1 };
  };
  const s = pos(index);
  const e = pos(index + needle.length);
  return { line: s.line, column: s.column, endLine: e.line, endColumn: e.column };
}

const AFTER = "which can run after {owner} unbound, when devres has already released everything registered against the device.";
const after = (owner: string) => AFTER.replace("{owner}", owner);

/** devresInRelease: `call` is the reported call's whole text. */
function direct(code: string, call: string, e: { api: string; kind: string; context: string; owner?: string; occurrence?: number }) {
  return { message: `\`${e.api}()\` is a devres ${e.kind} inside ${e.context}, ${after(e.owner ?? "its device")}`, ...at(code, call, e.occurrence) };
}
/** devresInReleaseVia: `call` is the helper call's whole text. */
function via(code: string, call: string, e: { helper: string; api: string; kind: string; context: string; owner?: string }) {
  return { message: `\`${e.helper}()\` calls ${e.api}() (a devres ${e.kind}) from ${e.context}, ${after(e.owner ?? "its device")}`, ...at(code, call) };
}

const KOBJ = c(
  "struct foo_stats {",
  "\tstruct kobject kobj;",
  "\tstruct device *dev;",
  "\tu32 *counters;",
  "};",
  "",
);

// ---- invalid cases --------------------------------------------------------------------

const kobjKfree = c(
  KOBJ,
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tdevm_kfree(st->dev, st->counters);",
  "\tkfree(st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "\t.sysfs_ops = &kobj_sysfs_ops,",
  "};",
);

const devAssign = c(
  "struct foo_port {",
  "\tstruct device dev;",
  "\tstruct device *parent;",
  "\tvoid *fifo;",
  "};",
  "",
  "static void foo_port_release(struct device *dev)",
  "{",
  "\tstruct foo_port *port = container_of(dev, struct foo_port, dev);",
  "",
  "\tdevm_kfree(port->parent, port->fifo);",
  "\tkfree(port);",
  "}",
  "",
  "static int foo_port_add(struct device *parent)",
  "{",
  "\tstruct foo_port *port = kzalloc(sizeof(*port), GFP_KERNEL);",
  "",
  "\tif (!port)",
  "\t\treturn -ENOMEM;",
  "\tport->parent = parent;",
  "\tport->dev.parent = parent;",
  "\tport->dev.release = foo_port_release;",
  "\tdevice_initialize(&port->dev);",
  "\treturn device_add(&port->dev);",
  "}",
);

const devTypeInit = c(
  "struct foo_chan {",
  "\tstruct device dev;",
  "\tstruct device *host;",
  "\tu8 *desc;",
  "};",
  "",
  "static void foo_chan_release(struct device *dev)",
  "{",
  "\tstruct foo_chan *chan = container_of(dev, struct foo_chan, dev);",
  "",
  "\tdevm_kfree(chan->host, chan->desc);",
  "\tkfree(chan);",
  "}",
  "",
  "static const struct device_type foo_chan_type = {",
  "\t.name = \"foo-chan\",",
  "\t.release = foo_chan_release,",
  "};",
);

const classDevRelease = c(
  "struct foo_led {",
  "\tstruct device dev;",
  "\tstruct device *parent;",
  "};",
  "",
  "static void foo_led_off(void *data);",
  "",
  "static void foo_led_dev_release(struct device *dev)",
  "{",
  "\tstruct foo_led *led = container_of(dev, struct foo_led, dev);",
  "",
  "\tdevm_remove_action(led->parent, foo_led_off, led);",
  "\tkfree(led);",
  "}",
  "",
  "static struct class foo_led_class = {",
  "\t.name = \"foo-led\",",
  "\t.dev_release = foo_led_dev_release,",
  "};",
);

const FOPS_HEAD = c(
  "struct foo_dev {",
  "\tstruct device *dev;",
  "\tstruct miscdevice misc;",
  "};",
  "",
  "struct foo_file {",
  "\tstruct foo_dev *fd;",
  "\tu8 *scratch;",
  "};",
  "",
);

const fopsRelease = c(
  FOPS_HEAD,
  "static int foo_release(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_file *ff = file->private_data;",
  "",
  "\tdevm_kfree(ff->fd->dev, ff->scratch);",
  "\tkfree(ff);",
  "\treturn 0;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.owner = THIS_MODULE,",
  "\t.release = foo_release,",
  "};",
);

const fopsHelper = c(
  FOPS_HEAD,
  "static int foo_reset_scratch(struct foo_file *ff)",
  "{",
  "\tff->scratch = devm_kzalloc(ff->fd->dev, 64, GFP_KERNEL);",
  "\treturn ff->scratch ? 0 : -ENOMEM;",
  "}",
  "",
  "static int foo_release(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_file *ff = file->private_data;",
  "",
  "\tfoo_reset_scratch(ff);",
  "\tkfree(ff);",
  "\treturn 0;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.owner = THIS_MODULE,",
  "\t.release = foo_release,",
  "};",
);

const twoDeep = c(
  KOBJ,
  "static void *foo_alloc_counters(struct device *dev)",
  "{",
  "\treturn devm_kmalloc_array(dev, 16, sizeof(u32), GFP_KERNEL);",
  "}",
  "",
  "static void foo_stats_reset(struct foo_stats *st)",
  "{",
  "\tst->counters = foo_alloc_counters(st->dev);",
  "}",
  "",
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tfoo_stats_reset(st);",
  "\tkfree(st);",
  "}",
  "",
  "static struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const pdevRelease = c(
  "static void __iomem *foo_regs;",
  "",
  "static void foo_pdev_release(struct device *dev)",
  "{",
  "\tdevm_iounmap(dev->parent, foo_regs);",
  "}",
  "",
  "static int __init foo_init(void)",
  "{",
  "\tstruct platform_device *pdev = platform_device_alloc(\"foo\", -1);",
  "",
  "\tif (!pdev)",
  "\t\treturn -ENOMEM;",
  "\tpdev->dev.release = foo_pdev_release;",
  "\treturn platform_device_add(pdev);",
  "}",
);

const devPointer = c(
  "struct foo_bus {",
  "\tstruct device dev;",
  "\tstruct device *host;",
  "\tstruct clk *clk;",
  "};",
  "",
  "static void foo_bus_release(struct device *dev)",
  "{",
  "\tstruct foo_bus *bus = container_of(dev, struct foo_bus, dev);",
  "",
  "\tdevm_clk_put(bus->host, bus->clk);",
  "\tkfree(bus);",
  "}",
  "",
  "static int foo_bus_register(struct foo_bus *bus)",
  "{",
  "\tstruct device *dev = &bus->dev;",
  "",
  "\tdev->release = foo_bus_release;",
  "\treturn device_register(dev);",
  "}",
);

const addressOf = c(
  KOBJ,
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tdevm_kfree(st->dev, st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = &foo_stats_release,",
  "};",
);

const fopsFreeIrq = c(
  FOPS_HEAD,
  "static int foo_release(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_file *ff = file->private_data;",
  "",
  "\tdevm_free_irq(ff->fd->dev, 17, ff);",
  "\treturn 0;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.release = foo_release,",
  "};",
);

const kobjAction = c(
  KOBJ,
  "static void foo_stats_flush(void *data);",
  "",
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tdevm_add_action(st->dev, foo_stats_flush, st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const twoCalls = c(
  "struct foo_port {",
  "\tstruct device dev;",
  "\tstruct device *parent;",
  "\tstruct clk *clk;",
  "\tvoid *fifo;",
  "};",
  "",
  "static void foo_port_release(struct device *dev)",
  "{",
  "\tstruct foo_port *port = container_of(dev, struct foo_port, dev);",
  "",
  "\tdevm_clk_put(port->parent, port->clk);",
  "\tdevm_kfree(port->parent, port->fifo);",
  "\tkfree(port);",
  "}",
  "",
  "static const struct device_type foo_port_type = {",
  "\t.release = foo_port_release,",
  "};",
);

const fromProbe = c(
  "struct foo_priv {",
  "\tstruct device child;",
  "\tu8 *buf;",
  "};",
  "",
  "static void foo_child_release(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = container_of(dev, struct foo_priv, child);",
  "",
  "\tdevm_kfree(dev->parent, priv->buf);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->child.parent = &pdev->dev;",
  "\tpriv->child.release = foo_child_release;",
  "\treturn device_register(&priv->child);",
  "}",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.driver = { .name = \"foo\" },",
  "};",
  "module_platform_driver(foo_driver);",
);

const fopsUnregister = c(
  "struct foo_led_user {",
  "\tstruct led_classdev led;",
  "\tstruct device *parent;",
  "};",
  "",
  "static int foo_led_user_release(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_led_user *u = file->private_data;",
  "",
  "\tdevm_led_classdev_unregister(u->parent, &u->led);",
  "\tkfree(u);",
  "\treturn 0;",
  "}",
  "",
  "static const struct file_operations foo_led_user_fops = {",
  "\t.release = foo_led_user_release,",
  "};",
);

const KOBJ_CTX = "foo_stats_release(), a kobject release callback (kobj_type.release)";
const FILE_CTX = "foo_release(), a file release() (file_operations.release)";

// ---- valid cases ----------------------------------------------------------------------

const kobjManual = c(
  KOBJ,
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tkfree(st->counters);",
  "\tkfree(st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid *p = devm_kzalloc(&pdev->dev, 16, GFP_KERNEL);",
  "",
  "\treturn p ? 0 : -ENOMEM;",
  "}",
);

const devmInProbeAndRemove = c(
  "struct foo_priv {",
  "\tstruct device *dev;",
  "\tu8 *buf;",
  "};",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static void foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tdevm_kfree(&pdev->dev, priv->buf);",
  "}",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.remove = foo_remove,",
  "\t.driver = { .name = \"foo\" },",
  "};",
);

const ownOpsRelease = c(
  "struct foo_ops {",
  "\tvoid (*release)(struct device *dev);",
  "};",
  "",
  "static void foo_hw_release(struct device *dev)",
  "{",
  "\tdevm_kfree(dev, dev_get_drvdata(dev));",
  "}",
  "",
  "static const struct foo_ops foo_hw_ops = {",
  "\t.release = foo_hw_release,",
  "};",
);

const notInstalled = c(
  "static void foo_buf_release(struct device *dev, void *buf)",
  "{",
  "\tdevm_kfree(dev, buf);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid *buf = devm_kzalloc(&pdev->dev, 16, GFP_KERNEL);",
  "",
  "\tif (!buf)",
  "\t\treturn -ENOMEM;",
  "\tfoo_buf_release(&pdev->dev, buf);",
  "\treturn 0;",
  "}",
);

const macroNamedDevm = c(
  "#define devm_kfree(dev, p) kfree(p)",
  "",
  KOBJ,
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tdevm_kfree(st->dev, st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const helperManual = c(
  KOBJ,
  "static void foo_stats_free(struct foo_stats *st)",
  "{",
  "\tkfree(st->counters);",
  "\tkfree(st);",
  "}",
  "",
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tput_device(st->dev);",
  "\tfoo_stats_free(st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const ownDevField = c(
  "struct foo_hw {",
  "\tvoid (*release)(struct device *dev);",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_hw dev;",
  "};",
  "",
  "static void foo_hw_release(struct device *dev)",
  "{",
  "\tdevm_kfree(dev, dev_get_drvdata(dev));",
  "}",
  "",
  "static void foo_setup(struct foo_priv *priv)",
  "{",
  "\tpriv->dev.release = foo_hw_release;",
  "}",
);

const fopsOpenOnly = c(
  FOPS_HEAD,
  "static int foo_open(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_file *ff = kzalloc(sizeof(*ff), GFP_KERNEL);",
  "",
  "\tif (!ff)",
  "\t\treturn -ENOMEM;",
  "\tfile->private_data = ff;",
  "\treturn 0;",
  "}",
  "",
  "static int foo_release(struct inode *inode, struct file *file)",
  "{",
  "\tkfree(file->private_data);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_dev *fd = devm_kzalloc(&pdev->dev, sizeof(*fd), GFP_KERNEL);",
  "",
  "\treturn fd ? 0 : -ENOMEM;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.open = foo_open,",
  "\t.release = foo_release,",
  "};",
);

const devmNamedHelper = c(
  KOBJ,
  "static void devm_foo_cleanup(struct foo_stats *st)",
  "{",
  "\tkfree(st->counters);",
  "}",
  "",
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tdevm_foo_cleanup(st);",
  "\tkfree(st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const noDevm = c(
  "static void foo_port_release(struct device *dev)",
  "{",
  "\tkfree(to_foo_port(dev));",
  "}",
  "",
  "static const struct device_type foo_port_type = {",
  "\t.release = foo_port_release,",
  "};",
);

const callbackNamedNotCalled = c(
  KOBJ,
  "static void foo_stats_flush(void *data)",
  "{",
  "\tstruct foo_stats *st = data;",
  "",
  "\tdevm_kfree(st->dev, st->counters);",
  "}",
  "",
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tst->flush = foo_stats_flush;",
  "\tkfree(st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const classRelease = c(
  "static void foo_class_release(const struct class *cls)",
  "{",
  "\tkfree(cls);",
  "}",
  "",
  "static void foo_dev_release(struct device *dev)",
  "{",
  "\tkfree(dev);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\treturn devm_device_add_group(&pdev->dev, &foo_group);",
  "}",
  "",
  "static struct class foo_class = {",
  "\t.name = \"foo\",",
  "\t.class_release = foo_class_release,",
  "\t.dev_release = foo_dev_release,",
  "};",
);

const errorTree = c(
  KOBJ,
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tkfree(kobj) @@ ;",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "\t.default_groups = devm_groups,",
  "};",
);

ruleTester.run("no-devres-in-release (C)", rule, {
  valid: [
    { filename: "kobj-manual.c", code: kobjManual },
    { filename: "probe-remove.c", code: devmInProbeAndRemove },
    { filename: "own-ops.c", code: ownOpsRelease },
    { filename: "not-installed.c", code: notInstalled },
    { filename: "macro.c", code: macroNamedDevm },
    { filename: "helper-manual.c", code: helperManual },
    { filename: "own-dev-field.c", code: ownDevField },
    { filename: "fops-open.c", code: fopsOpenOnly },
    { filename: "devm-named-helper.c", code: devmNamedHelper },
    { filename: "no-devm.c", code: noDevm },
    { filename: "callback-named.c", code: callbackNamedNotCalled },
    { filename: "class-release.c", code: classRelease },
    { filename: "error-tree.c", code: errorTree },
    { filename: "empty.h", code: "" },
  ],
  invalid: [
    { filename: "kobj.c", code: kobjKfree, errors: [direct(kobjKfree, "devm_kfree(st->dev, st->counters)", { api: "devm_kfree", kind: "release", context: KOBJ_CTX })] },
    {
      filename: "dev-assign.c",
      code: devAssign,
      errors: [direct(devAssign, "devm_kfree(port->parent, port->fifo)", { api: "devm_kfree", kind: "release", context: "foo_port_release(), a device release callback (device.release)" })],
    },
    {
      filename: "device-type.c",
      code: devTypeInit,
      errors: [direct(devTypeInit, "devm_kfree(chan->host, chan->desc)", { api: "devm_kfree", kind: "release", context: "foo_chan_release(), a device release callback (device_type.release)" })],
    },
    {
      filename: "class.c",
      code: classDevRelease,
      errors: [direct(classDevRelease, "devm_remove_action(led->parent, foo_led_off, led)", { api: "devm_remove_action", kind: "release", context: "foo_led_dev_release(), a device release callback (class.dev_release)" })],
    },
    { filename: "fops.c", code: fopsRelease, errors: [direct(fopsRelease, "devm_kfree(ff->fd->dev, ff->scratch)", { api: "devm_kfree", kind: "release", context: FILE_CTX })] },
    { filename: "fops-helper.c", code: fopsHelper, errors: [via(fopsHelper, "foo_reset_scratch(ff)", { helper: "foo_reset_scratch", api: "devm_kzalloc", kind: "allocation", context: FILE_CTX })] },
    { filename: "two-deep.c", code: twoDeep, errors: [via(twoDeep, "foo_stats_reset(st)", { helper: "foo_stats_reset", api: "devm_kmalloc_array", kind: "allocation", context: KOBJ_CTX })] },
    {
      filename: "pdev.c",
      code: pdevRelease,
      errors: [direct(pdevRelease, "devm_iounmap(dev->parent, foo_regs)", { api: "devm_iounmap", kind: "release", context: "foo_pdev_release(), a device release callback (device.release)" })],
    },
    {
      filename: "dev-pointer.c",
      code: devPointer,
      errors: [direct(devPointer, "devm_clk_put(bus->host, bus->clk)", { api: "devm_clk_put", kind: "release", context: "foo_bus_release(), a device release callback (device.release)" })],
    },
    { filename: "address-of.c", code: addressOf, errors: [direct(addressOf, "devm_kfree(st->dev, st)", { api: "devm_kfree", kind: "release", context: KOBJ_CTX })] },
    { filename: "fops-irq.c", code: fopsFreeIrq, errors: [direct(fopsFreeIrq, "devm_free_irq(ff->fd->dev, 17, ff)", { api: "devm_free_irq", kind: "release", context: FILE_CTX })] },
    { filename: "kobj-action.c", code: kobjAction, errors: [direct(kobjAction, "devm_add_action(st->dev, foo_stats_flush, st)", { api: "devm_add_action", kind: "registration", context: KOBJ_CTX })] },
    {
      filename: "two-calls.c",
      code: twoCalls,
      errors: [
        direct(twoCalls, "devm_clk_put(port->parent, port->clk)", { api: "devm_clk_put", kind: "release", context: "foo_port_release(), a device release callback (device_type.release)" }),
        direct(twoCalls, "devm_kfree(port->parent, port->fifo)", { api: "devm_kfree", kind: "release", context: "foo_port_release(), a device release callback (device_type.release)" }),
      ],
    },
    {
      filename: "fops-unregister.c",
      code: fopsUnregister,
      errors: [
        direct(fopsUnregister, "devm_led_classdev_unregister(u->parent, &u->led)", { api: "devm_led_classdev_unregister", kind: "release", context: "foo_led_user_release(), a file release() (file_operations.release)" }),
      ],
    },
    {
      filename: "from-probe.c",
      code: fromProbe,
      errors: [
        direct(fromProbe, "devm_kfree(dev->parent, priv->buf)", { api: "devm_kfree", kind: "release", context: "foo_child_release(), a device release callback (device.release)", owner: "the device of foo_driver" }),
      ],
    },
  ],
});
