// Helpers for test/rules/no-await-in-revocable-section.test.ts.
import type { Mmio } from "@devbound/runtime";

/** A slow uplink: resolves when the remote end acknowledges. */
export function send(_value: number): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 10));
}

/** An MMIO read that is asynchronous in the simulation but never waits for external I/O. */
export async function readl(m: Mmio, offset: number): Promise<number> {
  return m.readl(offset);
}

export async function* samples(): AsyncGenerator<number> {
  yield 1;
}
