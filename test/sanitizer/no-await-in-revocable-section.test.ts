// no-await-in-revocable-section on the runtime: while the bad fixture awaits its slow uplink
// inside a read-side section, unbind (which revokes the mapping and waits for readers) does
// not complete: it hangs for as long as the uplink does. The good fixture closes its section
// first, so unbind completes while the uplink is still pending.
import { describe, expect, it } from "vitest";
import { sanitizer, type DriverOps } from "@devbound/runtime";
import * as bad from "../../fixtures/no-await-in-revocable-section/bad.js";
import * as good from "../../fixtures/no-await-in-revocable-section/good.js";
import { plug as plugDriver, useSanitizer } from "./harness.js";

const plug = <D>(drv: DriverOps<D>) => plugDriver(drv, { mmioSize: 0x10 });

/** "done" if `p` settles within `ms`, else "pending": a bound, not a speed measurement. */
function settlesWithin(p: Promise<unknown>, ms: number): Promise<"done" | "pending"> {
  let t: NodeJS.Timeout;
  return Promise.race([
    p.then(
      () => "done" as const,
      () => "done" as const,
    ),
    new Promise<"pending">((resolve) => {
      t = setTimeout(() => resolve("pending"), ms);
    }),
  ]).finally(() => clearTimeout(t));
}

useSanitizer();

describe("no-await-in-revocable-section under the sanitizer", () => {
  const cases: [string, (s: bad.FooSensor) => Promise<unknown> | undefined][] = [
    ["await in a tryAccess() guard's section", (s) => s.forward()],
    ["await in an async tryAccessWith() callback", (s) => s.forwardWith()],
    ["a promise returned to tryAccessWith()", (s) => s.push()],
  ];
  for (const [what, start] of cases) {
    it(`bad: ${what}: unbind hangs until the uplink answers`, async () => {
      const { bus, dev } = await plug(bad.driver);
      const { sensor } = bus.driverData<{ sensor: bad.FooSensor }>(dev)!;
      const reading = start(sensor);
      expect(sensor.link.sent).toBe(1);
      const unbinding = bus.unbind(dev);
      expect(await settlesWithin(unbinding, 200)).toBe("pending"); // revoke waits for the reader
      sensor.link.ackAll(); // the uplink answers: the section ends, revoke and unbind proceed
      expect(await settlesWithin(unbinding, 5000)).toBe("done");
      await reading;
      expect(dev.isBound).toBe(false);
      expect(sanitizer.errors()).toEqual([]);
    });
  }

  it("good: unbind completes while the uplink is still pending", async () => {
    for (const start of [(s: good.FooSensor) => s.forward(), (s: good.FooSensor) => s.forwardWith()]) {
      const { bus, dev } = await plug(good.driver);
      const { sensor } = bus.driverData<{ sensor: good.FooSensor }>(dev)!;
      const reading = start(sensor);
      await new Promise<void>((r) => setImmediate(r));
      expect(sensor.link.sent).toBe(1);
      expect(await settlesWithin(bus.unbind(dev), 5000)).toBe("done");
      expect(dev.isBound).toBe(false);
      sensor.link.ackAll();
      await expect(reading).resolves.toBe(0);
    }
    expect(sanitizer.errors()).toEqual([]);
  });
});
