import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'bench/**/*.test.ts', 'web/e2e/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
    // tests deliver webhooks to receivers on this machine: allowed the way an operator would
    env: { VIGIL_WEBHOOK_ALLOW: '127.0.0.1,localhost' },
    // builds dist/ (when src/ changed) for the tests that spawn bin/vigil.js
    globalSetup: ['./scripts/vitest-global-setup.mjs'],
  },
});
