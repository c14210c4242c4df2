// RuleTester cases for devbound/no-mixed-devm-teardown on C (language devbound/c, the kernel
// macro hints as devbound.configs.kernel passes them). Each case is a small kernel-style driver
// written here; messages and locations are pinned exactly.
//   (a) a devm callback (IRQ handler, threaded handler, devm action, devm work) using what
//       remove() tears down: reported at the registration in probe() (or the helper call making it)
//   (b) a devm registration whose callbacks are not in the file, after a manual acquisition that
//       remove() tears down: reported at the first such registration after it
import { cRule, cRuleTester as ruleTester } from "./setup-c.js";

const rule = cRule("no-mixed-devm-teardown");
/** A C file written as a template literal: the newline after the opening backtick is not part of it (line 1 is the next line). */
const c = (s: TemplateStringsArray): string => s[0]!.slice(1);

/** Options of the strict config (the soft check on). */
const strict = [{ checkDevresWithRemove: true }];

ruleTester.run("no-mixed-devm-teardown (C)", rule, {
  valid: [
    // strict: no soft report for a driver without remove()
    {
      filename: "good01.c",
      code: c`
struct foo_priv {
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = 1;
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
      options: strict,
    },
    // everything devm, no remove()
    {
      filename: "good01.c",
      code: c`
struct foo_priv {
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = 1;
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
    },
    // everything manual: remove() frees the IRQ first, then what the handler uses
    {
      filename: "good02.c",
      code: c`
struct foo_priv {
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = 1;
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;
	int ret;

	priv = kzalloc(sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf) {
		ret = -ENOMEM;
		goto err_priv;
	}
	ret = request_irq(priv->irq, foo_isr, 0, "foo", priv);
	if (ret)
		goto err_buf;
	platform_set_drvdata(pdev, priv);
	return 0;

err_buf:
	kfree(priv->buf);
err_priv:
	kfree(priv);
	return ret;
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	free_irq(priv->irq, priv);
	kfree(priv->buf);
	kfree(priv);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
    },
    // remove() frees something the handler never reaches
    {
      filename: "good03.c",
      code: c`
struct fw_priv {
	void __iomem *base;
	u8 *fw_copy;
	u32 status;
	int irq;
};

static irqreturn_t fw_isr(int irq, void *data)
{
	struct fw_priv *priv = data;

	priv->status = readl(priv->base);
	return IRQ_HANDLED;
}

static int fw_probe(struct platform_device *pdev)
{
	struct fw_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(priv->base))
		return PTR_ERR(priv->base);
	priv->fw_copy = kmemdup(fw_blob, sizeof(fw_blob), GFP_KERNEL);
	if (!priv->fw_copy)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, fw_isr, 0, "fw", priv);
}

static int fw_remove(struct platform_device *pdev)
{
	struct fw_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->fw_copy);
	return 0;
}

static struct platform_driver fw_driver = {
	.probe = fw_probe,
	.remove = fw_remove,
	.driver = { .name = "fw" },
};
module_platform_driver(fw_driver);
`,
    },
    // remove() frees the devm IRQ (devm_free_irq) before the buffer
    {
      filename: "good04.c",
      code: c`
struct foo_priv {
	void __iomem *base;
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = readl(priv->base);
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	devm_free_irq(&pdev->dev, priv->irq, priv);
	kfree(priv->buf);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
    },
    // remove() disables the IRQ before the free
    {
      filename: "good05.c",
      code: c`
struct foo_priv {
	void __iomem *base;
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = readl(priv->base);
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	disable_irq(priv->irq);
	kfree(priv->buf);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
    },
    // remove() synchronises the IRQ before the free
    {
      filename: "good06.c",
      code: c`
struct foo_priv {
	void __iomem *base;
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = readl(priv->base);
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	synchronize_irq(priv->irq);
	kfree(priv->buf);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
    },
    // devm_add_action_or_reset() orders the clock's teardown after the controller's; no remove()
    {
      filename: "good07.c",
      code: c`
struct qspi {
	struct spi_controller *ctlr;
	struct clk *clk;
};

static void qspi_clk_off(void *clk)
{
	clk_disable_unprepare(clk);
}

static int qspi_probe(struct platform_device *pdev)
{
	struct spi_controller *ctlr;
	struct qspi *qspi;
	int ret;

	ctlr = devm_spi_alloc_host(&pdev->dev, sizeof(*qspi));
	if (!ctlr)
		return -ENOMEM;
	qspi = spi_controller_get_devdata(ctlr);
	qspi->clk = devm_clk_get(&pdev->dev, "ref");
	if (IS_ERR(qspi->clk))
		return PTR_ERR(qspi->clk);
	ret = clk_prepare_enable(qspi->clk);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(&pdev->dev, qspi_clk_off, qspi->clk);
	if (ret)
		return ret;
	return devm_spi_register_controller(&pdev->dev, ctlr);
}

static struct platform_driver qspi_driver = {
	.probe = qspi_probe,
	.driver = { .name = "qspi" },
};
module_platform_driver(qspi_driver);
`,
    },
    // a non-devm work cancelled with cancel_work_sync() in remove() before the free
    {
      filename: "good08.c",
      code: c`
struct led_priv {
	struct work_struct work;
	u8 *pattern;
	int irq;
};

static void led_work(struct work_struct *work)
{
	struct led_priv *priv = container_of(work, struct led_priv, work);

	priv->pattern[0] ^= 1;
}

static int led_probe(struct platform_device *pdev)
{
	struct led_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->pattern = kzalloc(16, GFP_KERNEL);
	if (!priv->pattern)
		return -ENOMEM;
	INIT_WORK(&priv->work, led_work);
	platform_set_drvdata(pdev, priv);
	schedule_work(&priv->work);
	return 0;
}

static int led_remove(struct platform_device *pdev)
{
	struct led_priv *priv = platform_get_drvdata(pdev);

	cancel_work_sync(&priv->work);
	kfree(priv->pattern);
	return 0;
}

static struct platform_driver led_driver = {
	.probe = led_probe,
	.remove = led_remove,
	.driver = { .name = "led" },
};
module_platform_driver(led_driver);
`,
    },
    // a devm_work_autocancel work cancelled in remove() before the free
    {
      filename: "good09.c",
      code: c`
#include <linux/devm-helpers.h>

struct qux_priv {
	struct work_struct rx_work;
	u8 *rx_buf;
	size_t rx_len;
};

static void qux_rx_work(struct work_struct *work)
{
	struct qux_priv *priv = container_of(work, struct qux_priv, rx_work);

	memset(priv->rx_buf, 0, priv->rx_len);
}

static int qux_probe(struct platform_device *pdev)
{
	struct qux_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->rx_len = 256;
	priv->rx_buf = kmalloc(priv->rx_len, GFP_KERNEL);
	if (!priv->rx_buf)
		return -ENOMEM;
	ret = devm_work_autocancel(&pdev->dev, &priv->rx_work, qux_rx_work);
	if (ret) {
		kfree(priv->rx_buf);
		return ret;
	}
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int qux_remove(struct platform_device *pdev)
{
	struct qux_priv *priv = platform_get_drvdata(pdev);

	cancel_work_sync(&priv->rx_work);
	kfree(priv->rx_buf);
	return 0;
}

static struct platform_driver qux_driver = {
	.probe = qux_probe,
	.remove = qux_remove,
	.driver = { .name = "qux" },
};
module_platform_driver(qux_driver);
`,
    },
    // a devm allocation (not a registration) after a manual one
    {
      filename: "good10.c",
      code: c`
struct cache_priv {
	u8 *cache;
	u8 *lut;
};

static int cache_probe(struct platform_device *pdev)
{
	struct cache_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->cache = vzalloc(SZ_1M);
	if (!priv->cache)
		return -ENOMEM;
	priv->lut = devm_kzalloc(&pdev->dev, 256, GFP_KERNEL);
	if (!priv->lut) {
		vfree(priv->cache);
		return -ENOMEM;
	}
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int cache_remove(struct platform_device *pdev)
{
	struct cache_priv *priv = platform_get_drvdata(pdev);

	vfree(priv->cache);
	return 0;
}

static struct platform_driver cache_driver = {
	.probe = cache_probe,
	.remove = cache_remove,
	.driver = { .name = "cache" },
};
module_platform_driver(cache_driver);
`,
    },
    // remove() kfrees a devm buffer: no-manual-free-of-devres's double free, not reported here
    {
      filename: "good11.c",
      code: c`
struct foo_priv {
	void __iomem *base;
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = readl(priv->base);
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
    },
    // a timer (not devm) deleted with del_timer_sync() in remove() before the free
    {
      filename: "good12.c",
      code: c`
struct wd_priv {
	struct timer_list timer;
	u32 *counters;
};

static void wd_timer_fn(struct timer_list *t)
{
	struct wd_priv *priv = from_timer(priv, t, timer);

	priv->counters[0]++;
	mod_timer(&priv->timer, jiffies + HZ);
}

static int wd_probe(struct platform_device *pdev)
{
	struct wd_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->counters = kcalloc(4, sizeof(u32), GFP_KERNEL);
	if (!priv->counters)
		return -ENOMEM;
	timer_setup(&priv->timer, wd_timer_fn, 0);
	mod_timer(&priv->timer, jiffies + HZ);
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int wd_remove(struct platform_device *pdev)
{
	struct wd_priv *priv = platform_get_drvdata(pdev);

	del_timer_sync(&priv->timer);
	kfree(priv->counters);
	return 0;
}

static struct platform_driver wd_driver = {
	.probe = wd_probe,
	.remove = wd_remove,
	.driver = { .name = "wd" },
};
module_platform_driver(wd_driver);
`,
    },
    // not a driver: no remove() to mix with
    {
      filename: "good13.c",
      code: c`
struct helper_ctx {
	u8 *buf;
};

static irqreturn_t helper_isr(int irq, void *data)
{
	struct helper_ctx *ctx = data;

	ctx->buf[0] = 0;
	return IRQ_HANDLED;
}

int helper_attach(struct device *dev, struct helper_ctx *ctx, int irq)
{
	ctx->buf = kzalloc(8, GFP_KERNEL);
	if (!ctx->buf)
		return -ENOMEM;
	return devm_request_irq(dev, irq, helper_isr, 0, "helper", ctx);
}

void helper_detach(struct helper_ctx *ctx)
{
	kfree(ctx->buf);
}
`,
    },
    // two drivers in one file, same field names: the devm handler of b uses b's devm buffer; a frees its own
    {
      filename: "good14.c",
      code: c`
struct a_priv {
	u8 *buf;
};

struct b_priv {
	u8 *buf;
	int irq;
};

static irqreturn_t b_isr(int irq, void *data)
{
	struct b_priv *priv = data;

	priv->buf[0] = 1;
	return IRQ_HANDLED;
}

static int a_probe(struct platform_device *pdev)
{
	struct a_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(32, GFP_KERNEL);
	platform_set_drvdata(pdev, priv);
	return priv->buf ? 0 : -ENOMEM;
}

static int a_remove(struct platform_device *pdev)
{
	struct a_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf);
	return 0;
}

static int b_probe(struct platform_device *pdev)
{
	struct b_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->buf = devm_kzalloc(&pdev->dev, 32, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	return devm_request_irq(&pdev->dev, priv->irq, b_isr, 0, "b", priv);
}

static int b_remove(struct platform_device *pdev)
{
	return 0;
}

static struct platform_driver a_driver = { .probe = a_probe, .remove = a_remove, .driver = { .name = "a" } };
static struct platform_driver b_driver = { .probe = b_probe, .remove = b_remove, .driver = { .name = "b" } };
`,
    },
    // odd code: unknown macros, ERROR subtrees, kernel-typed locals that have no place: no report, no crash
    {
      filename: "good15.c",
      code: c`
struct odd_priv {
	struct clk *clk;
	int irq;
	DECLARE_BITMAP(flags, 8);
};

static irqreturn_t odd_isr(int irq, void *data)
{
	struct clk *clk = some_lookup(data);

	FOO_MACRO(clk) {
		clk_get_rate(clk)
	}
	return IRQ_HANDLED;
}

static int odd_probe(struct platform_device *pdev)
{
	struct odd_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	struct clk *clk;

	clk = clk_get(&pdev->dev, NULL);
	priv->clk = devm_clk_get(&pdev->dev, "x");
	return devm_request_irq(&pdev->dev, priv->irq, odd_isr, 0, "odd", priv) ?: 0;
}

static int odd_remove(struct platform_device *pdev)
{
	struct clk *clk = lookup_other_clk(pdev);

	clk_put(clk);
	return 0;
}

static struct platform_driver odd_driver = {
	.probe = odd_probe,
	.remove = odd_remove,
	.driver = { .name = "odd" },
};
module_platform_driver(odd_driver);
`,
    },
    // a remove() helper frees the threaded IRQ (devm_free_irq) before the clock is disabled
    {
      filename: "good16.c",
      code: c`
struct bar_data {
	struct i2c_client *client;
	struct clk *clk;
};

static int bar_read_status(struct bar_data *data)
{
	unsigned long rate = clk_get_rate(data->clk);

	return i2c_smbus_read_byte_data(data->client, rate > 1000000 ? 0x10 : 0x11);
}

static irqreturn_t bar_irq_thread(int irq, void *dev_id)
{
	bar_read_status(dev_id);
	return IRQ_HANDLED;
}

static int bar_probe(struct i2c_client *client)
{
	struct bar_data *data;
	int ret;

	data = devm_kzalloc(&client->dev, sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	data->client = client;
	data->clk = devm_clk_get(&client->dev, NULL);
	if (IS_ERR(data->clk))
		return PTR_ERR(data->clk);
	ret = clk_prepare_enable(data->clk);
	if (ret)
		return ret;
	i2c_set_clientdata(client, data);
	ret = devm_request_threaded_irq(&client->dev, client->irq, NULL, bar_irq_thread,
					IRQF_ONESHOT, "bar", data);
	if (ret)
		goto err_clk;
	return 0;

err_clk:
	clk_disable_unprepare(data->clk);
	return ret;
}

static void bar_quiesce(struct bar_data *data)
{
	devm_free_irq(&data->client->dev, data->client->irq, data);
}

static void bar_remove(struct i2c_client *client)
{
	struct bar_data *data = i2c_get_clientdata(client);

	bar_quiesce(data);
	clk_disable_unprepare(data->clk);
}

static struct i2c_driver bar_driver = {
	.driver = { .name = "bar" },
	.probe_new = bar_probe,
	.remove = bar_remove,
};
module_i2c_driver(bar_driver);
`,
    },
    // remove() releases the devm action (devm_release_action) before destroying the workqueue
    {
      filename: "good17.c",
      code: c`
struct baz_priv {
	struct workqueue_struct *wq;
	struct device *dev;
};

static void baz_flush(void *data)
{
	struct baz_priv *priv = data;

	flush_workqueue(priv->wq);
}

static int baz_probe(struct platform_device *pdev)
{
	struct baz_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->wq = alloc_workqueue("baz", WQ_HIGHPRI, 0);
	if (!priv->wq)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_add_action_or_reset(&pdev->dev, baz_flush, priv);
}

static int baz_remove(struct platform_device *pdev)
{
	struct baz_priv *priv = platform_get_drvdata(pdev);

	devm_release_action(&pdev->dev, baz_flush, priv);
	destroy_workqueue(priv->wq);
	return 0;
}

static struct platform_driver baz_driver = {
	.probe = baz_probe,
	.remove = baz_remove,
	.driver = { .name = "baz" },
};
module_platform_driver(baz_driver);
`,
    },
    // a devm action that clk_put()s the clock remove() disabled: put after disable is the right order (kernel: pci-mvebu)
    {
      filename: "good18.c",
      code: c`
struct pcie_port {
	struct clk *clk;
	void __iomem *base;
};

static void pcie_port_clk_put(void *data)
{
	struct pcie_port *port = data;

	clk_put(port->clk);
}

static int pcie_probe(struct platform_device *pdev)
{
	struct pcie_port *port = devm_kzalloc(&pdev->dev, sizeof(*port), GFP_KERNEL);
	int ret;

	if (!port)
		return -ENOMEM;
	port->clk = of_clk_get_by_name(pdev->dev.of_node, NULL);
	if (IS_ERR(port->clk))
		return PTR_ERR(port->clk);
	ret = devm_add_action(&pdev->dev, pcie_port_clk_put, port);
	if (ret < 0) {
		clk_put(port->clk);
		return ret;
	}
	ret = clk_prepare_enable(port->clk);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, port);
	return 0;
}

static int pcie_remove(struct platform_device *pdev)
{
	struct pcie_port *port = platform_get_drvdata(pdev);

	clk_disable_unprepare(port->clk);
	return 0;
}

static struct platform_driver pcie_driver = {
	.probe = pcie_probe,
	.remove = pcie_remove,
	.driver = { .name = "pcie" },
};
builtin_platform_driver(pcie_driver);
`,
    },
    // a managed call that adds data, not a live object (devm_pm_opp_of_add_table), after a manual clock enable
    {
      filename: "good19.c",
      code: c`
struct mmc_host_priv {
	struct clk *bus_clk;
};

static int mmcx_probe(struct platform_device *pdev)
{
	struct mmc_host_priv *host = devm_kzalloc(&pdev->dev, sizeof(*host), GFP_KERNEL);
	int ret;

	if (!host)
		return -ENOMEM;
	host->bus_clk = devm_clk_get(&pdev->dev, "bus");
	if (IS_ERR(host->bus_clk))
		return PTR_ERR(host->bus_clk);
	ret = clk_prepare_enable(host->bus_clk);
	if (ret)
		return ret;
	ret = devm_pm_opp_of_add_table(&pdev->dev);
	if (ret)
		goto err_clk;
	platform_set_drvdata(pdev, host);
	return 0;
err_clk:
	clk_disable_unprepare(host->bus_clk);
	return ret;
}

static int mmcx_remove(struct platform_device *pdev)
{
	struct mmc_host_priv *host = platform_get_drvdata(pdev);

	clk_disable_unprepare(host->bus_clk);
	return 0;
}

static struct platform_driver mmcx_driver = {
	.probe = mmcx_probe,
	.remove = mmcx_remove,
	.driver = { .name = "mmcx" },
};
module_platform_driver(mmcx_driver);
`,
    },
    // a devm action that is itself a kernel release ((void (*)(void *))clk_disable_unprepare) after a manual regulator_enable(): it only undoes its own clock (kernel: sccnxp)
    {
      filename: "good20.c",
      code: c`
struct uartx {
	struct regulator *regulator;
	struct uart_driver uart;
};

static int uartx_probe(struct platform_device *pdev)
{
	struct uartx *s;
	struct clk *clk;
	int ret;

	s = devm_kzalloc(&pdev->dev, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	s->regulator = devm_regulator_get(&pdev->dev, "vcc");
	if (IS_ERR(s->regulator))
		return PTR_ERR(s->regulator);
	ret = regulator_enable(s->regulator);
	if (ret)
		return ret;
	clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(clk)) {
		ret = PTR_ERR(clk);
		goto err_reg;
	}
	ret = clk_prepare_enable(clk);
	if (ret)
		goto err_reg;
	ret = devm_add_action_or_reset(&pdev->dev,
				       (void (*)(void *))clk_disable_unprepare, clk);
	if (ret)
		goto err_reg;
	platform_set_drvdata(pdev, s);
	return uart_register_driver(&s->uart);

err_reg:
	regulator_disable(s->regulator);
	return ret;
}

static int uartx_remove(struct platform_device *pdev)
{
	struct uartx *s = platform_get_drvdata(pdev);

	uart_unregister_driver(&s->uart);
	return regulator_disable(s->regulator);
}

static struct platform_driver uartx_driver = {
	.probe = uartx_probe,
	.remove = uartx_remove,
	.driver = { .name = "uartx" },
};
module_platform_driver(uartx_driver);
`,
    },
    // a devm action disabling its own data, the regulator remove() disables too: no-manual-free-of-devres reports that double release, not this rule (one bug, one report)
    {
      filename: "good21.c",
      code: c`
struct amp {
	struct regulator *supply;
	struct i2c_client *client;
};

static void amp_supply_off(void *data)
{
	regulator_disable(data);
}

static int amp_probe(struct i2c_client *client)
{
	struct amp *amp = devm_kzalloc(&client->dev, sizeof(*amp), GFP_KERNEL);
	int ret;

	if (!amp)
		return -ENOMEM;
	amp->supply = devm_regulator_get(&client->dev, "vdd");
	if (IS_ERR(amp->supply))
		return PTR_ERR(amp->supply);
	ret = regulator_enable(amp->supply);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(&client->dev, amp_supply_off, amp->supply);
	if (ret)
		return ret;
	i2c_set_clientdata(client, amp);
	return 0;
}

static void amp_remove(struct i2c_client *client)
{
	struct amp *amp = i2c_get_clientdata(client);

	regulator_disable(amp->supply);
}

static struct i2c_driver amp_driver = {
	.driver = { .name = "amp" },
	.probe_new = amp_probe,
	.remove = amp_remove,
};
module_i2c_driver(amp_driver);
`,
    },
    // (b) not reported: the devm regulator's ops (file-scope initialisers) never touch the power supply remove() unregisters (kernel: bq24190_charger)
    {
      filename: "good22.c",
      code: c`
struct chg_dev {
	struct i2c_client *client;
	struct power_supply *battery;
};

static int chg_vbus_enable(struct regulator_dev *rdev)
{
	struct chg_dev *chg = rdev_get_drvdata(rdev);

	return i2c_smbus_write_byte_data(chg->client, 0x01, 0x30);
}

static const struct regulator_ops chg_vbus_ops = {
	.enable = chg_vbus_enable,
};

static const struct regulator_desc chg_vbus_desc = {
	.name = "usb_otg_vbus",
	.type = REGULATOR_VOLTAGE,
	.owner = THIS_MODULE,
	.ops = &chg_vbus_ops,
};

static const struct power_supply_desc chg_battery_desc = {
	.name = "chg-battery",
	.type = POWER_SUPPLY_TYPE_BATTERY,
};

static int chg_probe(struct i2c_client *client)
{
	struct power_supply_config psy_cfg = {};
	struct regulator_config cfg = {};
	struct regulator_dev *reg;
	struct chg_dev *chg;

	chg = devm_kzalloc(&client->dev, sizeof(*chg), GFP_KERNEL);
	if (!chg)
		return -ENOMEM;
	chg->client = client;
	i2c_set_clientdata(client, chg);

	psy_cfg.drv_data = chg;
	chg->battery = power_supply_register(&client->dev, &chg_battery_desc, &psy_cfg);
	if (IS_ERR(chg->battery))
		return PTR_ERR(chg->battery);

	cfg.dev = &client->dev;
	cfg.driver_data = chg;
	reg = devm_regulator_register(&client->dev, &chg_vbus_desc, &cfg);
	if (IS_ERR(reg)) {
		power_supply_unregister(chg->battery);
		return PTR_ERR(reg);
	}
	return 0;
}

static void chg_remove(struct i2c_client *client)
{
	struct chg_dev *chg = i2c_get_clientdata(client);

	power_supply_unregister(chg->battery);
}

static struct i2c_driver chg_driver = {
	.driver = { .name = "chg" },
	.probe_new = chg_probe,
	.remove = chg_remove,
};
module_i2c_driver(chg_driver);
`,
    },
    // (a) not reported: the handler reads only the parent device of the adapter remove() unregistered, still bound (kernel: i2c-xiic)
    {
      filename: "good23.c",
      code: c`
struct qux_i2c {
	struct i2c_adapter adap;
	void __iomem *base;
	struct completion done;
};

static irqreturn_t qux_i2c_isr(int irq, void *dev_id)
{
	struct qux_i2c *i2c = dev_id;
	u32 status = readl(i2c->base + 0x10);

	dev_dbg(i2c->adap.dev.parent, "status 0x%x\n", status);
	writel(status, i2c->base + 0x10);
	complete(&i2c->done);
	return IRQ_HANDLED;
}

static int qux_i2c_probe(struct platform_device *pdev)
{
	struct qux_i2c *i2c;
	int irq, ret;

	i2c = devm_kzalloc(&pdev->dev, sizeof(*i2c), GFP_KERNEL);
	if (!i2c)
		return -ENOMEM;
	i2c->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(i2c->base))
		return PTR_ERR(i2c->base);
	init_completion(&i2c->done);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = devm_request_irq(&pdev->dev, irq, qux_i2c_isr, 0, dev_name(&pdev->dev), i2c);
	if (ret)
		return ret;
	i2c->adap.dev.parent = &pdev->dev;
	platform_set_drvdata(pdev, i2c);
	return i2c_add_adapter(&i2c->adap);
}

static int qux_i2c_remove(struct platform_device *pdev)
{
	struct qux_i2c *i2c = platform_get_drvdata(pdev);

	i2c_del_adapter(&i2c->adap);
	return 0;
}

static struct platform_driver qux_i2c_driver = {
	.probe = qux_i2c_probe,
	.remove = qux_i2c_remove,
	.driver = { .name = "qux-i2c" },
};
module_platform_driver(qux_i2c_driver);
`,
    },
    // (a) not reported: the handler only polls an iio trigger remove() unregistered; it stays allocated until devres frees it after the IRQ (kernel: kxcjk-1013)
    {
      filename: "good24.c",
      code: c`
struct acc_data {
	struct i2c_client *client;
	struct iio_trigger *dready_trig;
};

static irqreturn_t acc_data_rdy_trig_poll(int irq, void *private)
{
	struct iio_dev *indio_dev = private;
	struct acc_data *data = iio_priv(indio_dev);

	iio_trigger_poll(data->dready_trig);
	return IRQ_HANDLED;
}

static int acc_probe(struct i2c_client *client)
{
	struct iio_dev *indio_dev;
	struct acc_data *data;
	int ret;

	indio_dev = devm_iio_device_alloc(&client->dev, sizeof(*data));
	if (!indio_dev)
		return -ENOMEM;
	data = iio_priv(indio_dev);
	data->client = client;
	i2c_set_clientdata(client, indio_dev);

	data->dready_trig = devm_iio_trigger_alloc(&client->dev, "%s-dev%d", indio_dev->name, iio_device_id(indio_dev));
	if (!data->dready_trig)
		return -ENOMEM;
	ret = devm_request_threaded_irq(&client->dev, client->irq, acc_data_rdy_trig_poll, NULL,
					IRQF_TRIGGER_RISING, "acc_event", indio_dev);
	if (ret)
		return ret;
	ret = iio_trigger_register(data->dready_trig);
	if (ret)
		return ret;
	ret = iio_device_register(indio_dev);
	if (ret)
		iio_trigger_unregister(data->dready_trig);
	return ret;
}

static void acc_remove(struct i2c_client *client)
{
	struct iio_dev *indio_dev = i2c_get_clientdata(client);
	struct acc_data *data = iio_priv(indio_dev);

	iio_device_unregister(indio_dev);
	iio_trigger_unregister(data->dready_trig);
}

static struct i2c_driver acc_driver = {
	.driver = { .name = "acc" },
	.probe_new = acc_probe,
	.remove = acc_remove,
};
module_i2c_driver(acc_driver);
`,
    },
    // (a) not reported: the handler hands the unregistered adapter to dev_dbg() only in dead code (`if (debug > 2 && 0)`) (kernel: i2c-pxa)
    {
      filename: "good25.c",
      code: c`
static int qux_debug;

struct qux_i2c {
	struct i2c_adapter adap;
	void __iomem *base;
	struct completion done;
};

static irqreturn_t qux_i2c_isr(int irq, void *dev_id)
{
	struct qux_i2c *i2c = dev_id;
	u32 status = readl(i2c->base + 0x10);

	if (qux_debug > 2 && 0)
		dev_dbg(&i2c->adap.dev, "status 0x%x\n", status);
	writel(status, i2c->base + 0x10);
	complete(&i2c->done);
	return IRQ_HANDLED;
}

static int qux_i2c_probe(struct platform_device *pdev)
{
	struct qux_i2c *i2c;
	int irq, ret;

	i2c = devm_kzalloc(&pdev->dev, sizeof(*i2c), GFP_KERNEL);
	if (!i2c)
		return -ENOMEM;
	i2c->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(i2c->base))
		return PTR_ERR(i2c->base);
	init_completion(&i2c->done);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = devm_request_irq(&pdev->dev, irq, qux_i2c_isr, 0, dev_name(&pdev->dev), i2c);
	if (ret)
		return ret;
	i2c->adap.dev.parent = &pdev->dev;
	platform_set_drvdata(pdev, i2c);
	return i2c_add_adapter(&i2c->adap);
}

static int qux_i2c_remove(struct platform_device *pdev)
{
	struct qux_i2c *i2c = platform_get_drvdata(pdev);

	i2c_del_adapter(&i2c->adap);
	return 0;
}

static struct platform_driver qux_i2c_driver = {
	.probe = qux_i2c_probe,
	.remove = qux_i2c_remove,
	.driver = { .name = "qux-i2c" },
};
module_platform_driver(qux_i2c_driver);
`,
    },
    // (a) the handler chosen through a file-scope function pointer set in probe: neither candidate touches the supply remove() disables, so (b) does not apply either (kernel: da8xx-fb)
    {
      filename: "good26.c",
      code: c`
struct lcdc_priv {
	void __iomem *base;
	struct regulator *lcd_supply;
	int irq;
};

static irq_handler_t lcdc_irq_handler;

static irqreturn_t lcdc_irq_handler_rev01(int irq, void *arg)
{
	struct lcdc_priv *par = arg;

	writel(readl(par->base + 0x10), par->base + 0x10);
	return IRQ_HANDLED;
}

static irqreturn_t lcdc_irq_handler_rev02(int irq, void *arg)
{
	struct lcdc_priv *par = arg;

	writel(readl(par->base + 0x24), par->base + 0x24);
	return IRQ_HANDLED;
}

static int lcdc_probe(struct platform_device *pdev)
{
	struct lcdc_priv *par;
	int ret;

	par = devm_kzalloc(&pdev->dev, sizeof(*par), GFP_KERNEL);
	if (!par)
		return -ENOMEM;
	par->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(par->base))
		return PTR_ERR(par->base);
	par->lcd_supply = devm_regulator_get(&pdev->dev, "lcd");
	if (IS_ERR(par->lcd_supply))
		return PTR_ERR(par->lcd_supply);
	ret = regulator_enable(par->lcd_supply);
	if (ret)
		return ret;
	if (readl(par->base) == 1)
		lcdc_irq_handler = lcdc_irq_handler_rev01;
	else
		lcdc_irq_handler = lcdc_irq_handler_rev02;
	platform_set_drvdata(pdev, par);
	return devm_request_irq(&pdev->dev, par->irq, lcdc_irq_handler, 0, "lcdc", par);
}

static int lcdc_remove(struct platform_device *pdev)
{
	struct lcdc_priv *par = platform_get_drvdata(pdev);

	return regulator_disable(par->lcd_supply);
}

static struct platform_driver lcdc_driver = {
	.probe = lcdc_probe,
	.remove = lcdc_remove,
	.driver = { .name = "lcdc" },
};
module_platform_driver(lcdc_driver);
`,
    },
    // (a) not reported: a field read through a pointer below the unregistered adapter (adap.quirks->max_write_len) is another object (kernel: i2c-npcm7xx)
    {
      filename: "good27.c",
      code: c`
struct qux_i2c {
	struct i2c_adapter adap;
	void __iomem *base;
	struct completion done;
};

static void qux_i2c_xmit(struct qux_i2c *i2c, u16 max, u32 status)
{
	writel(max, i2c->base + 0x14);
}

static irqreturn_t qux_i2c_isr(int irq, void *dev_id)
{
	struct qux_i2c *i2c = dev_id;
	u32 status = readl(i2c->base + 0x10);

	qux_i2c_xmit(i2c, i2c->adap.quirks->max_write_len, status);
	writel(status, i2c->base + 0x10);
	complete(&i2c->done);
	return IRQ_HANDLED;
}

static int qux_i2c_probe(struct platform_device *pdev)
{
	struct qux_i2c *i2c;
	int irq, ret;

	i2c = devm_kzalloc(&pdev->dev, sizeof(*i2c), GFP_KERNEL);
	if (!i2c)
		return -ENOMEM;
	i2c->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(i2c->base))
		return PTR_ERR(i2c->base);
	init_completion(&i2c->done);
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	ret = devm_request_irq(&pdev->dev, irq, qux_i2c_isr, 0, dev_name(&pdev->dev), i2c);
	if (ret)
		return ret;
	i2c->adap.dev.parent = &pdev->dev;
	platform_set_drvdata(pdev, i2c);
	return i2c_add_adapter(&i2c->adap);
}

static int qux_i2c_remove(struct platform_device *pdev)
{
	struct qux_i2c *i2c = platform_get_drvdata(pdev);

	i2c_del_adapter(&i2c->adap);
	return 0;
}

static struct platform_driver qux_i2c_driver = {
	.probe = qux_i2c_probe,
	.remove = qux_i2c_remove,
	.driver = { .name = "qux-i2c" },
};
module_platform_driver(qux_i2c_driver);
`,
    },
    // (b) not reported: the gpiochip a helper sets up by member assignments (priv->gpio.get = ...) never uses the workqueue remove() destroys (kernel: mcp251x)
    {
      filename: "good28.c",
      code: c`
struct canx_priv {
	struct spi_device *spi;
	struct workqueue_struct *wq;
	struct work_struct tx_work;
	struct gpio_chip gpio;
};

static int canx_gpio_get(struct gpio_chip *chip, unsigned int offset)
{
	struct canx_priv *priv = gpiochip_get_data(chip);

	return spi_w8r8(priv->spi, 0x30 + offset);
}

static int canx_gpio_setup(struct canx_priv *priv)
{
	priv->gpio.label = "canx";
	priv->gpio.get = canx_gpio_get;
	priv->gpio.ngpio = 4;
	return devm_gpiochip_add_data(&priv->spi->dev, &priv->gpio, priv);
}

static int canx_probe(struct spi_device *spi)
{
	struct canx_priv *priv;

	priv = devm_kzalloc(&spi->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->spi = spi;
	priv->wq = alloc_workqueue("canx", WQ_FREEZABLE | WQ_MEM_RECLAIM, 0);
	if (!priv->wq)
		return -ENOMEM;
	spi_set_drvdata(spi, priv);
	return canx_gpio_setup(priv);
}

static void canx_remove(struct spi_device *spi)
{
	struct canx_priv *priv = spi_get_drvdata(spi);

	destroy_workqueue(priv->wq);
}

static struct spi_driver canx_driver = {
	.driver = { .name = "canx" },
	.probe = canx_probe,
	.remove = canx_remove,
};
module_spi_driver(canx_driver);
`,
    },
  ],
  invalid: [
    // (a) the example: probe kzallocs priv->buf and requests a devm IRQ; remove() kfrees the buffer the handler (priv from its void *data) writes
    {
      filename: "bad01.c",
      code: c`
struct foo_priv {
	void __iomem *base;
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = readl(priv->base);
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
      errors: [
        {
          message:
            "The foo_isr() callback that devm_request_irq() registers uses `priv->buf` (line 11), allocated with kzalloc() at line 22, which foo_remove() frees with kfree() at line 33; devres stops this callback only after remove() returns, so it can run on a freed `priv->buf`.",
          line: 26,
          column: 9,
          endLine: 26,
          endColumn: 73,
        },
      ],
    },
    // (a) I2C: a threaded handler (NULL primary) calls a helper that reads a clock remove() disables; goto error path in probe
    {
      filename: "bad02.c",
      code: c`
struct bar_data {
	struct i2c_client *client;
	struct clk *clk;
};

static int bar_read_status(struct bar_data *data)
{
	unsigned long rate = clk_get_rate(data->clk);

	return i2c_smbus_read_byte_data(data->client, rate > 1000000 ? 0x10 : 0x11);
}

static irqreturn_t bar_irq_thread(int irq, void *dev_id)
{
	bar_read_status(dev_id);
	return IRQ_HANDLED;
}

static int bar_probe(struct i2c_client *client)
{
	struct bar_data *data;
	int ret;

	data = devm_kzalloc(&client->dev, sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	data->client = client;
	data->clk = devm_clk_get(&client->dev, NULL);
	if (IS_ERR(data->clk))
		return PTR_ERR(data->clk);
	ret = clk_prepare_enable(data->clk);
	if (ret)
		return ret;
	i2c_set_clientdata(client, data);
	ret = devm_request_threaded_irq(&client->dev, client->irq, NULL, bar_irq_thread,
					IRQF_ONESHOT, "bar", data);
	if (ret)
		goto err_clk;
	return 0;

err_clk:
	clk_disable_unprepare(data->clk);
	return ret;
}

static void bar_remove(struct i2c_client *client)
{
	struct bar_data *data = i2c_get_clientdata(client);

	clk_disable_unprepare(data->clk);
}

static struct i2c_driver bar_driver = {
	.driver = { .name = "bar" },
	.probe_new = bar_probe,
	.remove = bar_remove,
};
module_i2c_driver(bar_driver);
`,
      errors: [
        {
          message:
            "The bar_irq_thread() callback that devm_request_threaded_irq() registers uses `data->clk` (line 8), enabled with clk_prepare_enable() at line 31, which bar_remove() disables with clk_disable_unprepare() at line 50; devres stops this callback only after remove() returns, so it can run on a disabled `data->clk`.",
          line: 35,
          column: 8,
          endLine: 36,
          endColumn: 32,
        },
      ],
    },
    // (a) a devm action flushing a workqueue remove() destroys
    {
      filename: "bad03.c",
      code: c`
struct baz_priv {
	struct workqueue_struct *wq;
	struct device *dev;
};

static void baz_flush(void *data)
{
	struct baz_priv *priv = data;

	flush_workqueue(priv->wq);
}

static int baz_probe(struct platform_device *pdev)
{
	struct baz_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->wq = alloc_workqueue("baz", WQ_HIGHPRI, 0);
	if (!priv->wq)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_add_action_or_reset(&pdev->dev, baz_flush, priv);
}

static int baz_remove(struct platform_device *pdev)
{
	struct baz_priv *priv = platform_get_drvdata(pdev);

	destroy_workqueue(priv->wq);
	return 0;
}

static struct platform_driver baz_driver = {
	.probe = baz_probe,
	.remove = baz_remove,
	.driver = { .name = "baz" },
};
module_platform_driver(baz_driver);
`,
      errors: [
        {
          message:
            "The baz_flush() callback that devm_add_action_or_reset() registers uses `priv->wq` (line 10), created with alloc_workqueue() at line 20, which baz_remove() destroys with destroy_workqueue() at line 31; devres stops this callback only after remove() returns, so it can run on a destroyed `priv->wq`.",
          line: 24,
          column: 9,
          endLine: 24,
          endColumn: 62,
        },
      ],
    },
    // (a) devm_work_autocancel: the work function (priv via container_of) uses a buffer remove() kfrees
    {
      filename: "bad04.c",
      code: c`
#include <linux/devm-helpers.h>

struct qux_priv {
	struct work_struct rx_work;
	u8 *rx_buf;
	size_t rx_len;
};

static void qux_rx_work(struct work_struct *work)
{
	struct qux_priv *priv = container_of(work, struct qux_priv, rx_work);

	memset(priv->rx_buf, 0, priv->rx_len);
}

static int qux_probe(struct platform_device *pdev)
{
	struct qux_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->rx_len = 256;
	priv->rx_buf = kmalloc(priv->rx_len, GFP_KERNEL);
	if (!priv->rx_buf)
		return -ENOMEM;
	ret = devm_work_autocancel(&pdev->dev, &priv->rx_work, qux_rx_work);
	if (ret) {
		kfree(priv->rx_buf);
		return ret;
	}
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int qux_remove(struct platform_device *pdev)
{
	struct qux_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->rx_buf);
	return 0;
}

static struct platform_driver qux_driver = {
	.probe = qux_probe,
	.remove = qux_remove,
	.driver = { .name = "qux" },
};
module_platform_driver(qux_driver);
`,
      errors: [
        {
          message:
            "The qux_rx_work() callback that devm_work_autocancel() registers uses `priv->rx_buf` (line 13), allocated with kmalloc() at line 25, which qux_remove() frees with kfree() at line 41; devres stops this callback only after remove() returns, so it can run on a freed `priv->rx_buf`.",
          line: 28,
          column: 8,
          endLine: 28,
          endColumn: 69,
        },
      ],
    },
    // (a) INIT_WORK work queued (by the IRQ handler) on a devm workqueue: devres drains it after remove() kfreed its table; disable_irq() fences the IRQ, not the work
    {
      filename: "bad05.c",
      code: c`
struct evt_priv {
	struct workqueue_struct *wq;
	struct work_struct event_work;
	u32 *table;
	int irq;
};

static void evt_work_fn(struct work_struct *work)
{
	struct evt_priv *priv = container_of(work, struct evt_priv, event_work);

	priv->table[0]++;
}

static irqreturn_t evt_isr(int irq, void *dev_id)
{
	struct evt_priv *priv = dev_id;

	queue_work(priv->wq, &priv->event_work);
	return IRQ_HANDLED;
}

static int evt_probe(struct platform_device *pdev)
{
	struct evt_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->wq = devm_alloc_workqueue(&pdev->dev, "evt", 0, 0);
	if (!priv->wq)
		return -ENOMEM;
	priv->table = kcalloc(16, sizeof(u32), GFP_KERNEL);
	if (!priv->table)
		return -ENOMEM;
	INIT_WORK(&priv->event_work, evt_work_fn);
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, evt_isr, 0, "evt", priv);
}

static int evt_remove(struct platform_device *pdev)
{
	struct evt_priv *priv = platform_get_drvdata(pdev);

	disable_irq(priv->irq);
	kfree(priv->table);
	return 0;
}

static struct platform_driver evt_driver = {
	.probe = evt_probe,
	.remove = evt_remove,
	.driver = { .name = "evt" },
};
module_platform_driver(evt_driver);
`,
      errors: [
        {
          message:
            "The evt_work_fn() callback that INIT_WORK() (queued on the devm workqueue `priv->wq`) registers uses `priv->table` (line 12), allocated with kcalloc() at line 33, which evt_remove() frees with kfree() at line 46; devres stops this callback only after remove() returns, so it can run on a freed `priv->table`.",
          line: 36,
          column: 2,
          endLine: 36,
          endColumn: 43,
        },
      ],
    },
    // (a) reported at probe's call of the helper that requests the IRQ; the buffer reaches priv->ring through a local; goto unwinding
    {
      filename: "bad06.c",
      code: c`
struct ring_priv {
	struct device *dev;
	u32 *ring;
	unsigned int head;
	int irq;
};

static irqreturn_t ring_isr(int irq, void *data)
{
	struct ring_priv *priv = data;

	priv->ring[priv->head++ & 63] = 1;
	return IRQ_HANDLED;
}

static int ring_setup_irq(struct ring_priv *priv)
{
	return devm_request_irq(priv->dev, priv->irq, ring_isr, IRQF_SHARED,
				dev_name(priv->dev), priv);
}

static int ring_probe(struct platform_device *pdev)
{
	struct ring_priv *priv;
	u32 *ring;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->dev = &pdev->dev;
	priv->irq = platform_get_irq(pdev, 0);
	ring = kcalloc(64, sizeof(*ring), GFP_KERNEL);
	if (!ring)
		return -ENOMEM;
	priv->ring = ring;
	ret = ring_setup_irq(priv);
	if (ret)
		goto err_free_ring;
	platform_set_drvdata(pdev, priv);
	return 0;

err_free_ring:
	kfree(ring);
	return ret;
}

static void ring_remove(struct platform_device *pdev)
{
	struct ring_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->ring);
}

static struct platform_driver ring_driver = {
	.probe = ring_probe,
	.remove_new = ring_remove,
	.driver = { .name = "ring" },
};
module_platform_driver(ring_driver);
`,
      errors: [
        {
          message:
            "The ring_isr() callback that ring_setup_irq() (through devm_request_irq()) registers uses `priv->ring` (line 12), allocated with kcalloc() at line 33, which ring_remove() frees with kfree() at line 52; devres stops this callback only after remove() returns, so it can run on a freed `priv->ring`.",
          line: 37,
          column: 8,
          endLine: 37,
          endColumn: 28,
        },
      ],
    },
    // (a) the handler named through a field of per-chip match data (.isr = chip_v2_isr)
    {
      filename: "bad07.c",
      code: c`
struct chip_priv;

struct chip_data {
	irqreturn_t (*isr)(int irq, void *dev_id);
	unsigned int fifo_size;
};

struct chip_priv {
	const struct chip_data *data;
	u16 *fifo;
	int irq;
};

static irqreturn_t chip_v1_isr(int irq, void *dev_id)
{
	return IRQ_NONE;
}

static irqreturn_t chip_v2_isr(int irq, void *dev_id)
{
	struct chip_priv *priv = dev_id;

	priv->fifo[0] = 0;
	return IRQ_HANDLED;
}

static const struct chip_data chip_v1_data = { .isr = chip_v1_isr, .fifo_size = 8 };
static const struct chip_data chip_v2_data = { .isr = chip_v2_isr, .fifo_size = 32 };

static int chip_probe(struct platform_device *pdev)
{
	struct chip_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->data = of_device_get_match_data(&pdev->dev);
	priv->fifo = kcalloc(priv->data->fifo_size, sizeof(u16), GFP_KERNEL);
	if (!priv->fifo)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, priv->data->isr, 0,
				"chip", priv);
}

static int chip_remove(struct platform_device *pdev)
{
	struct chip_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->fifo);
	return 0;
}

static struct platform_driver chip_driver = {
	.probe = chip_probe,
	.remove = chip_remove,
	.driver = { .name = "chip" },
};
module_platform_driver(chip_driver);
`,
      errors: [
        {
          message:
            "The chip_v2_isr() callback that devm_request_irq() registers uses `priv->fifo` (line 23), allocated with kcalloc() at line 38, which chip_remove() frees with kfree() at line 50; devres stops this callback only after remove() returns, so it can run on a freed `priv->fifo`.",
          line: 42,
          column: 9,
          endLine: 43,
          endColumn: 18,
        },
      ],
    },
    // (a) PCI driver: DMA-coherent descriptors freed in remove() (pci_get_drvdata), read by a shared devm IRQ handler
    {
      filename: "bad08.c",
      code: c`
struct dmadev {
	struct pci_dev *pdev;
	struct dmadev_desc *desc;
	dma_addr_t desc_dma;
};

static irqreturn_t dmadev_irq(int irq, void *arg)
{
	struct dmadev *dd = arg;

	if (!(dd->desc->status & 1))
		return IRQ_NONE;
	return IRQ_HANDLED;
}

static int dmadev_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct dmadev *dd;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret)
		return ret;
	dd = devm_kzalloc(&pdev->dev, sizeof(*dd), GFP_KERNEL);
	if (!dd)
		return -ENOMEM;
	dd->pdev = pdev;
	dd->desc = dma_alloc_coherent(&pdev->dev, PAGE_SIZE, &dd->desc_dma, GFP_KERNEL);
	if (!dd->desc)
		return -ENOMEM;
	pci_set_drvdata(pdev, dd);
	ret = devm_request_irq(&pdev->dev, pdev->irq, dmadev_irq, IRQF_SHARED, "dmadev", dd);
	if (ret)
		goto err_free;
	return 0;
err_free:
	dma_free_coherent(&pdev->dev, PAGE_SIZE, dd->desc, dd->desc_dma);
	return ret;
}

static void dmadev_remove(struct pci_dev *pdev)
{
	struct dmadev *dd = pci_get_drvdata(pdev);

	dma_free_coherent(&pdev->dev, PAGE_SIZE, dd->desc, dd->desc_dma);
}

static const struct pci_device_id dmadev_ids[] = {
	{ PCI_DEVICE(0x1234, 0x5678) },
	{ }
};

static struct pci_driver dmadev_driver = {
	.name = "dmadev",
	.id_table = dmadev_ids,
	.probe = dmadev_probe,
	.remove = dmadev_remove,
};
module_pci_driver(dmadev_driver);
`,
      errors: [
        {
          message:
            "The dmadev_irq() callback that devm_request_irq() registers uses `dd->desc` (line 11), allocated with dma_alloc_coherent() at line 28, which dmadev_remove() frees with dma_free_coherent() at line 45; devres stops this callback only after remove() returns, so it can run on a freed `dd->desc`.",
          line: 32,
          column: 8,
          endLine: 32,
          endColumn: 86,
        },
      ],
    },
    // (b) the spi controller registered with devm after clk_prepare_enable(); remove() disables the clock while the controller is still registered
    {
      filename: "bad09.c",
      code: c`
struct qspi {
	struct spi_controller *ctlr;
	struct clk *clk;
	void __iomem *regs;
};

static int qspi_probe(struct platform_device *pdev)
{
	struct spi_controller *ctlr;
	struct qspi *qspi;
	int ret;

	ctlr = devm_spi_alloc_host(&pdev->dev, sizeof(*qspi));
	if (!ctlr)
		return -ENOMEM;
	qspi = spi_controller_get_devdata(ctlr);
	qspi->ctlr = ctlr;
	qspi->regs = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(qspi->regs))
		return PTR_ERR(qspi->regs);
	qspi->clk = devm_clk_get(&pdev->dev, "ref");
	if (IS_ERR(qspi->clk))
		return PTR_ERR(qspi->clk);
	ret = clk_prepare_enable(qspi->clk);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, qspi);
	ret = devm_spi_register_controller(&pdev->dev, ctlr);
	if (ret)
		clk_disable_unprepare(qspi->clk);
	return ret;
}

static void qspi_remove(struct platform_device *pdev)
{
	struct qspi *qspi = platform_get_drvdata(pdev);

	clk_disable_unprepare(qspi->clk);
}

static struct platform_driver qspi_driver = {
	.probe = qspi_probe,
	.remove_new = qspi_remove,
	.driver = { .name = "qspi" },
};
module_platform_driver(qspi_driver);
`,
      errors: [
        {
          message:
            "devm_spi_register_controller() registers devres after `qspi->clk` was enabled with clk_prepare_enable() at line 24, which qspi_remove() disables with clk_disable_unprepare() at line 38; devres releases it only after remove() returns, so at unbind `qspi->clk` is disabled first, the reverse of probe order.",
          line: 28,
          column: 8,
          endLine: 28,
          endColumn: 54,
        },
      ],
    },
    // (b) devm_request_irq() with a handler this file does not define, after a kzalloc() remove() kfrees
    {
      filename: "bad10.c",
      code: c`
extern irqreturn_t shared_isr(int irq, void *dev_id);

struct ext_priv {
	u8 *stats;
	int irq;
};

static int ext_probe(struct platform_device *pdev)
{
	struct ext_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->stats = kzalloc(128, GFP_KERNEL);
	if (!priv->stats)
		return -ENOMEM;
	priv->irq = platform_get_irq(pdev, 0);
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, shared_isr, 0, "ext", priv);
}

static int ext_remove(struct platform_device *pdev)
{
	struct ext_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->stats);
	return 0;
}

static struct platform_driver ext_driver = {
	.probe = ext_probe,
	.remove = ext_remove,
	.driver = { .name = "ext" },
};
module_platform_driver(ext_driver);
`,
      errors: [
        {
          message:
            "devm_request_irq() registers devres after `priv->stats` was allocated with kzalloc() at line 14, which ext_remove() frees with kfree() at line 26; devres releases it only after remove() returns, so at unbind `priv->stats` is freed first, the reverse of probe order.",
          line: 19,
          column: 9,
          endLine: 19,
          endColumn: 76,
        },
      ],
    },
    // (b) I2C IIO: devm_iio_device_register() after regulator_enable(); remove() disables the regulator first
    {
      filename: "bad11.c",
      code: c`
struct adc_state {
	struct regulator *vref;
	struct i2c_client *client;
};

static const struct iio_info adc_info;

static int adc_probe(struct i2c_client *client)
{
	struct iio_dev *indio_dev;
	struct adc_state *st;
	int ret;

	indio_dev = devm_iio_device_alloc(&client->dev, sizeof(*st));
	if (!indio_dev)
		return -ENOMEM;
	st = iio_priv(indio_dev);
	st->client = client;
	st->vref = devm_regulator_get(&client->dev, "vref");
	if (IS_ERR(st->vref))
		return PTR_ERR(st->vref);
	ret = regulator_enable(st->vref);
	if (ret)
		return ret;
	i2c_set_clientdata(client, indio_dev);
	indio_dev->info = &adc_info;
	return devm_iio_device_register(&client->dev, indio_dev);
}

static void adc_remove(struct i2c_client *client)
{
	struct iio_dev *indio_dev = i2c_get_clientdata(client);
	struct adc_state *st = iio_priv(indio_dev);

	regulator_disable(st->vref);
}

static struct i2c_driver adc_driver = {
	.driver = { .name = "adc" },
	.probe_new = adc_probe,
	.remove = adc_remove,
};
module_i2c_driver(adc_driver);
`,
      errors: [
        {
          message:
            "devm_iio_device_register() registers devres after `st->vref` was enabled with regulator_enable() at line 22, which adc_remove() disables with regulator_disable() at line 35; devres releases it only after remove() returns, so at unbind `st->vref` is disabled first, the reverse of probe order.",
          line: 27,
          column: 9,
          endLine: 27,
          endColumn: 58,
        },
      ],
    },
    // (a) a file-scope buffer kmalloc'd in probe, kfreed in remove(), written by the devm IRQ handler
    {
      filename: "bad12.c",
      code: c`
static u8 *scratch;

struct gl_priv {
	int irq;
};

static irqreturn_t gl_isr(int irq, void *dev_id)
{
	scratch[0] = 0xff;
	return IRQ_HANDLED;
}

static int gl_probe(struct platform_device *pdev)
{
	scratch = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!scratch)
		return -ENOMEM;
	return devm_request_irq(&pdev->dev, platform_get_irq(pdev, 0), gl_isr, 0, "gl", NULL);
}

static int gl_remove(struct platform_device *pdev)
{
	kfree(scratch);
	return 0;
}

static struct platform_driver gl_driver = {
	.probe = gl_probe,
	.remove = gl_remove,
	.driver = { .name = "gl" },
};
module_platform_driver(gl_driver);
`,
      errors: [
        {
          message:
            "The gl_isr() callback that devm_request_irq() registers uses `scratch` (line 9), allocated with kmalloc() at line 15, which gl_remove() frees with kfree() at line 23; devres stops this callback only after remove() returns, so it can run on a freed `scratch`.",
          line: 18,
          column: 9,
          endLine: 18,
          endColumn: 87,
        },
      ],
    },
    // several drivers in one file: only beta (manual buffer) is reported, alpha's buffer is devm
    {
      filename: "bad13.c",
      code: c`
struct alpha_priv {
	u8 *buf;
	int irq;
};

struct beta_priv {
	u8 *buf;
	int irq;
};

static irqreturn_t alpha_isr(int irq, void *data)
{
	struct alpha_priv *priv = data;

	priv->buf[0] = 1;
	return IRQ_HANDLED;
}

static irqreturn_t beta_isr(int irq, void *data)
{
	struct beta_priv *priv = data;

	priv->buf[0] = 2;
	return IRQ_HANDLED;
}

static int alpha_probe(struct platform_device *pdev)
{
	struct alpha_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->buf = devm_kzalloc(&pdev->dev, 32, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, alpha_isr, 0, "alpha", priv);
}

static int alpha_remove(struct platform_device *pdev)
{
	return 0;
}

static int beta_probe(struct platform_device *pdev)
{
	struct beta_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(32, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, beta_isr, 0, "beta", priv);
}

static int beta_remove(struct platform_device *pdev)
{
	struct beta_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf);
	return 0;
}

static struct platform_driver alpha_driver = {
	.probe = alpha_probe,
	.remove = alpha_remove,
	.driver = { .name = "alpha" },
};

static struct platform_driver beta_driver = {
	.probe = beta_probe,
	.remove = beta_remove,
	.driver = { .name = "beta" },
};

static struct platform_driver * const drivers[] = { &alpha_driver, &beta_driver };

static int __init ab_init(void)
{
	return platform_register_drivers(drivers, ARRAY_SIZE(drivers));
}
module_init(ab_init);
`,
      errors: [
        {
          message:
            "The beta_isr() callback that devm_request_irq() registers uses `priv->buf` (line 23), allocated with kzalloc() at line 51, which beta_remove() frees with kfree() at line 62; devres stops this callback only after remove() returns, so it can run on a freed `priv->buf`.",
          line: 55,
          column: 9,
          endLine: 55,
          endColumn: 75,
        },
      ],
    },
    // (a) remove() frees through its own helper; #ifdef CONFIG_PM callbacks beside; goto unwinding in probe
    {
      filename: "bad14.c",
      code: c`
struct pm_priv {
	struct device *dev;
	struct clk *bus_clk;
	u32 *ctx;
	int irq;
};

static irqreturn_t pm_isr(int irq, void *dev_id)
{
	struct pm_priv *priv = dev_id;

	priv->ctx[1] = clk_get_rate(priv->bus_clk);
	return IRQ_HANDLED;
}

static void pm_hw_teardown(struct pm_priv *priv)
{
	kfree(priv->ctx);
	clk_disable_unprepare(priv->bus_clk);
}

#ifdef CONFIG_PM
static int pm_suspend(struct device *dev)
{
	struct pm_priv *priv = dev_get_drvdata(dev);

	clk_disable(priv->bus_clk);
	return 0;
}

static int pm_resume(struct device *dev)
{
	struct pm_priv *priv = dev_get_drvdata(dev);

	return clk_enable(priv->bus_clk);
}
#endif

static SIMPLE_DEV_PM_OPS(pm_pm_ops, pm_suspend, pm_resume);

static int pm_probe(struct platform_device *pdev)
{
	struct pm_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->dev = &pdev->dev;
	priv->ctx = kzalloc(64, GFP_KERNEL);
	if (!priv->ctx)
		return -ENOMEM;
	priv->bus_clk = devm_clk_get(&pdev->dev, "bus");
	if (IS_ERR(priv->bus_clk)) {
		ret = PTR_ERR(priv->bus_clk);
		goto err_ctx;
	}
	ret = clk_prepare_enable(priv->bus_clk);
	if (ret)
		goto err_ctx;
	platform_set_drvdata(pdev, priv);
	ret = devm_request_irq(&pdev->dev, priv->irq, pm_isr, 0, "pm", priv);
	if (ret)
		goto err_clk;
	return 0;

err_clk:
	clk_disable_unprepare(priv->bus_clk);
err_ctx:
	kfree(priv->ctx);
	return ret;
}

static int pm_remove(struct platform_device *pdev)
{
	pm_hw_teardown(platform_get_drvdata(pdev));
	return 0;
}

static struct platform_driver pm_driver = {
	.probe = pm_probe,
	.remove = pm_remove,
	.driver = {
		.name = "pm",
		.pm = &pm_pm_ops,
	},
};
module_platform_driver(pm_driver);
`,
      errors: [
        {
          message:
            "The pm_isr() callback that devm_request_irq() registers uses `priv->ctx` (line 12), allocated with kzalloc() at line 50, which pm_remove() frees with pm_hw_teardown() (through kfree()) at line 76; devres stops this callback only after remove() returns, so it can run on a freed `priv->ctx`.",
          line: 62,
          column: 8,
          endLine: 62,
          endColumn: 70,
        },
      ],
    },
    // (a) devm_delayed_work_autocancel: container_of(work, ..., poll_work.work) and a clock remove() puts
    {
      filename: "bad15.c",
      code: c`
#include <linux/devm-helpers.h>

struct poll_priv {
	struct delayed_work poll_work;
	struct clk *clk;
	void __iomem *base;
};

static void poll_fn(struct work_struct *work)
{
	struct poll_priv *priv = container_of(work, struct poll_priv, poll_work.work);

	if (clk_get_rate(priv->clk))
		schedule_delayed_work(&priv->poll_work, HZ);
}

static int poll_probe(struct platform_device *pdev)
{
	struct poll_priv *priv;
	int ret;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->clk = clk_get(&pdev->dev, NULL);
	if (IS_ERR(priv->clk))
		return PTR_ERR(priv->clk);
	ret = devm_delayed_work_autocancel(&pdev->dev, &priv->poll_work, poll_fn);
	if (ret) {
		clk_put(priv->clk);
		return ret;
	}
	platform_set_drvdata(pdev, priv);
	schedule_delayed_work(&priv->poll_work, HZ);
	return 0;
}

static int poll_remove(struct platform_device *pdev)
{
	struct poll_priv *priv = platform_get_drvdata(pdev);

	clk_put(priv->clk);
	return 0;
}

static struct platform_driver poll_driver = {
	.probe = poll_probe,
	.remove = poll_remove,
	.driver = { .name = "poll" },
};
module_platform_driver(poll_driver);
`,
      errors: [
        {
          message:
            "The poll_fn() callback that devm_delayed_work_autocancel() registers uses `priv->clk` (line 13), acquired with clk_get() at line 25, which poll_remove() releases with clk_put() at line 42; devres stops this callback only after remove() returns, so it can run on a released `priv->clk`.",
          line: 28,
          column: 8,
          endLine: 28,
          endColumn: 75,
        },
      ],
    },
    // (b) one report per manual acquisition, at the last devm registration after it (devm_rtc_allocate_device only allocates)
    {
      filename: "bad16.c",
      code: c`
struct rtcx {
	struct rtc_device *rtc;
	struct clk *clk;
};

static const struct rtc_class_ops rtcx_ops;

static int rtcx_probe(struct platform_device *pdev)
{
	struct rtcx *rtcx;
	int ret;

	rtcx = devm_kzalloc(&pdev->dev, sizeof(*rtcx), GFP_KERNEL);
	if (!rtcx)
		return -ENOMEM;
	rtcx->clk = devm_clk_get(&pdev->dev, NULL);
	if (IS_ERR(rtcx->clk))
		return PTR_ERR(rtcx->clk);
	ret = clk_prepare_enable(rtcx->clk);
	if (ret)
		return ret;
	platform_set_drvdata(pdev, rtcx);
	rtcx->rtc = devm_rtc_allocate_device(&pdev->dev);
	if (IS_ERR(rtcx->rtc)) {
		ret = PTR_ERR(rtcx->rtc);
		goto err_clk;
	}
	rtcx->rtc->ops = &rtcx_ops;
	ret = devm_rtc_register_device(rtcx->rtc);
	if (ret)
		goto err_clk;
	ret = devm_rtc_nvmem_register(rtcx->rtc, NULL);
	if (ret)
		goto err_clk;
	return 0;

err_clk:
	clk_disable_unprepare(rtcx->clk);
	return ret;
}

static int rtcx_remove(struct platform_device *pdev)
{
	struct rtcx *rtcx = platform_get_drvdata(pdev);

	clk_disable_unprepare(rtcx->clk);
	return 0;
}

static struct platform_driver rtcx_driver = {
	.probe = rtcx_probe,
	.remove = rtcx_remove,
	.driver = { .name = "rtcx" },
};
module_platform_driver(rtcx_driver);
`,
      errors: [
        {
          message:
            "devm_rtc_nvmem_register() registers devres after `rtcx->clk` was enabled with clk_prepare_enable() at line 19, which rtcx_remove() disables with clk_disable_unprepare() at line 46; devres releases it only after remove() returns, so at unbind `rtcx->clk` is disabled first, the reverse of probe order.",
          line: 32,
          column: 8,
          endLine: 32,
          endColumn: 48,
        },
      ],
    },
    // (a) SPI device driver (module_spi_driver, spi_get_drvdata): the threaded handler reads into a DMA buffer remove() kfrees
    {
      filename: "bad17.c",
      code: c`
struct spiadc_state {
	struct spi_device *spi;
	u8 *rx;
};

static irqreturn_t spiadc_thread(int irq, void *private)
{
	struct spiadc_state *st = private;

	spi_read(st->spi, st->rx, 4);
	return IRQ_HANDLED;
}

static int spiadc_probe(struct spi_device *spi)
{
	struct spiadc_state *st;

	st = devm_kzalloc(&spi->dev, sizeof(*st), GFP_KERNEL);
	if (!st)
		return -ENOMEM;
	st->spi = spi;
	st->rx = kmalloc(4, GFP_KERNEL | GFP_DMA);
	if (!st->rx)
		return -ENOMEM;
	spi_set_drvdata(spi, st);
	return devm_request_threaded_irq(&spi->dev, spi->irq, NULL, spiadc_thread,
					 IRQF_ONESHOT, dev_name(&spi->dev), st);
}

static void spiadc_remove(struct spi_device *spi)
{
	struct spiadc_state *st = spi_get_drvdata(spi);

	kfree(st->rx);
}

static const struct of_device_id spiadc_of_match[] = {
	{ .compatible = "acme,spiadc" },
	{ }
};
MODULE_DEVICE_TABLE(of, spiadc_of_match);

static struct spi_driver spiadc_driver = {
	.driver = {
		.name = "spiadc",
		.of_match_table = spiadc_of_match,
	},
	.probe = spiadc_probe,
	.remove = spiadc_remove,
};
module_spi_driver(spiadc_driver);
`,
      errors: [
        {
          message:
            "The spiadc_thread() callback that devm_request_threaded_irq() registers uses `st->rx` (line 10), allocated with kmalloc() at line 22, which spiadc_remove() frees with kfree() at line 34; devres stops this callback only after remove() returns, so it can run on a freed `st->rx`.",
          line: 26,
          column: 9,
          endLine: 27,
          endColumn: 45,
        },
      ],
    },
    // (a) the handler chosen through a function-pointer local by chip revision: the revision-2 handler writes the palette remove() kfrees
    {
      filename: "bad18.c",
      code: c`
struct lcdc_par {
	u32 *palette;
	int irq;
	int rev;
};

static irqreturn_t lcdc_irq_rev1(int irq, void *arg)
{
	return IRQ_HANDLED;
}

static irqreturn_t lcdc_irq_rev2(int irq, void *arg)
{
	struct lcdc_par *par = arg;

	par->palette[0] = 0;
	return IRQ_HANDLED;
}

static int lcdc_probe(struct platform_device *pdev)
{
	irq_handler_t handler;
	struct lcdc_par *par;

	par = devm_kzalloc(&pdev->dev, sizeof(*par), GFP_KERNEL);
	if (!par)
		return -ENOMEM;
	par->palette = kcalloc(256, sizeof(u32), GFP_KERNEL);
	if (!par->palette)
		return -ENOMEM;
	if (par->rev == 1)
		handler = lcdc_irq_rev1;
	else
		handler = lcdc_irq_rev2;
	platform_set_drvdata(pdev, par);
	return devm_request_irq(&pdev->dev, par->irq, handler, 0, "lcdc", par);
}

static int lcdc_remove(struct platform_device *pdev)
{
	struct lcdc_par *par = platform_get_drvdata(pdev);

	kfree(par->palette);
	return 0;
}

static struct platform_driver lcdc_driver = {
	.probe = lcdc_probe,
	.remove = lcdc_remove,
	.driver = { .name = "lcdc" },
};
module_platform_driver(lcdc_driver);
`,
      errors: [
        {
          message:
            "The lcdc_irq_rev2() callback that devm_request_irq() registers uses `par->palette` (line 16), allocated with kcalloc() at line 28, which lcdc_remove() frees with kfree() at line 43; devres stops this callback only after remove() returns, so it can run on a freed `par->palette`.",
          line: 36,
          column: 9,
          endLine: 36,
          endColumn: 72,
        },
      ],
    },
    // (a) I2C: remove() frees through a helper taking the buffer as a parameter: the message names the buffer as remove() passes it
    {
      filename: "bad19.c",
      code: c`
struct cam_priv {
	u8 *frame;
	int irq;
};

static void cam_free_buf(u8 *buf)
{
	kfree(buf);
}

static irqreturn_t cam_isr(int irq, void *data)
{
	struct cam_priv *priv = data;

	priv->frame[0] = 0;
	return IRQ_HANDLED;
}

static int cam_probe(struct i2c_client *client)
{
	struct cam_priv *priv = devm_kzalloc(&client->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->frame = kmalloc(4096, GFP_KERNEL);
	if (!priv->frame)
		return -ENOMEM;
	i2c_set_clientdata(client, priv);
	return devm_request_irq(&client->dev, client->irq, cam_isr, 0, "cam", priv);
}

static void cam_remove(struct i2c_client *client)
{
	struct cam_priv *priv = i2c_get_clientdata(client);

	cam_free_buf(priv->frame);
}

static const struct i2c_device_id cam_id[] = {
	{ "cam", 0 },
	{ }
};

static struct i2c_driver cam_driver = {
	.driver = { .name = "cam" },
	.probe_new = cam_probe,
	.remove = cam_remove,
	.id_table = cam_id,
};
module_i2c_driver(cam_driver);
`,
      errors: [
        {
          message:
            "The cam_isr() callback that devm_request_irq() registers uses `priv->frame` (line 15), allocated with kmalloc() at line 25, which cam_remove() frees with cam_free_buf() (through kfree()) at line 36; devres stops this callback only after remove() returns, so it can run on a freed `priv->frame`.",
          line: 29,
          column: 9,
          endLine: 29,
          endColumn: 77,
        },
      ],
    },
    // (a) I2C: a devm action disabling the regulator (through its data) that remove() disables too: the action runs after remove() on a disabled regulator
    {
      filename: "bad20.c",
      code: c`
struct amp {
	struct regulator *supply;
	struct i2c_client *client;
};

static void amp_supply_off(void *data)
{
	struct amp *amp = data;

	regulator_disable(amp->supply);
}

static int amp_probe(struct i2c_client *client)
{
	struct amp *amp = devm_kzalloc(&client->dev, sizeof(*amp), GFP_KERNEL);
	int ret;

	if (!amp)
		return -ENOMEM;
	amp->supply = devm_regulator_get(&client->dev, "vdd");
	if (IS_ERR(amp->supply))
		return PTR_ERR(amp->supply);
	ret = regulator_enable(amp->supply);
	if (ret)
		return ret;
	ret = devm_add_action_or_reset(&client->dev, amp_supply_off, amp);
	if (ret)
		return ret;
	i2c_set_clientdata(client, amp);
	return 0;
}

static void amp_remove(struct i2c_client *client)
{
	struct amp *amp = i2c_get_clientdata(client);

	regulator_disable(amp->supply);
}

static struct i2c_driver amp_driver = {
	.driver = { .name = "amp" },
	.probe_new = amp_probe,
	.remove = amp_remove,
};
module_i2c_driver(amp_driver);
`,
      errors: [
        {
          message:
            "The amp_supply_off() callback that devm_add_action_or_reset() registers uses `amp->supply` (line 10), enabled with regulator_enable() at line 23, which amp_remove() disables with regulator_disable() at line 37; devres stops this callback only after remove() returns, so it can run on a disabled `amp->supply`.",
          line: 26,
          column: 8,
          endLine: 26,
          endColumn: 67,
        },
      ],
    },
    // (b) a devm clock provider registered between the clock enable and the controller: reported at the controller, the last registration (kernel: spi-meson-spicc)
    {
      filename: "bad21.c",
      code: c`
struct bar_priv {
	struct clk *core;
	struct clk *clk;
	struct clk_divider div;
};

static int bar_probe(struct platform_device *pdev)
{
	struct spi_master *master;
	struct bar_priv *priv;
	struct clk_init_data init = {};
	int ret;

	master = spi_alloc_master(&pdev->dev, sizeof(*priv));
	if (!master)
		return -ENOMEM;
	priv = spi_master_get_devdata(master);
	platform_set_drvdata(pdev, priv);
	priv->core = devm_clk_get(&pdev->dev, "core");
	if (IS_ERR(priv->core)) {
		ret = PTR_ERR(priv->core);
		goto out_master;
	}
	ret = clk_prepare_enable(priv->core);
	if (ret)
		goto out_master;

	init.name = "bar-div";
	init.ops = &clk_divider_ops;
	priv->div.hw.init = &init;
	priv->clk = devm_clk_register(&pdev->dev, &priv->div.hw);
	if (IS_ERR(priv->clk)) {
		ret = PTR_ERR(priv->clk);
		goto out_clk;
	}
	ret = devm_spi_register_master(&pdev->dev, master);
	if (ret)
		goto out_clk;
	return 0;

out_clk:
	clk_disable_unprepare(priv->core);
out_master:
	spi_master_put(master);
	return ret;
}

static int bar_remove(struct platform_device *pdev)
{
	struct bar_priv *priv = platform_get_drvdata(pdev);

	clk_disable_unprepare(priv->core);
	return 0;
}

static struct platform_driver bar_driver = {
	.probe = bar_probe,
	.remove = bar_remove,
	.driver = { .name = "bar" },
};
module_platform_driver(bar_driver);
`,
      errors: [
        {
          message:
            "devm_spi_register_master() registers devres after `priv->core` was enabled with clk_prepare_enable() at line 24, which bar_remove() disables with clk_disable_unprepare() at line 52; devres releases it only after remove() returns, so at unbind `priv->core` is disabled first, the reverse of probe order.",
          line: 36,
          column: 8,
          endLine: 36,
          endColumn: 52,
        },
      ],
    },
    // (a) an unregistered gpiochip embedded in live memory: handing its IRQ domain to a function after gpiochip_remove() is a use (kernel: gpio-rcar)
    {
      filename: "bad22.c",
      code: c`
struct gpx_priv {
	struct gpio_chip gc;
	void __iomem *base;
};

static irqreturn_t gpx_irq_handler(int irq, void *dev_id)
{
	struct gpx_priv *p = dev_id;
	unsigned long pending = readl(p->base + 0x20);
	unsigned int bit;

	for_each_set_bit(bit, &pending, 32)
		generic_handle_domain_irq(p->gc.irq.domain, bit);
	return IRQ_HANDLED;
}

static int gpx_probe(struct platform_device *pdev)
{
	struct gpx_priv *p;
	int ret;

	p = devm_kzalloc(&pdev->dev, sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(p->base))
		return PTR_ERR(p->base);
	platform_set_drvdata(pdev, p);
	ret = gpiochip_add_data(&p->gc, p);
	if (ret)
		return ret;
	ret = devm_request_irq(&pdev->dev, platform_get_irq(pdev, 0), gpx_irq_handler,
			       IRQF_SHARED, "gpx", p);
	if (ret)
		gpiochip_remove(&p->gc);
	return ret;
}

static int gpx_remove(struct platform_device *pdev)
{
	struct gpx_priv *p = platform_get_drvdata(pdev);

	gpiochip_remove(&p->gc);
	return 0;
}

static struct platform_driver gpx_driver = {
	.probe = gpx_probe,
	.remove = gpx_remove,
	.driver = { .name = "gpx" },
};
module_platform_driver(gpx_driver);
`,
      errors: [
        {
          message:
            "The gpx_irq_handler() callback that devm_request_irq() registers uses `&p->gc` (line 13), registered with gpiochip_add_data() at line 29, which gpx_remove() unregisters with gpiochip_remove() at line 43; devres stops this callback only after remove() returns, so it can run on an unregistered `&p->gc`.",
          line: 32,
          column: 8,
          endLine: 33,
          endColumn: 33,
        },
      ],
    },
    // (a) the handler calls power_supply_changed() on the power supply remove() unregisters (and frees): the IRQ, requested before, outlives it (kernel: goldfish_battery)
    {
      filename: "bad23.c",
      code: c`
struct batt_data {
	void __iomem *reg_base;
	struct power_supply *battery;
};

static irqreturn_t batt_interrupt(int irq, void *dev_id)
{
	struct batt_data *data = dev_id;
	u32 status = readl(data->reg_base + 0x00);

	if (status & 0x1)
		power_supply_changed(data->battery);
	return status ? IRQ_HANDLED : IRQ_NONE;
}

static const struct power_supply_desc batt_desc = {
	.name = "battery",
	.type = POWER_SUPPLY_TYPE_BATTERY,
};

static int batt_probe(struct platform_device *pdev)
{
	struct power_supply_config psy_cfg = {};
	struct batt_data *data;
	int ret;

	data = devm_kzalloc(&pdev->dev, sizeof(*data), GFP_KERNEL);
	if (!data)
		return -ENOMEM;
	data->reg_base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(data->reg_base))
		return PTR_ERR(data->reg_base);
	ret = devm_request_irq(&pdev->dev, platform_get_irq(pdev, 0), batt_interrupt,
			       IRQF_SHARED, pdev->name, data);
	if (ret)
		return ret;
	psy_cfg.drv_data = data;
	data->battery = power_supply_register(&pdev->dev, &batt_desc, &psy_cfg);
	if (IS_ERR(data->battery))
		return PTR_ERR(data->battery);
	platform_set_drvdata(pdev, data);
	return 0;
}

static int batt_remove(struct platform_device *pdev)
{
	struct batt_data *data = platform_get_drvdata(pdev);

	power_supply_unregister(data->battery);
	return 0;
}

static struct platform_driver batt_driver = {
	.probe = batt_probe,
	.remove = batt_remove,
	.driver = { .name = "batt" },
};
module_platform_driver(batt_driver);
`,
      errors: [
        {
          message:
            "The batt_interrupt() callback that devm_request_irq() registers uses `data->battery` (line 12), registered with power_supply_register() at line 38, which batt_remove() unregisters with power_supply_unregister() at line 49; devres stops this callback only after remove() returns, so it can run on an unregistered `data->battery`.",
          line: 33,
          column: 8,
          endLine: 34,
          endColumn: 41,
        },
      ],
    },
    // (a) through member-assigned ops: the devm gpiochip's get() queues work on the workqueue remove() destroys, reported at probe's call of the helper that registers it
    {
      filename: "bad24.c",
      code: c`
struct canx_priv {
	struct spi_device *spi;
	struct workqueue_struct *wq;
	struct work_struct tx_work;
	struct gpio_chip gpio;
};

static int canx_gpio_get(struct gpio_chip *chip, unsigned int offset)
{
	struct canx_priv *priv = gpiochip_get_data(chip);

	queue_work(priv->wq, &priv->tx_work);
	return spi_w8r8(priv->spi, 0x30 + offset);
}

static int canx_gpio_setup(struct canx_priv *priv)
{
	priv->gpio.label = "canx";
	priv->gpio.get = canx_gpio_get;
	priv->gpio.ngpio = 4;
	return devm_gpiochip_add_data(&priv->spi->dev, &priv->gpio, priv);
}

static int canx_probe(struct spi_device *spi)
{
	struct canx_priv *priv;

	priv = devm_kzalloc(&spi->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->spi = spi;
	priv->wq = alloc_workqueue("canx", WQ_FREEZABLE | WQ_MEM_RECLAIM, 0);
	if (!priv->wq)
		return -ENOMEM;
	spi_set_drvdata(spi, priv);
	return canx_gpio_setup(priv);
}

static void canx_remove(struct spi_device *spi)
{
	struct canx_priv *priv = spi_get_drvdata(spi);

	destroy_workqueue(priv->wq);
}

static struct spi_driver canx_driver = {
	.driver = { .name = "canx" },
	.probe = canx_probe,
	.remove = canx_remove,
};
module_spi_driver(canx_driver);
`,
      errors: [
        {
          message:
            "The canx_gpio_get() callback that canx_gpio_setup() (through devm_gpiochip_add_data()) registers uses `priv->wq` (line 12), created with alloc_workqueue() at line 32, which canx_remove() destroys with destroy_workqueue() at line 43; devres stops this callback only after remove() returns, so it can run on a destroyed `priv->wq`.",
          line: 36,
          column: 9,
          endLine: 36,
          endColumn: 30,
        },
      ],
    },
    // strict (checkDevresWithRemove): the soft check lists a devm registration in a driver that has remove(), even when nothing is wrong with it
    {
      filename: "bad01.c",
      code: c`
struct fw_priv {
	void __iomem *base;
	u8 *fw_copy;
	u32 status;
	int irq;
};

static irqreturn_t fw_isr(int irq, void *data)
{
	struct fw_priv *priv = data;

	priv->status = readl(priv->base);
	return IRQ_HANDLED;
}

static int fw_probe(struct platform_device *pdev)
{
	struct fw_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);

	if (!priv)
		return -ENOMEM;
	priv->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(priv->base))
		return PTR_ERR(priv->base);
	priv->fw_copy = kmemdup(fw_blob, sizeof(fw_blob), GFP_KERNEL);
	if (!priv->fw_copy)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, fw_isr, 0, "fw", priv);
}

static int fw_remove(struct platform_device *pdev)
{
	struct fw_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->fw_copy);
	return 0;
}

static struct platform_driver fw_driver = {
	.probe = fw_probe,
	.remove = fw_remove,
	.driver = { .name = "fw" },
};
module_platform_driver(fw_driver);
`,
      options: strict,
      errors: [
        {
          message:
            "devm_request_irq() registers devres in fw_driver, which also has remove(): devres is released only after remove() returns; make sure it does not depend on anything remove() tears down.",
          line: 29,
          column: 9,
          endLine: 29,
          endColumn: 71,
        },
      ],
    },
    // strict: where the hard report is made, the soft one is not (one report per call)
    {
      filename: "bad02.c",
      code: c`
struct foo_priv {
	void __iomem *base;
	u8 *buf;
	int irq;
};

static irqreturn_t foo_isr(int irq, void *data)
{
	struct foo_priv *priv = data;

	priv->buf[0] = readl(priv->base);
	return IRQ_HANDLED;
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->buf = kzalloc(64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	platform_set_drvdata(pdev, priv);
	return devm_request_irq(&pdev->dev, priv->irq, foo_isr, 0, "foo", priv);
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	kfree(priv->buf);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo" },
};
module_platform_driver(foo_driver);
`,
      options: strict,
      errors: [
        {
          message:
            "The foo_isr() callback that devm_request_irq() registers uses `priv->buf` (line 11), allocated with kzalloc() at line 22, which foo_remove() frees with kfree() at line 33; devres stops this callback only after remove() returns, so it can run on a freed `priv->buf`.",
          line: 26,
          column: 9,
          endLine: 26,
          endColumn: 73,
        },
      ],
    },
  ],
});
