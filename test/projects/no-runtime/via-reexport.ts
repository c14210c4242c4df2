import { defineDriver, devmKzalloc, kfree } from "./rt.js";

export const driver = defineDriver({
  name: "dbl-free-rt",
  probe(dev) {
    const priv = devmKzalloc(dev, () => ({ count: 0 }));
    kfree(priv);
    return {};
  },
});
