// Helpers for test/rules/no-revocable-escape.test.ts ("helpers in another file").
import type { Mmio } from "@devbound/runtime";

export const mappings: Mmio[] = [];

/** Keeps the mapping it is given. */
export function cacheMapping(m: Mmio): void {
  mappings.push(m);
}

/** Reads a register: a plain value. */
export function readStatus(m: Mmio): number {
  return m.readl(0x4);
}

/** Polls the mapping later. */
export function pollLater(m: Mmio): void {
  setTimeout(() => m.readl(0x0), 10);
}

/** Hands its argument back. */
export function pass<T>(x: T): T {
  return x;
}

export class Window {
  constructor(readonly regs: Mmio) {}
}
