/**
 * The analysis layer's public surface: rules import from here (one import line a rule).
 * Layers, bottom up (each imports only below it): ast (syntax); brands (types); name-index (a
 * filter above types); call-sites; services; values, drivers, roles and
 * deferral, escapes, sections, teardown; rules.
 * See each module's header for what it guarantees:
 *   services.ts   typed-linting entry (getAnalysis, typeInfoMessages), per-program cache
 *   name-index.ts per-program name sets that spare the checker most calls (branded callees,
 *                 functions with bodies, callees that may return a bound device)
 *   brands.ts     brands read off types (device context, Managed, parameter/callback brands)
 *   ast.ts        TS-AST helpers (skipOuter, enclosingFunction, symbolOf, ...), the per-file
 *                 identifier index (identifiersByName) that reference look-ups read
 *   call-sites.ts argument/parameter/contextual types; which user function a call runs (calledFunction,
 *                 userFunctionOf), the class a `new` constructs, the getter a member read runs
 *   drivers.ts    driver discovery (object and class drivers, probe/remove by reference)
 *   deferral.ts   callback classification (deferred / stored / kobject-release / file-operation / bound / sync)
 *   scopes.ts     bound scopes vs code that may run after unbind
 *   values.ts     the value engine: every origin of a value (member paths, helpers descended
 *                 through; devices: storage is an origin), managedOrigin as a view, sinks through helpers
 *   escapes.ts    where a value goes: fields, variables, driver data, returns, deferred captures, helpers
 *   sections.ts   revocable access sections (guard, callback, access(dev)), their values, the read side
 *   devres-calls.ts   devres registrations/releases and manual releases by brand; helpers that reach them
 *   release-callbacks.ts  kobject release callbacks and file release() wherever designated
 *   teardown.ts   what remove() frees by hand, where probe() acquired it, who else uses it
 *   widening.ts   the `dev.get()` suggestion made to compile (widen the storage's declared type)
 *   summaries.ts  defineSummary: per-program summaries (one in-progress marker, budgets, per-file reuse)
 *   presentation.ts   how an owner, a member path, a device context are written; referencesTo()
 */
// Only what rules use; the modules import each other directly (test/analysis/layers.test.ts
// keeps that graph acyclic and layered).
export { getAnalysis, typeInfoMessages, type Analysis } from "./services.js";
export { calleeName, enclosingFunction, forEachDescendant, isFunctionNode, isModuleLevel, isPrimitiveExpression, returnedExpressions, skipOuter, type FunctionNode } from "./ast.js";
export { brandsOfType, deviceContextOf, isBoundContext, isDeviceType, isDevresType, managedKindOf, type ManagedKind } from "./brands.js";
export { mayBeDeviceValue, mayReturnSection } from "./name-index.js";
export { argumentBrands, declaredParameterType, typeOf, userFunctionOf } from "./call-sites.js";
export { driverRoleOf, driversInFile, enclosingDriver } from "./drivers.js";
export { contextText, driverText, memberText, ownerName, referencesTo } from "./presentation.js";
export { isAwaited } from "./deferral.js";
export { afterUnbindBoundary, boundDeviceFor, enclosingReleaseCallback } from "./scopes.js";
export { argumentSinks, argumentValues, comesFromOutside, deviceOrigins, isManagedRelease, managedOrigin, originsOf, storesInto, type Sink } from "./values.js";
export { describeEscape, escapesOf, isPrimitiveType, parameterEscapes, type Escape } from "./escapes.js";
export { describeSection, isInReadSide, sectionOpenedBy, sectionValues, type AccessSection } from "./sections.js";
export { callSummary, calleeText, devresCallKind, devresReach } from "./devres-calls.js";
export { releaseSites, type ReleaseSites } from "./release-callbacks.js";
export { boundCallbacksOf, ownSteps, probeAcquisitions, removeTeardowns, useOfTeardown } from "./teardown.js";
export { parameterPropertyFix, storeGetFix } from "./widening.js";
