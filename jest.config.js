/** Unit tests run anywhere; integration tests need a database (see test/support/global-setup.ts). */
const tsJest = ['ts-jest', { tsconfig: 'tsconfig.json' }];

const integration = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': tsJest },
  // The CLI runs in the test process from src/ (test/support/cli.ts): its package.json paths are
  // written for dist/src/, one folder deeper.
  moduleNameMapper: { '^(\\.\\./)+package\\.json$': '<rootDir>/package.json' },
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
};

/**
 * The CLI test files that run a second time in server mode, every command through a real
 * `epicevents serve` (test/support/test-database.ts), with the same expectations. Only against a
 * PostgreSQL server: the embedded engine admits one process, and the tests query it too.
 */
const BOTH_MODES = [
  'story',
  'employee-client-cli',
  'contract-event-cli',
  'csv-cli',
  'cli-permissions',
  'contract-event-prompts',
  'employee-client-prompts',
  'terminal-prompts',
  'terminal-answers',
  'hostile-input',
  'races',
];

module.exports = {
  // Integration tests start real processes and databases; unit tests finish long before this.
  testTimeout: 60000,
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform: { '^.+\\.ts$': tsJest },
      testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/src/**/__tests__/**/*.test.ts'],
    },
    { displayName: 'integration', ...integration, testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    ...(process.env.TEST_DATABASE_URL
      ? [
          {
            displayName: 'server mode',
            ...integration,
            testMatch: BOTH_MODES.map((name) => `<rootDir>/test/integration/${name}.test.ts`),
            setupFiles: ['<rootDir>/test/support/server-mode.js'],
          },
        ]
      : []),
  ],
};
