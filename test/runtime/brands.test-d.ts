// The brand contract with @devbound/eslint-plugin: the runtime's signatures carry exactly
// these brands (the plugin asks the type checker for them). A signature losing its brand
// fails here.
import { describe, expectTypeOf, test } from "vitest";
import {
  BoundWorkqueue,
  Cdev,
  Device,
  Devres,
  Kobject,
  Revocable,
  Workqueue,
  cdevDeviceAdd,
  deviceAdd,
  deviceRegister,
  destroyWorkqueue,
  devmAddAction,
  devmAllocWorkqueue,
  devmIoremap,
  devmKfree,
  devmKzalloc,
  devmRemoveAction,
  devmRequestIrq,
  devresReleaseGroup,
  freeIrq,
  i2cAddAdapter,
  iounmap,
  kfree,
  kobjectInitAndAdd,
  requestIrq,
  type AccessSection,
  type Bound,
  type BoundCallback,
  type DeferredCallback,
  type DevresAction,
  type DevresGroup,
  type DevresRelease,
  type DevresTargetBrand,
  type FileOperation,
  type FileOperations,
  type File,
  type I2cAdapter,
  type Irq,
  type KobjectParam,
  type KobjectRelease,
  type Managed,
  type Mmio,
  type Normal,
  type Releases,
  type SyncCallback,
} from "@devbound/runtime";

type DevresTarget = Device<Bound> & DevresTargetBrand;

describe("parameter brands", () => {
  test("every devm* `dev` is Device<Bound> & DevresTargetBrand", () => {
    expectTypeOf(devmKzalloc).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devmKfree).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devmAddAction).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devmRemoveAction).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devmRequestIrq).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devmIoremap).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devmAllocWorkqueue).parameter(0).toEqualTypeOf<DevresTarget>();
    expectTypeOf(devresReleaseGroup).parameter(0).toEqualTypeOf<DevresTarget>();
  });

  test("devres releases take DevresRelease<...>, manual frees Releases<..., kind>", () => {
    expectTypeOf(devmKfree).parameter(1).toEqualTypeOf<DevresRelease<object>>();
    expectTypeOf(devmRemoveAction).parameter(1).toEqualTypeOf<DevresRelease<DevresAction>>();
    expectTypeOf(devresReleaseGroup).parameter(1).toEqualTypeOf<DevresRelease<DevresGroup>>();
    expectTypeOf(kfree).parameter(0).toEqualTypeOf<Releases<object, "alloc">>();
    expectTypeOf(freeIrq).parameter(0).toEqualTypeOf<Releases<Irq, "irq">>();
    expectTypeOf(iounmap).parameter(0).toEqualTypeOf<Releases<Mmio, "iomem">>();
    expectTypeOf(destroyWorkqueue).parameter(0).toEqualTypeOf<Releases<Workqueue, "workqueue">>();
  });

  test("kobject APIs take KobjectParam<...>", () => {
    expectTypeOf(deviceRegister).parameter(0).toEqualTypeOf<KobjectParam<Device<Normal>>>();
    expectTypeOf(deviceAdd).parameter(0).toEqualTypeOf<KobjectParam<Device<Normal>>>();
    expectTypeOf(kobjectInitAndAdd).parameter(0).toEqualTypeOf<KobjectParam<Kobject>>();
    expectTypeOf(cdevDeviceAdd).parameter(0).toEqualTypeOf<KobjectParam<Cdev>>();
    expectTypeOf(cdevDeviceAdd).parameter(1).toEqualTypeOf<KobjectParam<Device<Normal>>>();
    expectTypeOf(i2cAddAdapter).parameter(0).toEqualTypeOf<KobjectParam<I2cAdapter>>();
  });

  test("callbacks: bound, deferred, sync, kobject release, file operations", () => {
    expectTypeOf(devmRequestIrq).parameter(2).toEqualTypeOf<BoundCallback<(dev: Device<Bound>, line: number) => void>>();
    expectTypeOf(requestIrq).parameter(2).toEqualTypeOf<DeferredCallback<(line: number) => void>>();
    expectTypeOf<BoundWorkqueue["queue"]>().parameter(0).toEqualTypeOf<BoundCallback<(dev: Device<Bound>) => void | Promise<void>>>();
    expectTypeOf<Workqueue["queue"]>().parameter(0).toEqualTypeOf<DeferredCallback<() => void | Promise<void>>>();
    expectTypeOf<Revocable<number>["tryAccessWith"]>().parameter(0).toEqualTypeOf<SyncCallback<AccessSection<(value: number) => unknown>>>();
    expectTypeOf<ConstructorParameters<typeof Kobject>[1]>().toEqualTypeOf<KobjectRelease<(kobj: Kobject) => void> | undefined>();
    expectTypeOf<NonNullable<ConstructorParameters<typeof Device>[0]["release"]>>().toEqualTypeOf<KobjectRelease<(dev: Device<Normal>) => void>>();
    expectTypeOf<NonNullable<FileOperations["release"]>>().toEqualTypeOf<FileOperation<(file: File) => void | Promise<void>, "release">>();
    expectTypeOf<NonNullable<FileOperations["read"]>>().toEqualTypeOf<FileOperation<(file: File) => unknown, "read">>();
  });
});

describe("value brands", () => {
  test("devm returns are Managed<..., kind>; tryAccess returns an AccessSection guard", () => {
    expectTypeOf(devmKzalloc<{ a: 1 }>).returns.toEqualTypeOf<Managed<{ a: 1 }, "alloc">>();
    expectTypeOf(devmAddAction).returns.toEqualTypeOf<Managed<DevresAction, "action">>();
    expectTypeOf(devmRequestIrq).returns.toEqualTypeOf<Managed<Irq, "irq">>();
    expectTypeOf(devmIoremap).returns.toEqualTypeOf<Managed<Devres<Mmio>, "iomem">>();
    expectTypeOf(devmAllocWorkqueue).returns.toEqualTypeOf<Managed<BoundWorkqueue, "workqueue">>();
    expectTypeOf<ReturnType<Revocable<string>["tryAccess"]>>().toEqualTypeOf<AccessSection<import("@devbound/runtime").RevocableGuard<string>> | null>();
  });
});
