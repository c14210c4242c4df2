/**
 * Symbol.dispose / Symbol.asyncDispose for runtimes that lack them, so `using` guards work
 * (TypeScript and vitest downlevel `using` to code that looks these symbols up).
 * Invariant: never replaces an existing symbol.
 */
const S = Symbol as unknown as { dispose?: symbol; asyncDispose?: symbol };
if (S.dispose === undefined) Object.defineProperty(Symbol, "dispose", { value: Symbol.for("Symbol.dispose") });
if (S.asyncDispose === undefined) Object.defineProperty(Symbol, "asyncDispose", { value: Symbol.for("Symbol.asyncDispose") });
export {};
