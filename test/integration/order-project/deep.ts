// A driver that hands its device to the head of the chain.
import { defineDriver } from "@devbound/runtime";
import { h1 } from "./chain.js";

export const deep = defineDriver({
  name: "order-deep",
  probe(dev) {
    h1(dev);
    return {};
  },
});
