// A driver with one double free, in a project whose tsconfig has errors.
import { defineDriver, devmKzalloc, kfree } from "@devbound/runtime";

export const driver = defineDriver({
  name: "dbl-free",
  probe(dev) {
    const priv = devmKzalloc(dev, () => ({ count: 0 }));
    return { priv };
  },
  remove(_dev, { priv }) {
    kfree(priv);
  },
});
