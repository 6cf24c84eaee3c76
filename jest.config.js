/**
 * Unit tests sit next to code (src/**\/*.spec.ts) and need nothing running. Integration tests
 * (test/**\/*.test.ts) talk to the real Redis and Elasticsearch that `npm test` starts.
 */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2023' } }] };

module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/src', '<rootDir>/datasets', '<rootDir>/scripts'],
      testMatch: ['**/*.spec.ts'],
      transform,
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      transform,
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
    {
      // Browser tests: the dashboard in headless Chromium against the real services (test/e2e/*.e2e.ts).
      displayName: 'e2e',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/e2e'],
      testMatch: ['**/*.e2e.ts'],
      transform,
      globalSetup: '<rootDir>/test/global-setup.ts',
    },
  ],
  testTimeout: 120000,
};
