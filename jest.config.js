/**
 * Jest runs against the real hub: globalSetup builds it, starts one database per
 * subgraph (embedded PGlite, or throwaway databases on TEST_DATABASE_URL's server),
 * then the four subgraphs and the gateway as processes; tests talk HTTP to them.
 */
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  // Tests that stop the machine's PostgreSQL server run afterwards, alone (jest.serial.config.js);
  // the in-process tier runs before, on its own (jest.in-process.config.js).
  testPathIgnorePatterns: ["/node_modules/", "<rootDir>/test/serial/", "<rootDir>/test/in-process/"],
  transform: { "^.+\\.ts$": ["ts-jest", { tsconfig: "tsconfig.test.json" }] },
  globalSetup: "<rootDir>/test/support/global-setup.ts",
  globalTeardown: "<rootDir>/test/support/global-teardown.ts",
  setupFiles: ["reflect-metadata"],
  testTimeout: 60000,
  // Two cores: two workers keep the hub's processes from starving.
  maxWorkers: 2,
};
