/**
 * @devbound/runtime: the Linux driver model's lifetimes for TypeScript.
 * One module a kernel concept; this file only re-exports their public names.
 */
export type * from "./brands.js";

export { Device, putDevice, deviceRegister, deviceAdd, deviceDel, deviceUnregister, type BindState } from "./device.js";
export { defineDriver, type Driver, type DriverOps } from "./driver.js";
export { Bus, ProbeError, type AddDeviceOptions } from "./bus.js";
export {
  devmAddAction,
  devmAddActionOrReset,
  devmRemoveAction,
  devmReleaseAction,
  devmKzalloc,
  devmKfree,
  devresOpenGroup,
  devresCloseGroup,
  devresReleaseGroup,
  devresRemoveGroup,
  kzalloc,
  kfree,
  DevresAction,
  DevresGroup,
  Devres,
} from "./devres.js";
export { Revocable, type RevocableGuard } from "./revocable.js";
export { Kobject, kobjectInitAndAdd, kobjectPut } from "./kobject.js";
export {
  Cdev,
  File,
  cdevDeviceAdd,
  cdevDeviceDel,
  cdevUnregisterBegin,
  cdevUnregisterFinish,
  openCdev,
  type FileOperations,
} from "./cdev.js";
export { WaitQueue } from "./wait.js";
export { I2cAdapter, I2cClientFile, i2cAddAdapter, i2cDelAdapter, i2cGetAdapter, i2cOpen, type I2cAlgorithm, type I2cMsg } from "./i2c.js";
export { Irq, requestIrq, freeIrq, devmRequestIrq } from "./irq.js";
export { Mmio, ioremap, iounmap, devmIoremap } from "./io.js";
export { Work, Workqueue, BoundWorkqueue, allocWorkqueue, destroyWorkqueue, cancelWorkSync, devmAllocWorkqueue } from "./workqueue.js";
export { sanitizer, type SanitizerCheck, type SanitizerOptions, type SanitizerReport } from "./sanitizer.js";
export { DevboundError, UseAfterFreeError, DoubleReleaseError, NotBoundError, ErrnoError, SanitizerError } from "./errors.js";
