// A driver that hands its device to the chain three helpers further down.
import { defineDriver } from "@devbound/runtime";
import { h4 } from "./chain.js";

export const shallow = defineDriver({
  name: "order-shallow",
  probe(dev) {
    h4(dev);
    return {};
  },
});
