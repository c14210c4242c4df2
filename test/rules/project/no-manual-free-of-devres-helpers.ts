// Helper module for test/rules/no-manual-free-of-devres.test.ts: helpers in another file
// (an allocation whose annotation drops the Managed brand, a release of a parameter) and a
// re-export under other names.
import { devmKzalloc, kfree, kzalloc, type Bound, type Device } from "@devbound/runtime";

export interface Buf {
  bytes: number[];
}

export function allocManagedBuf(dev: Device<Bound>): Buf {
  return devmKzalloc(dev, () => ({ bytes: [] as number[] }));
}

export function allocBuf(): Buf {
  return kzalloc(() => ({ bytes: [] as number[] }));
}

export function dropBuf(buf: Buf): void {
  kfree(buf);
}

export function dropInner(holder: { buf: Buf }): void {
  kfree(holder.buf);
}

export function countBuf(buf: Buf): number {
  return buf.bytes.length;
}

export { devmKzalloc as allocManaged, kfree as release } from "@devbound/runtime";
