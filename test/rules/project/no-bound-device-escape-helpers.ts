// Helpers for test/rules/no-bound-device-escape.test.ts ("helpers in another file").
import { devmKzalloc, type Bound, type Device, type Normal } from "@devbound/runtime";

export const registry: Device<Normal>[] = [];

/** Keeps whatever device it is given (typed Device<Normal>: its own body is not reported). */
export function remember(dev: Device<Normal>): void {
  registry.push(dev);
}

/** Only reads from the device. */
export function describeDevice(dev: Device<Normal>): string {
  return `device ${dev.name}`;
}

/** Hands its argument back: the caller's flow continues. */
export function same<T>(x: T): T {
  return x;
}

/** Logs the device's name later. */
export function logLater(dev: Device<Normal>, ms: number): void {
  setTimeout(() => console.log(dev.name), ms);
}

/** Keeps the device in a field. */
export class Holder {
  constructor(readonly dev: Device<Normal>) {}
}

export { remember as keepDevice };

export const tracked = new Set<Device<Bound>>();

/** Keeps a device typed Device<Bound> (its own body is reported where it is linted; callers at each call). */
export function track(dev: Device<Bound>): void {
  tracked.add(dev);
}

/** Arms a timer that registers devres on the device: devm-after-unbind's finding, in here. */
function armRefill(dev: Device<Bound>): void {
  setTimeout(() => devmKzalloc(dev, () => ({ n: 0 })), 10);
}

/** Keeps its device only through armRefill (one helper further). */
export function armRefillLater(dev: Device<Bound>): void {
  armRefill(dev);
}
