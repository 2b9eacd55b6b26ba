// vitest sequencer: files run project by project (`isolated`, then `io`, then `core`: see
// vitest.config.ts) and, within a project, the files known to take longest first, so that on 2
// workers none of them starts near the end and stretches the run's tail. Keeping a project's files
// together matters for the non-isolated projects: a worker process is reused for the next file only
// when the next file in the queue belongs to the same project; otherwise it is stopped and the next
// file pays for a new process and a fresh module graph (~3–6 s on the loaded 2-core machine).
// vitest's own order uses durations cached in node_modules, which a fresh `npm ci` does not have.
// Measured per file on the shared 2-core machine (issue 21, item 9; /tmp/testprofile.json of the
// lead's run at load ~12, ADR 0035).
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const PROJECT_ORDER = ['isolated', 'io', 'core'];

const SLOWEST_FIRST = [
  // isolated
  'web/e2e/dashboard.e2e.test.ts',
  'web/e2e/views-migration.e2e.test.ts',
  'web/e2e/model.e2e.test.ts',
  'src/engine/jobs/worker-pool.test.ts',
  'src/engine/worker/slow-receiver.test.ts',
  'web/e2e/retention.e2e.test.ts',
  'web/e2e/account.e2e.test.ts',
  'web/e2e/connections.e2e.test.ts',
  // io
  'src/engine/learning/learning-flow.test.ts',
  'src/cli/commands/sigterm-drain.test.ts',
  'src/engine/learning/lapse-label.test.ts',
  'src/engine/learning/train-past-history.test.ts',
  'src/api/security.test.ts',
  'src/engine/import/concurrent-import.test.ts',
  'src/engine/playbooks/deliver-outbox.test.ts',
  'src/api/models-create.test.ts',
  'src/api/model-routes-access.test.ts',
  'src/api/write-lock-gate.test.ts',
  'src/engine/import/presets.test.ts',
  'src/engine/import/import-crash.test.ts',
  'src/api/band-migration.test.ts',
  'src/engine/worker/multi-worker.test.ts',
  'src/api/views.test.ts',
  'src/store/score-history-detail.test.ts',
  'src/store/deadlock-rate.test.ts',
  'src/api/server-crash.test.ts',
  'src/api/one-contract-rule.test.ts',
  'src/cli/commands/override.test.ts',
  'src/engine/import/ravenstack.test.ts',
  'src/engine/playbooks/run-playbooks.test.ts',
  'src/cli/cli-tables.test.ts',
  'src/cli/commands/demo.test.ts',
  'src/api/authorization.test.ts',
  'src/engine/integrations/read-crm-hubspot.test.ts',
  'src/engine/ingest/sqlite-busy.test.ts',
  'src/engine/ingest-queue/nats-ingest.test.ts',
  'src/api/login-limit.test.ts',
  // core
  'src/core/demo/simulate-portfolio.test.ts',
  'src/core/learning/fit-signal-churn-model.test.ts',
];
const rank = new Map(SLOWEST_FIRST.map((f, i) => [f, i]));

export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const projectOf = (spec: TestSpecification) => {
      const i = PROJECT_ORDER.indexOf(spec.project.name);
      return i === -1 ? PROJECT_ORDER.length : i;
    };
    const rankOf = (spec: TestSpecification) =>
      rank.get(relative(this.ctx.config.root, spec.moduleId)) ?? Number.POSITIVE_INFINITY;
    // Array.prototype.sort is stable: files not listed keep vitest's order after the listed ones
    return sorted.sort((a, b) => {
      const pa = projectOf(a);
      const pb = projectOf(b);
      if (pa !== pb) return pa - pb;
      const ra = rankOf(a);
      const rb = rankOf(b);
      return ra === rb ? 0 : ra < rb ? -1 : 1;
    });
  }
}
