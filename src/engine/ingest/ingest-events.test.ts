import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openStore } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { groupCommitStats, ingestEvents, settleIngest } from './ingest-events.ts';

const login = (id: string, accountId: string, day = 10) => ({
  id,
  accountId,
  contactId: `u-${accountId}`,
  type: 'login',
  time: `2026-11-${String(day).padStart(2, '0')}T09:00:00Z`,
  properties: { count: 1 },
});
const note = (id: string, accountId: string) => ({
  id,
  accountId,
  type: 'csm_note',
  time: '2026-11-10T09:00:00Z',
  properties: { text: 'call went well' },
});

describe.each(TEST_STORE_KINDS)('ingestEvents with concurrent batches on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2026-11-20T12:00:00Z') });
    await store.db
      .insertInto('accounts')
      .values(
        ['a', 'b', 'c'].map((id) => ({
          id,
          name: id,
          segment: 'smb',
          industry: null,
          owner: null,
          parent_id: null,
          lifecycle_stage: null,
          created_at: '2025-01-01',
          traits: '{}',
          tags: '[]',
          updated_at: '2026-01-01T00:00:00Z',
        })),
      )
      .execute();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('commits batches that arrive together as a group, crediting each id to exactly one batch', async () => {
    // 8 batches sent at once; batches overlap (the same ids in neighbouring batches), some rows are bad
    const batches = Array.from({ length: 8 }, (_, b) => [
      ...Array.from({ length: 50 }, (_, i) => login(`g-${b * 40 + i}`, ['a', 'b', 'c'][i % 3]!)),
      note(`n-${b % 4}`, 'a'),
      login(`bad-${b}`, 'nobody'),
    ]);
    const reports = await Promise.all(batches.map((events) => ingestEvents(ctx, events)));
    // batches written together stage their usage; settling folds it into the rollups
    await settleIngest(ctx);
    expect(await store.ingest.pendingEvents()).toBe(0);
    const stats = groupCommitStats(store);
    expect(stats.batches).toBe(8);
    expect(stats.groups).toBeLessThan(8); // batches that waited were written together
    const uniqueIds = new Set(batches.flat().map((e) => e.id));
    const accepted = reports.reduce((s, r) => s + r.accepted, 0);
    const duplicates = reports.reduce((s, r) => s + r.duplicates, 0);
    const rejected = reports.reduce((s, r) => s + r.rejected.length, 0);
    expect(rejected).toBe(8);
    expect(accepted).toBe(uniqueIds.size - 8); // the 8 bad rows name an unknown account
    expect(accepted + duplicates + rejected).toBe(batches.flat().length);
    // the first batch carries only new ids, so it is credited with all of them
    expect(reports[0]!.accepted).toBe(51);
    expect(reports[0]!.accountIds.sort()).toEqual(['a', 'b', 'c']);
    // stored exactly once: usage ids, notes, rollups
    const seen = await store.db
      .selectFrom('seen_events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('id', 'like', 'g-%')
      .executeTakeFirstOrThrow();
    expect(Number(seen.n)).toBe(8 * 40 + 10);
    const notes = await store.db.selectFrom('events').select('id').where('type', '=', 'csm_note').execute();
    expect(notes.map((n) => n.id).sort()).toEqual(['n-0', 'n-1', 'n-2', 'n-3']);
    const logins = await store.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<number>('logins').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(logins.n)).toBe(8 * 40 + 10);
    const rejects = await store.db
      .selectFrom('rejects')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(rejects.n)).toBe(8);
    const dirty = await store.db.selectFrom('dirty_accounts').select('account_id').execute();
    expect(dirty.map((d) => d.account_id).sort()).toEqual(['a', 'b', 'c']);
  });

  it('sending the same batches again accepts nothing and changes no rollup', async () => {
    const before = await store.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<number>('logins').as('n'))
      .executeTakeFirstOrThrow();
    const again = await Promise.all(
      [0, 1, 2].map((b) =>
        ingestEvents(
          ctx,
          Array.from({ length: 50 }, (_, i) => login(`g-${b * 40 + i}`, 'a')),
        ),
      ),
    );
    await settleIngest(ctx);
    expect(again.map((r) => [r.accepted, r.duplicates])).toEqual([
      [0, 50],
      [0, 50],
      [0, 50],
    ]);
    const after = await store.db
      .selectFrom('usage_daily')
      .select((eb) => eb.fn.sum<number>('logins').as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('staged usage is in no rollup until folded, and is folded exactly once', async () => {
    const sum = async () =>
      Number(
        (
          await store.db
            .selectFrom('usage_daily')
            .select((eb) => eb.fn.sum<number>('logins').as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    await store.db.deleteFrom('dirty_accounts').execute();
    const before = await sum();
    const usage = (prefix: string, n: number) =>
      Array.from({ length: n }, (_, i) => ({
        id: `${prefix}-${i}`,
        accountId: ['a', 'b'][i % 2]!,
        contactId: 'u-x',
        type: 'login' as const,
        time: '2026-11-12T09:00:00Z',
        key: null,
        count: 1,
      }));
    const now = '2026-11-20T12:00:00Z';
    const [r1, r2] = await store.ingest.writeGroup(
      [
        { events: [], usage: usage('st', 30), rejects: [] },
        { events: [], usage: usage('st', 40), rejects: [] },
      ],
      now,
      { stageUsage: true },
    );
    // ids claimed at once (the second batch repeats the first's 30 ids), rollups untouched
    expect([r1!.accepted, r1!.duplicates, r1!.staged, r2!.accepted, r2!.duplicates, r2!.staged]).toEqual([
      30, 0, 30, 10, 30, 10,
    ]);
    expect(r1!.marked).toEqual([]);
    expect(await sum()).toBe(before);
    expect(await store.ingest.pendingEvents()).toBe(40);
    expect(await store.db.selectFrom('dirty_accounts').select('account_id').execute()).toEqual([]);
    const folded = await store.ingest.foldPending(now);
    expect(folded.events).toBe(40);
    expect(folded.accountIds.sort()).toEqual(['a', 'b']);
    expect(await sum()).toBe(before + 40);
    const dirty = await store.db.selectFrom('dirty_accounts').select('account_id').execute();
    expect(dirty.map((d) => d.account_id).sort()).toEqual(['a', 'b']);
    // nothing is folded twice
    expect((await store.ingest.foldPending(now)).events).toBe(0);
    await store.ingest.recoverPending(now);
    expect(await sum()).toBe(before + 40);
    expect(await store.ingest.pendingEvents()).toBe(0);
  });
});

describe('staged usage left by a process that stopped before folding it', () => {
  it('is folded by the next process that opens the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-staged-'));
    try {
      const file = join(dir, 'v.db');
      const first = await openStore({ url: file });
      await first.db
        .insertInto('accounts')
        .values({
          id: 'a',
          name: 'a',
          segment: 'smb',
          industry: null,
          owner: null,
          parent_id: null,
          lifecycle_stage: null,
          created_at: '2025-01-01',
          traits: '{}',
          tags: '[]',
          updated_at: '2026-01-01T00:00:00Z',
        })
        .execute();
      const usage = Array.from({ length: 25 }, (_, i) => ({
        id: `left-${i}`,
        accountId: 'a',
        contactId: null,
        type: 'login' as const,
        time: '2026-11-12T09:00:00Z',
        key: null,
        count: 1,
      }));
      await first.ingest.writeGroup([{ events: [], usage, rejects: [] }], '2026-11-20T12:00:00Z', {
        stageUsage: true,
      });
      await first.close(); // stopped without folding
      const second = await openStore({ url: file });
      try {
        expect(await second.ingest.pendingEvents()).toBe(0);
        const day = await second.db
          .selectFrom('usage_daily')
          .select(['logins'])
          .where('account_id', '=', 'a')
          .where('day', '=', '2026-11-12')
          .executeTakeFirstOrThrow();
        expect(day.logins).toBe(25);
        const dirty = await second.db.selectFrom('dirty_accounts').select('account_id').execute();
        expect(dirty.map((d) => d.account_id)).toEqual(['a']);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
