// RuleTester lints every case as this file (its content is replaced by the case's code).
// On disk it exports what cross-file-driver.ts imports, so the project type-checks.
import type { Core, Device } from "@devbound/runtime";

export function crossProbe(dev: Device<Core>) {
  return { name: dev.name };
}
