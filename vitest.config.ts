import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes and servers; two workers match the machine's two cores.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
