import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { byAccount, type ContractTerm, isLive } from '../core/contracts/contract-terms.ts';
import { dayNumber } from '../core/dates/day-number.ts';
import { DEFAULT_CONVENTIONS } from '../core/metrics/conventions.ts';
import { arrOn, customerRevenue } from '../core/metrics/customer-arr.ts';
import type { ScoreChange } from '../core/playbooks/score-change.ts';
import { contextForStore, fixedClock } from '../engine/context.ts';
import { computeRenewalForecast } from '../engine/metrics/renewal-forecast.ts';
import { loadPlaybookSubjects } from '../engine/playbooks/load-playbook-subjects.ts';
import { listScopedContracts } from '../store/queries/metrics-inputs.ts';
import { TEST_STORE_KINDS } from '../store/test-stores.ts';
import { type ApiFixture, FIXTURE_TODAY, openApiFixture } from './api-test-fixture.ts';
import { createApp } from './app.ts';

/**
 * Issue 14, item 3: one definition of an account's ARR and renewal date. For every account of the
 * demo on three dates, the portfolio list (GET /v1/accounts), the account page
 * (GET /v1/accounts/:id), the playbook subject (loadPlaybookSubjects) and the metrics engine (its
 * per-customer revenue, the renewal forecast and the portfolio summary) must say the same.
 */
const DATES = [FIXTURE_TODAY, '2026-02-14', '2025-10-31'];

type Summary = { id: string; arr: number; renewalDate: string | null };
type Detail = { terms: { asOf: string; arr: number; renewalDate: string | null } };

describe.each(TEST_STORE_KINDS)('ARR and renewal date: one answer everywhere (%s)', (kind) => {
  let f: ApiFixture;
  let key: string;
  let terms: Map<string, (ContractTerm & { accountId: string })[]>;
  beforeAll(async () => {
    f = await openApiFixture(kind, { accounts: 30 });
    key = (await f.withKey('read')).key;
    terms = byAccount(await listScopedContracts(f.store, {}));
  }, 180_000);
  afterAll(async () => {
    await f?.close();
  });

  it.each(DATES)('on %s', async (day) => {
    const ctx = contextForStore(f.store, { clock: fixedClock(`${day}T12:00:00Z`) });
    const app = createApp(ctx);
    const get = async <T>(path: string): Promise<T> => {
      const res = await app.request(path, { headers: { authorization: `Bearer ${key}` } });
      expect(res.status, path).toBe(200);
      return (await res.json()) as T;
    };

    // 1. the portfolio list, with former customers, so every account is compared
    const list = await get<{ items: Summary[]; total: number }>(
      '/v1/accounts?limit=10000&includeFormer=true',
    );
    expect(list.items.length).toBe(f.accounts.length);
    const customers = list.items.filter((a) => a.arr > 0);
    expect(customers.length).toBeGreaterThan(10);

    // 2. the account page
    for (const a of list.items) {
      const d = await get<Detail>(`/v1/accounts/${a.id}`);
      expect(d.terms.asOf).toBe(day);
      expect([a.id, d.terms.arr, d.terms.renewalDate]).toEqual([a.id, a.arr, a.renewalDate]);
    }

    // 3. the playbook subject
    const changes = list.items.map((a) => ({ accountId: a.id }) as ScoreChange);
    const subjects = new Map(
      (await loadPlaybookSubjects(f.store, changes, [], `${day}T12:00:00.000Z`)).map((s) => [
        s.account.id,
        s.account,
      ]),
    );
    for (const a of list.items) {
      const s = subjects.get(a.id);
      expect([a.id, s?.arr, s?.renewalDate]).toEqual([a.id, a.arr, a.renewalDate]);
    }

    // 4. the metrics engine: per-customer ARR on the day (what GRR/NRR sum) ...
    const revenue = customerRevenue(await listScopedContracts(f.store, {}), DEFAULT_CONVENTIONS);
    for (const a of list.items) {
      const rev = revenue.get(a.id);
      expect([a.id, rev ? arrOn(rev, dayNumber(day)) : 0]).toEqual([a.id, a.arr]);
    }
    // ... the renewal forecast: each account's earliest renewal within its horizon is the list's
    // renewal date (a contract that churned before its term end never comes up for renewal, so
    // those accounts are left out of this one comparison) ...
    const forecast = await computeRenewalForecast(ctx, {});
    expect(forecast.asOf).toBe(day);
    const horizon = Math.max(...forecast.buckets.map((b) => b.withinDays));
    const firstRenewal = new Map<string, string>();
    for (const r of forecast.renewals)
      if (!firstRenewal.has(r.accountId) || r.renewalDate < (firstRenewal.get(r.accountId) as string))
        firstRenewal.set(r.accountId, r.renewalDate);
    let compared = 0;
    for (const a of customers) {
      const cutShort = (terms.get(a.id) ?? []).some(
        (c) =>
          isLive(c, day) && c.status === 'churned' && c.churnedAt && c.end !== null && c.churnedAt < c.end,
      );
      if (cutShort || a.renewalDate === null) continue;
      const due = dayNumber(a.renewalDate) - dayNumber(day) <= horizon;
      expect([a.id, firstRenewal.get(a.id) ?? null]).toEqual([a.id, due ? a.renewalDate : null]);
      compared++;
    }
    expect(compared).toBeGreaterThan(5);
    expect(forecast.arrToday).toBeCloseTo(
      list.items.reduce((s, a) => s + a.arr, 0),
      6,
    );
    // ... and the portfolio summary's book (current customers that are not churned accounts)
    const summary = await get<{ arr: number; accounts: number }>('/v1/portfolio/summary');
    const current = await get<{ items: Summary[] }>('/v1/accounts?limit=10000');
    const book = current.items.filter((a) => a.arr > 0 || a.renewalDate !== null);
    expect(summary.arr).toBeCloseTo(
      book.reduce((s, a) => s + a.arr, 0),
      6,
    );
  });
});
