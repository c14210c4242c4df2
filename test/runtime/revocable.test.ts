import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  Device,
  DevboundError,
  Devres,
  DoubleReleaseError,
  Revocable,
  UseAfterFreeError,
  defineDriver,
  devmIoremap,
  devmKzalloc,
  putDevice,
  sanitizer,
  type Bound,
  type Mmio,
} from "@devbound/runtime";
import { deferred, plug, tick, within } from "./helpers.js";

beforeEach(() => {
  sanitizer.enable();
  sanitizer.clearReports();
});
afterEach(() => sanitizer.disable());

describe("Revocable", () => {
  test("tryAccess guard with `using`: the section ends at the end of the block", () => {
    const r = new Revocable({ reg: 5 });
    {
      using g = r.tryAccess();
      expect(g?.value.reg).toBe(5);
      expect(r.readers).toBe(1);
    }
    expect(r.readers).toBe(0);
    r.revokeNosync();
    expect(r.tryAccess()).toBeNull();
  });

  test("a guard's value escaping its section throws; ending a section twice is a double release", () => {
    const r = new Revocable(1);
    const g = r.tryAccess()!;
    g[Symbol.dispose]();
    expect(() => g.value).toThrow(/used after its access section ended/);
    expect(() => g[Symbol.dispose]()).toThrow(DoubleReleaseError);
    expect(r.readers).toBe(0);
  });

  test("tryAccessWith: value in, result out; undefined once revoked; a throw ends the section", async () => {
    const r = new Revocable(21);
    expect(r.tryAccessWith((v) => v * 2)).toBe(42);
    expect(() => r.tryAccessWith(() => {
      throw new Error("boom");
    })).toThrow("boom");
    expect(r.readers).toBe(0);
    await r.revoke();
    expect(r.tryAccessWith((v) => v)).toBeUndefined();
  });

  test("revoke() waits for in-flight readers, sync guards and async sections alike, then releases once", async () => {
    const released: number[] = [];
    const r = new Revocable(7, (v) => void released.push(v));
    const gate = deferred();
    const g = r.tryAccess()!;
    const asyncSection = r.tryAccessWith(async (v) => {
      await gate.promise;
      return v + 1;
    });
    let revoked = false;
    const revoking = r.revoke().then(() => (revoked = true));
    expect(r.tryAccess()).toBeNull(); // no new sections at once
    await tick();
    expect(revoked).toBe(false);
    g[Symbol.dispose]();
    await tick();
    expect(revoked).toBe(false); // the async section is still in flight
    gate.resolve();
    expect(await asyncSection).toBe(8);
    await within(revoking, 1000, "revoke");
    expect(released).toEqual([7]);
    await r.revoke(); // again: nothing to do
    expect(released).toEqual([7]);
  });

  test("a rejected async section also ends the section", async () => {
    const r = new Revocable(1);
    const p = r.tryAccessWith(async () => {
      await tick();
      throw new Error("io error");
    });
    await expect(p).rejects.toThrow("io error");
    await within(r.revoke(), 1000, "revoke");
  });

  test("revokeNosync() does not wait, and reports readers still in flight", async () => {
    const released: string[] = [];
    const r = new Revocable("v", (v) => void released.push(v));
    const g = r.tryAccess()!;
    r.revokeNosync();
    expect(released).toEqual(["v"]);
    expect(sanitizer.reports.map((x) => x.check)).toEqual(["revoke-nosync-with-readers"]);
    g[Symbol.dispose]();
  });

  test("two concurrent callers sharing one handle do not corrupt each other (the C revocable's SRCU-index flaw)", async () => {
    // In the C API each try_access stored its SRCU index in the shared consumer handle, so the
    // second caller overwrote the first's and the first exit unlocked the wrong section.
    const shared = new Revocable({ n: 0 });
    const a = deferred();
    const b = deferred();
    const order: string[] = [];
    const callerA = shared.tryAccessWith(async (v) => {
      order.push("A in");
      await a.promise;
      v.n++;
      order.push("A out");
    });
    const guardB = shared.tryAccess(); // B enters while A is inside
    const callerC = shared.tryAccessWith(async (v) => {
      order.push("C in");
      await b.promise;
      v.n++;
      order.push("C out");
    });
    expect(shared.readers).toBe(3);
    let revoked = false;
    const revoking = shared.revoke().then(() => (revoked = true));
    a.resolve();
    await callerA; // A leaves first: B and C must still be counted
    expect(shared.readers).toBe(2);
    guardB![Symbol.dispose]();
    await tick();
    expect(shared.readers).toBe(1);
    expect(revoked).toBe(false);
    b.resolve();
    await callerC;
    await within(revoking, 1000, "revoke");
    expect(shared.readers).toBe(0);
    expect(order).toEqual(["A in", "C in", "A out", "C out"]);
    // B's guard cannot end anyone else's section a second time
    expect(() => guardB![Symbol.dispose]()).toThrow(DoubleReleaseError);
    expect(shared.readers).toBe(0);
  });

  test("many interleaved async readers on one handle: revoke resolves exactly when the last leaves", async () => {
    const r = new Revocable(0);
    const gates = Array.from({ length: 50 }, () => deferred());
    const sections = gates.map((g) => r.tryAccessWith(() => g.promise));
    let revoked = false;
    const revoking = r.revoke().then(() => (revoked = true));
    for (let i = gates.length - 1; i >= 0; i--) {
      gates[i]!.resolve();
      await sections[i];
      await tick();
      expect(revoked).toBe(i === 0);
    }
    await revoking;
  });
});

describe("Devres", () => {
  test("access(dev) with the owner's proof; another device's proof is refused by name", async () => {
    let other: Device<Bound> | undefined;
    const a = await plug(defineDriver({ name: "owner", probe: (dev) => ({ regs: devmIoremap(dev) }) }));
    await plug(defineDriver({ name: "stranger", probe: (dev) => void (other = dev) }));
    const { regs } = a.bus.driverData<{ regs: Devres<Mmio> }>(a.dev)!;
    const proof = a.dev as unknown as Device<Bound>;
    expect(regs.access(proof).size).toBe(4096);
    expect(() => regs.access(other!)).toThrow(/access\(\) on Devres<Mmio> of device "owner\d+" with another device's proof: "stranger\d+" is not the owner/);
    expect(() => regs.access({} as never)).toThrow(DevboundError);
    await a.bus.unplug(a.dev);
  });

  test("a stale proof on the next binding's Devres is caught (sanitizer), though the device is bound again", async () => {
    const proofs: Device<Bound>[] = [];
    const { bus, dev } = await plug(
      defineDriver({
        name: "rebind",
        probe(dev) {
          proofs.push(dev);
          return { regs: devmIoremap(dev) };
        },
      }),
    );
    await bus.unbind(dev);
    await bus.bind(dev);
    const { regs } = bus.driverData<{ regs: Devres<Mmio> }>(dev)!;
    expect(regs.access(proofs[1]!).size).toBe(4096);
    expect(() => regs.access(proofs[0]!)).toThrow(/use after free: access\(\) on Devres<Mmio> of device "rebind\d+" with the Device<Bound> of an earlier binding \(to driver "rebind", ended at .*revocable\.test\.ts/);
    // The device's own handle still identifies the owner.
    expect(regs.access(dev as unknown as Device<Bound>).size).toBe(4096);
    await bus.unplug(dev);
  });

  test("a Devres is revoked at unbind: tryAccess is null, and a stale proof is caught", async () => {
    let kept: Device<Bound> | undefined;
    const { bus, dev } = await plug(
      defineDriver({
        name: "stale",
        probe(dev) {
          kept = dev;
          return { regs: devmIoremap(dev) };
        },
      }),
    );
    const { regs } = bus.driverData<{ regs: Devres<Mmio> }>(dev)!;
    await bus.unbind(dev);
    expect(regs.tryAccess()).toBeNull();
    expect(regs.isRevoked).toBe(true);
    expect(() => regs.access(kept!)).toThrow(UseAfterFreeError);
    expect(() => regs.access(kept!)).toThrow(/after it was revoked by devres when "stale\d+" unbound .*revocable\.test\.ts.*: the Device<Bound> proof used here is stale/);
    await bus.unplug(dev);
  });

  test("unbind waits for a reader holding the mapping (revoke, then unmap)", async () => {
    const gate = deferred();
    const log: string[] = [];
    const { bus, dev } = await plug(
      defineDriver({
        name: "reader",
        probe(dev) {
          const regs = devmIoremap(dev);
          return { regs };
        },
      }),
    );
    const { regs } = bus.driverData<{ regs: Devres<Mmio> }>(dev)!;
    const reading = regs.tryAccessWith(async (m) => {
      await gate.promise;
      log.push(`read ${m.readl(4)}`);
    });
    let unbound = false;
    const unbinding = bus.unbind(dev).then(() => (unbound = true));
    await tick();
    await tick();
    expect(unbound).toBe(false);
    gate.resolve();
    await reading;
    await within(unbinding, 1000, "unbind");
    expect(log).toEqual(["read 0"]);
    const g = regs.tryAccess();
    expect(g).toBeNull();
    await bus.unplug(dev);
  });

  test("new Devres(dev, value, release) for a driver's own resource; a Devres kept in driver data still matches its owner", async () => {
    const released: string[] = [];
    const { bus, dev } = await plug(
      defineDriver({
        name: "own",
        probe(dev) {
          const priv = devmKzalloc(dev, () => ({ res: new Devres(dev, "clock", (v) => void released.push(v)), dev: dev.get() }));
          // Both reached through the (sanitized) allocation: identity still holds.
          expect(priv.res.access(priv.dev as unknown as Device<Bound>)).toBe("clock");
          return priv;
        },
        remove(_dev, priv) {
          putDevice(priv.dev); // through driver data
        },
      }),
    );
    const base = sanitizer.live();
    await bus.unbind(dev);
    expect(released).toEqual(["clock"]);
    await bus.unplug(dev);
    expect(sanitizer.live().objects).toBe(base.objects - 1);
  });
});
