import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { listAccountSummaries } from '../../store/queries/api/list-account-summaries.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { loadPlaybookSubjects } from '../playbooks/load-playbook-subjects.ts';
import { computeMetricsReport } from './metrics-report.ts';

const END = '2026-06-30';

describe.each(TEST_STORE_KINDS)('one ARR rule on the demo (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-one-arr-'));
    await generateDemo({ outDir: dir, accounts: 80, months: 24, seed: 7, endDate: END });
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock(`${END}T12:00:00Z`) });
    const r = await importFiles(ctx, { paths: [join(dir, 'accounts.csv'), join(dir, 'contracts.csv')] });
    expect(r.rejected).toBe(0);
  }, 60_000);
  afterAll(async () => {
    await store.close();
  });

  it('metrics end ARR = the sum of accounts-list ARR as of every month-end, and start = previous end', async () => {
    const report = await computeMetricsReport(ctx, { period: 'month', from: '2024-07-01', to: END });
    expect(report.periods).toHaveLength(24);
    let checked = 0;
    for (const [i, p] of report.periods.entries()) {
      const list = await listAccountSummaries(
        store,
        { userId: 'admin', role: 'admin' },
        { asOf: p.end, sort: 'name', limit: 1_000_000, offset: 0, includeFormer: true },
      );
      const sum = list.items.reduce((s, a) => s + a.arr, 0);
      expect(p.endArr, p.label).toBeCloseTo(sum, 6);
      if (i > 0) expect(p.startArr).toBe(report.periods[i - 1]!.endArr);
      const m = p.movements;
      expect(p.startArr + m.new + m.expansion + m.reactivation - m.contraction - m.churn).toBeCloseTo(
        p.endArr,
        6,
      );
      if (sum > 0) checked++;
    }
    expect(checked).toBeGreaterThan(20);
  });

  it('playbook subjects carry the same ARR and renewal date as the accounts list', async () => {
    const asOf = '2026-03-31';
    const list = await listAccountSummaries(
      store,
      { userId: 'admin', role: 'admin' },
      { asOf, sort: 'name', limit: 1_000_000, offset: 0, includeFormer: true },
    );
    const changes = list.items.map((a) => ({ accountId: a.id }) as never);
    const subjects = await loadPlaybookSubjects(store, changes, [], asOf);
    const byId = new Map(subjects.map((s) => [s.account.id, s.account]));
    expect(list.items.length).toBeGreaterThan(50);
    for (const a of list.items) {
      expect(byId.get(a.id)?.arr, a.id).toBe(a.arr);
      expect(byId.get(a.id)?.renewalDate, a.id).toBe(a.renewalDate);
    }
  });
});
