// RuleTester cases for devbound/no-manual-free-of-devres on C (language devbound/c): a manual
// release of what a devm acquisition of the same kind made is released again at unbind; the
// message names what that does for the kind (double free, unbalanced disable, double unregister).
// Kernel-style code written for these tests (no kernel source).
import { Linter } from "eslint";
import { describe, expect, it } from "vitest";
import { ACQUIRE, MANAGED_RELEASE_TOLERATED, RELEASE } from "../../packages/eslint-plugin/src/c/vocabulary/index.js";
import { c, cConfig, cRule, cRuleTester as ruleTester, devbound, span } from "./setup-c.js";

const rule = cRule("no-manual-free-of-devres");

/** 1-based line/column where the `occurrence`-th `needle` starts. */
function at(source: string, needle: string, occurrence = 1): { line: number; column: number } {
  const { line, column } = span(source, needle, occurrence);
  return { line, column };
}

const lineOf = (source: string, needle: string, occurrence = 1) => at(source, needle, occurrence).line;

interface Expect {
  resource: string;
  api: string;
  /** the acquisition's text, to find its line */
  acquiredAt: string;
  owner: string;
  release: string;
  /** what the second release does (the kind's consequence, spelled out here, not read from the vocabulary) */
  consequence: string;
  /** where the report starts */
  reportedAt: string;
  occurrence?: number;
  /** the code after the suggestion; undefined: no suggestion */
  output?: string;
}

function doubleFree(code: string, e: Expect) {
  const message = `\`${e.resource}\` is devres-managed (from ${e.api}() at line ${lineOf(code, e.acquiredAt)}) and is released when ${e.owner} unbinds; ${e.release} here releases it a second time (${e.consequence}).`;
  return {
    message,
    ...at(code, e.reportedAt, e.occurrence),
    suggestions: e.output === undefined ? [] : [{ desc: `Remove this ${e.release}: devres releases \`${e.resource}\` at unbind.`, output: e.output }],
  };
}

const PRIV = c(
  "struct foo_priv {",
  "\tstruct device *dev;",
  "\tvoid __iomem *base;",
  "\tstruct clk *clk;",
  "\tstruct regulator *vdd;",
  "\tstruct gpio_desc *reset;",
  "\tu8 *buf;",
  "\tint irq;",
  "\tstruct work_struct work;",
  "\tstruct i2c_adapter adap;",
  "};",
  "",
);

const DRIVER = c(
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.remove = foo_remove,",
  "\t.driver = {",
  "\t\t.name = \"foo\",",
  "\t},",
  "};",
  "module_platform_driver(foo_driver);",
);

// ---- invalid -----------------------------------------------------------------------------------

const direct = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tu8 *buf;",
  "",
  "\tbuf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "\tif (!buf)",
  "\t\treturn -ENOMEM;",
  "\tif (foo_check(buf)) {",
  "\t\tkfree(buf);",
  "\t\treturn -EIO;",
  "\t}",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  DRIVER,
);

const irqDrvdata = c(
  PRIV,
  "static irqreturn_t foo_isr(int irq, void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\twritel(0, priv->base);",
  "\treturn IRQ_HANDLED;",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv;",
  "\tint ret;",
  "",
  "\tpriv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->irq = platform_get_irq(pdev, 0);",
  "\tif (priv->irq < 0)",
  "\t\treturn priv->irq;",
  "\tret = devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, \"foo\", priv);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tfree_irq(priv->irq, priv);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const mmioAndClock = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv;",
  "",
  "\tpriv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->base = devm_platform_ioremap_resource(pdev, 0);",
  "\tif (IS_ERR(priv->base))",
  "\t\treturn PTR_ERR(priv->base);",
  "\tpriv->clk = devm_clk_get_enabled(&pdev->dev, \"core\");",
  "\tif (IS_ERR(priv->clk))",
  "\t\treturn PTR_ERR(priv->clk);",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tclk_disable_unprepare(priv->clk);",
  "\tiounmap(priv->base);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const helperFreesParam = c(
  PRIV,
  "static void foo_put_buf(u8 *buf)",
  "{",
  "\tkfree(buf);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = devm_kmalloc(&pdev->dev, 256, GFP_KERNEL);",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tfoo_put_buf(priv->buf);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const helperFreesMember = c(
  PRIV,
  "static void foo_free_bufs(struct foo_priv *p)",
  "{",
  "\tkfree(p->buf);",
  "\tp->buf = NULL;",
  "}",
  "",
  "static u8 *foo_alloc_buf(struct device *dev, size_t len)",
  "{",
  "\treturn devm_kzalloc(dev, len, GFP_KERNEL);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = foo_alloc_buf(&pdev->dev, 128);",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tfoo_free_bufs(platform_get_drvdata(pdev));",
  "\treturn 0;",
  "}",
  DRIVER,
);

const gotoAfterDevm = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv;",
  "\tint ret;",
  "",
  "\tpriv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "\tif (!priv->buf)",
  "\t\treturn -ENOMEM;",
  "\tret = foo_hw_init(priv);",
  "\tif (ret)",
  "\t\tgoto err_free;",
  "\treturn 0;",
  "",
  "err_free:",
  "\tkfree(priv->buf);",
  "\treturn ret;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  DRIVER,
);

const i2cAdapter = c(
  PRIV,
  "static int foo_i2c_probe(struct i2c_client *client)",
  "{",
  "\tstruct foo_priv *priv;",
  "",
  "\tpriv = devm_kzalloc(&client->dev, sizeof(*priv), GFP_KERNEL);",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\ti2c_set_clientdata(client, priv);",
  "\treturn devm_i2c_add_adapter(&client->dev, &priv->adap);",
  "}",
  "",
  "static void foo_i2c_remove(struct i2c_client *client)",
  "{",
  "\tstruct foo_priv *priv = i2c_get_clientdata(client);",
  "",
  "\ti2c_del_adapter(&priv->adap);",
  "}",
  "",
  "static struct i2c_driver foo_i2c_driver = {",
  "\t.driver = { .name = \"foo-i2c\" },",
  "\t.probe = foo_i2c_probe,",
  "\t.remove = foo_i2c_remove,",
  "};",
  "module_i2c_driver(foo_i2c_driver);",
);

const spiController = c(
  "static int foo_spi_probe(struct platform_device *pdev)",
  "{",
  "\tstruct spi_controller *ctlr;",
  "\tint ret;",
  "",
  "\tctlr = spi_alloc_host(&pdev->dev, 0);",
  "\tif (!ctlr)",
  "\t\treturn -ENOMEM;",
  "\tplatform_set_drvdata(pdev, ctlr);",
  "\tret = devm_spi_register_controller(&pdev->dev, ctlr);",
  "\tif (ret)",
  "\t\tspi_controller_put(ctlr);",
  "\treturn ret;",
  "}",
  "",
  "static int foo_spi_remove(struct platform_device *pdev)",
  "{",
  "\tstruct spi_controller *ctlr = platform_get_drvdata(pdev);",
  "",
  "\tspi_unregister_controller(ctlr);",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_spi_driver = {",
  "\t.probe = foo_spi_probe,",
  "\t.remove = foo_spi_remove,",
  "\t.driver = { .name = \"foo-spi\" },",
  "};",
  "module_platform_driver(foo_spi_driver);",
);

const pciIomap = c(
  "struct foo_pci {",
  "\tvoid __iomem *regs;",
  "\tvoid *ring;",
  "\tdma_addr_t ring_dma;",
  "};",
  "",
  "static int foo_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)",
  "{",
  "\tstruct foo_pci *fp;",
  "\tint ret;",
  "",
  "\tret = pcim_enable_device(pdev);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tfp = devm_kzalloc(&pdev->dev, sizeof(*fp), GFP_KERNEL);",
  "\tif (!fp)",
  "\t\treturn -ENOMEM;",
  "\tfp->regs = pcim_iomap(pdev, 0, 0);",
  "\tfp->ring = dmam_alloc_coherent(&pdev->dev, SZ_4K, &fp->ring_dma, GFP_KERNEL);",
  "\tif (!fp->ring)",
  "\t\treturn -ENOMEM;",
  "\tpci_set_drvdata(pdev, fp);",
  "\treturn 0;",
  "}",
  "",
  "static void foo_pci_remove(struct pci_dev *pdev)",
  "{",
  "\tstruct foo_pci *fp = pci_get_drvdata(pdev);",
  "",
  "\tdma_free_coherent(&pdev->dev, SZ_4K, fp->ring, fp->ring_dma);",
  "\tpci_iounmap(pdev, fp->regs);",
  "}",
  "",
  "static struct pci_driver foo_pci_driver = {",
  "\t.name = \"foo-pci\",",
  "\t.id_table = foo_pci_ids,",
  "\t.probe = foo_pci_probe,",
  "\t.remove = foo_pci_remove,",
  "};",
  "module_pci_driver(foo_pci_driver);",
);

const containerOfWork = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tif (foo_failed(priv))",
  "\t\tgpiod_put(priv->reset);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->reset = devm_gpiod_get(&pdev->dev, \"reset\", GPIOD_OUT_LOW);",
  "\tINIT_WORK(&priv->work, foo_work_fn);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  DRIVER,
);

const pmSuspend = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->vdd = devm_regulator_get(&pdev->dev, \"vdd\");",
  "\tif (IS_ERR(priv->vdd))",
  "\t\treturn PTR_ERR(priv->vdd);",
  "\tdev_set_drvdata(&pdev->dev, priv);",
  "\treturn 0;",
  "}",
  "",
  "#ifdef CONFIG_PM",
  "static int foo_suspend(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = dev_get_drvdata(dev);",
  "",
  "\tregulator_put(priv->vdd);",
  "\treturn 0;",
  "}",
  "#endif",
  "",
  "static SIMPLE_DEV_PM_OPS(foo_pm_ops, foo_suspend, NULL);",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.driver = {",
  "\t\t.name = \"foo\",",
  "\t\t.pm = &foo_pm_ops,",
  "\t},",
  "};",
  "module_platform_driver(foo_driver);",
);

const twoDrivers = c(
  "struct bar_priv {",
  "\tu8 *fw;",
  "};",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tu8 *fw = kmalloc(64, GFP_KERNEL);",
  "",
  "\tkfree(fw);",
  "\treturn 0;",
  "}",
  "",
  "static int bar_probe(struct platform_device *pdev)",
  "{",
  "\tstruct bar_priv *bp = devm_kzalloc(&pdev->dev, sizeof(*bp), GFP_KERNEL);",
  "",
  "\tif (!bp)",
  "\t\treturn -ENOMEM;",
  "\tbp->fw = devm_kmemdup(&pdev->dev, foo_default_fw, 64, GFP_KERNEL);",
  "\tplatform_set_drvdata(pdev, bp);",
  "\treturn 0;",
  "}",
  "",
  "static int bar_remove(struct platform_device *pdev)",
  "{",
  "\tstruct bar_priv *bp = platform_get_drvdata(pdev);",
  "",
  "\tkfree(bp->fw);",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.driver = { .name = \"foo\" },",
  "};",
  "",
  "static struct platform_driver bar_driver = {",
  "\t.probe = bar_probe,",
  "\t.remove = bar_remove,",
  "\t.driver = { .name = \"bar\" },",
  "};",
);

const conventionAndAlias = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_table *tbl = devm_foo_table_create(&pdev->dev, 16);",
  "\tu8 *alias;",
  "",
  "\tif (IS_ERR(tbl))",
  "\t\treturn PTR_ERR(tbl);",
  "\talias = (u8 *)tbl;",
  "\tif (foo_table_empty(tbl))",
  "\t\tkfree(alias);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  DRIVER,
);

const memRegionAndWorkqueue = c(
  "struct baz_priv {",
  "\tstruct resource *res;",
  "\tstruct workqueue_struct *wq;",
  "};",
  "",
  "static int baz_probe(struct platform_device *pdev)",
  "{",
  "\tstruct baz_priv *bz = devm_kzalloc(&pdev->dev, sizeof(*bz), GFP_KERNEL);",
  "",
  "\tif (!bz)",
  "\t\treturn -ENOMEM;",
  "\tbz->res = platform_get_resource(pdev, IORESOURCE_MEM, 0);",
  "\tif (!devm_request_mem_region(&pdev->dev, bz->res->start, resource_size(bz->res), \"baz\"))",
  "\t\treturn -EBUSY;",
  "\tbz->wq = devm_alloc_ordered_workqueue(&pdev->dev, \"baz\", 0);",
  "\tplatform_set_drvdata(pdev, bz);",
  "\treturn 0;",
  "}",
  "",
  "static int baz_remove(struct platform_device *pdev)",
  "{",
  "\tstruct baz_priv *bz = platform_get_drvdata(pdev);",
  "",
  "\tdestroy_workqueue(bz->wq); release_mem_region(bz->res->start, resource_size(bz->res));",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver baz_driver = {",
  "\t.probe = baz_probe,",
  "\t.remove = baz_remove,",
  "};",
  "module_platform_driver(baz_driver);",
);

const usbDisconnect = c(
  "struct foo_usb {",
  "\tu8 *urb_buf;",
  "};",
  "",
  "static int foo_usb_probe(struct usb_interface *intf, const struct usb_device_id *id)",
  "{",
  "\tstruct foo_usb *fu = devm_kzalloc(&intf->dev, sizeof(*fu), GFP_KERNEL);",
  "",
  "\tif (!fu)",
  "\t\treturn -ENOMEM;",
  "\tusb_set_intfdata(intf, fu);",
  "\treturn 0;",
  "}",
  "",
  "static void foo_usb_disconnect(struct usb_interface *intf)",
  "{",
  "\tstruct foo_usb *fu = usb_get_intfdata(intf);",
  "",
  "\tusb_set_intfdata(intf, NULL);",
  "\tkfree(fu);",
  "}",
  "",
  "static struct usb_driver foo_usb_driver = {",
  "\t.name = \"foo-usb\",",
  "\t.probe = foo_usb_probe,",
  "\t.disconnect = foo_usb_disconnect,",
  "};",
  "module_usb_driver(foo_usb_driver);",
);

const errorNodesNearby = c(
  PRIV,
  "FOO_DECLARE_THING(foo, 1, 2) = { .x = };",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = devm_kcalloc(&pdev->dev, 4, 16, GFP_KERNEL);",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tkvfree(priv->buf);",
  "\treturn 0;",
  "}",
  DRIVER,
);

// ---- valid -------------------------------------------------------------------------------------

const validManual = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = kzalloc(sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->irq = platform_get_irq(pdev, 0);",
  "\tif (request_irq(priv->irq, foo_isr, 0, \"foo\", priv)) {",
  "\t\tkfree(priv);",
  "\t\treturn -EBUSY;",
  "\t}",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tfree_irq(priv->irq, priv);",
  "\tkfree(priv);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const validDevmRelease = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tu8 *tmp;",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\ttmp = devm_kmalloc(&pdev->dev, 4096, GFP_KERNEL);",
  "\tfoo_fill(priv, tmp);",
  "\tdevm_kfree(&pdev->dev, tmp);",
  "\tpriv->irq = platform_get_irq(pdev, 0);",
  "\tif (devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, \"foo\", priv))",
  "\t\treturn -EBUSY;",
  "\tif (foo_polled(priv))",
  "\t\tdevm_free_irq(&pdev->dev, priv->irq, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  DRIVER,
);

// the task's error path: the only goto to err_free is placed before the devm call
const validGotoBeforeDevm = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv;",
  "\tint ret;",
  "",
  "\tpriv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tret = foo_hw_reset(priv);",
  "\tif (ret)",
  "\t\tgoto err_free;",
  "\tpriv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "\tif (!priv->buf)",
  "\t\treturn -ENOMEM;",
  "\treturn 0;",
  "",
  "err_free:",
  "\tkfree(priv->buf);",
  "\treturn ret;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  DRIVER,
);

const validShadowedKfree = c(
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid (*kfree)(const void *) = foo_pool_put;",
  "\tu8 *buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "",
  "\tkfree(buf);",
  "\treturn 0;",
  "}",
);

const validFileFunctionNamedLikeApi = c(
  "#define iounmap(addr) foo_fake_unmap(addr)",
  "",
  "static void free_irq(unsigned int irq, void *dev_id)",
  "{",
  "\tfoo_log(irq);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid __iomem *base = devm_ioremap(&pdev->dev, 0x1000, 0x100);",
  "\tint irq = platform_get_irq(pdev, 0);",
  "",
  "\tif (devm_request_irq(&pdev->dev, irq, foo_isr, 0, \"foo\", NULL))",
  "\t\treturn -EBUSY;",
  "\tfree_irq(irq, NULL);",
  "\tiounmap(base);",
  "\treturn 0;",
  "}",
);

const validMemberMaybeManual = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_resize(struct foo_priv *priv, size_t len)",
  "{",
  "\tu8 *n = kmalloc(len, GFP_KERNEL);",
  "",
  "\tif (!n)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = n;",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tkfree(priv->buf);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const validClockEnabledByHand = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tint ret;",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->clk = devm_clk_get(&pdev->dev, NULL);",
  "\tif (IS_ERR(priv->clk))",
  "\t\treturn PTR_ERR(priv->clk);",
  "\tret = clk_prepare_enable(priv->clk);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tpriv->vdd = devm_regulator_get(&pdev->dev, \"vdd\");",
  "\tret = regulator_enable(priv->vdd);",
  "\tif (ret) {",
  "\t\tclk_disable_unprepare(priv->clk);",
  "\t\treturn ret;",
  "\t}",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tregulator_disable(priv->vdd);",
  "\tclk_disable_unprepare(priv->clk);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const validUnknownOrigin = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->buf = foo_fw_load(pdev, \"foo.bin\");",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tkfree(priv->buf);",
  "\treturn 0;",
  "}",
  DRIVER,
);

const validInputDevice = c(
  "static int foo_kbd_probe(struct platform_device *pdev)",
  "{",
  "\tstruct input_dev *input = devm_input_allocate_device(&pdev->dev);",
  "\tint ret;",
  "",
  "\tif (!input)",
  "\t\treturn -ENOMEM;",
  "\tret = input_register_device(input);",
  "\tif (ret) {",
  "\t\tinput_free_device(input);",
  "\t\treturn ret;",
  "\t}",
  "\tif (foo_kbd_absent(pdev))",
  "\t\tinput_unregister_device(input);",
  "\treturn 0;",
  "}",
);

const validErrorNodes = c(
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tu8 *buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "\tFOO_WEIRD_MACRO(buf) kfree(buf) ) ;",
  "\treturn 0;",
  "}",
);

const validKAndR = c(
  "static int foo_old(buf, len)",
  "\tchar *buf;",
  "\tint len;",
  "{",
  "\tkfree(buf);",
  "\treturn len;",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tchar *b = kmalloc(16, GFP_KERNEL);",
  "\tvoid *m = devm_kzalloc(&pdev->dev, 16, GFP_KERNEL);",
  "",
  "\tfoo_use(m);",
  "\treturn foo_old(b, 16);",
  "}",
);

const validTwoStructs = c(
  "struct foo_priv { u8 *buf; };",
  "struct bar_priv { u8 *buf; };",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *fp = devm_kzalloc(&pdev->dev, sizeof(*fp), GFP_KERNEL);",
  "",
  "\tfp->buf = devm_kzalloc(&pdev->dev, 32, GFP_KERNEL);",
  "\treturn 0;",
  "}",
  "",
  "static int bar_probe(struct platform_device *pdev)",
  "{",
  "\tstruct bar_priv *bp = kzalloc(sizeof(*bp), GFP_KERNEL);",
  "",
  "\tbp->buf = kzalloc(32, GFP_KERNEL);",
  "\tplatform_set_drvdata(pdev, bp);",
  "\treturn 0;",
  "}",
  "",
  "static int bar_remove(struct platform_device *pdev)",
  "{",
  "\tstruct bar_priv *bp = platform_get_drvdata(pdev);",
  "",
  "\tkfree(bp->buf);",
  "\tkfree(bp);",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_driver = { .probe = foo_probe };",
  "static struct platform_driver bar_driver = { .probe = bar_probe, .remove = bar_remove };",
);

const validHelperManualArg = c(
  "static void foo_put_buf(u8 *buf)",
  "{",
  "\tkfree(buf);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tu8 *tmp = kmalloc(64, GFP_KERNEL);",
  "\tu8 *keep = devm_kmalloc(&pdev->dev, 64, GFP_KERNEL);",
  "",
  "\tfoo_use(keep);",
  "\tfoo_put_buf(tmp);",
  "\treturn 0;",
  "}",
);

const validReleaseBeforeDevm = c(
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tu8 *buf = NULL;",
  "",
  "\tkfree(buf);",
  "\tbuf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
  "\treturn buf ? 0 : -ENOMEM;",
  "}",
);

const validOtherIrq = c(
  "struct foo_priv { int irq_rx; int irq_tx; };",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tint ret;",
  "",
  "\tpriv->irq_rx = platform_get_irq_byname(pdev, \"rx\");",
  "\tpriv->irq_tx = platform_get_irq_byname(pdev, \"tx\");",
  "\tret = devm_request_irq(&pdev->dev, priv->irq_rx, foo_rx_isr, 0, \"rx\", priv);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tret = request_threaded_irq(priv->irq_tx, NULL, foo_tx_thread, IRQF_ONESHOT, \"tx\", priv);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tfree_irq(priv->irq_tx, priv);",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_driver = { .probe = foo_probe, .remove = foo_remove };",
);

const validNoDevm = c(
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid *p = kzalloc(16, GFP_KERNEL);",
  "",
  "\tkfree(p);",
  "\treturn 0;",
  "}",
);

const validActionFreesManual = c(
  "static void foo_release_table(void *data)",
  "{",
  "\tkfree(data);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tvoid *tbl = kcalloc(8, 32, GFP_KERNEL);",
  "",
  "\tif (!tbl)",
  "\t\treturn -ENOMEM;",
  "\treturn devm_add_action_or_reset(&pdev->dev, foo_release_table, tbl);",
  "}",
);

const validHeader = c(
  "static inline void foo_buf_free(struct foo_buf *b)",
  "{",
  "\tkfree(b->data);",
  "\tkfree(b);",
  "}",
);

// runtime PM: suspend disables the devm_clk_get_enabled() clock, resume enables it again (balanced)
const validRuntimePm = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->clk = devm_clk_get_enabled(&pdev->dev, NULL);",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_runtime_suspend(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = dev_get_drvdata(dev);",
  "",
  "\tclk_disable_unprepare(priv->clk);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_runtime_resume(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = dev_get_drvdata(dev);",
  "",
  "\treturn clk_prepare_enable(priv->clk);",
  "}",
  "",
  "static const struct dev_pm_ops foo_pm_ops = {",
  "\tSET_RUNTIME_PM_OPS(foo_runtime_suspend, foo_runtime_resume, NULL)",
  "};",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.driver = { .name = \"foo\", .pm = &foo_pm_ops },",
  "};",
);

// spi_bitbang_start() takes a reference on bitbang.master: the driver's spi_master_put() drops it
const validBitbang = c(
  "struct foo_spi {",
  "\tstruct spi_bitbang bitbang;",
  "\tstruct spi_master *master;",
  "};",
  "",
  "static int foo_spi_probe(struct platform_device *pdev)",
  "{",
  "\tstruct spi_master *master = devm_spi_alloc_master(&pdev->dev, sizeof(struct foo_spi));",
  "\tstruct foo_spi *hw;",
  "",
  "\tif (!master)",
  "\t\treturn -ENOMEM;",
  "\thw = spi_master_get_devdata(master);",
  "\thw->master = master;",
  "\thw->bitbang.master = hw->master;",
  "\tplatform_set_drvdata(pdev, hw);",
  "\treturn spi_bitbang_start(&hw->bitbang);",
  "}",
  "",
  "static int foo_spi_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_spi *hw = platform_get_drvdata(pdev);",
  "",
  "\tspi_bitbang_stop(&hw->bitbang);",
  "\tspi_master_put(hw->master);",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_spi_driver = { .probe = foo_spi_probe, .remove = foo_spi_remove };",
);

// an explicit reference taken with spi_controller_get(), dropped with spi_controller_put()
const validExplicitGet = c(
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct spi_controller *host = devm_spi_alloc_host(&pdev->dev, 0);",
  "",
  "\tif (!host)",
  "\t\treturn -ENOMEM;",
  "\tplatform_set_drvdata(pdev, spi_controller_get(host));",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct spi_controller *host = platform_get_drvdata(pdev);",
  "",
  "\tspi_controller_put(host);",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_driver = { .probe = foo_probe, .remove = foo_remove };",
);

// a regulator enabled by hand and handed to a devm action that disables it: remove() disables it again
const actionRegulator = c(
  PRIV,
  "static void foo_disable_vdd(void *data)",
  "{",
  "\tregulator_disable(data);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tint ret;",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->vdd = devm_regulator_get(&pdev->dev, \"vdd\");",
  "\tret = regulator_enable(priv->vdd);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tret = devm_add_action_or_reset(&pdev->dev, foo_disable_vdd, priv->vdd);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tregulator_disable(priv->vdd);",
  "\treturn 0;",
  "}",
  DRIVER,
);

// kcalloc() handed to a devm action that frees it, then freed on a later error path too
const actionMemory = c(
  "static void foo_free_table(void *data)",
  "{",
  "\tkfree(data);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tu32 *tbl = kcalloc(8, sizeof(*tbl), GFP_KERNEL);",
  "\tint ret;",
  "",
  "\tif (!tbl)",
  "\t\treturn -ENOMEM;",
  "\tret = devm_add_action_or_reset(&pdev->dev, foo_free_table, tbl);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tret = foo_fill(tbl);",
  "\tif (ret)",
  "\t\tgoto err_tbl;",
  "\treturn 0;",
  "",
  "err_tbl:",
  "\tkfree(tbl);",
  "\treturn ret;",
  "}",
);

// the regulator is enabled by hand again in resume: suspend's disable pairs with it
const validActionRuntimePm = c(
  PRIV,
  "static void foo_disable_vdd(void *data)",
  "{",
  "\tregulator_disable(data);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tint ret;",
  "",
  "\tpriv->vdd = devm_regulator_get(&pdev->dev, \"vdd\");",
  "\tret = regulator_enable(priv->vdd);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tdev_set_drvdata(&pdev->dev, priv);",
  "\treturn devm_add_action_or_reset(&pdev->dev, foo_disable_vdd, priv->vdd);",
  "}",
  "",
  "static int foo_suspend(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = dev_get_drvdata(dev);",
  "",
  "\treturn regulator_disable(priv->vdd);",
  "}",
  "",
  "static int foo_resume(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = dev_get_drvdata(dev);",
  "",
  "\treturn regulator_enable(priv->vdd);",
  "}",
  "",
  "static SIMPLE_DEV_PM_OPS(foo_pm_ops, foo_suspend, foo_resume);",
  "static struct platform_driver foo_driver = { .probe = foo_probe, .driver = { .pm = &foo_pm_ops } };",
);

// the action is the kernel release itself, cast to the action type
const actionCastRelease = c(
  PRIV,
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
  "\tint ret;",
  "",
  "\tif (!priv)",
  "\t\treturn -ENOMEM;",
  "\tpriv->clk = devm_clk_get(&pdev->dev, NULL);",
  "\tret = clk_prepare_enable(priv->clk);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tret = devm_add_action_or_reset(&pdev->dev, (void (*)(void *))clk_disable_unprepare, priv->clk);",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tplatform_set_drvdata(pdev, priv);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_remove(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = platform_get_drvdata(pdev);",
  "",
  "\tclk_disable_unprepare(priv->clk);",
  "\treturn 0;",
  "}",
  DRIVER,
);

// devm_add_action_or_reset() runs the action itself when it fails: disabling again is a double disable
const orResetFailure = c(
  "static void foo_disable_vref(void *data)",
  "{",
  "\tregulator_disable(data);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct regulator *vref = devm_regulator_get(&pdev->dev, \"vref\");",
  "\tint err;",
  "",
  "\terr = regulator_enable(vref);",
  "\tif (err)",
  "\t\treturn err;",
  "\terr = devm_add_action_or_reset(&pdev->dev, foo_disable_vref, vref);",
  "\tif (err) {",
  "\t\tregulator_disable(vref);",
  "\t\treturn err;",
  "\t}",
  "\treturn 0;",
  "}",
);

// plain devm_add_action() registers nothing when it fails: the driver disables by hand, correctly
const validActionFailureBranch = c(
  "static void foo_disable_vref(void *data)",
  "{",
  "\tregulator_disable(data);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct regulator *vref = devm_regulator_get(&pdev->dev, \"vref\");",
  "\tint err;",
  "",
  "\terr = regulator_enable(vref);",
  "\tif (err)",
  "\t\treturn err;",
  "\terr = devm_add_action(&pdev->dev, foo_disable_vref, vref);",
  "\tif (err) {",
  "\t\tregulator_disable(vref);",
  "\t\treturn err;",
  "\t}",
  "\treturn 0;",
  "}",
  "",
  "static int bar_probe(struct platform_device *pdev)",
  "{",
  "\tstruct regulator *vcc = devm_regulator_get(&pdev->dev, \"vcc\");",
  "",
  "\tif (regulator_enable(vcc))",
  "\t\treturn -EIO;",
  "\tif (devm_add_action(&pdev->dev, foo_disable_vref, vcc)) {",
  "\t\tregulator_disable(vcc);",
  "\t\treturn -ENOMEM;",
  "\t}",
  "\treturn 0;",
  "}",
);

// the creator frees its object on its own error path, before a caller hands it to a devm action
const validCreatorErrorPath = c(
  "struct foo_ctx { struct workqueue_struct *wq; };",
  "",
  "static void foo_ctx_free(void *data)",
  "{",
  "\tkfree(data);",
  "}",
  "",
  "static struct foo_ctx *foo_ctx_create(void)",
  "{",
  "\tstruct foo_ctx *ctx = kzalloc(sizeof(*ctx), GFP_KERNEL);",
  "",
  "\tif (!ctx)",
  "\t\treturn ERR_PTR(-ENOMEM);",
  "\tctx->wq = alloc_ordered_workqueue(\"foo\", 0);",
  "\tif (!ctx->wq)",
  "\t\tgoto free_ctx;",
  "\treturn ctx;",
  "",
  "free_ctx:",
  "\tkfree(ctx);",
  "\treturn ERR_PTR(-ENOMEM);",
  "}",
  "",
  "struct foo_ctx *devm_foo_ctx_create(struct device *dev)",
  "{",
  "\tstruct foo_ctx *ctx = foo_ctx_create();",
  "\tint ret;",
  "",
  "\tif (IS_ERR(ctx))",
  "\t\treturn ctx;",
  "\tret = devm_add_action_or_reset(dev, foo_ctx_free, ctx);",
  "\tif (ret)",
  "\t\treturn ERR_PTR(ret);",
  "\treturn ctx;",
  "}",
);

// kernel-fp.md FP-4 (drivers/soc/apple/rtkit.c): the creator's own error path, before its caller hands
// the object to devm_add_action_or_reset()
const validKernelFp4 = "#include <linux/device.h>\n#include <linux/slab.h>\n#include <linux/workqueue.h>\n\nstruct foo_ctx {\n\tstruct device *dev;\n\tstruct workqueue_struct *wq;\n};\n\nstatic struct foo_ctx *foo_ctx_create(struct device *dev)\n{\n\tstruct foo_ctx *ctx;\n\tint ret;\n\n\tctx = kzalloc(sizeof(*ctx), GFP_KERNEL);\n\tif (!ctx)\n\t\treturn ERR_PTR(-ENOMEM);\n\tctx->dev = dev;\n\tctx->wq = alloc_ordered_workqueue(\"foo\", 0);\n\tif (!ctx->wq) {\n\t\tret = -ENOMEM;\n\t\tgoto free_ctx;\n\t}\n\treturn ctx;\n\nfree_ctx:\n\tkfree(ctx);\t\t\t/* reported; the object is not managed yet (nor ever, on this path) */\n\treturn ERR_PTR(ret);\n}\n\nstatic void foo_ctx_free(void *data)\n{\n\tstruct foo_ctx *ctx = data;\n\n\tdestroy_workqueue(ctx->wq);\n\tkfree(ctx);\n}\n\nstruct foo_ctx *devm_foo_ctx_create(struct device *dev)\n{\n\tstruct foo_ctx *ctx;\n\tint ret;\n\n\tctx = foo_ctx_create(dev);\n\tif (IS_ERR(ctx))\n\t\treturn ctx;\n\n\tret = devm_add_action_or_reset(dev, foo_ctx_free, ctx);\n\tif (ret)\n\t\treturn ERR_PTR(ret);\n\n\treturn ctx;\n}\n";

ruleTester.run("no-manual-free-of-devres (C)", rule, {
  valid: [
    { filename: "manual.c", code: validManual },
    { filename: "devm-release.c", code: validDevmRelease },
    { filename: "goto-before-devm.c", code: validGotoBeforeDevm },
    { filename: "shadowed.c", code: validShadowedKfree },
    { filename: "file-function.c", code: validFileFunctionNamedLikeApi },
    { filename: "maybe-manual.c", code: validMemberMaybeManual },
    { filename: "clock-by-hand.c", code: validClockEnabledByHand },
    { filename: "unknown-origin.c", code: validUnknownOrigin },
    { filename: "input.c", code: validInputDevice },
    { filename: "error-nodes.c", code: validErrorNodes },
    { filename: "knr.c", code: validKAndR },
    { filename: "two-structs.c", code: validTwoStructs },
    { filename: "helper-manual.c", code: validHelperManualArg },
    { filename: "release-before-devm.c", code: validReleaseBeforeDevm },
    { filename: "other-irq.c", code: validOtherIrq },
    { filename: "no-devm.c", code: validNoDevm },
    { filename: "action.c", code: validActionFreesManual },
    { filename: "foo.h", code: validHeader },
    { filename: "empty.c", code: "" },
    { filename: "runtime-pm.c", code: validRuntimePm },
    { filename: "bitbang.c", code: validBitbang },
    { filename: "explicit-get.c", code: validExplicitGet },
    { filename: "action-runtime-pm.c", code: validActionRuntimePm },
    { filename: "action-failure-branch.c", code: validActionFailureBranch },
    { filename: "creator-error-path.c", code: validCreatorErrorPath },
    { filename: "kernel-fp-4.c", code: validKernelFp4 },
  ],
  invalid: [
    {
      filename: "or-reset-failure.c",
      code: orResetFailure,
      errors: [
        doubleFree(orResetFailure, {
          resource: "vref",
          api: "devm_add_action_or_reset",
          acquiredAt: "devm_add_action_or_reset",
          owner: "its device",
          release: "regulator_disable()",
          consequence: "unbalanced disable: the enable count underflows and the kernel WARNs",
          reportedAt: "regulator_disable(vref);\n\t\treturn",
          output: orResetFailure.replace("\t\tregulator_disable(vref);\n", ""),
        }),
      ],
    },
    {
      filename: "action-cast.c",
      code: actionCastRelease,
      errors: [
        doubleFree(actionCastRelease, {
          resource: "priv->clk",
          api: "devm_add_action_or_reset",
          acquiredAt: "devm_add_action_or_reset",
          owner: "the device of foo_driver",
          release: "clk_disable_unprepare()",
          consequence: "unbalanced disable: the enable count underflows and the kernel WARNs",
          reportedAt: "clk_disable_unprepare(priv->clk)",
          output: actionCastRelease.replace("\n\tclk_disable_unprepare(priv->clk);\n", "\n"),
        }),
      ],
    },
    {
      filename: "action-regulator.c",
      code: actionRegulator,
      errors: [
        doubleFree(actionRegulator, {
          resource: "priv->vdd",
          api: "devm_add_action_or_reset",
          acquiredAt: "devm_add_action_or_reset",
          owner: "the device of foo_driver",
          release: "regulator_disable()",
          consequence: "unbalanced disable: the enable count underflows and the kernel WARNs",
          reportedAt: "regulator_disable(priv->vdd)",
          output: actionRegulator.replace("\n\tregulator_disable(priv->vdd);\n", "\n"),
        }),
      ],
    },
    {
      filename: "action-memory.c",
      code: actionMemory,
      errors: [
        doubleFree(actionMemory, {
          resource: "tbl",
          api: "devm_add_action_or_reset",
          acquiredAt: "devm_add_action_or_reset",
          owner: "its device",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(tbl)",
        }),
      ],
    },
    {
      filename: "direct.c",
      code: direct,
      errors: [
        doubleFree(direct, {
          resource: "buf",
          api: "devm_kzalloc",
          acquiredAt: "devm_kzalloc",
          owner: "the device of foo_driver",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(buf)",
          output: direct.replace("\t\tkfree(buf);\n", ""),
        }),
      ],
    },
    {
      filename: "irq.c",
      code: irqDrvdata,
      errors: [
        doubleFree(irqDrvdata, {
          resource: "priv->irq",
          api: "devm_request_irq",
          acquiredAt: "devm_request_irq",
          owner: "the device of foo_driver",
          release: "free_irq()",
          consequence: "double free_irq: the kernel WARNs \"Trying to free already-free IRQ\"",
          reportedAt: "free_irq(priv->irq, priv)",
          output: irqDrvdata.replace("\tfree_irq(priv->irq, priv);\n", ""),
        }),
      ],
    },
    {
      filename: "mmio-clock.c",
      code: mmioAndClock,
      errors: [
        doubleFree(mmioAndClock, {
          resource: "priv->clk",
          api: "devm_clk_get_enabled",
          acquiredAt: "devm_clk_get_enabled",
          owner: "the device of foo_driver",
          release: "clk_disable_unprepare()",
          consequence: "unbalanced disable: the enable count underflows and the kernel WARNs",
          reportedAt: "clk_disable_unprepare(",
          output: mmioAndClock.replace("\tclk_disable_unprepare(priv->clk);\n", ""),
        }),
        doubleFree(mmioAndClock, {
          resource: "priv->base",
          api: "devm_platform_ioremap_resource",
          acquiredAt: "devm_platform_ioremap_resource",
          owner: "the device of foo_driver",
          release: "iounmap()",
          consequence: "double unmap",
          reportedAt: "iounmap(",
          output: mmioAndClock.replace("\tiounmap(priv->base);\n", ""),
        }),
      ],
    },
    {
      filename: "helper-param.c",
      code: helperFreesParam,
      errors: [
        doubleFree(helperFreesParam, {
          resource: "priv->buf",
          api: "devm_kmalloc",
          acquiredAt: "devm_kmalloc",
          owner: "the device of foo_driver",
          release: "foo_put_buf() (through kfree())",
          consequence: "double free",
          reportedAt: "foo_put_buf(priv->buf)",
        }),
      ],
    },
    {
      filename: "helper-member.c",
      code: helperFreesMember,
      errors: [
        doubleFree(helperFreesMember, {
          resource: "p->buf",
          api: "devm_kzalloc",
          acquiredAt: "return devm_kzalloc",
          owner: "the device of foo_driver",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(p->buf)",
          output: helperFreesMember.replace("\tkfree(p->buf);\n", ""),
        }),
      ],
    },
    {
      // the goto runs after the devm call; the release is the label's statement: dropping it would
      // move the label, so no suggestion
      filename: "goto-after-devm.c",
      code: gotoAfterDevm,
      errors: [
        doubleFree(gotoAfterDevm, {
          resource: "priv->buf",
          api: "devm_kzalloc",
          acquiredAt: "priv->buf = devm_kzalloc",
          owner: "the device of foo_driver",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(priv->buf)",
        }),
      ],
    },
    {
      filename: "i2c.c",
      code: i2cAdapter,
      errors: [
        doubleFree(i2cAdapter, {
          resource: "&priv->adap",
          api: "devm_i2c_add_adapter",
          acquiredAt: "devm_i2c_add_adapter",
          owner: "the device of foo_i2c_driver",
          release: "i2c_del_adapter()",
          consequence: "double unregister: use after free of the registered object",
          reportedAt: "i2c_del_adapter(",
          output: i2cAdapter.replace("\n\ti2c_del_adapter(&priv->adap);\n", "\n"),
        }),
      ],
    },
    {
      filename: "spi.c",
      code: spiController,
      errors: [
        doubleFree(spiController, {
          resource: "ctlr",
          api: "devm_spi_register_controller",
          acquiredAt: "devm_spi_register_controller",
          owner: "the device of foo_spi_driver",
          release: "spi_unregister_controller()",
          consequence: "double unregister: use after free of the registered object",
          reportedAt: "spi_unregister_controller(",
          output: spiController.replace("\tspi_unregister_controller(ctlr);\n", ""),
        }),
      ],
    },
    {
      filename: "pci.c",
      code: pciIomap,
      errors: [
        doubleFree(pciIomap, {
          resource: "fp->ring",
          api: "dmam_alloc_coherent",
          acquiredAt: "dmam_alloc_coherent",
          owner: "the device of foo_pci_driver",
          release: "dma_free_coherent()",
          consequence: "double free",
          reportedAt: "dma_free_coherent(",
          output: pciIomap.replace("\tdma_free_coherent(&pdev->dev, SZ_4K, fp->ring, fp->ring_dma);\n", ""),
        }),
        doubleFree(pciIomap, {
          resource: "fp->regs",
          api: "pcim_iomap",
          acquiredAt: "pcim_iomap(",
          owner: "the device of foo_pci_driver",
          release: "pci_iounmap()",
          consequence: "double unmap",
          reportedAt: "pci_iounmap(",
          output: pciIomap.replace("\tpci_iounmap(pdev, fp->regs);\n", ""),
        }),
      ],
    },
    {
      // a release in an `if` without braces: no faithful removal, no suggestion
      filename: "container-of.c",
      code: containerOfWork,
      errors: [
        doubleFree(containerOfWork, {
          resource: "priv->reset",
          api: "devm_gpiod_get",
          acquiredAt: "devm_gpiod_get",
          owner: "the device of foo_driver",
          release: "gpiod_put()",
          consequence: "double put",
          reportedAt: "gpiod_put(",
        }),
      ],
    },
    {
      filename: "pm.c",
      code: pmSuspend,
      errors: [
        doubleFree(pmSuspend, {
          resource: "priv->vdd",
          api: "devm_regulator_get",
          acquiredAt: "devm_regulator_get",
          owner: "the device of foo_driver",
          release: "regulator_put()",
          consequence: "double put",
          reportedAt: "regulator_put(",
          output: pmSuspend.replace("\tregulator_put(priv->vdd);\n", ""),
        }),
      ],
    },
    {
      filename: "two-drivers.c",
      code: twoDrivers,
      errors: [
        doubleFree(twoDrivers, {
          resource: "bp->fw",
          api: "devm_kmemdup",
          acquiredAt: "devm_kmemdup",
          owner: "the device of bar_driver",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(bp->fw)",
          output: twoDrivers.replace("\tkfree(bp->fw);\n", ""),
        }),
      ],
    },
    {
      // a devm_ function not in the vocabulary is managed by the naming convention; through a cast alias
      filename: "convention.c",
      code: conventionAndAlias,
      errors: [
        doubleFree(conventionAndAlias, {
          resource: "alias",
          api: "devm_foo_table_create",
          acquiredAt: "devm_foo_table_create",
          owner: "the device of foo_driver",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(alias)",
        }),
      ],
    },
    {
      // two releases on one line: each suggestion removes only its own statement
      filename: "region-wq.c",
      code: memRegionAndWorkqueue,
      errors: [
        doubleFree(memRegionAndWorkqueue, {
          resource: "bz->wq",
          api: "devm_alloc_ordered_workqueue",
          acquiredAt: "devm_alloc_ordered_workqueue",
          owner: "the device of baz_driver",
          release: "destroy_workqueue()",
          consequence: "double destroy",
          reportedAt: "destroy_workqueue(",
          output: memRegionAndWorkqueue.replace("destroy_workqueue(bz->wq);", ""),
        }),
        doubleFree(memRegionAndWorkqueue, {
          resource: "bz->res->start",
          api: "devm_request_mem_region",
          acquiredAt: "devm_request_mem_region",
          owner: "the device of baz_driver",
          release: "release_mem_region()",
          consequence: "double release",
          reportedAt: "release_mem_region(",
          output: memRegionAndWorkqueue.replace("release_mem_region(bz->res->start, resource_size(bz->res));", ""),
        }),
      ],
    },
    {
      filename: "usb.c",
      code: usbDisconnect,
      errors: [
        doubleFree(usbDisconnect, {
          resource: "fu",
          api: "devm_kzalloc",
          acquiredAt: "devm_kzalloc",
          owner: "the device of foo_usb_driver",
          release: "kfree()",
          consequence: "double free",
          reportedAt: "kfree(fu)",
          output: usbDisconnect.replace("\tkfree(fu);\n", ""),
        }),
      ],
    },
    {
      filename: "error-nearby.c",
      code: errorNodesNearby,
      errors: [
        doubleFree(errorNodesNearby, {
          resource: "priv->buf",
          api: "devm_kcalloc",
          acquiredAt: "devm_kcalloc",
          owner: "the device of foo_driver",
          release: "kvfree()",
          consequence: "double free",
          reportedAt: "kvfree(",
          output: errorNodesNearby.replace("\tkvfree(priv->buf);\n", ""),
        }),
      ],
    },
  ],
});

describe("C dispatch: every devbound rule on a C file", () => {
  it("every rule runs on C without a 'needs type information' report; only this one reports here", () => {
    const linter = new Linter({ configType: "flat" });
    const all = Object.fromEntries(Object.keys(devbound.rules).map((name) => [`devbound/${name}`, "error" as const]));
    const messages = linter.verify(irqDrvdata, cConfig(all), "irq.c");
    expect(messages.map((m) => `${m.ruleId}@${m.line}`)).toEqual([`devbound/no-manual-free-of-devres@${lineOf(irqDrvdata, "free_irq(priv->irq, priv)")}`]);
  });

  it("an inline directive in a C comment disables it on the next line (the page's advice)", () => {
    const linter = new Linter({ configType: "flat" });
    const code = irqDrvdata.replace("\tfree_irq(priv->irq, priv);", "\t/* eslint-disable-next-line devbound/no-manual-free-of-devres -- taken by hand in resume */\n\tfree_irq(priv->irq, priv);");
    const config = cConfig({ "devbound/no-manual-free-of-devres": "error" });
    expect(linter.verify(code, config, "irq.c")).toEqual([]);
    expect(linter.verify(irqDrvdata, config, "irq.c").map((m) => m.line)).toEqual([lineOf(irqDrvdata, "free_irq(priv->irq, priv)")]);
  });

  it("every rule declares both languages", () => {
    for (const r of Object.values(devbound.rules)) expect((r.meta as { languages?: string[] }).languages).toEqual(["js/js", "devbound/c"]);
  });
});

describe("devbound.configs.kernel", () => {
  it("lints C files beside `recommended` with the macro hints and the rules that have a C check", () => {
    const linter = new Linter({ configType: "flat" });
    const config = [...devbound.configs.recommended, ...devbound.configs.kernel] as never;
    // `__iomem` and `__must_check` are blanked by the kernel hints: without them this parses with ERROR nodes
    const code = irqDrvdata.replace("static int foo_probe(", "static int __must_check foo_probe(");
    const messages = linter.verify(code, config, "drivers/foo/foo.c");
    expect(messages.map((m) => `${m.ruleId}@${m.line}:${m.column}`)).toEqual([`devbound/no-manual-free-of-devres@${lineOf(code, "free_irq(priv->irq, priv)")}:2`]);
    const kernel = devbound.configs.kernel.find((c) => c.name === "devbound/kernel") as { files: string[]; language: string; rules: Record<string, unknown>; languageOptions: { macroHints: { annotations: string[] } } };
    expect(kernel.files).toEqual(["**/*.c", "**/*.h"]);
    expect(kernel.language).toBe("devbound/c");
    expect(kernel.languageOptions.macroHints.annotations).toContain("__iomem");
    expect(kernel.rules["devbound/no-manual-free-of-devres"]).toBe("error");
    expect(kernel.rules["devbound/no-devres-to-kobject"]).toBe("error");
    // a TypeScript-only rule (no C check) is not in `kernel`
    expect(kernel.rules["devbound/no-try-access-in-bound-scope"]).toBeUndefined();
  });
});

describe("every resource kind of the vocabulary", () => {
  // One driver per (managed acquisition, manual release of one of its kinds) pair of
  // vocabulary/apis.ts, generated from the tables: each manual release is reported, with the
  // acquisition named. A kind whose subsystem tolerates the manual release is not.
  const linter = new Linter({ configType: "flat" });
  const config = cConfig({ "devbound/no-manual-free-of-devres": "error" });
  const args = (n: number, at: Record<number, string>) => Array.from({ length: n }, (_, i) => at[i] ?? "0").join(", ");
  const pairs: { acquire: string; release: string; code: string }[] = [];
  for (const [acquire, a] of Object.entries(ACQUIRE)) {
    if (!a.managed || a.member) continue;
    for (const kind of a.kinds) {
      if (MANAGED_RELEASE_TOLERATED.has(kind)) continue;
      for (const [release, r] of Object.entries(RELEASE)) {
        if (r.kind !== kind || r.managedRelease) continue;
        const at: Record<number, string> = a.device !== undefined ? { [a.device]: "&pdev->dev" } : {};
        const acq =
          a.resource === "return"
            ? `\tres = ${acquire}(${args(Math.max(a.device ?? 0, 3) + 1, at)});`
            : `\t${acquire}(${args(Math.max(a.resource, a.device ?? 0) + 2, { ...at, [a.resource]: "res" })});`;
        const code = c(
          "static int foo_probe(struct platform_device *pdev)",
          "{",
          "\tvoid *res = foo_lookup(pdev);",
          acq,
          `\t${release}(${args(r.resource + 2, { [r.resource]: "res" })});`,
          "\treturn 0;",
          "}",
        );
        pairs.push({ acquire, release, code });
      }
    }
  }

  it("covers every kind that has a devm acquisition and a manual release", () => {
    const kinds = new Set(pairs.map((p) => RELEASE[p.release]!.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(30);
    expect(kinds).toContain("irq");
    expect(kinds).toContain("clock-enable");
  });

  // What the second release does, per kind, written out here (not read from the vocabulary's
  // CONSEQUENCE): memory is a double free, an enable an unbalanced disable, a registration a
  // double unregister.
  const BY_CONSEQUENCE: Record<string, readonly string[]> = {
    "double free": ["memory", "pages", "dma-coherent", "netdev", "input-device", "iio-device", "regmap"],
    "double free of the GPIO": ["gpio-legacy"],
    'double free_irq: the kernel WARNs "Trying to free already-free IRQ"': ["irq"],
    "double unmap": ["mmio"],
    "double release": ["pci-regions", "mem-region", "io-region"],
    "double put": ["clock", "clock-bulk", "regulator", "regulator-bulk", "gpio-desc", "gpio-descs", "reset", "pinctrl", "phy", "spi-controller"],
    "unbalanced unprepare: the prepare count underflows and the kernel WARNs": ["clock-prepare"],
    "unbalanced disable: the enable count underflows and the kernel WARNs": ["clock-enable", "regulator-enable"],
    "double destroy": ["dma-pool", "workqueue"],
    "double unregister: use after free of the registered object": [
      "netdev-registration",
      "spi-registration",
      "i2c-adapter",
      "input-registration",
      "iio-registration",
      "iio-trigger-registration",
      "rtc-registration",
      "hwmon-registration",
      "led-registration",
      "pwm-registration",
      "gpiochip-registration",
      "watchdog-registration",
      "mbox-registration",
      "backlight-registration",
      "power-supply-registration",
      "pinctrl-registration",
    ],
  };
  const consequenceOf = (kind: string) => Object.entries(BY_CONSEQUENCE).find(([, kinds]) => kinds.includes(kind))?.[0] ?? `no consequence written for ${kind}`;

  it.each(pairs.map((p) => [`${p.acquire} then ${p.release}`, p] as const))("%s", (_name, p) => {
    const messages = linter.verify(p.code, config, "kind.c");
    expect(messages.map((m) => `${m.line}:${m.column} ${m.message}`)).toEqual([
      `5:2 \`res\` is devres-managed (from ${p.acquire}() at line 4) and is released when its device unbinds; ${p.release}() here releases it a second time (${consequenceOf(RELEASE[p.release]!.kind)}).`,
    ]);
  });

  it("tolerated kinds are not reported (the input core releases a managed input device itself)", () => {
    const code = c("static int foo_probe(struct platform_device *pdev)", "{", "\tstruct input_dev *res = devm_input_allocate_device(&pdev->dev);", "", "\tinput_free_device(res);", "\treturn 0;", "}");
    expect(linter.verify(code, config, "kind.c")).toEqual([]);
  });
});
