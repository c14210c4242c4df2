// Helpers in another file for test/rules/no-try-access-in-bound-scope.test.ts.
import { devmIoremap, type Bound, type Device, type Mmio } from "@devbound/runtime";

/** Maps the registers (a Devres owned by `d`). */
export function mapRegs(d: Device<Bound>) {
  return devmIoremap(d, { size: 64 });
}

export function readStatus(m: Mmio): number {
  return m.readl(4);
}

export { devmIoremap as mapIo } from "@devbound/runtime";
