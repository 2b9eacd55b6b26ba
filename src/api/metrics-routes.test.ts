import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, type Client, openApiFixture } from './api-test-fixture.ts';

let f: ApiFixture;
let admin: Client;

beforeAll(async () => {
  f = await openApiFixture('sqlite', { accounts: 40 });
  admin = await f.as('root');
});
afterAll(async () => {
  await f?.close();
});

const get = async <T>(path: string) => {
  const res = await admin.get(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

type Summary = { id: string; arr: number; renewalDate: string | null };

describe('metrics routes and the one contract rule over HTTP', () => {
  it('the account page terms carry the same ARR and renewal as the accounts list', async () => {
    const list = await get<{ items: Summary[] }>('/v1/accounts?limit=1000');
    expect(list.items.length).toBeGreaterThan(10);
    for (const a of list.items.slice(0, 8)) {
      const d = await get<{ terms: { arr: number; renewalDate: string | null } }>(`/v1/accounts/${a.id}`);
      expect(d.terms.arr, a.id).toBe(a.arr);
      expect(d.terms.renewalDate, a.id).toBe(a.renewalDate);
    }
  });

  it('GET /v1/metrics: each period bridges, and churn by reason adds up to churn', async () => {
    const r = await get<{
      periods: {
        startArr: number;
        endArr: number;
        movements: Record<'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation', number>;
        churnReasons: { reason: string; arr: number; logos: number }[];
        customers: { churned: number };
      }[];
    }>('/v1/metrics?period=month');
    expect(r.periods.length).toBeGreaterThan(10);
    for (const [i, p] of r.periods.entries()) {
      const m = p.movements;
      expect(p.startArr + m.new + m.expansion + m.reactivation - m.contraction - m.churn).toBeCloseTo(
        p.endArr,
        6,
      );
      if (i > 0) expect(p.startArr).toBe(r.periods[i - 1]!.endArr);
      expect(p.churnReasons.reduce((s, x) => s + x.arr, 0)).toBeCloseTo(m.churn, 6);
      expect(p.churnReasons.reduce((s, x) => s + x.logos, 0)).toBe(p.customers.churned);
    }
  });

  it('GET /v1/metrics/forecast: cumulative 30/90/180-day buckets of the listed renewals', async () => {
    const f30 = await get<{
      buckets: { withinDays: number; renewals: number; arr: number }[];
      renewals: { renewalDate: string; arr: number }[];
      asOf: string;
      backtest: { leadDays: number };
    }>('/v1/metrics/forecast?leadDays=30');
    expect(f30.buckets.map((b) => b.withinDays)).toEqual([30, 90, 180]);
    const day = (iso: string) => Date.parse(iso) / 86_400_000;
    for (const b of f30.buckets) {
      const inside = f30.renewals.filter((r) => day(r.renewalDate) - day(f30.asOf) <= b.withinDays);
      expect(b.renewals).toBe(inside.length);
      expect(b.arr).toBeCloseTo(
        inside.reduce((s, r) => s + r.arr, 0),
        6,
      );
    }
    expect(f30.buckets[2]!.renewals).toBeGreaterThanOrEqual(f30.buckets[0]!.renewals);
    expect(f30.backtest.leadDays).toBe(30);
    const bad = await admin.get('/v1/metrics/forecast?leadDays=0');
    expect(bad.status).toBe(400);
  });
});
