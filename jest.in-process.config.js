/**
 * The in-process tier (`npm run test:fast`, and first in `npm test`): each file builds one
 * subgraph's schema and Apollo server in the Jest worker on a database of its own (and
 * starts the peers its rules ask), runs operations through `executeOperation`; no shared
 * hub, so no global setup. The structural tests (architecture.test.ts: the import graph;
 * policy-rules.test.ts) need no hub either and run here. See harness.ts and docs/testing.md.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/in-process"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  setupFiles: ["reflect-metadata"],
  testTimeout: 60000,
  // Two cores: one file per core (each file's own databases run in a child process beside it).
  maxWorkers: 2,
};
