// What must not compile: the device-context order (Core ⊂ Bound ⊂ Normal) and the devres
// proof. Every @ts-expect-error here fails the type check if the line starts compiling.
import { describe, expectTypeOf, test } from "vitest";
import {
  Device,
  Devres,
  Revocable,
  devmAddAction,
  devmAddActionOrReset,
  devmAllocWorkqueue,
  devmIoremap,
  devmKfree,
  devmKzalloc,
  devmReleaseAction,
  devmRemoveAction,
  devmRequestIrq,
  devresCloseGroup,
  devresOpenGroup,
  devresReleaseGroup,
  devresRemoveGroup,
  putDevice,
  type Bound,
  type Core,
  type DevresAction,
  type DevresGroup,
  type Managed,
  type Mmio,
  type Normal,
  type RevocableGuard,
  type AccessSection,
  type Irq,
  type BoundWorkqueue,
} from "@devbound/runtime";

declare const normal: Device<Normal>;
declare const bound: Device<Bound>;
declare const core: Device<Core>;
declare const mmio: Devres<Mmio>;
declare const action: DevresAction;
declare const group: DevresGroup;
declare const obj: object;

function wantsNormal(_d: Device<Normal>): void {}
function wantsBound(_d: Device<Bound>): void {}
function wantsCore(_d: Device<Core>): void {}

describe("Device<Ctx> subtyping", () => {
  test("Core where Bound is asked, Bound where Normal is asked", () => {
    wantsBound(core);
    wantsNormal(bound);
    wantsNormal(core);
    expectTypeOf(core).toExtend<Device<Bound>>();
    expectTypeOf(bound).toExtend<Device<Normal>>();
    expectTypeOf<Device>().toEqualTypeOf<Device<Normal>>();
  });

  test("never the reverse", () => {
    // @ts-expect-error a Device<Bound> is not a Device<Core>
    wantsCore(bound);
    // @ts-expect-error a Device<Normal> is not a Device<Core>
    wantsCore(normal);
    // @ts-expect-error a Device<Normal> is not a Device<Bound>
    wantsBound(normal);
    expectTypeOf(bound).not.toExtend<Device<Core>>();
    expectTypeOf(normal).not.toExtend<Device<Bound>>();
  });

  test("get() yields the storable Device<Normal>; putDevice takes any device", () => {
    expectTypeOf(core.get()).toEqualTypeOf<Device<Normal>>();
    expectTypeOf(bound.get()).not.toExtend<Device<Bound>>();
    putDevice(normal);
    putDevice(core);
  });
});

describe("access() needs a Device<Bound> proof", () => {
  test("Bound and Core compile, Normal does not", () => {
    expectTypeOf(mmio.access(bound)).toEqualTypeOf<Mmio>();
    mmio.access(core);
    // @ts-expect-error a Device<Normal> proves nothing about binding
    mmio.access(normal);
  });
  test("tryAccess returns an access-section guard or null; tryAccessWith R | undefined", () => {
    const r = new Revocable(42);
    expectTypeOf(r.tryAccess()).toEqualTypeOf<AccessSection<RevocableGuard<number>> | null>();
    expectTypeOf(r.tryAccessWith((v) => String(v))).toEqualTypeOf<string | undefined>();
    expectTypeOf(r.revoke()).toEqualTypeOf<Promise<void>>();
  });
});

describe("every devm* call needs a Device<Bound>", () => {
  test("Bound and Core compile, with Managed<..., kind> results", () => {
    expectTypeOf(devmKzalloc(bound, () => ({ a: 1 }))).toEqualTypeOf<Managed<{ a: number }>>();
    expectTypeOf(devmKzalloc(core, () => ({ a: 1 }))).toEqualTypeOf<Managed<{ a: number }, "alloc">>();
    expectTypeOf(devmAddAction(core, () => {})).toEqualTypeOf<Managed<DevresAction, "action">>();
    expectTypeOf(devmRequestIrq(bound, 0, (d) => expectTypeOf(d).toEqualTypeOf<Device<Bound>>())).toEqualTypeOf<Managed<Irq, "irq">>();
    expectTypeOf(devmIoremap(bound)).toEqualTypeOf<Managed<Devres<Mmio>, "iomem">>();
    expectTypeOf(devmAllocWorkqueue(bound, "wq")).toEqualTypeOf<Managed<BoundWorkqueue, "workqueue">>();
    expectTypeOf(devresOpenGroup(bound)).toEqualTypeOf<Managed<DevresGroup, "group">>();
  });

  test("a Device<Normal> does not compile, for each of them", () => {
    // @ts-expect-error
    devmKzalloc(normal, () => ({}));
    // @ts-expect-error
    devmKfree(normal, obj);
    // @ts-expect-error
    devmAddAction(normal, () => {});
    // @ts-expect-error
    devmAddActionOrReset(normal, () => {});
    // @ts-expect-error
    devmRemoveAction(normal, action);
    // @ts-expect-error
    devmReleaseAction(normal, action);
    // @ts-expect-error
    devmRequestIrq(normal, 0, () => {});
    // @ts-expect-error
    devmIoremap(normal);
    // @ts-expect-error
    devmAllocWorkqueue(normal, "wq");
    // @ts-expect-error
    devresOpenGroup(normal);
    // @ts-expect-error
    devresCloseGroup(normal, group);
    // @ts-expect-error
    devresReleaseGroup(normal, group);
    // @ts-expect-error
    devresRemoveGroup(normal, group);
    // @ts-expect-error
    new Devres(normal, 1);
  });

  test("a managed workqueue item and a devm IRQ handler receive a Device<Bound>", () => {
    const wq = devmAllocWorkqueue(core, "wq");
    wq.queue((d) => {
      expectTypeOf(d).toEqualTypeOf<Device<Bound>>();
      devmKzalloc(d, () => ({}));
    });
  });
});
