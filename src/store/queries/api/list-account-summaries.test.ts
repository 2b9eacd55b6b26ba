import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../database.ts';
import { cloneMigratedSchema, openTestStore, TEST_PG_URL, TEST_STORE_KINDS } from '../../test-stores.ts';
import { readDataVersion } from './data-version.ts';
import { type ListAccountSummariesOptions, listAccountSummaries } from './list-account-summaries.ts';
import { getPortfolioSummary } from './portfolio-summary.ts';

/**
 * The portfolio list keeps its book per data version (docs/adr/0037). Every write the list
 * depends on — a score, a contract, an account, an owner's name — made by this store or by
 * another connection to the same database, shows in the very next list, and the kept answer
 * equals what a store that never listed before computes from the same data.
 */
const admin = { role: 'admin', userId: 'admin' } as const;
const ASOF = '2026-03-01';
const list = (store: Store, o: Partial<ListAccountSummariesOptions> = {}) =>
  listAccountSummaries(store, admin, { asOf: ASOF, sort: 'score', limit: 50, offset: 0, ...o });

const account = (id: string, owner = 'u1') => ({
  id,
  name: `Account ${id}`,
  segment: 'smb',
  industry: null,
  owner,
  parent_id: null,
  lifecycle_stage: 'mature',
  created_at: '2024-01-01',
  traits: '{}',
  tags: '["t"]',
  updated_at: '2024-01-01T00:00:00Z',
});
const contract = (id: string, accountId: string, start: string, end: string, arr: number) => ({
  id,
  account_id: accountId,
  start_date: start,
  end_date: end,
  arr,
  currency: 'USD',
  seats: 5,
  plan: 'pro',
  products: '[]',
  status: 'active',
  churned_at: null,
  churn_reason: null,
  billing_period: null,
  auto_renew: 0,
  trial: 0,
});
const current = (accountId: string, score: number) => ({
  account_id: accountId,
  as_of: ASOF,
  model_version: 1,
  score,
  band: score >= 80 ? 'healthy' : score >= 50 ? 'at-risk' : 'critical',
  coverage: 1,
  detail: JSON.stringify({ big: 'x'.repeat(5000) }),
  computed_at: `${ASOF}T00:00:00Z`,
  previous_score: null,
  previous_band: null,
  override_score: null,
  trend_30: null,
  top_driver: null,
  lifecycle_stage: null,
  churned_on: null,
});

async function seed(store: Store): Promise<void> {
  await store.db
    .insertInto('users')
    .values([
      {
        id: 'u1',
        name: 'Uma',
        email: null,
        role: 'csm',
        manager_id: null,
        password_hash: null,
        created_at: ASOF,
      },
      {
        id: 'u2',
        name: 'Ugo',
        email: null,
        role: 'csm',
        manager_id: null,
        password_hash: null,
        created_at: ASOF,
      },
    ])
    .execute();
  await store.db
    .insertInto('accounts')
    .values([account('a1'), account('a2'), account('a3', 'u2'), account('p1')])
    .execute();
  await store.db
    .insertInto('contracts')
    .values([
      contract('c1', 'a1', '2025-06-01', '2026-05-31', 10_000),
      contract('c2', 'a2', '2025-09-01', '2026-08-31', 5_000),
      contract('c3', 'a3', '2025-01-01', '2026-12-31', 7_000),
    ])
    .execute();
  await store.db
    .insertInto('current_scores')
    .values([current('a1', 40), current('a2', 70), current('a3', 90)])
    .execute();
}

/** Two handles on one database: a SQLite file, or one PostgreSQL schema. */
async function openPair(
  kind: 'sqlite' | 'postgres',
): Promise<{ a: Store; b: Store; close(): Promise<void> }> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-list-cache-'));
    const a = await openStore({ url: join(dir, 'v.db') });
    const b = await openStore({ url: join(dir, 'v.db') });
    return {
      a,
      b,
      async close() {
        await b.close();
        await a.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  if (!TEST_PG_URL) throw new Error('VIGIL_TEST_DATABASE_URL is not set');
  const schema = `vigil_test_${randomBytes(6).toString('hex')}`;
  await cloneMigratedSchema(TEST_PG_URL, schema);
  const a = await openStore({ url: TEST_PG_URL, pgSchema: schema, poolSize: 2 });
  const b = await openStore({ url: TEST_PG_URL, pgSchema: schema, poolSize: 2 });
  return {
    a,
    b,
    async close() {
      await b.close();
      await sql.raw(`drop schema if exists "${schema}" cascade`).execute(a.db);
      await a.close();
    },
  };
}

const line = (r: { items: { id: string; arr: number; score: number | null; ownerName: string | null }[] }) =>
  r.items.map((i) => `${i.id} ${i.arr} ${i.score} ${i.ownerName}`);

describe.each(TEST_STORE_KINDS)('portfolio list kept per data version (%s)', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await seed(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('the data version moves with a write (and, on SQLite, stays while nothing is written)', async () => {
    const v1 = await readDataVersion(store);
    await list(store);
    // a PostgreSQL snapshot also moves with other sessions' transactions on the shared test server
    if (kind === 'sqlite') expect(await readDataVersion(store)).toBe(v1);
    await store.db.updateTable('accounts').set({ segment: 'smb' }).where('id', '=', 'a1').execute();
    expect(await readDataVersion(store)).not.toBe(v1);
  });

  it('shows each kind of write in the very next list', async () => {
    expect(line(await list(store))).toEqual([
      'a1 10000 40 Uma',
      'a2 5000 70 Uma',
      'a3 7000 90 Ugo',
      'p1 0 null Uma',
    ]);
    // a rescore
    await store.db
      .updateTable('current_scores')
      .set({ score: 95, band: 'healthy' })
      .where('account_id', '=', 'a1')
      .execute();
    expect(line(await list(store))).toEqual([
      'a2 5000 70 Uma',
      'a3 7000 90 Ugo',
      'a1 10000 95 Uma',
      'p1 0 null Uma',
    ]);
    // a contract (an expansion on a2) and a renamed owner
    await store.db
      .insertInto('contracts')
      .values(contract('c2b', 'a2', '2026-02-01', '2026-08-31', 2_500))
      .execute();
    await store.db.updateTable('users').set({ name: 'Ugolino' }).where('id', '=', 'u2').execute();
    expect(line(await list(store))).toEqual([
      'a2 7500 70 Uma',
      'a3 7000 90 Ugolino',
      'a1 10000 95 Uma',
      'p1 0 null Uma',
    ]);
    // a new account, and a lost one (its only contract ended: it leaves the book)
    await store.db.insertInto('accounts').values(account('a4')).execute();
    await store.db.updateTable('contracts').set({ end_date: '2026-02-28' }).where('id', '=', 'c3').execute();
    const after = await list(store);
    expect(line(after)).toEqual(['a2 7500 70 Uma', 'a1 10000 95 Uma', 'a4 0 null Uma', 'p1 0 null Uma']);
    expect(after.total).toBe(4);
    // the kept rows are never handed out: changing an answer does not change the next one
    after.items[0]!.tags.push('mutated');
    after.items[0]!.arr = -1;
    expect((await list(store)).items[0]).toMatchObject({ id: 'a2', arr: 7500, tags: ['t'] });
  });

  it('never shows nor keeps what an open transaction wrote and then rolled back', async () => {
    const before = line(await list(store));
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let written!: () => void;
    const wrote = new Promise<void>((r) => {
      written = r;
    });
    const tx = store.db
      .transaction()
      .execute(async (trx) => {
        await trx
          .updateTable('current_scores')
          .set({ score: 1, band: 'critical' })
          .where('account_id', '=', 'a2')
          .execute();
        written();
        await gate;
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await wrote;
    // asked while the transaction is open (SQLite: the one connection is the transaction's)
    const during = list(store);
    release();
    await tx;
    expect(line(await during)).toEqual(before);
    expect(line(await list(store))).toEqual(before);
  });

  it('filters, sorts and pages the kept book like a first read does', async () => {
    const cases: Partial<ListAccountSummariesOptions>[] = [
      { sort: 'name' },
      { sort: '-arr', limit: 2, offset: 1 },
      { sort: 'renewal', renewalWithinDays: 120 },
      { band: 'unscored' },
      { minScore: 50, sort: '-score' },
      { includeFormer: true, sort: 'expansion' },
      { q: 'A2' },
      { owner: 'u1', asOf: '2025-10-01' },
    ];
    const viewers = [admin, { role: 'csm', userId: 'u1' } as const, { role: 'csm', userId: 'u2' } as const];
    const kept = [];
    for (const v of viewers)
      for (const c of cases)
        kept.push(
          await listAccountSummaries(store, v, { asOf: ASOF, sort: 'score', limit: 50, offset: 0, ...c }),
        );
    // the same questions to a copy of the store object, which has no kept book: a first read each
    const fresh = [];
    for (const v of viewers)
      for (const c of cases) {
        const first = { ...store, db: store.db.withoutPlugins() } as Store;
        fresh.push(
          await listAccountSummaries(first, v, { asOf: ASOF, sort: 'score', limit: 50, offset: 0, ...c }),
        );
      }
    expect(kept).toEqual(fresh);
    expect(kept.some((r) => r.total > 0 && r.total < 4)).toBe(true);
  });
});

describe.each(TEST_STORE_KINDS)('portfolio summary reads the same kept book (%s)', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
    await seed(store);
  });
  afterAll(async () => {
    await store?.close();
  });

  it('moves with a rescore and a contract written after the list kept its book', async () => {
    await list(store);
    const before = await getPortfolioSummary(store, admin, ASOF);
    expect([before.accounts, before.arr, before.bands.critical, before.bands.healthy]).toEqual([
      3,
      22_000,
      { accounts: 1, arr: 10_000 },
      { accounts: 1, arr: 7_000 },
    ]);
    await store.db
      .updateTable('current_scores')
      .set({ score: 85, band: 'healthy' })
      .where('account_id', '=', 'a1')
      .execute();
    await store.db
      .insertInto('contracts')
      .values(contract('c3b', 'a3', '2026-01-01', '2026-12-31', 1_000))
      .execute();
    const after = await getPortfolioSummary(store, admin, ASOF);
    expect([after.accounts, after.arr, after.bands.critical, after.bands.healthy]).toEqual([
      3,
      23_000,
      { accounts: 0, arr: 0 },
      { accounts: 2, arr: 18_000 },
    ]);
    // a CSM's summary counts only their accounts
    const csm = await getPortfolioSummary(store, { role: 'csm', userId: 'u2' }, ASOF);
    expect([csm.accounts, csm.arr]).toEqual([1, 8_000]);
  });
});

describe.each(TEST_STORE_KINDS)('portfolio list sees writes by another connection (%s)', (kind) => {
  let pair: Awaited<ReturnType<typeof openPair>>;
  beforeAll(async () => {
    pair = await openPair(kind);
    await seed(pair.a);
  });
  afterAll(async () => {
    await pair?.close();
  });

  it('a score and a contract written through another handle show in the next list', async () => {
    expect(line(await list(pair.a))).toEqual([
      'a1 10000 40 Uma',
      'a2 5000 70 Uma',
      'a3 7000 90 Ugo',
      'p1 0 null Uma',
    ]);
    await pair.b.db
      .updateTable('current_scores')
      .set({ score: 10, band: 'critical' })
      .where('account_id', '=', 'a3')
      .execute();
    await pair.b.db
      .insertInto('contracts')
      .values(contract('c1b', 'a1', '2026-01-01', '2026-12-31', 1_000))
      .execute();
    expect(line(await list(pair.a))).toEqual([
      'a3 7000 10 Ugo',
      'a1 11000 40 Uma',
      'a2 5000 70 Uma',
      'p1 0 null Uma',
    ]);
    // and the kept answer equals the other handle's first read
    expect(await list(pair.a, { sort: '-arr' })).toEqual(await list(pair.b, { sort: '-arr' }));
  });
});
