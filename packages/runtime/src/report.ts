/**
 * The sanitizer's record: the switch every check reads, the reports, and where things
 * happened (the user's call site).
 *
 * Invariant: with the sanitizer off nothing is recorded and no stack is captured: `report()`
 * and `callerSite()` return at once after one boolean read. This is the bottom of the
 * sanitizer, below the always-on lifetime tracking (lifetime.ts), so that the errors the
 * tracking always throws are also recorded here when the sanitizer is on, without the
 * tracking depending on the sanitizer's Proxies (sanitizer.ts, above both).
 */
import { fileURLToPath } from "node:url";
import { SanitizerError } from "./errors.js";

/** What a report is about. The four debug checks of DESIGN.md carry `debugCheck`. */
export type SanitizerCheck =
  | "devres-while-unbound" // debug check 1
  | "devres-with-remove" // debug check 2 (warning)
  | "devres-to-kobject" // debug check 3
  | "devres-in-release" // debug check 4
  | "use-after-free"
  | "double-release"
  | "revoke-nosync-with-readers"
  | "oops"; // an exception in a work item, an IRQ handler or a release callback

export interface SanitizerReport {
  readonly check: SanitizerCheck;
  readonly debugCheck?: 1 | 2 | 3 | 4;
  readonly severity: "error" | "warning";
  readonly message: string;
  readonly device?: string;
  /** The user frame where it happened. */
  readonly at?: string;
}

/** Internal switchboard read by every module (a plain object: one field read per check). */
export const san = { enabled: false, panic: false, debugShirq: true };

const reports: SanitizerReport[] = [];
const warnedOnce = new Set<string>();

/** Records `r` (sanitizer on only); with `panic`, an error-severity report throws a SanitizerError. */
export function report(r: SanitizerReport): void {
  if (!san.enabled) return;
  if (r.severity === "warning") {
    // The soft check fires per driver and call, not per registration.
    const key = `${r.check}:${r.message}`;
    if (warnedOnce.has(key)) return;
    warnedOnce.add(key);
  }
  reports.push(r);
  if (san.panic && r.severity === "error") throw new SanitizerError(r.message);
}

/** Every report since the last clearReports(), oldest first. */
export function recorded(): readonly SanitizerReport[] {
  return reports;
}

export function clearReports(): void {
  reports.length = 0;
  warnedOnce.clear();
}

// ---- where did it happen -------------------------------------------------------------

// Frames from the package itself (dist, or src when a test runner maps stacks back to it).
const packageDir = fileURLToPath(new URL("..", import.meta.url));
const runtimeDirs = [`${packageDir}src`, `${packageDir}dist`];

/**
 * Where something happened: the first stack frame outside the runtime. Captured cheaply
 * (V8 records frames; the text, with source maps, is only built when a message needs it).
 */
export class Site {
  private err: Error | undefined;
  private text: string | undefined;
  constructor(err: Error) {
    this.err = err;
  }
  toString(): string {
    if (this.text === undefined) {
      this.text = "(unknown)";
      for (const line of (this.err?.stack ?? "").split("\n").slice(1)) {
        if (runtimeDirs.some((d) => line.includes(d)) || line.includes("node:internal") || line.includes("node_modules")) continue;
        const frame = line.trim().replace(/^at /, "");
        if (frame) {
          this.text = frame;
          break;
        }
      }
      this.err = undefined;
    }
    return this.text;
  }
}

/** The user's line that did it (sanitizer on only). */
export function callerSite(): Site | undefined {
  if (!san.enabled) return undefined;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const err = new Error();
  Error.stackTraceLimit = limit;
  return new Site(err);
}

