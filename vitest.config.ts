import { defineConfig } from 'vitest/config';

// One project per package plus the end-to-end suites. Server tests get a migrated template database
// from the global setup and clone it per test file (PGlite by default, PostgreSQL with
// TEST_DATABASE_URL).
const unit = (name: string) => ({
  test: { name, root: `packages/${name}`, include: ['test/**/*.test.ts', 'test/**/*.test.tsx'] },
});

export default defineConfig({
  test: {
    passWithNoTests: true,
    projects: [
      unit('convox'),
      unit('mock-rack'),
      unit('mock-idp'),
      unit('cli'),
      unit('web'),
      {
        test: {
          name: 'server',
          root: 'packages/server',
          include: ['test/**/*.test.ts'],
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'e2e',
          root: 'e2e',
          include: ['**/*.test.ts'],
          exclude: ['**/node_modules/**'],
          globalSetup: ['./support/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
