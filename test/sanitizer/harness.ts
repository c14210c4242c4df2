// The sanitizer tests' shared set-up: each driver on a bus of its own with one matching device
// (so a leaked proof or resource from one test cannot touch another), and the sanitizer on for
// every test with its reports cleared.
import { afterEach, beforeEach } from "vitest";
import { Bus, sanitizer, type DriverOps } from "@devbound/runtime";

let seq = 0;

/** Registers `drv` on a fresh bus and plugs in a device it binds to; resolves once probe has settled. */
export async function plug<D>(drv: DriverOps<D>, hardware: { mmioSize?: number; irqs?: number } = {}) {
  const bus = new Bus(`${drv.name}-bus-${++seq}`);
  bus.registerDriver(drv);
  const dev = await bus.addDevice({ name: `${drv.name}.${seq}`, compatible: drv.name, ...hardware });
  await bus.idle();
  return { bus, dev };
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
