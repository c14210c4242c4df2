/**
 * Errors the runtime throws. Invariant: every error names the resource, the device and the
 * call involved, so bad input and lifetime bugs read as a diagnosis, not a stack of internals.
 */

export class DevboundError extends Error {
  readonly code: string;
  constructor(message: string, code = "EDEVBOUND") {
    super(message);
    this.name = "DevboundError";
    this.code = code;
  }
}

/** Touching memory, a mapping, an IRQ or an object after it was released. */
export class UseAfterFreeError extends DevboundError {
  constructor(message: string) {
    super(message, "EUAF");
    this.name = "UseAfterFreeError";
  }
}

/** Releasing something twice (kfree twice, put after the last put, a devm resource freed by hand). */
export class DoubleReleaseError extends DevboundError {
  constructor(message: string) {
    super(message, "EDOUBLEFREE");
    this.name = "DoubleReleaseError";
  }
}

/** A devres registration (or another bound-only call) on a device that is not bound. */
export class NotBoundError extends DevboundError {
  constructor(message: string) {
    super(message, "ENOTBOUND");
    this.name = "NotBoundError";
  }
}

/** What user space sees from a file operation: ENODEV after removal, EBADF on a closed file, ... */
export class ErrnoError extends DevboundError {
  constructor(code: "ENODEV" | "EBADF" | "EBUSY" | "EINVAL" | "ENOTTY" | "ENXIO", message: string) {
    super(`${code}: ${message}`, code);
    this.name = "ErrnoError";
  }
}

/** Thrown for an error-severity sanitizer report when the sanitizer runs with `panic: true`. */
export class SanitizerError extends DevboundError {
  constructor(message: string) {
    super(message, "ESANITIZER");
    this.name = "SanitizerError";
  }
}

export function describe(x: unknown): string {
  if (x === null) return "null";
  if (x === undefined) return "undefined";
  if (typeof x === "function") return `function ${x.name || "(anonymous)"}`;
  if (typeof x === "object") {
    const ctor = (x as { constructor?: { name?: string } }).constructor?.name;
    if (Array.isArray(x)) return "an array";
    if (!ctor || ctor === "Object") return "a plain object";
    return `${/^[AEIOU]/.test(ctor) ? "an" : "a"} ${ctor}`;
  }
  return `${typeof x} ${String(x)}`;
}
