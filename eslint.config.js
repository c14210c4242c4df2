// Lints the bundled example drivers (fixtures/) with devbound's `recommended` config (TypeScript)
// and its `kernel` config (the kernel-style C drivers, fixtures/**/*.c), through
// the BUILT plugin (packages/eslint-plugin/dist: run `pnpm build` first). `pnpm examples`
// (scripts/lint-examples.mjs) uses this file.
import devbound from "./packages/eslint-plugin/dist/index.js";

export default [
  { ignores: ["**/node_modules/**", "**/dist/**", "packages/**", "test/**", "scripts/**"] },
  ...devbound.configs.recommended.map((config) => ({
    ...config,
    files: ["fixtures/**/*.ts"],
    languageOptions: {
      ...config.languageOptions,
      parserOptions: { ...config.languageOptions?.parserOptions, tsconfigRootDir: import.meta.dirname },
    },
  })),
  ...devbound.configs.kernel.map((config) => (config.files ? { ...config, files: ["fixtures/**/*.c"] } : config)),
];
