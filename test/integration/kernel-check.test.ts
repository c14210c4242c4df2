// devbound-kernel-check (packages/eslint-plugin/src/bin/devbound-kernel-check.ts) as kbuild's
// checker: `make C=1 CHECK=devbound-kernel-check` runs `$(CHECK) $(CHECKFLAGS) $(c_flags) <file.c>`.
// The bin runs from its committed launcher over the BUILT plugin (`pnpm build`), with the argument
// list `make V=1 C=1` prints, on kernel-style drivers written here (not kernel code).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const BIN = path.join(ROOT, "packages/eslint-plugin/bin/devbound-kernel-check.js");

/** $(CHECK)'s arguments for drivers/foo/<name>.c as `make V=1 C=1` prints them on x86_64: CHECKFLAGS, then c_flags. */
function kbuildArgs(name: string): string[] {
  return [
    ...["-D__linux__", "-Dlinux", "-D__STDC__", "-Dunix", "-D__unix__", "-Wbitwise", "-Wno-return-void", "-Wno-unknown-attribute"],
    ...["-D__x86_64__", "--arch=x86", "-mlittle-endian", "-m64", `-Wp,-MMD,drivers/foo/.${name}.o.d`, "-nostdinc"],
    ...["-I./arch/x86/include", "-I./arch/x86/include/generated", "-I./include", "-I./include/generated/uapi"],
    // headers given as flag values: not sources to lint (they do not exist here)
    ...["-include", "./include/linux/compiler-version.h", "-include", "./include/linux/kconfig.h"],
    ...["-include", "./include/linux/compiler_types.h", "-D__KERNEL__", "-fmacro-prefix-map=./=", "-std=gnu11"],
    ...["-fno-strict-aliasing", "-O2", "-isystem", "/usr/lib/gcc/x86_64-linux-gnu/12/include", "-I", "./drivers/foo"],
    ...[`-DKBUILD_MODFILE="drivers/foo/${name}"`, `-DKBUILD_BASENAME="${name}"`, `-DKBUILD_MODNAME="${name}"`],
    `-D__KBUILD_MODNAME=kmod_${name}`,
    `drivers/foo/${name}.c`,
  ];
}

const BAD = `/*
 * foo_bad: a kernel-style example driver written for devbound's test (not kernel code).
 * remove() frees a devm allocation by hand, and does not cancel the work, whose function
 * allocates with devm: it may run after unbind.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct foo_priv {
	struct device *dev;
	struct work_struct work;
	u8 *buf;
};

static void foo_work(struct work_struct *work)
{
	struct foo_priv *priv = container_of(work, struct foo_priv, work);

	priv->buf = devm_kzalloc(priv->dev, 64, GFP_KERNEL);
}

static int foo_probe(struct platform_device *pdev)
{
	struct foo_priv *priv;

	priv = devm_kzalloc(&pdev->dev, sizeof(*priv), GFP_KERNEL);
	if (!priv)
		return -ENOMEM;
	priv->dev = &pdev->dev;
	priv->buf = devm_kzalloc(&pdev->dev, 64, GFP_KERNEL);
	if (!priv->buf)
		return -ENOMEM;
	INIT_WORK(&priv->work, foo_work);
	platform_set_drvdata(pdev, priv);
	return 0;
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
	.driver = { .name = "foo_bad" },
};
module_platform_driver(foo_driver);
MODULE_LICENSE("GPL");
`;

const GOOD = `/*
 * foo_good: a kernel-style example driver written for devbound's test (not kernel code).
 * Everything comes from devm in probe; devres releases it, remove() only stops the work.
 */
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

struct foo_priv {
	struct work_struct work;
	u8 *buf;
};

static void foo_work(struct work_struct *work)
{
	struct foo_priv *priv = container_of(work, struct foo_priv, work);

	priv->buf[0] = 1;
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
	INIT_WORK(&priv->work, foo_work);
	platform_set_drvdata(pdev, priv);
	return 0;
}

static int foo_remove(struct platform_device *pdev)
{
	struct foo_priv *priv = platform_get_drvdata(pdev);

	cancel_work_sync(&priv->work);
	return 0;
}

static struct platform_driver foo_driver = {
	.probe = foo_probe,
	.remove = foo_remove,
	.driver = { .name = "foo_good" },
};
module_platform_driver(foo_driver);
MODULE_LICENSE("GPL");
`;

let tree: string;

function check(args: string[], options: { cwd?: string; werror?: boolean } = {}) {
  const env = { ...process.env };
  delete env.DEVBOUND_WERROR;
  if (options.werror) env.DEVBOUND_WERROR = "1";
  const run = spawnSync(process.execPath, [BIN, ...args], { cwd: options.cwd ?? tree, env, encoding: "utf8" });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

beforeAll(() => {
  tree = mkdtempSync(path.join(tmpdir(), "devbound-kernel-check-"));
  mkdirSync(path.join(tree, "drivers/foo"), { recursive: true });
  writeFileSync(path.join(tree, "drivers/foo/foo_bad.c"), BAD);
  writeFileSync(path.join(tree, "drivers/foo/foo_good.c"), GOOD);
});

afterAll(() => {
  rmSync(tree, { recursive: true, force: true });
});

const DEVM_AFTER_UNBIND =
  "drivers/foo/foo_bad.c:21:14: warning: `devm_kzalloc` registers devres on `priv->dev` inside foo_work(), a work function (INIT_WORK) that remove() does not cancel, which may run after the device of foo_driver unbinds: devres registered on an unbound device is never released. Register it in probe(), or use a bound callback [devbound/devm-after-unbind]";
const KFREE =
  "drivers/foo/foo_bad.c:44:2: warning: `priv->buf` is devres-managed (from devm_kzalloc() at line 21) and is released when the device of foo_driver unbinds; kfree() here releases it a second time (double free). [devbound/no-manual-free-of-devres]";

describe("devbound-kernel-check, as make C=1 CHECK=devbound-kernel-check", () => {
  it("a bad driver: sparse-style warnings on stderr (path as given), nothing on stdout, exit 0 so the build goes on", () => {
    const run = check(kbuildArgs("foo_bad"));
    expect(run.stdout).toBe("");
    expect(run.stderr.split("\n")).toEqual([DEVM_AFTER_UNBIND, KFREE, ""]);
    expect(run.status).toBe(0);
  });

  it("DEVBOUND_WERROR=1: the same lines, exit 1", () => {
    const run = check(kbuildArgs("foo_bad"), { werror: true });
    expect(run.stderr.split("\n")).toEqual([DEVM_AFTER_UNBIND, KFREE, ""]);
    expect(run.status).toBe(1);
  });

  it("a good driver: no output, exit 0, with DEVBOUND_WERROR=1 too", () => {
    for (const werror of [false, true]) {
      const run = check(kbuildArgs("foo_good"), { werror });
      expect(run.stderr).toBe("");
      expect(run.stdout).toBe("");
      expect(run.status).toBe(0);
    }
  });

  it("several source files (as C=2 may pass), and an absolute path from outside the tree (an external module, M=dir)", () => {
    const both = check(["-O2", "drivers/foo/foo_good.c", "drivers/foo/foo_bad.c"]);
    expect(both.stderr.split("\n")).toEqual([DEVM_AFTER_UNBIND, KFREE, ""]);
    expect(both.status).toBe(0);
    const absolute = path.join(tree, "drivers/foo/foo_bad.c");
    const outside = check(["-D__KERNEL__", absolute], { cwd: tmpdir() });
    expect(outside.stderr.split("\n")).toEqual([
      DEVM_AFTER_UNBIND.replace("drivers/foo/foo_bad.c", absolute),
      KFREE.replace("drivers/foo/foo_bad.c", absolute),
      "",
    ]);
  });

  it("a file ESLint cannot parse (a NUL byte): sparse's error line at the place, exit 0, with DEVBOUND_WERROR=1 exit 1", () => {
    writeFileSync(path.join(tree, "drivers/foo/binary.c"), "int a;\nint b\0;\n");
    const line = `drivers/foo/binary.c:2:6: error: Parsing error: ${path.join(tree, "drivers/foo/binary.c")} is not C source text (a NUL byte at 2:6; binary file?)`;
    const run = check(["-O2", "drivers/foo/binary.c"]);
    expect(run.stderr.split("\n")).toEqual([line, ""]);
    expect(run.status).toBe(0);
    expect(check(["-O2", "drivers/foo/binary.c"], { werror: true }).status).toBe(1);
  });

  it("bad usage: exit 2 with one line", () => {
    const none = check(kbuildArgs("foo_bad").slice(0, -1));
    expect(none.status).toBe(2);
    expect(none.stderr).toBe(
      "devbound-kernel-check: no source file (.c/.h) in the arguments (usage: devbound-kernel-check [<compiler or sparse flag>]... <file.c>...   (as kbuild's CHECK: make C=1 CHECK=devbound-kernel-check))\n",
    );
    const dangling = check(["drivers/foo/foo_bad.c", "-include"]);
    expect(dangling.status).toBe(2);
    expect(dangling.stderr).toMatch(/^devbound-kernel-check: -include needs a value \(usage: [^\n]*\)\n$/);
    const operand = check(["drivers/foo/foo_bad.o"]);
    expect(operand.status).toBe(2);
    expect(operand.stderr).toMatch(/^devbound-kernel-check: 'drivers\/foo\/foo_bad\.o' is neither a flag nor a C source file \(\.c\/\.h\) \(usage: [^\n]*\)\n$/);
  });

  it("a missing file: exit 2 with one line, nothing linted", () => {
    const run = check([...kbuildArgs("foo_bad").slice(0, -1), "drivers/foo/nope.c"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe("devbound-kernel-check: cannot read drivers/foo/nope.c: no such file\n");
  });
});
