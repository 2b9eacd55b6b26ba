import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, type EngineContext, fixedClock } from '../context.ts';
import { verifyStore } from '../maintenance/verify-store.ts';
import { importFiles } from './import-files.ts';

// issue 20 item 2: only accepted rows make content "imported"; an edited
// export is not imported twice in full. Item 1's verify cross-check.
const USAGE_HEADER = 'id,account_id,contact_id,type,time,key,count';
const usageLines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, k) => {
    const i = from + k;
    return i % 3 === 0
      ? `u${i},a${i % 4},c${i % 5},login,2025-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,,1`
      : `u${i},a${i % 4},c${i % 5},feature_used,2025-01-${String(1 + (i % 28)).padStart(2, '0')}T10:00:00Z,f${i % 3},2`;
  });
/** Hand-computed oracle: logins and events of rows [from, to). */
const expected = (from: number, to: number) => {
  let logins = 0;
  let events = 0;
  for (let i = from; i < to; i++) {
    if (i % 3 === 0) {
      logins += 1;
      events += 1;
    } else events += 2;
  }
  return { logins, events };
};

describe.each(TEST_STORE_KINDS)('import content claims on %s', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: fixedClock('2025-02-01T00:00:00Z') });
  });
  afterAll(async () => {
    await store?.close();
  });
  const totals = async () => {
    const r = await store.db
      .selectFrom('usage_daily')
      .select([
        sql<number>`coalesce(sum(logins), 0)`.as('logins'),
        sql<number>`coalesce(sum(events), 0)`.as('events'),
      ])
      .executeTakeFirstOrThrow();
    return { logins: Number(r.logins), events: Number(r.events) };
  };

  it('a usage file whose rows were all rejected is read again once its accounts exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-claims-'));
    const usage = join(dir, 'usage-1.csv');
    writeFileSync(usage, `${USAGE_HEADER}\n${usageLines(0, 300).join('\n')}\n`);
    const first = await importFiles(ctx, { paths: [usage] });
    expect(first.files[0]).toMatchObject({ status: 'imported', accepted: 0, rejected: 300 });
    expect(await totals()).toEqual({ logins: 0, events: 0 });

    const accounts = join(dir, 'accounts.csv');
    writeFileSync(accounts, 'id,name\na0,A0\na1,A1\na2,A2\na3,A3\n');
    await importFiles(ctx, { paths: [accounts] });
    const second = await importFiles(ctx, { paths: [usage] });
    expect(second.files[0]).toMatchObject({ status: 'imported', accepted: 300, rejected: 0 });
    expect(await totals()).toEqual(expected(0, 300));
    // fully accepted now: a third run is recognised by its hash
    const third = await importFiles(ctx, { paths: [usage] });
    expect(third.files[0]).toMatchObject({ status: 'unchanged', accepted: 0 });
    expect(await totals()).toEqual(expected(0, 300));

    // an edited export (one line appended): only the new line counts
    writeFileSync(usage, `${USAGE_HEADER}\n${usageLines(0, 301).join('\n')}\n`);
    const edited = await importFiles(ctx, { paths: [usage] });
    expect(edited.files[0]).toMatchObject({ status: 'imported', accepted: 1, duplicates: 300, rejected: 0 });
    expect(await totals()).toEqual(expected(0, 301));
    // a repeated id inside one file counts once
    const repeat = join(dir, 'usage-2.csv');
    writeFileSync(
      repeat,
      `${USAGE_HEADER}\n${usageLines(400, 401).join('\n')}\n${usageLines(400, 401).join('\n')}\n`,
    );
    const rep = await importFiles(ctx, { paths: [repeat] });
    expect(rep.files[0]).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(await totals()).toEqual({
      logins: expected(0, 301).logins + expected(400, 401).logins,
      events: expected(0, 301).events + expected(400, 401).events,
    });
    expect((await verifyStore(ctx)).ok).toBe(true);
  });

  it('vigil verify catches a double count that keeps the rollups consistent with each other', async () => {
    const before = await verifyStore(ctx);
    expect(before.ok).toBe(true);
    expect(
      before.checks.some((c) => c.name.startsWith('usage_daily events per account = the usage ledger')),
    ).toBe(true);
    // double one account's usage the way a second import of its rows would:
    // every rollup together, so the rollup-internal checks still agree
    await store.db
      .updateTable('usage_daily')
      .set({
        logins: sql`logins * 2`,
        events: sql`events * 2`,
        integration_events: sql`integration_events * 2`,
      })
      .where('account_id', '=', 'a0')
      .execute();
    await store.db
      .updateTable('feature_monthly')
      .set({ count: sql`count * 2` })
      .where('account_id', '=', 'a0')
      .execute();
    await store.db
      .updateTable('user_monthly')
      .set({ events: sql`events * 2` })
      .where('account_id', '=', 'a0')
      .execute();
    const after = await verifyStore(ctx);
    const internal = after.checks.find((c) => c.name.startsWith('usage_daily.events = logins'));
    expect(internal?.ok).toBe(true);
    const ledger = after.checks.find((c) =>
      c.name.startsWith('usage_daily events per account = the usage ledger'),
    );
    expect(ledger).toMatchObject({ ok: false, problems: 1 });
    expect(after.ok).toBe(false);
  });
});
