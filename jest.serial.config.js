/**
 * Tests that disturb the whole machine (they stop and restart the PostgreSQL server, start
 * ten hub processes as replicas, or install and build the project from scratch as the
 * Dockerfile does), run after the main suite, one at a time, with no shared hub: `npm test` runs both.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test/serial"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  setupFiles: ["reflect-metadata"],
  testTimeout: 180000,
  maxWorkers: 1,
};
