import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeScore } from '../../core/scoring/compute-score.ts';
import type { Store } from '../../store/database.ts';
import { loadAccountData } from '../../store/queries/load-account-data.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { getActiveModel } from './get-active-model.ts';
import { scoreHistory } from './score-history.ts';

const DAY = 86_400_000;
const day = (iso: string, n: number) => new Date(Date.parse(iso) + n * DAY).toISOString().slice(0, 10);

describe.each(TEST_STORE_KINDS)('scoreHistory on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-07-01T00:00:00Z') });
    await store.db
      .insertInto('accounts')
      .values({
        id: 'a1',
        name: 'Acme',
        segment: 'smb',
        industry: null,
        owner: null,
        parent_id: null,
        lifecycle_stage: null,
        created_at: '2026-03-01',
        traits: '{}',
        tags: '[]',
        updated_at: '2026-03-01T00:00:00Z',
      })
      .execute();
    await store.db
      .insertInto('contracts')
      .values({
        id: 'c1',
        account_id: 'a1',
        start_date: '2026-03-01',
        end_date: '2027-02-28',
        arr: 30_000,
        currency: 'USD',
        seats: 10,
        plan: null,
        products: '[]',
        status: 'active',
        churned_at: null,
        churn_reason: null,
      })
      .execute();
    // busy in spring, fading in June; an escalation and angry ticket in June
    const usage = [];
    for (let d = 0; d < 122; d++) {
      const date = day('2026-03-01', d);
      const n = date < '2026-06-01' ? 20 : 2;
      usage.push({ account_id: 'a1', day: date, logins: n, events: n * 5, integration_events: 0 });
    }
    await store.db.insertInto('usage_daily').values(usage).execute();
    const ev = (id: string, type: string, time: string, properties: Record<string, unknown>) => ({
      id,
      account_id: 'a1',
      contact_id: null,
      type,
      time,
      properties: JSON.stringify(properties),
      ingested_at: time,
    });
    await store.db
      .insertInto('events')
      .values([
        ev('e1', 'csm_sentiment', '2026-03-10T10:00:00.000Z', { sentiment: 'green' }),
        ev('e2', 'escalation_opened', '2026-06-10T10:00:00.000Z', { escalationId: 'x', reason: 'outage' }),
        ev('e3', 'ticket_opened', '2026-06-11T10:00:00.000Z', {
          ticketId: 't',
          priority: 'urgent',
          text: 'This is unacceptable, everything is broken.',
        }),
      ])
      .execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('scores each date from the data as it was then, only while a customer, the same as scoring that date alone', async () => {
    const h = await scoreHistory(ctx, { accountId: 'a1', from: '2026-02-01', to: '2026-06-30', step: 14 });
    expect(h.modelVersion).toBe(1);
    expect(h.points[0]!.asOf >= '2026-03-01').toBe(true);
    expect(h.points.at(-1)!.asOf).toBe('2026-06-30');
    const { model } = await getActiveModel(store);
    for (const p of h.points) {
      const alone = computeScore(
        await loadAccountData(store, 'a1', p.asOf, model.lookbackDays),
        model,
        p.asOf,
      );
      expect([p.score, p.band, p.coverage]).toEqual([alone.score, alone.band, alone.coverage]);
    }
    // the June trouble shows up in June, not before
    const may = h.points.find((p) => p.asOf.startsWith('2026-05'))!;
    expect(h.points.at(-1)!.score).toBeLessThan(may.score);
    expect(
      await scoreHistory(ctx, { accountId: 'a1', from: '2026-02-01', to: '2026-06-30', step: 14 }),
    ).toEqual(h);
  });

  it('rejects bad ranges and unknown accounts', async () => {
    await expect(
      scoreHistory(ctx, { accountId: 'a1', from: '2026-06-30', to: '2026-01-01' }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(
      scoreHistory(ctx, { accountId: 'a1', from: 'soon', to: '2026-01-01' }),
    ).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await expect(
      scoreHistory(ctx, { accountId: 'a1', from: '2020-01-01', to: '2026-01-01', step: 1 }),
    ).rejects.toThrow(/at most/);
    await expect(
      scoreHistory(ctx, { accountId: 'zz', from: '2026-01-01', to: '2026-02-01' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      scoreHistory(ctx, { accountId: 'a1', from: '2026-01-01', to: '2026-02-01', modelVersion: 9 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
