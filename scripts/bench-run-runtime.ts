// Runs the runtime's benchmarks (scripts/bench-runtime.ts, owned by the runtime) for
// scripts/bench.mjs, which spawns this file through tsx.
import { runRuntimeBenchmarks } from "./bench-runtime.js";

await runRuntimeBenchmarks();
