import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // e2e suites start real node processes; keep them from fighting over 2 cores.
    fileParallelism: true,
    maxWorkers: 2,
  },
});
