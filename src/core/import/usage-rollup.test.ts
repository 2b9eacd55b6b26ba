import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { UsageRow } from './map-row.ts';
import { dayNumber, featureKeyOf, UsageRollup } from './usage-rollup.ts';

const rowArb: fc.Arbitrary<UsageRow> = fc.record({
  id: fc.string(),
  accountId: fc.constantFrom('a', 'b', 'c'),
  contactId: fc.option(fc.constantFrom('u1', 'u2'), { nil: null }),
  type: fc.constantFrom('login', 'feature_used', 'integration_used', 'usage_custom'),
  time: fc
    .date({
      min: new Date('2019-01-01T00:00:00Z'),
      max: new Date('2030-12-31T23:59:59Z'),
      noInvalidDate: true,
    })
    .map((d) => d.toISOString()),
  key: fc.constantFrom('reports', 'api', 'exports'),
  count: fc.nat(50),
});

/** The obvious aggregation the rollup must agree with. */
function naive(rows: UsageRow[]) {
  const usage = new Map<string, [number, number, number]>();
  const feature = new Map<string, number[]>();
  const user = new Map<string, number[]>();
  for (const r of rows) {
    const month = r.time.slice(0, 7);
    const bit = 1 << (Number(r.time.slice(8, 10)) - 1);
    const day = r.time.slice(0, 10);
    const u = usage.get(`${r.accountId}|${day}`) ?? [0, 0, 0];
    u[1] += r.count;
    if (r.type === 'login') u[0] += r.count;
    if (r.type === 'integration_used') u[2] += r.count;
    usage.set(`${r.accountId}|${day}`, u);
    const f = featureKeyOf(r);
    if (f) {
      const k = `${r.accountId}|${f}|${month}`;
      const [days, n] = feature.get(k) ?? [0, 0];
      feature.set(k, [days! | bit, n! + r.count]);
    }
    if (r.contactId) {
      const k = `${r.accountId}|${r.contactId}|${month}`;
      const [days, n] = user.get(k) ?? [0, 0];
      user.set(k, [days! | bit, n! + r.count]);
    }
  }
  return { usage, feature, user };
}

describe('UsageRollup', () => {
  it('agrees with a naive aggregation for any events, drained in any number of batches', () => {
    fc.assert(
      fc.property(fc.array(rowArb, { maxLength: 200 }), fc.nat(200), (rows, cut) => {
        const rollup = new UsageRollup();
        const got = {
          usage: new Map<string, number[]>(),
          feature: new Map<string, number[]>(),
          user: new Map<string, number[]>(),
        };
        const merge = () => {
          const d = rollup.drain();
          for (const u of d.usage) {
            const k = `${u.accountId}|${u.day}`;
            const prev = got.usage.get(k) ?? [0, 0, 0];
            got.usage.set(k, [prev[0]! + u.logins, prev[1]! + u.events, prev[2]! + u.integrationEvents]);
          }
          for (const f of d.feature) {
            const k = `${f.accountId}|${f.feature}|${f.month}`;
            const [days, n] = got.feature.get(k) ?? [0, 0];
            got.feature.set(k, [days! | f.days, n! + f.count]);
          }
          for (const u of d.user) {
            const k = `${u.accountId}|${u.contactId}|${u.month}`;
            const [days, n] = got.user.get(k) ?? [0, 0];
            got.user.set(k, [days! | u.days, n! + u.events]);
          }
        };
        rows.forEach((r, i) => {
          rollup.add(r);
          if (i === cut) merge();
        });
        merge();
        const want = naive(rows);
        expect(got.usage).toEqual(want.usage);
        expect(got.feature).toEqual(want.feature);
        expect(got.user).toEqual(want.user);
      }),
      { numRuns: 300 },
    );
  });

  it('numbers days like the calendar does', () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date('1970-01-01T00:00:00Z'),
          max: new Date('2149-01-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        (d) => {
          const iso = d.toISOString();
          expect(dayNumber(iso)).toBe(Math.floor(Date.parse(iso.slice(0, 10)) / 86_400_000));
        },
      ),
    );
  });

  it('reports the accounts it touched', () => {
    const r = new UsageRollup();
    r.add({
      id: '1',
      accountId: 'x',
      contactId: null,
      type: 'login',
      time: '2025-01-01T00:00:00.000Z',
      key: null,
      count: 1,
    });
    expect(r.drain().accounts).toEqual(['x']);
    expect(r.drain().accounts).toEqual([]);
  });
});
