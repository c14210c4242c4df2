// A chain of helpers deeper than the escape summaries' helper budget: the last one keeps the
// device. Asked from h1 the chain is cut; asked from h3 it is not. (order.test.ts)
import type { Bound, Device } from "@devbound/runtime";

/** Devices kept for a later reset. */
export const kept: Array<Device<Bound>> = [];

export function h9(dev: Device<Bound>): void {
  kept.push(dev);
}

export function h8(dev: Device<Bound>): void {
  h9(dev);
}

export function h7(dev: Device<Bound>): void {
  h8(dev);
}

export function h6(dev: Device<Bound>): void {
  h7(dev);
}

export function h5(dev: Device<Bound>): void {
  h6(dev);
}

export function h4(dev: Device<Bound>): void {
  h5(dev);
}

export function h3(dev: Device<Bound>): void {
  h4(dev);
}

export function h2(dev: Device<Bound>): void {
  h3(dev);
}

export function h1(dev: Device<Bound>): void {
  h2(dev);
}
