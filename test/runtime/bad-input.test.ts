// Bad input gets a DevboundError that names the call, never a TypeError from the internals.
import { describe, expect, test } from "vitest";
import * as rt from "@devbound/runtime";
import { plug } from "./helpers.js";

const { DevboundError } = rt;

type Case = [string, () => unknown];

async function boundProof() {
  let proof: rt.Device<rt.Bound> | undefined;
  const { bus, dev } = await plug(rt.defineDriver({ name: "bad", probe: (d) => void (proof = d) }));
  return { bus, dev, proof: proof! };
}

describe("bad input", () => {
  test("every public entry point refuses garbage with a DevboundError naming the call", async () => {
    const { bus, dev, proof } = await boundProof();
    const any = (x: unknown) => x as never;
    const cases: Case[] = [
      ["new Device", () => new rt.Device(any(undefined))],
      ["new Device", () => new rt.Device({ name: "x", parent: any({}) })],
      ["putDevice", () => rt.putDevice(any(null))],
      ["deviceAdd", () => rt.deviceAdd(any(1))],
      ["deviceRegister", () => rt.deviceRegister(any("dev"))],
      ["deviceDel", () => rt.deviceDel(any({}))],
      ["defineDriver", () => rt.defineDriver(any({ name: "n", probe: 1 }))],
      ["new Bus", () => new rt.Bus(any(undefined))],
      ["registerDriver", () => bus.registerDriver(any(undefined))],
      ["raiseIrq", () => bus.raiseIrq(dev, any("0"))],
      ["devmKzalloc", () => rt.devmKzalloc(proof, any(undefined))],
      ["devmKzalloc", () => rt.devmKzalloc(proof, () => any(5))],
      ["devmAddAction", () => rt.devmAddAction(proof, any("cb"))],
      ["devmRemoveAction", () => rt.devmRemoveAction(proof, any({}))],
      ["devmKfree", () => rt.devmKfree(proof, any({}))],
      ["devresReleaseGroup", () => rt.devresReleaseGroup(proof, any({}))],
      ["devmRequestIrq", () => rt.devmRequestIrq(proof, 9, () => {})],
      ["devmRequestIrq", () => rt.devmRequestIrq(proof, 0, any(null))],
      ["devmIoremap", () => rt.devmIoremap(proof, { offset: -4 })],
      ["devmAllocWorkqueue", () => rt.devmAllocWorkqueue(proof, any(""))],
      ["kzalloc", () => rt.kzalloc(any(undefined))],
      ["kfree", () => rt.kfree(any({}))],
      ["requestIrq", () => rt.requestIrq(any({}), 0, () => {})],
      ["freeIrq", () => rt.freeIrq(any({}))],
      ["ioremap", () => rt.ioremap(dev, { size: 1 << 20 })],
      ["iounmap", () => rt.iounmap(any(undefined))],
      ["allocWorkqueue", () => rt.allocWorkqueue(any(3))],
      ["queue", () => rt.allocWorkqueue("q").queue(any(3))],
      ["new Revocable", () => new rt.Revocable(1, any(2))],
      ["tryAccessWith", () => new rt.Revocable(1).tryAccessWith(any(2))],
      ["new Kobject", () => new rt.Kobject(any(""))],
      ["kobjectInitAndAdd", () => rt.kobjectInitAndAdd(any([]))],
      ["new Cdev", () => new rt.Cdev("c", any(null))],
      ["cdevDeviceAdd", () => rt.cdevDeviceAdd(new rt.Cdev("c", {}), any({}))],
      ["cdevUnregisterBegin", () => rt.cdevUnregisterBegin(any({}))],
      ["new I2cAdapter", () => new rt.I2cAdapter("a", any(3))],
      ["i2cAddAdapter", () => rt.i2cAddAdapter(any(null))],
      ["i2cOpen", () => rt.i2cOpen(any({}))],
      ["waitEvent", () => new rt.WaitQueue().waitEvent(any(true))],
    ];
    for (const [call, fn] of cases) {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err, call).toBeInstanceOf(DevboundError);
      expect((err as Error).message.toLowerCase(), call).toContain(call.replace(/^new /, "").toLowerCase().slice(0, 6));
    }
    const asyncCases: [string, () => Promise<unknown>][] = [
      ["addDevice", () => bus.addDevice(any({ name: "z", compatible: 3 }))],
      ["destroyWorkqueue", () => rt.destroyWorkqueue(any({}))],
      ["cancelWorkSync", () => rt.cancelWorkSync(any({}))],
      ["openCdev", () => rt.openCdev(any(undefined))],
    ];
    for (const [call, fn] of asyncCases) {
      const err = await fn().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err, call).toBeInstanceOf(DevboundError);
      expect((err as Error).message, call).toContain(call);
    }
    await bus.unplug(dev);
  });
});
