import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './scripts/vitest-sequencer.ts';

const ALL = ['src/**/*.test.ts', 'bench/**/*.test.ts', 'web/e2e/**/*.e2e.test.ts'];
// the pure core (no I/O, clock, env or global state: src/architecture.test.ts checks it) runs its
// files in shared workers: loading modules once per worker instead of once per file took its 46
// files from 156 s to 90 s of wall time on the shared 2-core machine (load ~20)
const PURE = ['src/core/**/*.test.ts'];

export default defineConfig({
  test: {
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
    sequence: { sequencer: SlowestFirstSequencer },
    projects: [
      { extends: true, test: { name: 'core', include: PURE, isolate: false } },
      { extends: true, test: { name: 'io', include: ALL, exclude: ['**/node_modules/**', ...PURE] } },
    ],
  },
});
