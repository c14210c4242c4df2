// A buggy driver in a project where @devbound/runtime is not installed.
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
