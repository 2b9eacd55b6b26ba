import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_HEALTH_MODEL } from '../../core/scoring/health-model.ts';
import type { Store } from '../../store/database.ts';
import { insertLearningRun } from '../../store/queries/learning/learning-run-rows.ts';
import { insertModelRow } from '../../store/queries/learning/model-rows.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext } from '../context.ts';
import { listModels } from './list-models.ts';

// issue 19 item 4: the versions table showed "–" beside a backtest panel showing 0.805 for the same
// version. The list now reads the latest recorded backtest of each version at the panel's horizon,
// and only falls back to the training figures (held-out months) when there is none.
describe.each(TEST_STORE_KINDS)('listModels backtest headline (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  const run = (version: number, horizonDays: number, auc: number, at: string) =>
    insertLearningRun(store, {
      kind: 'backtest',
      modelVersion: version,
      horizonDays,
      createdAt: at,
      createdBy: null,
      summary: { auc, snapshots: 100, medianLeadDays: 60, brier: 0.1 },
      report: {},
    });
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store);
    const base = {
      createdAt: '2025-01-01T00:00:00Z',
      createdBy: 'system',
      notes: null,
      document: DEFAULT_HEALTH_MODEL,
    };
    await insertModelRow(store, { ...base, name: 'default', status: 'active', backtest: null });
    await insertModelRow(store, {
      ...base,
      name: 'learned',
      status: 'proposed',
      backtest: { horizonDays: 180, proposed: { auc: 0.79, leadTime: { atRisk: { median: 90 } } } },
    });
  });
  afterEach(() => store.close());

  it('takes the latest 180-day backtest run of each version, else the training figures', async () => {
    await run(1, 180, 0.7, '2025-02-01T00:00:00Z');
    await run(1, 180, 0.805, '2025-02-02T00:00:00Z');
    await run(1, 90, 0.9, '2025-02-03T00:00:00Z'); // another horizon: not what the panel shows
    const list = await listModels(ctx);
    expect(list.find((m) => m.version === 1)?.backtest).toEqual({
      auc: 0.805,
      medianLeadDays: 60,
      horizonDays: 180,
      source: 'backtest',
    });
    expect(list.find((m) => m.version === 2)?.backtest).toEqual({
      auc: 0.79,
      medianLeadDays: 90,
      horizonDays: 180,
      source: 'training',
    });
    await run(2, 180, 0.81, '2025-02-04T00:00:00Z');
    expect((await listModels(ctx)).find((m) => m.version === 2)?.backtest?.source).toBe('backtest');
  });
});
