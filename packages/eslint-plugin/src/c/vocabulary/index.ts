/**
 * vocabulary/index.ts: the one entry point of the kernel vocabulary (DESIGN "Kernel C" 2).
 * Everything the C analysis, the C checks and `devbound.configs.kernel` know about kernel APIs
 * is imported from here:
 *   apis.ts       resource kinds, acquisitions (devm and manual) and releases, drvdata, driver
 *                 structs and their role fields, module_*_driver() macros, container_of
 *   callbacks.ts  callback registrations (IRQ handlers, work, timers, actions), work queueing,
 *                 fences
 *   hints.ts      the macro hints of the C language's pre-pass (`languageOptions.macroHints`)
 */
export * from "./apis.js";
export * from "./callbacks.js";
export * from "./hints.js";
