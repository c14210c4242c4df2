import { alloc, kfree } from "./named.js";

export function probeLike(dev: object): void {
  kfree(alloc(dev, () => ({ count: 0 })));
}
