// The exact texts of the program-problem messages (analysis/services.ts), shared by
// test/rules/program-problems.test.ts and test/integration/program-problems.test.ts.
const INSTALL = "devbound's rules read its types, so they cannot check this file. Install it in this project (`npm i @devbound/runtime`, or a route from devbound's README, Install) and check that `npx tsc --noEmit` finds it.";
export const RUNTIME_MISSING = `\`@devbound/runtime\` cannot be resolved (TS2307: Cannot find module '@devbound/runtime'): ${INSTALL}`;
export const runtimeMissingThrough = (via: string) => `\`@devbound/runtime\` cannot be resolved through \`${via}\`, which re-exports it (TS2307: Cannot find module '@devbound/runtime'): ${INSTALL}`;
export const tsconfigErrors = (config: string, errors: string) =>
  `${config} has errors that \`tsc\` reports too (${errors}), so the program devbound checks may not be the one you build. Fix them (\`npx tsc --noEmit -p ${config}\` lists them). Said once per TypeScript program, on the first file linted.`;
