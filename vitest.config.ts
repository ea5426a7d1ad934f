import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    globalSetup: ['test/globalSetup.ts'],
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests start real processes and servers; two workers match the machine's two cores.
    maxWorkers: 2,
    reporters: ['default'],
    // Component tests must see colour to prove NO_COLOR removes it; chalk would detect no TTY here.
    env: { FORCE_COLOR: '1' },
  },
});
