import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { computeRenewalForecast } from './renewal-forecast.ts';

const account = (id: string) => ({
  id,
  name: `Account ${id}`,
  segment: 'smb',
  industry: null,
  owner: 'u1',
  parent_id: null,
  lifecycle_stage: 'mature',
  created_at: '2024-01-01',
  traits: '{}',
  tags: '[]',
  updated_at: '2024-01-01T00:00:00Z',
});
const contract = (
  id: string,
  accountId: string,
  start: string,
  end: string,
  arr: number,
  status = 'active',
) => ({
  id,
  account_id: accountId,
  start_date: start,
  end_date: end,
  arr,
  currency: 'USD',
  seats: null,
  plan: 'pro',
  products: '[]',
  status,
  churned_at: status === 'churned' ? end : null,
  churn_reason: null,
});
const score = (accountId: string, asOf: string, value: number, detail: object = {}) => ({
  account_id: accountId,
  as_of: asOf,
  model_version: 1,
  score: value,
  band: value >= 80 ? 'healthy' : value >= 50 ? 'at-risk' : 'critical',
  coverage: 1,
  detail: JSON.stringify(detail),
  computed_at: `${asOf}T00:00:00Z`,
});

/**
 * Today 2026-03-01. Upcoming: a1 renews 2026-03-21 (10,000, stored p 0.2), a2 2026-06-01
 * (5,000, p 0.6: 92 days out, inside 180 not 90), a3 2026-09-01 (20,000, 184 days: outside).
 * Past year: b1 renewed 2025-07-01 (score 85 ninety days before), b2 churned at 2025-10-01 (score 30).
 */
describe.each(TEST_STORE_KINDS)('renewal forecast on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-03-01T12:00:00Z') });
    await store.db.insertInto('accounts').values(['a1', 'a2', 'a3', 'b1', 'b2'].map(account)).execute();
    await store.db
      .insertInto('contracts')
      .values([
        contract('c1', 'a1', '2025-03-21', '2026-03-20', 10_000),
        contract('c2', 'a2', '2025-06-01', '2026-05-31', 5_000),
        contract('c3', 'a3', '2025-09-01', '2026-08-31', 20_000),
        contract('d1', 'b1', '2024-07-01', '2025-06-30', 8_000, 'renewed'),
        contract('d1b', 'b1', '2025-07-01', '2026-06-30', 8_000),
        contract('d2', 'b2', '2024-10-01', '2025-09-30', 4_000, 'churned'),
      ])
      .execute();
    await store.db
      .insertInto('scores')
      .values([score('b1', '2025-04-01', 85), score('b2', '2025-07-01', 30)])
      .execute();
    const cur = (id: string, value: number, p: number) => ({
      ...score(id, '2026-03-01', value, { churnProbability: { probability: p, horizonDays: 90 } }),
      previous_score: null,
      previous_band: null,
      override_score: null,
      trend_30: null,
      top_driver: null,
    });
    await store.db
      .insertInto('current_scores')
      .values([cur('a1', 70, 0.2), cur('a2', 40, 0.6), cur('a3', 90, 0.05)])
      .execute();
  });
  afterAll(async () => {
    await store.close();
  });

  it('buckets renewals due in 30/90/180 days with the stored calibrated probability', async () => {
    const f = await computeRenewalForecast(ctx);
    expect(f.renewals.map((r) => [r.accountId, r.renewalDate, r.arr, r.churnProbability])).toEqual([
      ['a1', '2026-03-21', 10_000, 0.2],
      ['a2', '2026-06-01', 5_000, 0.6],
      ['b1', '2026-07-01', 8_000, null],
    ]);
    const [d30, d90, d180] = f.buckets;
    expect(d30).toMatchObject({ withinDays: 30, renewals: 1, arr: 10_000 });
    expect(d30!.expectedRenewedArr).toBeCloseTo(8_000, 6);
    expect(d90).toMatchObject({ withinDays: 90, renewals: 1, arr: 10_000 });
    // 180 days: a1, a2 and b1 (2026-07-01 is 122 days out; b1 has no current score: unestimated)
    expect(d180).toMatchObject({ withinDays: 180, renewals: 3, arr: 23_000, unestimatedArr: 8_000 });
    expect(d180!.expectedRenewedArr).toBeCloseTo(8_000 + 2_000, 6);
    // ARR today 10,000 + 5,000 + 20,000 + 8,000 = 43,000; expected loss in 90 days 2,000
    expect(f.arrToday).toBe(43_000);
    expect(f.expectedGrrNext90).toBeCloseTo(1 - 2_000 / 43_000, 4);
  });

  it('backtests the forecast made 90 days before each past renewal against what renewed', async () => {
    const f = await computeRenewalForecast(ctx);
    const b = f.backtest;
    // the default model has no calibration: a Platt fit on the two past renewals, said so
    expect(b.calibration).toMatch(/Platt calibration fitted on 2 past renewals/);
    expect(b).toMatchObject({
      leadDays: 90,
      renewals: 2,
      dueArr: 12_000,
      actualRenewedArr: 8_000,
      withoutScore: 0,
    });
    // a healthier score 90 days out means a lower churn probability, so b1's forecast renews more
    const months = Object.fromEntries(b.byMonth.map((m) => [m.month, m]));
    expect(months['2025-07']!.predictedRenewedArr / 8_000).toBeGreaterThan(
      months['2025-10']!.predictedRenewedArr / 4_000,
    );
    expect(b.relativeError).toBeCloseTo((b.predictedRenewedArr - 8_000) / 8_000, 4);
    expect(b.brier).not.toBeNull();
    expect(b.brier!).toBeLessThan(0.25);
  });
});
