// Re-exports for test/rules/no-bound-device-escape.test.ts: renamed helpers and runtime API.
export { remember as stash, describeDevice as describe } from "./no-bound-device-escape-helpers.js";
export { defineDriver as makeDriver, devmIoremap as mapRegs } from "@devbound/runtime";
