// RuleTester cases for devbound/devm-after-unbind on C (language devbound/c, the kernel macro
// hints as devbound.configs.kernel passes them): a devm call where the device may not be bound
// (a work/timer/tasklet callback or manual IRQ handler that teardown does not stop, a file
// operation, the module init), directly or through the file's helpers. Kernel-style code
// written for these tests (no kernel source).
import { c, cRule, cRuleTester as ruleTester, span as at } from "./setup-c.js";

const rule = cRule("devm-after-unbind");

const OWNER = "the device of foo_driver";
function deferred(code: string, call: string, api: string, dev: string, where: string, owner = OWNER) {
  return {
    message: `\`${api}\` registers devres on \`${dev}\` inside ${where}, which may run after ${owner} unbinds: devres registered on an unbound device is never released. Register it in probe(), or use a bound callback`,
    ...at(code, call),
  };
}
function afterRelease(code: string, call: string, api: string, dev: string, where: string, owner = "its device") {
  return { message: `\`${api}\` registers devres on \`${dev}\` inside ${where}, which can run after ${owner} has unbound: devres registered there is never released`, ...at(code, call) };
}
function beforeBind(code: string, call: string, api: string, dev: string, where: string) {
  return {
    message: `\`${api}\` registers devres on \`${dev}\` inside ${where}, which runs before any driver is bound to the device: the driver core then refuses to probe it ("Resources present before probing")`,
    ...at(code, call),
  };
}

const PRIV = c(
  "struct foo_priv {",
  "\tstruct device *dev;",
  "\tstruct work_struct work;",
  "\tstruct delayed_work poll;",
  "\tstruct timer_list timer;",
  "\tstruct hrtimer hrt;",
  "\tstruct tasklet_struct tasklet;",
  "\tstruct workqueue_struct *wq;",
  "\tstruct gpio_desc *reset;",
  "\tu8 *buf;",
  "\tint irq;",
  "};",
  "",
);

/** A driver whose probe allocates priv and runs `setup` (lines), with an optional remove body. */
function driver(setup: string[], remove?: string[]): string {
  return c(
    "static int foo_probe(struct platform_device *pdev)",
    "{",
    "\tstruct foo_priv *priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);",
    "",
    "\tif (!priv)",
    "\t\treturn -ENOMEM;",
    "\tpriv->dev = &pdev->dev;",
    ...setup.map((l) => `\t${l}`),
    "\tplatform_set_drvdata(pdev, priv);",
    "\treturn 0;",
    "}",
    "",
    ...(remove
      ? ["static void foo_remove(struct platform_device *pdev)", "{", "\tstruct foo_priv *priv = platform_get_drvdata(pdev);", "", ...remove.map((l) => `\t${l}`), "}", ""]
      : []),
    "static struct platform_driver foo_driver = {",
    "\t.probe = foo_probe,",
    ...(remove ? ["\t.remove = foo_remove,"] : []),
    "\t.driver = { .name = \"foo\" },",
    "};",
    "module_platform_driver(foo_driver);",
  );
}

// ---- invalid --------------------------------------------------------------------------

const workDirect = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "}",
  "",
  driver(["INIT_WORK(&priv->work, foo_work_fn);", "schedule_work(&priv->work);"]),
);

const delayedHelper = c(
  PRIV,
  "static int foo_refill(struct foo_priv *priv)",
  "{",
  "\tpriv->buf = devm_kmalloc(priv->dev, 64, GFP_KERNEL);",
  "\treturn priv->buf ? 0 : -ENOMEM;",
  "}",
  "",
  "static void foo_poll(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(to_delayed_work(work), struct foo_priv, poll);",
  "",
  "\tfoo_refill(priv);",
  "\tschedule_delayed_work(&priv->poll, HZ);",
  "}",
  "",
  driver(["INIT_DELAYED_WORK(&priv->poll, foo_poll);", "schedule_delayed_work(&priv->poll, HZ);"], ["foo_hw_off(priv);"]),
);

const chain = c(
  PRIV,
  "static void foo_get_reset(struct foo_priv *priv)",
  "{",
  "\tpriv->reset = devm_gpiod_get(priv->dev, \"reset\", GPIOD_OUT_LOW);",
  "}",
  "",
  "static void foo_recover(struct foo_priv *priv)",
  "{",
  "\tfoo_get_reset(priv);",
  "}",
  "",
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tfoo_recover(priv);",
  "}",
  "",
  driver(["INIT_WORK(&priv->work, foo_work_fn);"]),
);

const timer = c(
  PRIV,
  "static void foo_timeout(struct timer_list *t)",
  "{",
  "\tstruct foo_priv *priv = from_timer(priv, t, timer);",
  "",
  "\tdevm_add_action_or_reset(priv->dev, foo_stop, priv);",
  "}",
  "",
  driver(["timer_setup(&priv->timer, foo_timeout, 0);", "mod_timer(&priv->timer, jiffies + HZ);"], ["foo_hw_off(priv);"]),
);

const tasklet = c(
  PRIV,
  "static void foo_tasklet_fn(struct tasklet_struct *t)",
  "{",
  "\tstruct foo_priv *priv = from_tasklet(priv, t, tasklet);",
  "",
  "\tpriv->buf = devm_kcalloc(priv->dev, 4, 16, GFP_ATOMIC);",
  "}",
  "",
  driver(["tasklet_setup(&priv->tasklet, foo_tasklet_fn);"]),
);

const hrtimer = c(
  PRIV,
  "static enum hrtimer_restart foo_hrt_fn(struct hrtimer *t)",
  "{",
  "\tstruct foo_priv *priv = container_of(t, struct foo_priv, hrt);",
  "",
  "\tdevm_kasprintf(priv->dev, GFP_ATOMIC, \"foo-%d\", 1);",
  "\treturn HRTIMER_NORESTART;",
  "}",
  "",
  driver(["hrtimer_setup(&priv->hrt, foo_hrt_fn, CLOCK_MONOTONIC, HRTIMER_MODE_REL);"]),
);

const irqDisableOnly = c(
  PRIV,
  "static irqreturn_t foo_isr(int irq, void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 16, GFP_ATOMIC);",
  "\treturn IRQ_HANDLED;",
  "}",
  "",
  driver(["request_irq(priv->irq, foo_isr, 0, \"foo\", priv);"], ["disable_irq(priv->irq);"]),
);

const threadedIrq = c(
  PRIV,
  "static irqreturn_t foo_thread(int irq, void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\tpriv->reset = devm_gpiod_get_optional(priv->dev, \"reset\", GPIOD_OUT_HIGH);",
  "\treturn IRQ_HANDLED;",
  "}",
  "",
  driver(["request_threaded_irq(priv->irq, NULL, foo_thread, IRQF_ONESHOT, \"foo\", priv);"]),
);

const FILE_PRIV = c(
  "struct foo_dev {",
  "\tstruct device *dev;",
  "\tstruct miscdevice misc;",
  "\tu8 *buf;",
  "};",
  "",
);

const fopsOpen = c(
  FILE_PRIV,
  "static int foo_open(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_dev *fd = container_of(file->private_data, struct foo_dev, misc);",
  "",
  "\tfd->buf = devm_kzalloc(fd->dev, PAGE_SIZE, GFP_KERNEL);",
  "\treturn fd->buf ? 0 : -ENOMEM;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.owner = THIS_MODULE,",
  "\t.open = foo_open,",
  "};",
);

const fopsIoctl = c(
  FILE_PRIV,
  "static long foo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)",
  "{",
  "\tstruct foo_dev *fd = file->private_data;",
  "",
  "\tif (cmd == FOO_IOC_ARM)",
  "\t\treturn devm_request_irq(fd->dev, arg, foo_isr, 0, \"foo\", fd);",
  "\treturn -ENOTTY;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.unlocked_ioctl = foo_ioctl,",
  "};",
);

const fopsAssigned = c(
  FILE_PRIV,
  "static struct file_operations foo_fops;",
  "",
  "static int foo_grow(struct foo_dev *fd, size_t len)",
  "{",
  "\tfd->buf = devm_krealloc(fd->dev, fd->buf, len, GFP_KERNEL);",
  "\treturn fd->buf ? 0 : -ENOMEM;",
  "}",
  "",
  "static ssize_t foo_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)",
  "{",
  "\treturn foo_grow(file->private_data, len);",
  "}",
  "",
  "static void foo_fops_init(void)",
  "{",
  "\tfoo_fops.write = foo_write;",
  "}",
);

const procOps = c(
  FILE_PRIV,
  "static ssize_t foo_proc_write(struct file *file, const char __user *ubuf, size_t len, loff_t *ppos)",
  "{",
  "\tstruct foo_dev *fd = pde_data(file_inode(file));",
  "",
  "\tdevm_add_action(fd->dev, foo_flush, fd);",
  "\treturn len;",
  "}",
  "",
  "static const struct proc_ops foo_proc_ops = {",
  "\t.proc_write = foo_proc_write,",
  "};",
);

// The module makes the device and registers a driver that binds it: probe then finds devres.
const moduleInit = c(
  "static struct platform_device *foo_pdev;",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\treturn 0;",
  "}",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.probe = foo_probe,",
  "\t.driver = { .name = \"foo\" },",
  "};",
  "",
  "static int __init foo_init(void)",
  "{",
  "\tfoo_pdev = platform_device_register_simple(\"foo\", -1, NULL, 0);",
  "\tif (IS_ERR(foo_pdev))",
  "\t\treturn PTR_ERR(foo_pdev);",
  "\tif (!devm_kzalloc(&foo_pdev->dev, 64, GFP_KERNEL))",
  "\t\treturn -ENOMEM;",
  "\treturn platform_driver_register(&foo_driver);",
  "}",
  "module_init(foo_init);",
);

// A legacy pseudo-device (pata_legacy, mlx-platform idiom): the module makes it, no driver binds
// it, its devres goes with it at platform_device_unregister().
const pseudoDevice = c(
  "static struct platform_device *foo_pdev;",
  "",
  "static int __init foo_init(void)",
  "{",
  "\tstruct platform_device *pdev;",
  "\tvoid __iomem *regs;",
  "",
  "\tpdev = platform_device_register_simple(\"foo-legacy\", 0, NULL, 0);",
  "\tif (IS_ERR(pdev))",
  "\t\treturn PTR_ERR(pdev);",
  "\tif (!devm_request_region(&pdev->dev, 0x1f0, 8, \"foo\"))",
  "\t\tgoto fail;",
  "\tregs = devm_ioport_map(&pdev->dev, 0x1f0, 8);",
  "\tif (!regs)",
  "\t\tgoto fail;",
  "\tfoo_pdev = pdev;",
  "\treturn 0;",
  "fail:",
  "\tplatform_device_unregister(pdev);",
  "\treturn -EBUSY;",
  "}",
  "module_init(foo_init);",
  "",
  "static void __exit foo_exit(void)",
  "{",
  "\tplatform_device_unregister(foo_pdev);",
  "}",
  "module_exit(foo_exit);",
);

// The pseudo-device reaches the devm call through a helper's parameter (sifive_edac idiom); the
// twin also calls the helper with a device it found, which a driver may bind.
function pseudoDeviceHelper(extra: string[]): string {
  return c(
    "static struct platform_device *foo_pdev;",
    "",
    "static int foo_ecc_register(struct platform_device *pdev)",
    "{",
    "\tvoid *p = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);",
    "",
    "\treturn p ? 0 : -ENOMEM;",
    "}",
    "",
    "static int __init foo_init(void)",
    "{",
    "\tfoo_pdev = platform_device_register_simple(\"foo-edac\", 0, NULL, 0);",
    "\tif (IS_ERR(foo_pdev))",
    "\t\treturn PTR_ERR(foo_pdev);",
    ...extra.map((l) => `\t${l}`),
    "\treturn foo_ecc_register(foo_pdev);",
    "}",
    "module_init(foo_init);",
  );
}
const pseudoViaHelper = pseudoDeviceHelper([]);
const foundViaHelper = pseudoDeviceHelper([
  "struct platform_device *other = to_platform_device(bus_find_device_by_name(&platform_bus_type, NULL, \"foo-ecc\"));",
  "",
  "if (other)",
  "\tfoo_ecc_register(other);",
]);

// A file operation registering on the misc device's own class device (uleds idiom): no driver
// binds it; the LED goes at release() or with the misc device.
const miscClassDevice = c(
  "struct foo_user {",
  "\tstruct led_classdev led;",
  "\tbool registered;",
  "};",
  "",
  "static struct miscdevice foo_misc;",
  "",
  "static ssize_t foo_write(struct file *file, const char __user *buf, size_t len, loff_t *ppos)",
  "{",
  "\tstruct foo_user *u = file->private_data;",
  "\tint ret = devm_led_classdev_register(foo_misc.this_device, &u->led);",
  "",
  "\tif (ret)",
  "\t\treturn ret;",
  "\tu->registered = true;",
  "\treturn len;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.owner = THIS_MODULE,",
  "\t.write = foo_write,",
  "};",
  "",
  "static struct miscdevice foo_misc = {",
  "\t.minor = MISC_DYNAMIC_MINOR,",
  "\t.name = \"foo\",",
  "\t.fops = &foo_fops,",
  "};",
);

// A class device the module makes with device_create(): no driver binds it either.
const classDevice = c(
  "static struct device *foo_cdev_dev;",
  "",
  "static long foo_ioctl(struct file *file, unsigned int cmd, unsigned long arg)",
  "{",
  "\tvoid *buf = devm_kzalloc(foo_cdev_dev, PAGE_SIZE, GFP_KERNEL);",
  "",
  "\treturn buf ? 0 : -ENOMEM;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.unlocked_ioctl = foo_ioctl,",
  "};",
  "",
  "static int __init foo_init(void)",
  "{",
  "\tfoo_cdev_dev = device_create(foo_class, NULL, MKDEV(foo_major, 0), NULL, \"foo0\");",
  "\treturn PTR_ERR_OR_ZERO(foo_cdev_dev);",
  "}",
  "module_init(foo_init);",
);

// A debugfs trigger (hisi_sas idiom): debugfs_remove_recursive() in remove() drains its write().
function debugfsTrigger(create: string): string {
  return c(
    PRIV,
    "static ssize_t foo_dump_write(struct file *file, const char __user *ubuf, size_t count, loff_t *ppos)",
    "{",
    "\tstruct foo_priv *priv = file->f_inode->i_private;",
    "",
    "\tpriv->buf = devm_kmalloc(priv->dev, 4096, GFP_KERNEL);",
    "\treturn priv->buf ? count : -ENOMEM;",
    "}",
    "",
    "static const struct file_operations foo_dump_fops = {",
    "\t.write = &foo_dump_write,",
    "\t.owner = THIS_MODULE,",
    "};",
    "",
    driver([`${create}("dump", 0200, NULL, priv, &foo_dump_fops);`], ["debugfs_remove_recursive(priv->debugfs);"]),
  );
}
const debugfsSafe = debugfsTrigger("debugfs_create_file");
const debugfsUnsafe = debugfsTrigger("debugfs_create_file_unsafe");

// The core half of a driver whose bus glue (another file) calls foo_core_deinit() from remove():
// the file shows no remove(), so a cancel in any of its functions counts (ionic, ath10k idiom).
function coreHalf(deinit: string[]): string {
  return c(
    PRIV,
    "static void foo_fw_up_work(struct work_struct *work)",
    "{",
    "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
    "",
    "\tpriv->buf = devm_kcalloc(priv->dev, 16, 64, GFP_KERNEL);",
    "}",
    "",
    "int foo_core_init(struct foo_priv *priv)",
    "{",
    "\tINIT_WORK(&priv->work, foo_fw_up_work);",
    "\treturn 0;",
    "}",
    "",
    "void foo_core_deinit(struct foo_priv *priv)",
    "{",
    ...deinit.map((l) => `\t${l}`),
    "}",
  );
}
// remove() destroys the driver's workqueue, but this work goes to the system workqueue
// (schedule_work): destroy_workqueue() does not wait for it (qcom-ngd-ctrl idiom).
const systemWqNotDrained = c(
  PRIV,
  "static void foo_up_work(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "}",
  "",
  "static int foo_notify(struct notifier_block *nb, unsigned long event, void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\tschedule_work(&priv->work);",
  "\treturn NOTIFY_OK;",
  "}",
  "",
  driver(["priv->wq = alloc_workqueue(\"foo\", 0, 0);", "INIT_WORK(&priv->work, foo_up_work);"], ["destroy_workqueue(priv->wq);"]),
);

// The driver struct declared before its definition (a probe that names it): its roles still count.
const forwardDeclared = c(
  "static struct platform_driver foo_driver;",
  "",
  workDirect,
);

const coreCancels = coreHalf(["cancel_work_sync(&priv->work);", "kfree(priv->buf);"]);
const coreForgets = coreHalf(["kfree(priv->buf);"]);

const lateInitcall = c(
  "static int foo_setup_clock(struct device *dev)",
  "{",
  "\treturn PTR_ERR_OR_ZERO(devm_clk_get_enabled(dev, \"bus\"));",
  "}",
  "",
  "static int __init foo_late(void)",
  "{",
  "\tstruct device *dev = bus_find_device_by_name(&platform_bus_type, NULL, \"foo\");",
  "",
  "\treturn dev ? foo_setup_clock(dev) : -ENODEV;",
  "}",
  "late_initcall(foo_late);",
);

const twoInWork = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "\tdevm_kfree(priv->dev, priv->buf);",
  "\tpriv->reset = devm_gpiod_get(priv->dev, \"reset\", GPIOD_OUT_LOW);",
  "}",
  "",
  driver(["INIT_WORK(&priv->work, foo_work_fn);"], ["foo_hw_off(priv);"]),
);

// ---- valid ----------------------------------------------------------------------------

const inProbeAndRemove = c(
  PRIV,
  "static int foo_setup(struct foo_priv *priv)",
  "{",
  "\tpriv->reset = devm_gpiod_get(priv->dev, \"reset\", GPIOD_OUT_LOW);",
  "\treturn PTR_ERR_OR_ZERO(priv->reset);",
  "}",
  "",
  driver(["foo_setup(priv);"], ["devm_add_action(priv->dev, foo_stop, priv);"]),
);

const workCancelled = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "}",
  "",
  driver(["INIT_WORK(&priv->work, foo_work_fn);"], ["cancel_work_sync(&priv->work);"]),
);

const workAutocancel = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "}",
  "",
  driver(["devm_work_autocancel(priv->dev, &priv->work, foo_work_fn);"]),
);

const devmIrq = c(
  PRIV,
  "static irqreturn_t foo_isr(int irq, void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 16, GFP_ATOMIC);",
  "\treturn IRQ_HANDLED;",
  "}",
  "",
  driver(["devm_request_irq(priv->dev, priv->irq, foo_isr, 0, \"foo\", priv);"]),
);

const irqFreed = c(
  PRIV,
  "static irqreturn_t foo_isr(int irq, void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 16, GFP_ATOMIC);",
  "\treturn IRQ_HANDLED;",
  "}",
  "",
  "static void foo_teardown(struct foo_priv *priv)",
  "{",
  "\tfree_irq(priv->irq, priv);",
  "}",
  "",
  driver(["request_irq(priv->irq, foo_isr, 0, \"foo\", priv);"], ["foo_teardown(priv);"]),
);

const fopsReleaseOnly = c(
  FILE_PRIV,
  "static int foo_release(struct inode *inode, struct file *file)",
  "{",
  "\tstruct foo_dev *fd = file->private_data;",
  "",
  "\tfd->buf = devm_kzalloc(fd->dev, 16, GFP_KERNEL);",
  "\treturn 0;",
  "}",
  "",
  "static const struct file_operations foo_fops = {",
  "\t.release = foo_release,",
  "};",
);

const kobjRelease = c(
  "struct foo_stats {",
  "\tstruct kobject kobj;",
  "\tstruct device *dev;",
  "};",
  "",
  "static void foo_stats_release(struct kobject *kobj)",
  "{",
  "\tstruct foo_stats *st = container_of(kobj, struct foo_stats, kobj);",
  "",
  "\tdevm_add_action(st->dev, foo_flush, st);",
  "}",
  "",
  "static const struct kobj_type foo_stats_ktype = {",
  "\t.release = foo_stats_release,",
  "};",
);

const actionCallback = c(
  PRIV,
  "static void foo_action(void *data)",
  "{",
  "\tstruct foo_priv *priv = data;",
  "",
  "\tdevm_kasprintf(priv->dev, GFP_KERNEL, \"foo-%d\", 0);",
  "}",
  "",
  driver(["devm_add_action_or_reset(priv->dev, foo_action, priv);"]),
);

const subsystemCallback = c(
  "struct foo_led {",
  "\tstruct led_classdev cdev;",
  "\tstruct device *dev;",
  "\tstruct gpio_desc *gpio;",
  "};",
  "",
  "static int foo_led_set(struct led_classdev *cdev, enum led_brightness b)",
  "{",
  "\tstruct foo_led *led = container_of(cdev, struct foo_led, cdev);",
  "",
  "\tif (!led->gpio)",
  "\t\tled->gpio = devm_gpiod_get(led->dev, NULL, GPIOD_OUT_LOW);",
  "\treturn 0;",
  "}",
  "",
  "static int foo_led_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_led *led = devm_kzalloc(&pdev->dev, sizeof(*led), GFP_KERNEL);",
  "",
  "\tif (!led)",
  "\t\treturn -ENOMEM;",
  "\tled->dev = &pdev->dev;",
  "\tled->cdev.brightness_set_blocking = foo_led_set;",
  "\treturn devm_led_classdev_register(&pdev->dev, &led->cdev);",
  "}",
);

const releaseInWork = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tdevm_kfree(priv->dev, priv->buf);",
  "\tpriv->buf = NULL;",
  "}",
  "",
  driver(["INIT_WORK(&priv->work, foo_work_fn);"]),
);

const initRegistersDriver = c(
  PRIV,
  driver(["priv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);"]).replace("module_platform_driver(foo_driver);", ""),
  "",
  "static int __init foo_init(void)",
  "{",
  "\treturn platform_driver_register(&foo_driver);",
  "}",
  "module_init(foo_init);",
);

const timerStoppedViaHelper = c(
  PRIV,
  "static void foo_timeout(struct timer_list *t)",
  "{",
  "\tstruct foo_priv *priv = from_timer(priv, t, timer);",
  "",
  "\tdevm_kzalloc(priv->dev, 8, GFP_ATOMIC);",
  "}",
  "",
  "static void foo_stop_timer(struct foo_priv *priv)",
  "{",
  "\ttimer_shutdown_sync(&priv->timer);",
  "}",
  "",
  driver(["timer_setup(&priv->timer, foo_timeout, 0);"], ["foo_stop_timer(priv);"]),
);

const workqueueDestroyed = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "}",
  "",
  driver(["priv->wq = alloc_workqueue(\"foo\", 0, 0);", "INIT_WORK(&priv->work, foo_work_fn);", "queue_work(priv->wq, &priv->work);"], ["destroy_workqueue(priv->wq);"]),
);

const pmResume = c(
  PRIV,
  "static int foo_resume(struct device *dev)",
  "{",
  "\tstruct foo_priv *priv = dev_get_drvdata(dev);",
  "",
  "\tpriv->buf = devm_kzalloc(dev, 64, GFP_KERNEL);",
  "\treturn 0;",
  "}",
  "",
  "static DEFINE_SIMPLE_DEV_PM_OPS(foo_pm, NULL, foo_resume);",
  "",
  driver([]).replace("\t.driver = { .name = \"foo\" },", "\t.driver = { .name = \"foo\", .pm = pm_sleep_ptr(&foo_pm) },"),
);

const macroNamed = c(
  PRIV,
  "#define devm_kzalloc(dev, size, gfp) kzalloc(size, gfp)",
  "",
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tstruct foo_priv *priv = container_of(work, struct foo_priv, work);",
  "",
  "\tpriv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);",
  "}",
  "",
  "static int foo_probe(struct platform_device *pdev)",
  "{",
  "\tstruct foo_priv *priv = kzalloc(sizeof(*priv), GFP_KERNEL);",
  "",
  "\tINIT_WORK(&priv->work, foo_work_fn);",
  "\treturn 0;",
  "}",
);

const nullDeviceFromInit = c(
  "static int __init foo_handle_resources(unsigned short base, int request, struct device *dev)",
  "{",
  "\tif (!request)",
  "\t\treturn acpi_check_region(base, 8, \"foo\");",
  "\treturn devm_request_region(dev, base, 8, \"foo\") ? 0 : -EBUSY;",
  "}",
  "",
  "static int __init foo_probe(struct platform_device *pdev)",
  "{",
  "\treturn foo_handle_resources(0x2e, 1, &pdev->dev);",
  "}",
  "",
  "static struct platform_driver foo_driver = {",
  "\t.driver = { .name = \"foo\" },",
  "};",
  "",
  "static int __init foo_init(void)",
  "{",
  "\tint err = foo_handle_resources(0x2e, 0, NULL);",
  "",
  "\tif (err)",
  "\t\treturn err;",
  "\treturn platform_driver_probe(&foo_driver, foo_probe);",
  "}",
  "module_init(foo_init);",
);

const noDevm = c(
  PRIV,
  "static void foo_work_fn(struct work_struct *work)",
  "{",
  "\tkfree(container_of(work, struct foo_priv, work)->buf);",
  "}",
);

ruleTester.run("devm-after-unbind (C)", rule, {
  valid: [
    { filename: "probe-remove.c", code: inProbeAndRemove },
    { filename: "work-cancelled.c", code: workCancelled },
    { filename: "work-autocancel.c", code: workAutocancel },
    { filename: "devm-irq.c", code: devmIrq },
    { filename: "irq-freed.c", code: irqFreed },
    { filename: "fops-release.c", code: fopsReleaseOnly },
    { filename: "kobj-release.c", code: kobjRelease },
    { filename: "action.c", code: actionCallback },
    { filename: "subsystem.c", code: subsystemCallback },
    { filename: "release-in-work.c", code: releaseInWork },
    { filename: "init-registers.c", code: initRegistersDriver },
    { filename: "timer-stopped.c", code: timerStoppedViaHelper },
    { filename: "wq-destroyed.c", code: workqueueDestroyed },
    { filename: "pm-resume.c", code: pmResume },
    { filename: "macro.c", code: macroNamed },
    { filename: "no-devm.c", code: noDevm },
    { filename: "null-device-from-init.c", code: nullDeviceFromInit },
    { filename: "pseudo-device.c", code: pseudoDevice },
    { filename: "misc-class-device.c", code: miscClassDevice },
    { filename: "pseudo-device-helper.c", code: pseudoViaHelper },
    { filename: "class-device.c", code: classDevice },
    { filename: "debugfs.c", code: debugfsSafe },
    { filename: "core-cancels.c", code: coreCancels },
  ],
  invalid: [
    {
      filename: "work.c",
      code: workDirect,
      errors: [deferred(workDirect, "devm_kzalloc(priv->dev, 64, GFP_KERNEL)", "devm_kzalloc", "priv->dev", "foo_work_fn(), a work function (INIT_WORK) that remove() does not cancel")],
    },
    {
      filename: "delayed-helper.c",
      code: delayedHelper,
      errors: [deferred(delayedHelper, "devm_kmalloc(priv->dev, 64, GFP_KERNEL)", "devm_kmalloc", "priv->dev", "foo_refill(), called from foo_poll(), a work function (INIT_DELAYED_WORK) that remove() does not cancel")],
    },
    {
      filename: "chain.c",
      code: chain,
      errors: [
        deferred(chain, "devm_gpiod_get(priv->dev, \"reset\", GPIOD_OUT_LOW)", "devm_gpiod_get", "priv->dev", "foo_get_reset(), called through foo_recover() from foo_work_fn(), a work function (INIT_WORK) that remove() does not cancel"),
      ],
    },
    {
      filename: "timer.c",
      code: timer,
      errors: [deferred(timer, "devm_add_action_or_reset(priv->dev, foo_stop, priv)", "devm_add_action_or_reset", "priv->dev", "foo_timeout(), a timer callback (timer_setup) that remove() does not cancel")],
    },
    {
      filename: "tasklet.c",
      code: tasklet,
      errors: [deferred(tasklet, "devm_kcalloc(priv->dev, 4, 16, GFP_ATOMIC)", "devm_kcalloc", "priv->dev", "foo_tasklet_fn(), a tasklet (tasklet_setup) that remove() does not kill")],
    },
    {
      filename: "hrtimer.c",
      code: hrtimer,
      errors: [deferred(hrtimer, "devm_kasprintf(priv->dev, GFP_ATOMIC, \"foo-%d\", 1)", "devm_kasprintf", "priv->dev", "foo_hrt_fn(), an hrtimer callback (hrtimer_setup) that remove() does not cancel")],
    },
    {
      filename: "irq-disable.c",
      code: irqDisableOnly,
      errors: [deferred(irqDisableOnly, "devm_kzalloc(priv->dev, 16, GFP_ATOMIC)", "devm_kzalloc", "priv->dev", "foo_isr(), an IRQ handler requested with request_irq() that remove() does not free")],
    },
    {
      filename: "threaded.c",
      code: threadedIrq,
      errors: [
        deferred(threadedIrq, "devm_gpiod_get_optional(priv->dev, \"reset\", GPIOD_OUT_HIGH)", "devm_gpiod_get_optional", "priv->dev", "foo_thread(), an IRQ handler requested with request_threaded_irq() that remove() does not free"),
      ],
    },
    { filename: "open.c", code: fopsOpen, errors: [afterRelease(fopsOpen, "devm_kzalloc(fd->dev, PAGE_SIZE, GFP_KERNEL)", "devm_kzalloc", "fd->dev", "foo_open(), a file operation (file_operations.open)")] },
    {
      filename: "ioctl.c",
      code: fopsIoctl,
      errors: [afterRelease(fopsIoctl, "devm_request_irq(fd->dev, arg, foo_isr, 0, \"foo\", fd)", "devm_request_irq", "fd->dev", "foo_ioctl(), a file operation (file_operations.unlocked_ioctl)")],
    },
    {
      filename: "fops-assigned.c",
      code: fopsAssigned,
      errors: [afterRelease(fopsAssigned, "devm_krealloc(fd->dev, fd->buf, len, GFP_KERNEL)", "devm_krealloc", "fd->dev", "foo_grow(), called from foo_write(), a file operation (file_operations.write)")],
    },
    { filename: "proc.c", code: procOps, errors: [afterRelease(procOps, "devm_add_action(fd->dev, foo_flush, fd)", "devm_add_action", "fd->dev", "foo_proc_write(), a file operation (proc_ops.proc_write)")] },
    { filename: "init.c", code: moduleInit, errors: [beforeBind(moduleInit, "devm_kzalloc(&foo_pdev->dev, 64, GFP_KERNEL)", "devm_kzalloc", "&foo_pdev->dev", "foo_init(), the module init (module_init)")] },
    {
      filename: "late.c",
      code: lateInitcall,
      errors: [beforeBind(lateInitcall, "devm_clk_get_enabled(dev, \"bus\")", "devm_clk_get_enabled", "dev", "foo_setup_clock(), called from foo_late(), the module init (late_initcall)")],
    },
    {
      filename: "device-from-init.c",
      code: nullDeviceFromInit.replace("foo_handle_resources(0x2e, 0, NULL)", "foo_handle_resources(0x2e, 1, &foo_pdev->dev)"),
      errors: [
        beforeBind(
          nullDeviceFromInit.replace("foo_handle_resources(0x2e, 0, NULL)", "foo_handle_resources(0x2e, 1, &foo_pdev->dev)"),
          "devm_request_region(dev, base, 8, \"foo\")",
          "devm_request_region",
          "dev",
          "foo_handle_resources(), called from foo_init(), the module init (module_init)",
        ),
      ],
    },
    {
      filename: "found-device-helper.c",
      code: foundViaHelper,
      errors: [beforeBind(foundViaHelper, "devm_kzalloc(&pdev->dev, 64, GFP_KERNEL)", "devm_kzalloc", "&pdev->dev", "foo_ecc_register(), called from foo_init(), the module init (module_init)")],
    },
    {
      filename: "system-wq.c",
      code: systemWqNotDrained,
      errors: [deferred(systemWqNotDrained, "devm_kzalloc(priv->dev, 64, GFP_KERNEL)", "devm_kzalloc", "priv->dev", "foo_up_work(), a work function (INIT_WORK) that remove() does not cancel")],
    },
    {
      filename: "forward-declared.c",
      code: forwardDeclared,
      errors: [deferred(forwardDeclared, "devm_kzalloc(priv->dev, 64, GFP_KERNEL)", "devm_kzalloc", "priv->dev", "foo_work_fn(), a work function (INIT_WORK) that remove() does not cancel")],
    },
    {
      filename: "debugfs-unsafe.c",
      code: debugfsUnsafe,
      errors: [afterRelease(debugfsUnsafe, "devm_kmalloc(priv->dev, 4096, GFP_KERNEL)", "devm_kmalloc", "priv->dev", "foo_dump_write(), a file operation (file_operations.write)")],
    },
    {
      filename: "core-forgets.c",
      code: coreForgets,
      errors: [deferred(coreForgets, "devm_kcalloc(priv->dev, 16, 64, GFP_KERNEL)", "devm_kcalloc", "priv->dev", "foo_fw_up_work(), a work function (INIT_WORK) that remove() does not cancel", "its device")],
    },
    {
      filename: "two-in-work.c",
      code: twoInWork,
      errors: [
        deferred(twoInWork, "devm_kzalloc(priv->dev, 64, GFP_KERNEL)", "devm_kzalloc", "priv->dev", "foo_work_fn(), a work function (INIT_WORK) that remove() does not cancel"),
        deferred(twoInWork, "devm_gpiod_get(priv->dev, \"reset\", GPIOD_OUT_LOW)", "devm_gpiod_get", "priv->dev", "foo_work_fn(), a work function (INIT_WORK) that remove() does not cancel"),
      ],
    },
  ],
});
