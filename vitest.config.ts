import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/server/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Each file makes its own MariaDB database and SQLite file, so files run side by side.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
