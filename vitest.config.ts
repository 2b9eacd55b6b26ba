import { defineConfig } from 'vitest/config';
import { SlowestFirstSequencer } from './scripts/vitest-sequencer.ts';

const ALL = ['src/**/*.test.ts', 'bench/**/*.test.ts', 'web/e2e/**/*.e2e.test.ts'];
// the pure core (no I/O, clock, env or global state: src/architecture.test.ts checks it) runs its
// files in shared workers: loading modules once per worker instead of once per file took its 46
// files from 156 s to 90 s of wall time on the shared 2-core machine (load ~20)
const PURE = ['src/core/**/*.test.ts'];
// Files that keep a process of their own (project `isolated`): the browser tests, a test that sets
// process.env at its top level and never restores it (slow-receiver), and one that reads the nice
// value of every thread of its process (worker-pool). Every other file shares its worker's module
// graph with the files that ran before it in that worker (project `io`, `isolate: false`):
// importing the app's module graph again for each of ~110 files cost 3–6 s per file on the loaded
// machine, ~500 s of worker time per run, as much as the tests themselves (ADR 0035). Such a file
// must leave no state behind: it closes its stores, servers, workers and pools in afterAll and
// restores any process.env it changes.
const ISOLATED = [
  'web/e2e/**/*.e2e.test.ts',
  'src/engine/worker/slow-receiver.test.ts',
  'src/engine/jobs/worker-pool.test.ts',
];

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
      { extends: true, test: { name: 'isolated', include: ISOLATED } },
      {
        extends: true,
        test: { name: 'io', include: ALL, exclude: ['**/node_modules/**', ...PURE, ...ISOLATED], isolate: false },
      },
    ],
  },
});
