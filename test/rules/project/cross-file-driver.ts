// A driver whose probe is defined in ANOTHER file (file.ts, the file RuleTester lints) and
// passed by reference: driver discovery must follow it through the checker.
import { defineDriver } from "@devbound/runtime";
import { crossProbe } from "./file.js";

export const crossDriver = defineDriver({ name: "cross-file", probe: crossProbe });
