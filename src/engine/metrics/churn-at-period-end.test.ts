import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { importFiles } from '../import/import-files.ts';
import { computeMetricsReport } from './metrics-report.ts';

// issue 20 item 14 (fixed by the metrics helper, issue 16): two of three
// customers whose contracts end and churn on the last day of a quarter must
// show as churn in exactly one period. Hand-computed: 3 × 10,000 ARR at the
// start of 2025-Q2; 2 leave on 2025-06-30; churn 20,000 once; GRR 1/3 there.
describe.each(TEST_STORE_KINDS)('churn on the last day of a period on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-12-31T12:00:00Z') });
    const dir = mkdtempSync(join(tmpdir(), 'vigil-churn-end-'));
    writeFileSync(join(dir, 'accounts.csv'), 'id,name\nc1,One\nc2,Two\nc3,Three\n');
    writeFileSync(
      join(dir, 'contracts.csv'),
      [
        'id,account_id,start,end,arr,status,churned_at',
        'k1,c1,2024-07-01,2025-06-30,10000,renewed,',
        'k1b,c1,2025-07-01,2026-06-30,10000,active,',
        'k2,c2,2024-07-01,2025-06-30,10000,churned,2025-06-30',
        'k3,c3,2024-07-01,2025-06-30,10000,churned,2025-06-30',
      ].join('\n'),
    );
    await importFiles(ctx, { paths: [dir] });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('the two churns count once, in one period, and that period has GRR 1/3', async () => {
    const r = await computeMetricsReport(ctx, { period: 'quarter', from: '2025-04-01', to: '2025-09-30' });
    const churn = r.periods.reduce((s, p) => s + p.movements.churn, 0);
    expect(churn).toBe(20_000);
    const withChurn = r.periods.filter((p) => p.movements.churn > 0);
    expect(withChurn).toHaveLength(1);
    expect(withChurn[0]!.grr.value).toBeCloseTo(1 / 3, 4);
  });
});
