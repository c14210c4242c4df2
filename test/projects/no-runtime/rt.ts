// The project's own façade over the runtime.
export * from "@devbound/runtime";
