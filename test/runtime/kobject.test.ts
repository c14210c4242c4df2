import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  Device,
  DoubleReleaseError,
  Kobject,
  UseAfterFreeError,
  deviceAdd,
  deviceDel,
  deviceRegister,
  deviceUnregister,
  kobjectInitAndAdd,
  kobjectPut,
  putDevice,
  sanitizer,
} from "@devbound/runtime";
import { liveSince } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

describe("kobject", () => {
  test("get/put: release runs once, at the last put", () => {
    const base = sanitizer.live();
    const released: string[] = [];
    const k = new Kobject("k0", (kobj) => void released.push(kobj.name));
    expect(k.refcount).toBe(1);
    expect(k.get()).toBe(k);
    expect(k.refcount).toBe(2);
    k.put();
    expect(released).toEqual([]);
    kobjectPut(k);
    expect(released).toEqual(["k0"]);
    expect(liveSince(base).objects).toBe(0);
  });

  test("after release: touching it is a use after free, putting it a double release, both naming where", () => {
    class Sensor extends Kobject {
      readings = [1, 2];
    }
    const s = new Sensor("sensor");
    const readings = s.readings;
    s.put();
    expect(() => s.readings).toThrow(UseAfterFreeError);
    expect(() => readings[0]).toThrow(/use after free: read of readings.0 in Sensor "sensor", released by its last put\(\) at .*kobject\.test\.ts/);
    expect(() => s.get()).toThrow(/use after free: call of get\(\) in Sensor "sensor"/);
    expect(() => s.put()).toThrow(/use after free: call of put\(\)/);
    expect(() => kobjectPut(s)).toThrow(UseAfterFreeError);
  });

  test("without the sanitizer a double put is still refused", () => {
    sanitizer.disable();
    const k = new Kobject("plain");
    k.put();
    expect(() => k.put()).toThrow(DoubleReleaseError);
    expect(() => k.put()).toThrow(/double release: put\(\) on Kobject "plain", already released by its last put\(\) \(enable the sanitizer to record where\)/);
  });

  test("kobjectInitAndAdd holds the parent until the child is released", () => {
    const released: string[] = [];
    const parent = new Kobject("parent", () => void released.push("parent"));
    const child = new Kobject("child", () => void released.push("child"));
    kobjectInitAndAdd(child, parent);
    expect(() => kobjectInitAndAdd(child, parent)).toThrow(/already added/);
    parent.put();
    expect(released).toEqual([]);
    child.put();
    expect(released).toEqual(["child", "parent"]);
  });

  test("bad input", () => {
    // @ts-expect-error not a kobject
    expect(() => kobjectPut({})).toThrow(/kobjectPut\(\): expected a Kobject, got a plain object/);
    // @ts-expect-error no name
    expect(() => new Kobject()).toThrow(/name must be a non-empty string/);
  });
});

describe("device refcounting", () => {
  test("deviceRegister/deviceUnregister, parent reference, release callback at the last put", () => {
    const base = sanitizer.live();
    const log: string[] = [];
    const parent = new Device({ name: "parent0", release: () => void log.push("parent released") });
    deviceRegister(parent);
    const child = new Device({ name: "child0", parent, release: (d) => void log.push(`${d.name} released`) });
    deviceAdd(child);
    expect(() => deviceAdd(child)).toThrow(/device "child0" is already added/);
    const handle = child.get(); // a stored reference
    deviceUnregister(child);
    expect(log).toEqual([]);
    putDevice(handle);
    expect(log).toEqual(["child0 released"]);
    deviceDel(parent);
    putDevice(parent);
    expect(log).toEqual(["child0 released", "parent released"]);
    expect(() => putDevice(parent)).toThrow(/putDevice\(\) of "parent0"/);
    expect(() => child.name).toThrow(/use after free: read of name in device "child0", released by its last putDevice\(\) of "child0" at .*kobject\.test\.ts/);
    expect(liveSince(base).objects).toBe(0);
  });

  test("deviceDel of a device that was never added", () => {
    const d = new Device({ name: "x0" });
    expect(() => deviceDel(d)).toThrow(/deviceDel\(\): device "x0" is not added/);
    putDevice(d);
  });
});
