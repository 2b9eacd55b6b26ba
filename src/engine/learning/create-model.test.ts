import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '../../core/errors.ts';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { createModel } from './create-model.ts';
import { resolveModel } from './resolve-model.ts';
import { SCORING } from './scoring-port.ts';

const planSignal = {
  id: 'plan-tier',
  label: 'Plan tier',
  category: 'commercial',
  weight: 2,
  source: { trait: 'plan' },
  categories: { enterprise: 100, growth: 60, starter: 20 },
};

describe.each(TEST_STORE_KINDS)('createModel (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeEach(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-11-15T12:00:00Z') });
  });
  afterEach(async () => {
    await store.close();
  });

  it('adds custom signals to the active model as a proposed version that scores them', async () => {
    const active = await resolveModel(ctx);
    const r = await createModel(ctx, {
      document: {
        custom: [
          planSignal,
          {
            id: 'orders-90d',
            label: 'Orders in 90 days',
            category: 'custom',
            weight: 1,
            source: { eventCount: { type: 'invoice_issued', windowDays: 90 } },
            thresholds: [
              [0, 0],
              [4, 100],
            ],
          },
        ],
      },
      name: 'with plan tier',
      by: 'ana',
    });
    expect(r.version).toBeGreaterThan(active.version);
    expect(r.baseVersion).toBe(active.version);
    expect(r.customSignals).toEqual(['plan-tier', 'orders-90d']);
    // the default model gives the custom category no weight: said, not silently ignored
    expect(r.warnings.join(' ')).toContain('orders-90d');
    const stored = await resolveModel(ctx, r.version);
    expect(stored.status).toBe('proposed');
    expect(stored.name).toBe('with plan tier');
    expect(Object.keys(stored.document.signals)).toEqual(Object.keys(active.document.signals));
    // the stored model scores the trait: enterprise → 100, starter → 20 (hand-read from the map)
    const data = (plan: string) => ({
      account: {
        id: 'a',
        name: 'A',
        segment: null,
        industry: null,
        ownerId: null,
        parentId: null,
        lifecycleStage: null,
        createdAt: '2025-01-01',
        traits: { plan },
      },
      contracts: [],
      contacts: [],
      events: [
        { id: 'e1', accountId: 'a', type: 'invoice_issued', time: '2026-10-01T00:00:00Z', properties: {} },
        { id: 'e2', accountId: 'a', type: 'invoice_issued', time: '2026-11-01T00:00:00Z', properties: {} },
      ],
      usageDaily: [],
      featureDaily: [],
      userDaily: [],
      catalog: [],
    });
    const sub = (plan: string, id: string) =>
      SCORING.computeScore(data(plan) as never, stored.document, '2026-11-15').signals.find(
        (s) => s.signalId === id,
      )?.subScore;
    expect(sub('enterprise', 'plan-tier')).toBe(100);
    expect(sub('starter', 'plan-tier')).toBe(20);
    expect(sub('starter', 'orders-90d')).toBe(50); // 2 orders of 4 → halfway
  });

  it('rejects an invalid document naming the field, and a duplicate id', async () => {
    const bad = await createModel(ctx, {
      document: { custom: [{ ...planSignal, id: 'Plan Tier' }] },
    }).catch((e: unknown) => e);
    expect(isAppError(bad) && bad.code).toBe('BAD_INPUT');
    expect((bad as Error).message).toMatch(/custom\.0\.id/);
    const dup = await createModel(ctx, {
      document: { custom: [planSignal, planSignal] },
    }).catch((e: unknown) => e);
    expect((dup as Error).message).toContain('"plan-tier" is used twice');
  });
});
