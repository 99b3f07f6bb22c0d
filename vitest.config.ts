import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration tests share one PostgreSQL and one MariaDB; each test uses its own schema/database name,
    // but files still run in separate workers on 2 cores.
    pool: 'forks',
    maxWorkers: 2,
  },
});
