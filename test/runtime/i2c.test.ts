import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  ErrnoError,
  I2cAdapter,
  UseAfterFreeError,
  defineDriver,
  devmKzalloc,
  i2cAddAdapter,
  i2cDelAdapter,
  i2cGetAdapter,
  i2cOpen,
  sanitizer,
} from "@devbound/runtime";
import { liveSince, plug } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

describe("i2c adapters", () => {
  test("an open i2c-dev file keeps a separately allocated adapter alive after unbind; close releases it", async () => {
    const base = sanitizer.live();
    const released: string[] = [];
    const { bus, dev } = await plug(
      defineDriver({
        name: "good-i2c",
        probe(dev) {
          const adap = new I2cAdapter(`${dev.name}-adap`, { masterXfer: (_a, msgs) => msgs.length });
          const own = adap as I2cAdapter & { onRelease?: () => void };
          own.onRelease = () => released.push("adapter");
          i2cAddAdapter(adap);
          return { adap };
        },
        remove(_dev, { adap }) {
          i2cDelAdapter(adap);
        },
      }),
    );
    const { adap } = bus.driverData<{ adap: I2cAdapter }>(dev)!;
    expect(i2cGetAdapter(adap.nr)).toBe(adap);
    const file = i2cOpen(adap);
    expect(await file.transfer([{ addr: 0x50, data: [0] }])).toBe(1);
    await bus.unplug(dev);
    expect(adap.refcount).toBe(1); // the file's reference
    await expect(file.transfer([])).rejects.toThrow(/ENODEV: transfer\(\) on adapter "good-i2c\d+-adap": it was deleted/);
    expect(() => i2cOpen(adap)).toThrow(ErrnoError);
    file.close();
    expect(() => file.close()).toThrow(/EBADF/);
    expect(liveSince(base)).toEqual({ devres: 0, objects: 0, allocations: 0 });
    expect(sanitizer.errors()).toEqual([]);
  });

  test("the DESIGN example: an adapter embedded in devres memory is reported at i2cAddAdapter and is a use after free after unbind", async () => {
    const { bus, dev } = await plug(
      defineDriver({
        name: "foo-i2c",
        probe(dev) {
          const priv = devmKzalloc(dev, () => ({ adapter: new I2cAdapter("foo"), irqs: 0 }));
          i2cAddAdapter(priv.adapter);
          return priv;
        },
        remove(_dev, priv) {
          i2cDelAdapter(priv.adapter);
        },
      }),
    );
    const priv = bus.driverData<{ adapter: I2cAdapter }>(dev)!;
    const file = i2cOpen(priv.adapter); // user space holds the adapter
    await bus.unplug(dev);
    let err: unknown;
    try {
      file.close(); // drops the last reference: touches the adapter, which devres freed
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UseAfterFreeError);
    expect(String(err)).toMatch(/use after free: call of adapter.put\(\) in devmKzalloc allocation of device "foo-i2c\d+", released by devres when "foo-i2c\d+" unbound at .*i2c\.test\.ts/);
    const check3 = sanitizer.reports.filter((r) => r.debugCheck === 3);
    expect(check3).toHaveLength(1);
    expect(check3[0]!.message).toMatch(/i2cAddAdapter\(\): adap `adapter` \(a member of devmKzalloc allocation of device "foo-i2c\d+"\) is freed by devres when "foo-i2c\d+" unbinds, but i2cAddAdapter keeps it alive after that/);
  });

  test("bad input", () => {
    // @ts-expect-error not an adapter
    expect(() => i2cAddAdapter({ name: "x" })).toThrow(/i2cAddAdapter\(\): expected an I2cAdapter, got a plain object/);
    const a = new I2cAdapter("a");
    expect(() => i2cDelAdapter(a)).toThrow(/not added/);
    i2cAddAdapter(a);
    expect(() => i2cAddAdapter(a)).toThrow(/already added/);
    i2cDelAdapter(a);
    expect(() => a.name).toThrow(UseAfterFreeError); // the registration held the only reference
  });
});
