import { devmKzalloc, type Core, type Device } from "@devbound/runtime";

export function alloc(dev: Device<Core>) {
  return devmKzalloc(dev, () => ({ bytes: [] as number[] }));
}
