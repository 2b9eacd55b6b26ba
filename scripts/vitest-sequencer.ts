// vitest sequencer: the files known to take longest start first, so that on 2 workers none of
// them starts near the end and stretches the run's tail (vitest's own order uses durations cached
// in node_modules, which a fresh `npm ci` does not have, and otherwise puts larger files first).
// The rest keep vitest's order. Measured per file on the shared 2-core machine (issue 21, item 9).
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const SLOWEST_FIRST = [
  'web/e2e/dashboard.e2e.test.ts',
  'src/engine/import/concurrent-import.test.ts',
  'web/e2e/model.e2e.test.ts',
  'web/e2e/connections.e2e.test.ts',
  'src/engine/learning/learning-flow.test.ts',
  'web/e2e/retention.e2e.test.ts',
  'src/api/security.test.ts',
  'src/api/login-limit.test.ts',
  'src/engine/learning/lapse-label.test.ts',
  'src/engine/learning/train-past-history.test.ts',
  'src/engine/playbooks/deliver-outbox.test.ts',
  'src/engine/jobs/worker-pool.test.ts',
  'src/engine/import/presets.test.ts',
  'src/engine/worker/multi-worker.test.ts',
  'src/cli/commands/override.test.ts',
  'src/api/auth.test.ts',
  'src/api/ingest.test.ts',
  'src/engine/ingest-queue/nats-ingest.test.ts',
  'src/engine/integrations/push-crm-hubspot.test.ts',
  'src/engine/playbooks/run-playbooks.test.ts',
  'src/core/learning/fit-signal-churn-model.test.ts',
  // on the integrations branch
  'src/engine/integrations/read-crm-hubspot.test.ts',
];
const rank = new Map(SLOWEST_FIRST.map((f, i) => [f, i]));

export class SlowestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const rankOf = (spec: TestSpecification) =>
      rank.get(relative(this.ctx.config.root, spec.moduleId)) ?? Number.POSITIVE_INFINITY;
    // Array.prototype.sort is stable: files not listed keep vitest's order after the listed ones
    return sorted.sort((a, b) => {
      const ra = rankOf(a);
      const rb = rankOf(b);
      return ra === rb ? 0 : ra < rb ? -1 : 1;
    });
  }
}
