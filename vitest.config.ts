import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Type tests (`*.test-d.ts`) run through tsc: what must not compile is asserted with @ts-expect-error.
    typecheck: {
      enabled: true,
      include: ["test/**/*.test-d.ts"],
      tsconfig: "test/tsconfig.json",
    },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
