import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { activeOverrides, createOverride, revokeOverride } from './overrides.ts';
import { recomputeScores } from './recompute-scores.ts';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();
const T0 = Date.parse('2026-06-30T12:00:00Z');

async function seed(store: Store) {
  await store.db
    .insertInto('accounts')
    .values(
      ['a1', 'a2'].map((id) => ({
        id,
        name: `Account ${id}`,
        segment: 'mid-market',
        industry: null,
        owner: 'csm-1',
        parent_id: null,
        lifecycle_stage: 'active',
        created_at: '2025-01-01',
        traits: '{}',
        tags: '[]',
        updated_at: '2026-01-01T00:00:00Z',
      })),
    )
    .execute();
  await store.db
    .insertInto('contracts')
    .values(
      ['a1', 'a2'].map((id) => ({
        id: `c-${id}`,
        account_id: id,
        start_date: '2025-01-01',
        end_date: '2026-12-31',
        arr: 50_000,
        currency: 'USD',
        seats: 20,
        plan: 'pro',
        products: '[]',
        status: 'active',
        churned_at: null,
        churn_reason: null,
      })),
    )
    .execute();
  const days: {
    account_id: string;
    day: string;
    logins: number;
    events: number;
    integration_events: number;
  }[] = [];
  for (let d = 1; d <= 90; d++)
    days.push({
      account_id: 'a1',
      day: iso(T0 - d * DAY).slice(0, 10),
      logins: 8,
      events: 40,
      integration_events: 3,
    });
  await store.db.insertInto('usage_daily').values(days).execute();
}

describe.each(TEST_STORE_KINDS)('score overrides on %s', (kind) => {
  let store: Store;
  const at = (ms: number): EngineContext => contextForStore(store, { clock: fixedClock(iso(ms)) });
  beforeAll(async () => {
    store = await openTestStore(kind);
    await seed(store);
    await recomputeScores(at(T0), { all: true, asOf: '2026-06-30' });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('rejects an override without a reason, out of range, already expired, too far ahead or on an unknown account', async () => {
    const ctx = at(T0);
    const base = {
      accountId: 'a1',
      score: 30,
      reason: 'exec sponsor resigned',
      expiresAt: iso(T0 + 30 * DAY),
      by: 'ana',
    };
    await expect(createOverride(ctx, { ...base, reason: '  ' })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(createOverride(ctx, { ...base, score: 101 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(createOverride(ctx, { ...base, score: -1 })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    await expect(createOverride(ctx, { ...base, expiresAt: iso(T0 - DAY) })).rejects.toThrow(/future/);
    await expect(createOverride(ctx, { ...base, expiresAt: iso(T0 + 400 * DAY) })).rejects.toThrow(/year/);
    await expect(createOverride(ctx, { ...base, expiresAt: 'next week' })).rejects.toThrow(/not a date/);
    await expect(createOverride(ctx, { ...base, accountId: 'nope' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(await store.db.selectFrom('overrides').selectAll().execute()).toHaveLength(0);
    expect(await store.db.selectFrom('audit_log').selectAll().execute()).toHaveLength(0);
  });

  it('is audited, carried into the stored score by the next rescore, and a new one replaces the old', async () => {
    const ctx = at(T0);
    const computed = await store.db
      .selectFrom('current_scores')
      .selectAll()
      .where('account_id', '=', 'a1')
      .executeTakeFirstOrThrow();
    const first = await createOverride(ctx, {
      accountId: 'a1',
      score: 40,
      reason: 'exec sponsor resigned',
      expiresAt: iso(T0 + 10 * DAY),
      by: 'ana',
    });
    expect(first.band).toBe('critical');
    const second = await createOverride(ctx, {
      accountId: 'a1',
      score: 55,
      reason: 'new sponsor found, still shaky',
      expiresAt: iso(T0 + 20 * DAY),
      by: 'ben',
    });
    expect(second.band).toBe('at-risk');
    const rows = await store.db.selectFrom('overrides').selectAll().orderBy('id').execute();
    expect(rows.map((r) => r.revoked_at !== null)).toEqual([true, false]);
    const audit = await store.db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(audit.map((a) => [a.actor, a.action, a.target])).toEqual([
      ['ana', 'score.override', 'account:a1'],
      ['ben', 'score.override', 'account:a1'],
    ]);
    expect(JSON.parse(audit[1]!.details)).toMatchObject({
      score: 55,
      reason: 'new sponsor found, still shaky',
    });
    // the account is queued for a rescore, which carries the override next to the computed score
    expect(
      (await store.db.selectFrom('dirty_accounts').select('account_id').execute()).map((d) => d.account_id),
    ).toEqual(['a1']);
    const r = await recomputeScores(ctx, { asOf: '2026-06-30' });
    expect(r.scored).toBe(1);
    const cur = await store.db
      .selectFrom('current_scores')
      .selectAll()
      .where('account_id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(Number(cur.override_score)).toBe(55);
    expect(Number(cur.score)).toBe(Number(computed.score));
    const detail = JSON.parse(cur.detail);
    expect(detail.override).toMatchObject({ score: 55, band: 'at-risk', by: 'ben' });
    expect(detail.score).toBe(Number(computed.score));
    // the other account is untouched
    const other = await store.db
      .selectFrom('current_scores')
      .selectAll()
      .where('account_id', '=', 'a2')
      .executeTakeFirstOrThrow();
    expect(other.override_score).toBeNull();
  });

  it('ignores an expired override: the rescore after expiry drops it', async () => {
    const later = at(T0 + 21 * DAY);
    expect((await activeOverrides(store, ['a1'], iso(T0 + 19 * DAY))).get('a1')?.score).toBe(55);
    expect((await activeOverrides(store, ['a1'], iso(T0 + 21 * DAY))).size).toBe(0);
    await recomputeScores(later, { accountIds: ['a1'], asOf: '2026-07-21' });
    const cur = await store.db
      .selectFrom('current_scores')
      .selectAll()
      .where('account_id', '=', 'a1')
      .executeTakeFirstOrThrow();
    expect(cur.override_score).toBeNull();
    expect(JSON.parse(cur.detail).override).toBeNull();
    // nothing left to revoke once expired
    expect(await revokeOverride(later, { accountId: 'a1', by: 'ana' })).toBe(false);
  });

  it('revokes an override early, audited', async () => {
    const ctx = at(T0 + 22 * DAY);
    await createOverride(ctx, {
      accountId: 'a2',
      score: 90,
      reason: 'renewal signed',
      expiresAt: iso(T0 + 60 * DAY),
      by: 'cy',
    });
    await recomputeScores(ctx, { accountIds: ['a2'], asOf: '2026-07-22' });
    expect(
      Number(
        (
          await store.db
            .selectFrom('current_scores')
            .select('override_score')
            .where('account_id', '=', 'a2')
            .executeTakeFirstOrThrow()
        ).override_score,
      ),
    ).toBe(90);
    expect(await revokeOverride(ctx, { accountId: 'a2', by: 'cy', reason: 'entered by mistake' })).toBe(true);
    expect(
      (
        await store.db
          .selectFrom('current_scores')
          .select('override_score')
          .where('account_id', '=', 'a2')
          .executeTakeFirstOrThrow()
      ).override_score,
    ).toBeNull();
    await recomputeScores(ctx, { accountIds: ['a2'], asOf: '2026-07-22' });
    const cur = await store.db
      .selectFrom('current_scores')
      .selectAll()
      .where('account_id', '=', 'a2')
      .executeTakeFirstOrThrow();
    expect(cur.override_score).toBeNull();
    const last = await store.db
      .selectFrom('audit_log')
      .selectAll()
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect([last.actor, last.action, JSON.parse(last.details).reason]).toEqual([
      'cy',
      'score.override.revoke',
      'entered by mistake',
    ]);
  });
});
