import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../store/database.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { DEMO_REFERENCE_END_DATE, generateDemo } from '../demo/generate-demo.ts';
import { importFiles } from '../import/import-files.ts';
import { ingestEvents } from '../ingest/ingest-events.ts';
import { AccountCache } from './account-cache.ts';
import { getActiveModel } from './get-active-model.ts';
import { computeScores, recomputeScores } from './recompute-scores.ts';

/**
 * The scoring cache must change nothing but speed: on a generated portfolio, scores computed
 * from the cache (cold, warm, after new data) equal byte for byte those of a process without it.
 */
const NOW = `${DEMO_REFERENCE_END_DATE}T12:00:00Z`;

describe('columnar scoring cache', () => {
  let dir: string;
  let plain: Store;
  let cached: Store;
  let plainCtx: EngineContext;
  let cachedCtx: EngineContext;
  const cache = new AccountCache();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-cache-test-'));
    await generateDemo({
      outDir: join(dir, 'demo'),
      accounts: 40,
      months: 8,
      seed: 7,
      endDate: DEMO_REFERENCE_END_DATE,
    });
    const base = await openStore({ url: join(dir, 'base.db') });
    await importFiles(contextForStore(base, { clock: fixedClock(NOW) }), { paths: [join(dir, 'demo')] });
    await base.close();
    copyFileSync(join(dir, 'base.db'), join(dir, 'plain.db'));
    copyFileSync(join(dir, 'base.db'), join(dir, 'cached.db'));
    plain = await openStore({ url: join(dir, 'plain.db') });
    cached = await openStore({ url: join(dir, 'cached.db') });
    plainCtx = contextForStore(plain, { clock: fixedClock(NOW) });
    cachedCtx = { ...contextForStore(cached, { clock: fixedClock(NOW) }), scoringCache: cache };
  }, 120_000);
  afterAll(async () => {
    await plain?.close();
    await cached?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const currentRows = (store: Store) =>
    store.db.selectFrom('current_scores').selectAll().orderBy('account_id').execute();
  const historyRows = (store: Store) =>
    store.db.selectFrom('scores').selectAll().orderBy('account_id').orderBy('as_of').execute();

  it('computes the same scores from cached data as from loaded data, cold and warm', async () => {
    const active = await getActiveModel(plain);
    const ids = await plain.accounts.listIds();
    const expected = await computeScores(plain, ids, DEMO_REFERENCE_END_DATE, active);
    const local = new AccountCache();
    const cold = await computeScores(cached, ids, DEMO_REFERENCE_END_DATE, active, undefined, local);
    expect(local.size).toBe(ids.length);
    const warm = await computeScores(cached, ids, DEMO_REFERENCE_END_DATE, active, undefined, local);
    expect(local.hits).toBeGreaterThanOrEqual(ids.length);
    expect(expected.length).toBe(ids.length);
    expect(JSON.stringify(cold)).toBe(JSON.stringify(expected));
    expect(JSON.stringify(warm)).toBe(JSON.stringify(expected));
  });

  it('stores the same rows with the cache as without, across rescoring and new data', async () => {
    for (const ctx of [plainCtx, cachedCtx]) {
      await recomputeScores(ctx, { all: true });
      // the second full rescore reads the previous scores ("what moved") from the kept points
      await recomputeScores(ctx, { all: true });
    }
    expect(cache.size).toBeGreaterThan(0);
    const first = await currentRows(cached);
    // the portfolio has churned accounts (whose previous result may be kept whole) and live ones
    expect(first.some((r) => r.lifecycle_stage === 'churned')).toBe(true);
    expect(first.some((r) => r.lifecycle_stage !== 'churned')).toBe(true);
    expect(first).toEqual(await currentRows(plain));

    // new timeline data for two accounts: the dirty ledger makes the cache reload exactly them
    const [a, b] = (await plain.accounts.listIds()).slice(0, 2) as [string, string];
    const before = cache.peek(a)?.data.events.length ?? 0;
    const batch = [a, b].map((accountId, i) => ({
      id: `cache-test-${i}`,
      type: 'csm_sentiment',
      accountId,
      time: `${DEMO_REFERENCE_END_DATE}T09:00:00Z`,
      properties: { sentiment: 'red', note: 'budget frozen, champion leaving' },
    }));
    for (const ctx of [plainCtx, cachedCtx]) {
      const r = await ingestEvents(ctx, batch);
      expect(r.accepted).toBe(2);
      await recomputeScores(ctx, {});
    }
    expect(cache.peek(a)?.data.events.length).toBe(before + 1);
    expect(await currentRows(cached)).toEqual(await currentRows(plain));
    expect(await historyRows(cached)).toEqual(await historyRows(plain));
  });

  it('is bypassed (and emptied) by a full rescore of more accounts than it holds', async () => {
    const small = new AccountCache(5);
    small.use(DEMO_REFERENCE_END_DATE, 400, 126);
    small.put('x', {
      account: { id: 'x' },
      contracts: [],
      contacts: [],
      events: [],
      usageDaily: [],
      featureDaily: [],
      userDaily: [],
      catalog: [],
    } as never);
    await recomputeScores(plainCtx, { all: true });
    await recomputeScores({ ...cachedCtx, scoringCache: small }, { all: true });
    expect(small.size).toBe(0);
    expect(await currentRows(cached)).toEqual(await currentRows(plain));
  });

  it('loads an entry again once it is older than the maximum age', () => {
    let now = 0;
    const c = new AccountCache(10, 1000, () => now);
    c.use('2026-01-01', 400, 126);
    c.put('x', {
      account: { id: 'x' },
      contracts: [],
      contacts: [],
      events: [],
      usageDaily: [],
      featureDaily: [],
      userDaily: [],
      catalog: [],
    } as never);
    now = 1000;
    expect(c.get('x')).toBeDefined();
    now = 1001;
    expect(c.get('x')).toBeUndefined();
  });

  it('drops every entry when the as-of date moves', () => {
    const c = new AccountCache();
    c.use('2026-01-01', 400, 126);
    c.put('x', {
      account: { id: 'x' },
      contracts: [],
      contacts: [],
      events: [],
      usageDaily: [],
      featureDaily: [],
      userDaily: [],
      catalog: [],
    } as never);
    expect(c.size).toBe(1);
    c.use('2026-01-01', 400, 126);
    expect(c.size).toBe(1);
    c.use('2026-01-02', 400, 126);
    expect(c.size).toBe(0);
  });
});
