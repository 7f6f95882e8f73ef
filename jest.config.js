// Nest 12 ships ESM only, so Jest runs in native ESM mode (see CONTRIBUTING.md: "Testing toolchain").

// The whole suite (no test path given) measures coverage of lib/ and holds it at today's level;
// running one file during development does not (a part cannot meet a global threshold).
const wholeSuite = !process.argv.slice(2).some((arg) => !arg.startsWith('-'));

/** @type {import('jest').Config} */
export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.spec.ts'],
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^nestjs-zumrails-auth$': '<rootDir>/lib/index.ts',
    '^nestjs-zumrails-auth/testing$': '<rootDir>/lib/testing/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  setupFiles: ['reflect-metadata'],
  // Finds the Redis for the fleet suites once per run and says which (CONTRIBUTING.md, "Running the tests").
  globalSetup: '<rootDir>/test/setup/global-setup.mjs',
  globalTeardown: '<rootDir>/test/setup/global-teardown.mjs',
  testTimeout: 20000,
  // Most suites wait on real timers and sockets, not the CPU: one worker per core (Jest's
  // default leaves one core idle) overlaps those waits, about halving the run on 2 cores.
  maxWorkers: '100%',
  // Not a leak: at the end every worker's event loop is empty ('beforeExit' fires within 10 ms
  // of Jest's end message), but the process teardown after 'exit' took 200-900 ms on a loaded box
  // (measured), past Jest's 500-ms default, so Jest killed it and printed "A worker process has
  // failed to exit gracefully". Workers still exit by themselves; Jest just waits for them.
  workerGracefulExitTimeout: 5_000,
  collectCoverage: wholeSuite,
  collectCoverageFrom: ['lib/**/*.ts'],
  coverageReporters: ['text-summary', 'json-summary'],
  coverageThreshold: { global: { lines: 98, branches: 90, statements: 96, functions: 97 } },
};
