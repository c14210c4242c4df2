// Helper module for test/rules/no-mixed-devm-teardown.test.ts: a manual allocation and a
// manual release in another file.
import { devmKzalloc, devmRequestIrq, kfree, kzalloc, type Bound, type Device } from "@devbound/runtime";

export class Ring {
  readonly items: number[] = [];
  push(value: number): void {
    this.items.push(value);
  }
}

export function allocRing(): Ring {
  return kzalloc(() => new Ring());
}

export function teardownRing(ring: Ring): void {
  kfree(ring);
}

export { devmRequestIrq as requestManagedIrq } from "@devbound/runtime";

/** Registers devres on the caller's behalf. */
export function setupCounters(dev: Device<Bound>): { irqs: number } {
  return devmKzalloc(dev, () => ({ irqs: 0 }));
}

/** Registers a devm IRQ whose handler fills the caller's ring. */
export function setupRingIrq(dev: Device<Bound>, ring: Ring): void {
  devmRequestIrq(dev, 0, () => ring.push(1));
}
