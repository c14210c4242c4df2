/**
 * The analysis layer's public surface: rules import from here (one import line a rule).
 * See each module's header for what it guarantees:
 *   services.ts   typed-linting entry (getAnalysis, typeInfoMessages), per-program cache
 *   name-index.ts per-program name sets that spare the checker most calls (branded callees,
 *                 functions with bodies, callees that may return a bound device)
 *   brands.ts     brands read off types (device context, Managed, parameter/callback brands)
 *   ast.ts        TS-AST helpers (skipOuter, enclosingFunction, functionDeclarationOf, ...)
 *   drivers.ts    driver discovery (object and class drivers, probe/remove by reference)
 *   deferral.ts   callback classification (deferred / stored / kobject-release / file-operation / bound / sync)
 *   scopes.ts     bound scopes vs code that may run after unbind
 *   provenance.ts value provenance (managed origins, device origins, sinks through helpers)
 *   escapes.ts    where a value goes: fields, variables, driver data, returns, deferred captures, helpers
 *   sections.ts   revocable access sections (guard, callback, access(dev)), their values, the read side
 *   devres-calls.ts   devres registrations/releases and manual releases by brand; helpers that reach them
 *   release-callbacks.ts  kobject release callbacks and file release() wherever designated
 *   origins.ts    which allocation (managed or manual) a value comes from, member by member
 *   teardown.ts   what remove() frees by hand, where probe() acquired it, who else uses it
 *   widening.ts   the `dev.get()` suggestion made to compile (widen the storage's declared type)
 */
export * from "./services.js";
export * from "./name-index.js";
export * from "./brands.js";
export * from "./ast.js";
export * from "./drivers.js";
export * from "./deferral.js";
export * from "./scopes.js";
export * from "./provenance.js";
export * from "./escapes.js";
export * from "./sections.js";
export * from "./devres-calls.js";
export * from "./release-callbacks.js";
export * from "./origins.js";
export * from "./teardown.js";
export * from "./widening.js";
