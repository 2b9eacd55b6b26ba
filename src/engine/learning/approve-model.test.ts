import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { insertModelRow } from '../../store/queries/learning/model-rows.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { approveModel } from './approve-model.ts';
import { diffModels } from './diff-models.ts';
import { getModel } from './get-model.ts';
import { listModels } from './list-models.ts';

describe.each(TEST_STORE_KINDS)('model lifecycle (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-03-01T12:00:00Z') });
    await store.db
      .insertInto('accounts')
      .values(
        ['a1', 'a2'].map((id) => ({
          id,
          name: id,
          segment: 'smb',
          traits: '{}',
          tags: '[]',
          updated_at: '2025-01-01',
        })),
      )
      .execute();
    const base = { createdAt: '2025-01-01T00:00:00Z', createdBy: 'system', notes: null };
    await insertModelRow(store, {
      ...base,
      name: 'default',
      status: 'active',
      document: {
        signals: [
          { id: 'logins', weight: 0.5 },
          { id: 'nps', weight: 0.5 },
        ],
      },
      backtest: null,
    });
    await insertModelRow(store, {
      ...base,
      name: 'learned',
      status: 'proposed',
      document: {
        signals: [
          { id: 'logins', weight: 0.8 },
          { id: 'tickets', weight: 0.2 },
        ],
      },
      backtest: {
        horizonDays: 180,
        proposed: { auc: 0.87, leadTime: { atRisk: { median: 120 } } },
        current: { auc: 0.7 },
      },
    });
  });
  afterEach(async () => {
    await store.close();
  });

  it('lists versions newest first with their stored backtest headline', async () => {
    const list = await listModels(ctx);
    expect(list.map((m) => [m.version, m.status])).toEqual([
      [2, 'proposed'],
      [1, 'active'],
    ]);
    expect(list[0]?.backtest).toEqual({
      auc: 0.87,
      medianLeadDays: 120,
      horizonDays: 180,
      source: 'training',
    });
    expect(list[1]?.backtest).toBeNull();
  });

  it('shows one version with its document, stored backtest and calibrations', async () => {
    await store.db
      .insertInto('model_calibrations')
      .values({
        model_version: 2,
        horizon_days: 180,
        slope: -0.05,
        intercept: 1,
        rows: 100,
        fitted_from: '2023-01-01',
        fitted_to: '2024-01-01',
        created_at: '2025-01-01',
      })
      .execute();
    const m = await getModel(ctx, 2);
    expect(m.status).toBe('proposed');
    expect(m.document).toEqual({
      signals: [
        { id: 'logins', weight: 0.8 },
        { id: 'tickets', weight: 0.2 },
      ],
    });
    expect(m.calibrations).toEqual([
      {
        horizonDays: 180,
        slope: -0.05,
        intercept: 1,
        rows: 100,
        fittedFrom: '2023-01-01',
        fittedTo: '2024-01-01',
      },
    ]);
    await expect(getModel(ctx, 99)).rejects.toThrow(/does not exist/);
  });

  it('diffs two versions, weights first, with both backtests', async () => {
    const d = await diffModels(ctx, 1, 2);
    expect(d.changes[0]).toMatchObject({ path: 'signals[logins].weight', a: 0.5, b: 0.8 });
    expect(d.effectiveWeights).toEqual([]); // not health-model documents: no known signals
    expect(d.changes.map((c) => c.path)).toContain('signals[tickets].weight');
    expect(d.backtests.a).toBeNull();
    expect((d.backtests.b as { proposed: { auc: number } }).proposed.auc).toBe(0.87);
    await expect(diffModels(ctx, 1, 9)).rejects.toThrow(/does not exist/);
  });

  it("diffs against the built-in default (version 0) with each signal's category and label", async () => {
    const d = await diffModels(ctx, 0, 0);
    expect(d.effectiveWeights.length).toBeGreaterThan(30); // signals with weight 0 (days to renewal) are left out
    expect(d.effectiveWeights.every((w) => w.delta === 0)).toBe(true);
    expect(d.effectiveWeights.find((w) => w.signalId === 'champion-status')).toMatchObject({
      category: 'relationship',
      label: expect.any(String),
    });
  });

  it('approval activates the proposal, retires the old model, audits and queues rescoring', async () => {
    const r = await approveModel(ctx, 2, 'maria');
    expect(r).toEqual({
      version: 2,
      previous: 1,
      approvedBy: 'maria',
      approvedAt: '2025-03-01T12:00:00.000Z',
      accountsQueued: 2,
    });
    const rows = await store.db
      .selectFrom('models')
      .select(['version', 'status', 'approved_by'])
      .orderBy('version')
      .execute();
    expect(rows).toEqual([
      { version: 1, status: 'retired', approved_by: null },
      { version: 2, status: 'active', approved_by: 'maria' },
    ]);
    const audit = await store.db.selectFrom('audit_log').selectAll().execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'maria', action: 'model.approve', target: 'model:2' });
    const dirty = await store.db
      .selectFrom('dirty_accounts')
      .select('account_id')
      .orderBy('account_id')
      .execute();
    expect(dirty.map((d) => d.account_id)).toEqual(['a1', 'a2']);
  });

  it('refuses to approve an active, retired or missing version', async () => {
    await expect(approveModel(ctx, 1, 'maria')).rejects.toThrow(/only a proposed model/);
    await expect(approveModel(ctx, 7, 'maria')).rejects.toThrow(/does not exist/);
    await expect(approveModel(ctx, 2, ' ')).rejects.toThrow(/approver/);
    await approveModel(ctx, 2, 'maria');
    await expect(approveModel(ctx, 2, 'maria')).rejects.toThrow(/is active/);
  });
});
