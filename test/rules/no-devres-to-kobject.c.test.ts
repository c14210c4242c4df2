// RuleTester cases for devbound/no-devres-to-kobject on C (language devbound/c, the kernel macro
// hints as devbound.configs.kernel passes them): a refcounted object (struct device, kobject,
// cdev, i2c_adapter, miscdevice, counter device, ...) registered while it sits in devm memory,
// directly, through a member of a member, an alias, a helper, drvdata or another struct; struct
// layouts from the file and the quoted headers beside it (test/rules/no-devres-to-kobject/*.h).
// i2c adapters (whose i2c_del_adapter() waits for the release) only with { checkBlockingUnbind:
// true }; the option's schema, for C and TypeScript files alike. Kernel-style code written for
// these tests (no kernel source).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Linter } from "eslint";
import { afterAll, describe, expect, it } from "vitest";
import { kernelMacroHints } from "../../packages/eslint-plugin/src/c/vocabulary/hints.js";
import tsRule from "../../packages/eslint-plugin/src/rules/no-devres-to-kobject.js";
import { c, cConfig, cRule, cRuleTester as ruleTester, devbound, span as at } from "./setup-c.js";
import { at as tsAt, code as tsCode, filename as tsFilename, ruleTester as tsRuleTester } from "./setup.js";

const rule = cRule("no-devres-to-kobject");

/** A file beside the test headers (foo-bus.h includes foo-bus-port.h); the .c itself need not exist. */
const BESIDE_HEADERS = path.join(import.meta.dirname, "no-devres-to-kobject", "foo-bus.c");

// The end of each message, per embedded type (vocabulary KOBJECT_OUTLIVES), written out here.
const WHY = {
  device: "its refcount can outlive the unbind that frees the memory (use after free when the last put_device() runs its release)",
  kobject: "its refcount can outlive the unbind that frees the memory (use after free when the last kobject_put() runs its release)",
  cdev: "an open file holds the cdev's kobject after the unbind that frees the memory (use after free at the last close)",
  miscdevice: "an open file still points at it after the unbind that frees the memory (use after free in its file operations)",
  i2c_adapter:
    "its struct device lives by its refcount: an open /dev/i2c-N keeps it past unbind, and i2c_del_adapter() then blocks unbind on that last reference because devres frees the memory right after",
} as const;
type Embeds = keyof typeof WHY | "counter_device";

interface Expect {
  resource: string;
  alloc: string;
  line: number;
  embeds: Embeds;
  /** the embedded object's text; omitted when the devm allocation is itself the object */
  object?: string;
  api: string;
  via?: string;
  occurrence?: number;
}

/** The report: `needle` is the reported argument's whole text. */
function report(code: string, needle: string, e: Expect) {
  const what = e.object === undefined ? `it is itself the \`struct ${e.embeds}\`` : `its embedded \`struct ${e.embeds}\` \`${e.object}\` is`;
  const why = e.embeds === "counter_device" ? WHY.device : WHY[e.embeds];
  const by = e.via ? ` by ${e.via}` : "";
  return {
    message: `\`${e.resource}\` is devm memory (${e.alloc}() at line ${e.line}); ${what} registered with ${e.api}()${by}, so ${why}`,
    ...at(code, needle, e.occurrence),
  };
}

const PROBE_HEAD = (struct: string) =>
  c(
    "static int foo_probe(struct platform_device *pdev)",
    "{",
    `\tstruct ${struct} *priv;`,
    "\tint ret;",
    "",
    "\tpriv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
    "\tif (!priv)",
    "\t\treturn -ENOMEM;",
  );

// ---- invalid ----------------------------------------------------------------------------

const deviceRegister = c(
  "struct foo_priv {",
  "\tstruct device dev;",
  "\tvoid __iomem *regs;",
  "};",
  "",
  "static void foo_dev_release(struct device *dev)",
  "{",
  "}",
  "",
  PROBE_HEAD("foo_priv"), // devm_kzalloc at line 15
  "\tpriv->dev.parent = &pdev->dev;",
  "\tpriv->dev.release = foo_dev_release;",
  "\tret = device_register(&priv->dev);",
  "\tif (ret)",
  "\t\tgoto err_put;",
  "\treturn 0;",
  "err_put:",
  "\tput_device(&priv->dev);",
  "\treturn ret;",
  "}",
);

const initializeThenAdd = c(
  "struct foo_chan {",
  "\tstruct device dev;",
  "\tint id;",
  "};",
  "",
  "static int foo_chan_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_chan *chan = devm_kzalloc(&pdev->dev, sizeof(*chan), GFP_KERNEL);",
  "",
  "\tif (!chan)",
  "\t\treturn -ENOMEM;",
  "\tdevice_initialize(&chan->dev);",
  "\tdev_set_name(&chan->dev, \"foo-chan%d\", chan->id);",
  "\treturn device_add(&chan->dev);",
  "}",
);

const memberOfMember = c(
  "struct foo_port {",
  "\tstruct device dev;",
  "\tu32 flags;",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_port port;",
  "\tstruct clk *clk;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 16
  "\tdevice_initialize(&priv->port.dev);",
  "\treturn device_add(&(priv->port.dev));",
  "}",
);

const alias = c(
  "struct foo_priv {",
  "\tstruct foo_sub { struct device dev; } sub;",
  "\tint irq;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 11
  "\tstruct device *d = &priv->sub.dev;",
  "",
  "\tret = device_register(d);",
  "\treturn ret;",
  "}",
);

const helper = c(
  "struct foo {",
  "\tstruct device dev;",
  "};",
  "",
  "static int foo_register(struct foo *f)",
  "{",
  "\treturn device_register(&f->dev);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo *foo = devm_kzalloc(&pdev->dev, sizeof(*foo), GFP_KERNEL);",
  "",
  "\tif (!foo)",
  "\t\treturn -ENOMEM;",
  "\treturn foo_register(foo);",
  "}",
);

const helperChain = c(
  "struct foo_priv {",
  "\tstruct device child;",
  "\tstruct mutex lock;",
  "};",
  "",
  "static int foo_add_child(struct device *child)",
  "{",
  "\tdevice_initialize(child);",
  "\treturn device_add(child);",
  "}",
  "",
  "static int foo_setup(struct foo_priv *priv)",
  "{",
  "\tmutex_init(&priv->lock);",
  "\treturn foo_add_child(&priv->child);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\treturn foo_setup(priv);",
  "}",
);

const kobject = c(
  "struct foo_stats {",
  "\tstruct kobject kobj;",
  "\tu64 events;",
  "};",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.sysfs_ops = &kobj_sysfs_ops,",
  "};",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_stats *st = devm_kzalloc(&pdev->dev, sizeof(*st), GFP_KERNEL);",
  "",
  "\tif (!st)",
  "\t\treturn -ENOMEM;",
  "\treturn kobject_init_and_add(&st->kobj, &foo_stats_ktype, &pdev->dev.kobj, \"stats\");",
  "}",
);

const cdevAdd = c(
  "struct foo_priv {",
  "\tstruct cdev cdev;",
  "\tdev_t devt;",
  "};",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.owner = THIS_MODULE,",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 15
  "\tcdev_init(&priv->cdev, &foo_fops);",
  "\tpriv->cdev.owner = THIS_MODULE;",
  "\tret = cdev_add(&priv->cdev, priv->devt, 1);",
  "\treturn ret;",
  "}",
);

const cdevDeviceAdd = c(
  "struct foo_priv {",
  "\tstruct cdev cdev;",
  "\tstruct device dev;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 11
  "\tdevice_initialize(&priv->dev);",
  "\tcdev_init(&priv->cdev, &foo_fops);",
  "\treturn cdev_device_add(&priv->cdev, &priv->dev);",
  "}",
);

const cdevDeviceAddDevOnly = c(
  "struct foo_priv {",
  "\tstruct device dev;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 10
  "\tstruct cdev *cdev = cdev_alloc();",
  "",
  "\tdevice_initialize(&priv->dev);",
  "\treturn cdev_device_add(cdev, &priv->dev);",
  "}",
);

const i2cAdapter = c(
  "struct foo_i2c {",
  "\tstruct i2c_adapter adap;",
  "\tvoid __iomem *base;",
  "};",
  "",
  "static int foo_i2c_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_i2c *i2c;",
  "",
  "\ti2c = devm_kzalloc(&pdev->dev, sizeof(*i2c), GFP_KERNEL);",
  "\tif (!i2c)",
  "\t\treturn -ENOMEM;",
  "\ti2c->base = devm_platform_ioremap_resource(pdev, 0);",
  "\tif (IS_ERR(i2c->base))",
  "\t\treturn PTR_ERR(i2c->base);",
  "\ti2c_set_adapdata(&i2c->adap, i2c);",
  "\ti2c->adap.dev.parent = &pdev->dev;",
  "\tstrscpy(i2c->adap.name, \"foo-i2c\", sizeof(i2c->adap.name));",
  "\tplatform_set_drvdata(pdev, i2c);",
  "\treturn i2c_add_adapter(&i2c->adap);",
  "}",
);

const devmI2cAdapter = c(
  "struct foo_i2c {",
  "\tstruct i2c_adapter adap;",
  "};",
  "",
  "static int foo_i2c_probe(struct i2c_client *client)",
  "{",
  "\tstruct foo_i2c *i2c = devm_kzalloc(&client->dev, sizeof(*i2c), GFP_KERNEL);",
  "",
  "\tif (!i2c)",
  "\t\treturn -ENOMEM;",
  "\treturn devm_i2c_add_adapter(&client->dev, &i2c->adap);",
  "}",
);

const numberedI2cAdapter = c(
  "struct foo_smbus {",
  "\tstruct i2c_adapter adapter;",
  "\tint bus_nr;",
  "};",
  "",
  "static int foo_smbus_add(struct foo_smbus *smbus)",
  "{",
  "\tsmbus->adapter.nr = smbus->bus_nr;",
  "\treturn i2c_add_numbered_adapter(&smbus->adapter);",
  "}",
  "",
  "static int foo_smbus_probe(struct pci_dev *pdev, const struct pci_device_id *id)",
  "{",
  "\tstruct foo_smbus *smbus = devm_kzalloc(&pdev->dev, sizeof(*smbus), GFP_KERNEL);",
  "",
  "\tif (!smbus)",
  "\t\treturn -ENOMEM;",
  "\treturn foo_smbus_add(smbus);",
  "}",
);

/** One driver with both: the misc device is reported either way, the adapter only with the option. */
const i2cAndMisc = c(
  "struct foo_bridge {",
  "\tstruct i2c_adapter adap;",
  "\tstruct miscdevice misc;",
  "};",
  "",
  PROBE_HEAD("foo_bridge"), // line 11
  "\tret = i2c_add_adapter(&priv->adap);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tret = misc_register(&priv->misc);",
  "\tif (ret)",
  "\t\ti2c_del_adapter(&priv->adap);",
  "\treturn ret;",
  "}",
);

const misc = c(
  "struct foo_priv {",
  "\tstruct miscdevice misc;",
  "\tspinlock_t lock;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 11
  "\tpriv->misc.minor = MISC_DYNAMIC_MINOR;",
  "\tpriv->misc.name = \"foo\";",
  "\tpriv->misc.fops = &foo_fops;",
  "\treturn misc_register(&priv->misc);",
  "}",
);

const counter = c(
  "struct foo_cnt {",
  "\tstruct counter_device counter;",
  "\tvoid __iomem *base;",
  "};",
  "",
  "static int foo_cnt_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_cnt *cnt = devm_kzalloc(&pdev->dev, sizeof(*cnt), GFP_KERNEL);",
  "",
  "\tif (!cnt)",
  "\t\treturn -ENOMEM;",
  "\tcnt->counter.name = dev_name(&pdev->dev);",
  "\tcnt->counter.parent = &pdev->dev;",
  "\treturn counter_add(&cnt->counter);",
  "}",
);

const wholeObject = c(
  "static void foo_child_release(struct device *dev)",
  "{",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct device *child;",
  "",
  "\tchild = devm_kzalloc(&pdev->dev, sizeof(*child), GFP_KERNEL);",
  "\tif (!child)",
  "\t\treturn -ENOMEM;",
  "\tchild->parent = &pdev->dev;",
  "\tchild->release = foo_child_release;",
  "\treturn device_register(child);",
  "}",
);

const devmArray = c(
  "struct foo_port {",
  "\tstruct device dev;",
  "\tint index;",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_port *ports;",
  "\tint nports;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // lines 11-18
  "\tint i;",
  "",
  "\tpriv->ports = devm_kcalloc(&pdev->dev, priv->nports, sizeof(*priv->ports), GFP_KERNEL);",
  "\tfor (i = 0; i < priv->nports; i++) {",
  "\t\tdevice_initialize(&priv->ports[i].dev);",
  "\t\tret = device_add(&priv->ports[i].dev);",
  "\t\tif (ret)",
  "\t\t\treturn ret;",
  "\t}",
  "\treturn 0;",
  "}",
);

const embeddedArray = c(
  "struct foo_priv {",
  "\tstruct device slots[4];",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 10
  "\treturn device_register(&priv->slots[2]);",
  "}",
);

const anonymousArray = c(
  "struct foo_wdt {",
  "\tvoid __iomem *regs;",
  "\tstruct {",
  "\t\tstruct miscdevice misc;",
  "\t\tstruct device *parent;",
  "\t} devs[3];",
  "};",
  "",
  "static int foo_wdt_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_wdt *p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);",
  "\tint i, err;",
  "",
  "\tfor (i = 0; i < 3; i++) {",
  "\t\terr = misc_register(&p->devs[i].misc);",
  "\t\tif (err)",
  "\t\t\treturn err;",
  "\t}",
  "\treturn 0;",
  "}",
);

const anonymousTypedef = c(
  "typedef struct {",
  "\tstruct kobject kobj;",
  "} foo_stats_t;",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tfoo_stats_t *st = devm_kzalloc(&pdev->dev, sizeof(*st), GFP_KERNEL);",
  "",
  "\treturn kobject_add(&st->kobj, &pdev->dev.kobj, \"stats\");",
  "}",
);

/** Anonymous struct member holding a pointer (the parent device lives elsewhere). */
const anonymousPointer = c(
  "struct foo_priv {",
  "\tstruct {",
  "\t\tstruct device *dev;",
  "\t} parent;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\tpriv->parent.dev = &pdev->dev;",
  "\treturn device_add(priv->parent.dev);",
  "}",
);

const drvdata = c(
  "struct foo_priv {",
  "\tstruct device child;",
  "\tbool child_added;",
  "};",
  "",
  "static int foo_add_child(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tpriv->child_added = true;",
  "\treturn device_register(&priv->child);",
  "}",
  "",
  PROBE_HEAD("foo_priv"), // line 19
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn foo_add_child(pdev);",
  "}",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.driver = { .name = \"foo\" },",
  "};",
  "module_platform_driver(foo_driver);",
);

const otherStruct = c(
  "struct foo_child {",
  "\tstruct device dev;",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_child *child;",
  "};",
  "",
  "static int foo_child_add(struct foo_priv *priv)",
  "{",
  "\tdevice_initialize(&priv->child->dev);",
  "\treturn device_add(&priv->child->dev);",
  "}",
  "",
  PROBE_HEAD("foo_priv"), // lines 15-22
  "\tpriv->child = devm_kzalloc(&pdev->dev, sizeof(*priv->child), GFP_KERNEL);",
  "\tif (!priv->child)",
  "\t\treturn -ENOMEM;",
  "\treturn foo_child_add(priv);",
  "}",
);

const fromHeader = c(
  "#include <linux/device.h>",
  "#include \"foo-bus.h\"",
  "",
  "static int foo_bus_probe(struct platform_device *pdev)",
  "{",
  "\tfoo_bus_t *bus = devm_kzalloc(&pdev->dev, sizeof(*bus), GFP_KERNEL);",
  "",
  "\tif (!bus)",
  "\t\treturn -ENOMEM;",
  "\tdevice_initialize(&bus->port.dev);",
  "\treturn device_add(&bus->port.dev);",
  "}",
);

const ifdefUnwind = c(
  "struct foo_priv {",
  "\tstruct miscdevice misc;",
  "\tstruct kobject kobj;",
  "};",
  "",
  PROBE_HEAD("foo_priv"), // line 11
  "#ifdef CONFIG_FOO_STATS",
  "\tret = kobject_init_and_add(&priv->kobj, &foo_ktype, NULL, \"foo\");",
  "\tif (ret)",
  "\t\tgoto err_kobj;",
  "#endif",
  "\tret = misc_register(&priv->misc);",
  "\tif (ret)",
  "\t\tgoto err_kobj;",
  "\treturn 0;",
  "err_kobj:",
  "\tkobject_put(&priv->kobj);",
  "\treturn ret;",
  "}",
);

// ---- valid ------------------------------------------------------------------------------

/** The right pattern: the object in its own memory, freed by its release callback. */
const kzallocRelease = c(
  "struct foo_port {",
  "\tstruct device dev;",
  "\tint index;",
  "};",
  "",
  "static void foo_port_release(struct device *dev)",
  "{",
  "\tkfree(container_of(dev, struct foo_port, dev));",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_port *port = kzalloc(sizeof(*port), GFP_KERNEL);",
  "\tvoid *buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "",
  "\tif (!port || !buf)",
  "\t\treturn -ENOMEM;",
  "\tport->dev.parent = &pdev->dev;",
  "\tport->dev.release = foo_port_release;",
  "\treturn device_register(&port->dev);",
  "}",
);

/** devm memory points at a child allocated on its own: the child is not devm memory. */
const devmPointsAtKzalloc = c(
  "struct foo_child {",
  "\tstruct device dev;",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_child *child;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\tpriv->child = kzalloc(sizeof(*priv->child), GFP_KERNEL);",
  "\tif (!priv->child)",
  "\t\treturn -ENOMEM;",
  "\treturn device_register(&priv->child->dev);",
  "}",
);

/** A pointer member (`struct cdev *cdev`): not embedded; cdev_alloc() gives a refcounted cdev. */
const pointerMember = c(
  "struct foo_priv {",
  "\tstruct cdev *cdev;",
  "\tstruct device *dev;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\tpriv->dev = &pdev->dev;",
  "\tpriv->cdev = cdev_alloc();",
  "\tif (!priv->cdev)",
  "\t\treturn -ENOMEM;",
  "\treturn cdev_add(priv->cdev, priv->dev->devt, 1);",
  "}",
);

/** The member path ends in a pointer by the layout (`ports` is `struct foo_port *`, never written here). */
const pointerArrayMember = c(
  "struct foo_port {",
  "\tstruct device dev;",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_port *ports;",
  "};",
  "",
  "static int foo_add_ports(struct foo_priv *priv, struct foo_port *ports)",
  "{",
  "\tpriv->ports = ports;",
  "\treturn device_add(&priv->ports[0].dev);",
  "}",
  "",
  PROBE_HEAD("foo_priv"),
  "\treturn foo_add_ports(priv, foo_ports_of(pdev));",
  "}",
);

/** Initialised only (a device used as a handle for a DMA API, say), never registered. */
const initialisedOnly = c(
  "struct foo_priv {",
  "\tstruct device dma_dev;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\tdevice_initialize(&priv->dma_dev);",
  "\tdev_set_name(&priv->dma_dev, \"foo-dma\");",
  "\tput_device(&priv->dma_dev);",
  "\treturn 0;",
  "}",
);

/** A file function named like the API is not the kernel's. */
const localNamedLikeApi = c(
  "struct foo_priv {",
  "\tstruct device dev;",
  "};",
  "",
  "static int device_register(struct device *dev)",
  "{",
  "\treturn foo_hw_enable(dev);",
  "}",
  "",
  PROBE_HEAD("foo_priv"),
  "\treturn device_register(&priv->dev);",
  "}",
);

/** A local function pointer named like the API. */
const localPointerNamedLikeApi = c(
  "struct foo_priv {",
  "\tstruct device dev;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\tint (*device_add)(struct device *) = foo_ops.add;",
  "",
  "\treturn device_add(&priv->dev);",
  "}",
);

/** A macro of the file named like the API. */
const macroNamedLikeApi = c(
  "#define misc_register(m) foo_fake_register(m)",
  "",
  "struct foo_priv {",
  "\tstruct miscdevice misc;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\treturn misc_register(&priv->misc);",
  "}",
);

/** The layout is in a header that cannot be found: unknown, no report. */
const missingHeader = c(
  "#include \"foo-missing.h\"",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_missing *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\treturn device_register(&priv->dev);",
  "}",
);

/** A pointer member laid out in a header beside the file. */
const headerPointerMember = c(
  "#include \"foo-bus.h\"",
  "",
  "static int foo_bus_probe(struct platform_device *pdev)",
  "{",
  "\tfoo_bus_t *bus = devm_kzalloc(&pdev->dev, sizeof(*bus), GFP_KERNEL);",
  "",
  "\tif (!bus)",
  "\t\treturn -ENOMEM;",
  "\tbus->cdev = cdev_alloc();",
  "\treturn cdev_add(bus->cdev, MKDEV(FOO_MAJOR, 0), 1);",
  "}",
);

/** A refcounted devm allocator (the counter lives by its struct device; devres only drops a reference). */
const refcountedAlloc = c(
  "struct foo_cnt {",
  "\tvoid __iomem *base;",
  "};",
  "",
  "static int foo_cnt_probe(struct platform_device *pdev)",
  "{",
  "\tstruct counter_device *counter = devm_counter_alloc(&pdev->dev, sizeof(struct foo_cnt));",
  "",
  "\tif (!counter)",
  "\t\treturn -ENOMEM;",
  "\treturn devm_counter_add(&pdev->dev, counter);",
  "}",
  "",
  "static int foo_cnt_probe2(struct platform_device *pdev)",
  "{",
  "\tstruct counter_device *counter = devm_counter_alloc(&pdev->dev, 0);",
  "",
  "\treturn counter_add(counter);",
  "}",
);

/** A static object, and the bus device itself: not devm memory. */
const staticObject = c(
  "static struct device foo_static_dev;",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid *buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "",
  "\tif (!buf)",
  "\t\treturn -ENOMEM;",
  "\tkobject_add(&pdev->dev.kobj, NULL, \"foo\");",
  "\treturn device_register(&foo_static_dev);",
  "}",
);

/** A helper only ever given kzalloc'd memory. */
const helperKzalloc = c(
  "struct foo {",
  "\tstruct device dev;",
  "};",
  "",
  "static int foo_register(struct foo *f)",
  "{",
  "\treturn device_register(&f->dev);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo *foo = kzalloc(sizeof(*foo), GFP_KERNEL);",
  "\tu8 *buf = devm_kmalloc(&pdev->dev, 32, GFP_KERNEL);",
  "",
  "\tif (!foo || !buf)",
  "\t\treturn -ENOMEM;",
  "\treturn foo_register(foo);",
  "}",
);

/** The private area of a refcounted subsystem object (iio_priv): lives with the iio_dev, not with devres. */
const subsystemPrivate = c(
  "struct foo_adc {",
  "\tstruct i2c_adapter adap;",
  "};",
  "",
  "static int foo_adc_probe(struct i2c_client *client)",
  "{",
  "\tstruct iio_dev *indio_dev = devm_iio_device_alloc(&client->dev, sizeof(struct foo_adc));",
  "\tstruct foo_adc *adc;",
  "",
  "\tif (!indio_dev)",
  "\t\treturn -ENOMEM;",
  "\tadc = iio_priv(indio_dev);",
  "\treturn i2c_add_adapter(&adc->adap);",
  "}",
);

/** The member is laid out as something other than the registration's type (a driver's own `dev`). */
const otherTypeMember = c(
  "struct foo_dev {",
  "\tstruct kobject kobj;",
  "};",
  "",
  "struct foo_priv {",
  "\tstruct foo_dev dev;",
  "};",
  "",
  PROBE_HEAD("foo_priv"),
  "\treturn device_add((struct device *)&priv->dev);",
  "}",
);

ruleTester.run("no-devres-to-kobject (C)", rule, {
  valid: [
    { name: "kzalloc'd struct registered, freed in its release (the right pattern)", code: kzallocRelease },
    { name: "devm memory points at a child allocated on its own", code: devmPointsAtKzalloc },
    { name: "pointer member (struct cdev *), a refcounted cdev_alloc()", code: pointerMember },
    { name: "member path through a pointer member that no devm memory reaches", code: pointerArrayMember },
    { name: "embedded device only initialised and put, never registered", code: initialisedOnly },
    { name: "file function named like the API", code: localNamedLikeApi },
    { name: "local function pointer named like the API", code: localPointerNamedLikeApi },
    { name: "#define named like the API", code: macroNamedLikeApi },
    { name: "#include that cannot be found: unknown layout", code: missingHeader, filename: BESIDE_HEADERS },
    { name: "pointer member laid out in a header beside the file", code: headerPointerMember, filename: BESIDE_HEADERS },
    { name: "refcounted devm allocator (devm_counter_alloc)", code: refcountedAlloc },
    { name: "static object and the bus device's own kobject", code: staticObject },
    { name: "helper only given kzalloc'd memory", code: helperKzalloc },
    { name: "private area of a refcounted subsystem object (iio_priv), even with checkBlockingUnbind", code: subsystemPrivate, options: [{ checkBlockingUnbind: true }] },
    { name: "member laid out as another type, cast", code: otherTypeMember },
    { name: "the header case's struct without its header beside it (no filename)", code: fromHeader },
    { name: "anonymous struct member holding a pointer", code: anonymousPointer },
    // i2c_del_adapter() waits for the adapter's release before devres frees the memory: by default
    // not reported (an unbind that blocks on an open /dev/i2c-N, no use after free)
    { name: "i2c_add_adapter: the unregister waits for the release (default)", code: i2cAdapter },
    { name: "devm_i2c_add_adapter: the unregister waits for the release (default)", code: devmI2cAdapter },
    { name: "i2c_add_numbered_adapter through a helper: waits (default)", code: numberedI2cAdapter },
    { name: "i2c_add_adapter with checkBlockingUnbind: false", code: i2cAdapter, options: [{ checkBlockingUnbind: false }] },
    { name: "i2c_add_adapter with an empty options object", code: i2cAdapter, options: [{}] },
  ],
  invalid: [
    {
      name: "device_register(&priv->dev), goto unwinding",
      code: deviceRegister,
      errors: [report(deviceRegister, "&priv->dev", { resource: "priv", alloc: "devm_kzalloc", line: 15, embeds: "device", object: "priv->dev", api: "device_register", occurrence: 1 })],
    },
    {
      name: "device_initialize() then device_add()",
      code: initializeThenAdd,
      errors: [report(initializeThenAdd, "&chan->dev", { resource: "chan", alloc: "devm_kzalloc", line: 8, embeds: "device", object: "chan->dev", api: "device_add", occurrence: 3 })],
    },
    {
      name: "member of a member (&(priv->port.dev))",
      code: memberOfMember,
      errors: [report(memberOfMember, "&(priv->port.dev)", { resource: "priv", alloc: "devm_kzalloc", line: 16, embeds: "device", object: "priv->port.dev", api: "device_add" })],
    },
    {
      name: "alias: struct device *d = &priv->sub.dev",
      code: alias,
      errors: [report(alias, "d)", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "device", object: "priv->sub.dev", api: "device_register" })].map((e) => ({ ...e, endColumn: e.endColumn - 1 })),
    },
    {
      name: "helper registering its parameter's member",
      code: helper,
      errors: [report(helper, "foo)", { resource: "foo", alloc: "devm_kzalloc", line: 12, embeds: "device", object: "foo->dev", api: "device_register", via: "foo_register()", occurrence: 3 })].map((e) => ({ ...e, endColumn: e.endColumn - 1 })),
    },
    {
      name: "two helpers deep, the member's address passed down",
      code: helperChain,
      errors: [report(helperChain, "priv);", { resource: "priv", alloc: "devm_kzalloc", line: 20, embeds: "device", object: "priv->child", api: "device_add", via: "foo_setup() → foo_add_child()" })].map((e) => ({ ...e, endColumn: e.endColumn - 2 })),
    },
    {
      name: "kobject_init_and_add",
      code: kobject,
      errors: [report(kobject, "&st->kobj", { resource: "st", alloc: "devm_kzalloc", line: 12, embeds: "kobject", object: "st->kobj", api: "kobject_init_and_add" })],
    },
    {
      name: "cdev_init + cdev_add",
      code: cdevAdd,
      errors: [report(cdevAdd, "&priv->cdev", { resource: "priv", alloc: "devm_kzalloc", line: 15, embeds: "cdev", object: "priv->cdev", api: "cdev_add", occurrence: 2 })],
    },
    {
      name: "cdev_device_add: one report, at the cdev",
      code: cdevDeviceAdd,
      errors: [report(cdevDeviceAdd, "&priv->cdev", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "cdev", object: "priv->cdev", api: "cdev_device_add", occurrence: 2 })],
    },
    {
      name: "cdev_device_add: the struct device argument",
      code: cdevDeviceAddDevOnly,
      errors: [report(cdevDeviceAddDevOnly, "&priv->dev", { resource: "priv", alloc: "devm_kzalloc", line: 10, embeds: "device", object: "priv->dev", api: "cdev_device_add", occurrence: 2 })],
    },
    {
      name: "i2c_add_adapter, with checkBlockingUnbind",
      code: i2cAdapter,
      options: [{ checkBlockingUnbind: true }],
      errors: [report(i2cAdapter, "&i2c->adap)", { resource: "i2c", alloc: "devm_kzalloc", line: 10, embeds: "i2c_adapter", object: "i2c->adap", api: "i2c_add_adapter" })].map((e) => ({ ...e, endColumn: e.endColumn - 1 })),
    },
    {
      name: "devm_i2c_add_adapter (the adapter is argument 1), with checkBlockingUnbind",
      code: devmI2cAdapter,
      options: [{ checkBlockingUnbind: true }],
      errors: [report(devmI2cAdapter, "&i2c->adap", { resource: "i2c", alloc: "devm_kzalloc", line: 7, embeds: "i2c_adapter", object: "i2c->adap", api: "devm_i2c_add_adapter" })],
    },
    {
      name: "i2c_add_numbered_adapter through a helper, with checkBlockingUnbind",
      code: numberedI2cAdapter,
      options: [{ checkBlockingUnbind: true }],
      errors: [
        report(numberedI2cAdapter, "smbus);", { resource: "smbus", alloc: "devm_kzalloc", line: 14, embeds: "i2c_adapter", object: "smbus->adapter", api: "i2c_add_numbered_adapter", via: "foo_smbus_add()" }),
      ].map((e) => ({ ...e, endColumn: e.endColumn - 2 })),
    },
    {
      name: "an adapter and a misc device: the misc device only (default)",
      code: i2cAndMisc,
      errors: [report(i2cAndMisc, "&priv->misc", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "miscdevice", object: "priv->misc", api: "misc_register" })],
    },
    {
      name: "an adapter and a misc device: both with checkBlockingUnbind",
      code: i2cAndMisc,
      options: [{ checkBlockingUnbind: true }],
      errors: [
        report(i2cAndMisc, "&priv->adap", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "i2c_adapter", object: "priv->adap", api: "i2c_add_adapter" }),
        report(i2cAndMisc, "&priv->misc", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "miscdevice", object: "priv->misc", api: "misc_register" }),
      ],
    },
    {
      name: "misc_register",
      code: misc,
      errors: [report(misc, "&priv->misc", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "miscdevice", object: "priv->misc", api: "misc_register" })],
    },
    {
      name: "counter_add of an embedded counter_device",
      code: counter,
      errors: [report(counter, "&cnt->counter", { resource: "cnt", alloc: "devm_kzalloc", line: 8, embeds: "counter_device", object: "cnt->counter", api: "counter_add" })],
    },
    {
      name: "the devm allocation is itself the struct device",
      code: wholeObject,
      errors: [report(wholeObject, "child)", { resource: "child", alloc: "devm_kzalloc", line: 9, embeds: "device", api: "device_register", occurrence: 3 })].map((e) => ({ ...e, endColumn: e.endColumn - 1 })),
    },
    {
      name: "devm_kcalloc'd array of ports, each port's device added",
      code: devmArray,
      errors: [report(devmArray, "&priv->ports[i].dev", { resource: "priv->ports", alloc: "devm_kcalloc", line: 21, embeds: "device", object: "priv->ports->dev", api: "device_add", occurrence: 2 })],
    },
    {
      name: "an embedded array of devices",
      code: embeddedArray,
      errors: [report(embeddedArray, "&priv->slots[2]", { resource: "priv", alloc: "devm_kzalloc", line: 10, embeds: "device", object: "priv->slots[]", api: "device_register" })],
    },
    {
      name: "an array of anonymous structs, each embedding a miscdevice",
      code: anonymousArray,
      errors: [report(anonymousArray, "&p->devs[i].misc", { resource: "p", alloc: "devm_kzalloc", line: 11, embeds: "miscdevice", object: "p->devs[].misc", api: "misc_register" })],
    },
    {
      name: "a typedef of an anonymous struct",
      code: anonymousTypedef,
      errors: [report(anonymousTypedef, "&st->kobj", { resource: "st", alloc: "devm_kzalloc", line: 7, embeds: "kobject", object: "st->kobj", api: "kobject_add" })],
    },
    {
      name: "drvdata: the devm pointer stored by probe, read back by a helper",
      code: drvdata,
      errors: [report(drvdata, "&priv->child", { resource: "priv", alloc: "devm_kzalloc", line: 19, embeds: "device", object: "priv->child", api: "device_register" })],
    },
    {
      name: "devm pointer stored in another struct and read back",
      code: otherStruct,
      errors: [report(otherStruct, "&priv->child->dev", { resource: "priv->child", alloc: "devm_kzalloc", line: 23, embeds: "device", object: "priv->child->dev", api: "device_add", occurrence: 2 })],
    },
    {
      name: "layout from the quoted headers beside the file (typedef, nested include)",
      code: fromHeader,
      filename: BESIDE_HEADERS,
      errors: [report(fromHeader, "&bus->port.dev", { resource: "bus", alloc: "devm_kzalloc", line: 6, embeds: "device", object: "bus->port.dev", api: "device_add", occurrence: 2 })],
    },
    {
      name: "#ifdef CONFIG_ and goto unwinding: kobject and misc",
      code: ifdefUnwind,
      errors: [
        report(ifdefUnwind, "&priv->kobj", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "kobject", object: "priv->kobj", api: "kobject_init_and_add" }),
        report(ifdefUnwind, "&priv->misc", { resource: "priv", alloc: "devm_kzalloc", line: 11, embeds: "miscdevice", object: "priv->misc", api: "misc_register" }),
      ],
    },
  ],
});

// ---- headers read from disk: found beside the file, re-read when they change --------------

describe("no-devres-to-kobject (C): quoted headers on disk", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "devbound-kobject-"));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, "foo-hdr.c");
  const header = path.join(dir, "foo-hdr.h");
  const code = c(
    "#include \"foo-hdr.h\"",
    "",
    "static int foo_probe(struct platform_device *pdev)",
    "{",
    "\tstruct foo_hdr *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
    "",
    "\treturn device_add(&priv->dev);",
    "}",
  );
  const linter = new Linter({ configType: "flat", cwd: dir });
  const config = cConfig({ "devbound/no-devres-to-kobject": "error" });
  const lint = () => linter.verify(code, config, file).map((m) => `${m.line}:${m.column} ${m.message.split(";")[1]?.split(",")[0]?.trim()}`);

  it("reports by the header's layout, and follows the header when it changes on disk", () => {
    expect(lint(), "no header yet: unknown layout").toEqual([]);
    fs.writeFileSync(header, "struct foo_hdr {\n\tstruct device dev;\n};\n");
    expect(lint()).toEqual(["7:20 its embedded `struct device` `priv->dev` is registered with device_add()"]);
    // the member becomes a pointer: a new size and mtime, the cached layout is not reused
    fs.writeFileSync(header, "struct foo_hdr {\n\tstruct device *dev_ptr_member, dev_unused_name;\n};\n");
    fs.utimesSync(header, new Date(), new Date(Date.now() + 5000));
    expect(lint()).toEqual([]);
    fs.writeFileSync(header, "struct foo_hdr {\n\tstruct device *dev;\n};\n");
    fs.utimesSync(header, new Date(), new Date(Date.now() + 10000));
    expect(lint(), "a pointer member is not embedded").toEqual([]);
  });

  it("a header that is not C at all is an unknown layout, not a crash", () => {
    fs.writeFileSync(header, "\0\0binary\0");
    fs.utimesSync(header, new Date(), new Date(Date.now() + 20000));
    expect(lint()).toEqual([]);
  });
});

// ---- the option: validated by the rule's one schema, whatever the language -----------------

describe("no-devres-to-kobject: the checkBlockingUnbind option", () => {
  const linter = new Linter({ configType: "flat" });
  const configFor = (files: string, options: unknown[], language?: string) => [
    {
      files: [files],
      plugins: { devbound: devbound as never },
      ...(language ? { language, languageOptions: { macroHints: kernelMacroHints } } : {}),
      rules: { "devbound/no-devres-to-kobject": ["error", ...options] },
    },
  ];
  const lintC = (options: unknown[]) => linter.verify(i2cAdapter, configFor("**/*.c", options, "devbound/c") as never, "foo-i2c.c").map((m) => `${m.line}:${m.column} ${m.message.split(";")[1]?.split(",")[0]?.trim()}`);

  it("C: off by default, on when asked", () => {
    expect(lintC([])).toEqual([]);
    expect(lintC([{ checkBlockingUnbind: true }])).toEqual(["20:25 its embedded `struct i2c_adapter` `i2c->adap` is registered with i2c_add_adapter()"]);
  });

  it("the good fixture's I2C adapter (embedded in devm memory) is reported only with the option", () => {
    const file = path.join(import.meta.dirname, "../../fixtures/no-devres-to-kobject/good.c");
    const text = fs.readFileSync(file, "utf8");
    const lint = (options: unknown[]) => linter.verify(text, configFor("**/*.c", options, "devbound/c") as never, file).map((m) => `${m.line} ${m.message}`);
    const line = text.split("\n").findIndex((l) => l.includes("ret = i2c_add_adapter(&br->adap);")) + 1;
    const alloc = text.split("\n").findIndex((l) => l.includes("br = devm_kzalloc(")) + 1;
    expect(lint([])).toEqual([]);
    expect(lint([{ checkBlockingUnbind: true }])).toEqual([
      `${line} \`br\` is devm memory (devm_kzalloc() at line ${alloc}); its embedded \`struct i2c_adapter\` \`br->adap\` is registered with i2c_add_adapter(), so ${WHY.i2c_adapter}`,
    ]);
  });

  it.each([
    ["a non-boolean value", [{ checkBlockingUnbind: "yes" }], /Key "devbound\/no-devres-to-kobject":\s+Value "yes" should be boolean\./],
    ["an unknown option", [{ reportAll: true }], /should NOT have additional properties\.\s+Unexpected property "reportAll"\. Expected properties: "checkBlockingUnbind"\./],
    ["a second options object", [{}, {}], /should NOT have more than 1 items\./],
  ])("rejects %s, for C files and for TypeScript files", (_what, options, message) => {
    expect(() => linter.verify(i2cAdapter, configFor("**/*.c", options, "devbound/c") as never, "foo-i2c.c")).toThrow(message);
    expect(() => linter.verify("export {};", configFor("**/*.ts", options) as never, "foo.ts")).toThrow(message);
  });
});

// TypeScript: the runtime's i2cDelAdapter() does not wait for the adapter's release (an open
// I2cClientFile keeps it, and devres frees the memory under it), so the option changes nothing there.
const tsI2c = tsCode(
  `import { I2cAdapter, defineDriver, devmKzalloc, i2cAddAdapter } from "@devbound/runtime";`,
  `export const drv = defineDriver({ name: "foo-i2c", probe(dev) {`,
  `  const priv = devmKzalloc(dev, () => ({ adapter: new I2cAdapter("foo"), irqs: 0 }));`,
  `  i2cAddAdapter(priv.adapter);`,
  `  return priv;`,
  `} });`,
);
const tsError = { messageId: "toKobject" as const, data: { resource: "priv.adapter", owner: "foo-i2c", api: "i2cAddAdapter" }, ...tsAt(tsI2c, "priv.adapter);") };
tsRuleTester.run("no-devres-to-kobject (TypeScript): checkBlockingUnbind changes nothing", tsRule, {
  valid: [],
  invalid: [
    { name: "default", filename: tsFilename, code: tsI2c, errors: [tsError] },
    { name: "checkBlockingUnbind: false", filename: tsFilename, code: tsI2c, options: [{ checkBlockingUnbind: false }], errors: [tsError] },
    { name: "checkBlockingUnbind: true", filename: tsFilename, code: tsI2c, options: [{ checkBlockingUnbind: true }], errors: [tsError] },
  ],
});
