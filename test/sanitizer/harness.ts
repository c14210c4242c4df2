// The sanitizer tests' shared set-up: each driver on a bus of its own with one matching device
// (so a leaked proof or resource from one test cannot touch another), and the sanitizer on for
// every test with its reports cleared.
import { afterEach, beforeEach } from "vitest";
import { sanitizer, type DriverOps } from "@devbound/runtime";
import { plug as plugDevice } from "../runtime/helpers.js";

let seq = 0;

/**
 * The runtime tests' `plug` (device named like the kernel's "foo-uart.3", which the tests'
 * messages match), then waits until the bus is idle (probe's deferred work settled).
 */
export async function plug<D>(drv: DriverOps<D>, hardware: { mmioSize?: number; irqs?: number } = {}) {
  const plugged = await plugDevice(drv, { name: `${drv.name}.${++seq}`, ...hardware });
  await plugged.bus.idle();
  return plugged;
}

/** Sanitizer on (reports cleared) before each test of the file, off after it. */
export function useSanitizer(reset?: () => void): void {
  beforeEach(() => {
    sanitizer.enable();
    sanitizer.clearReports();
    reset?.();
  });
  afterEach(() => sanitizer.disable());
}
