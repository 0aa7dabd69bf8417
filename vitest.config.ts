import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests spawn the real CLI, real SMTP servers and validators: two cores, so keep forks few.
    pool: 'forks',
    maxWorkers: 2,
  },
});
