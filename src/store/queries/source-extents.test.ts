import { afterEach, describe, expect, it } from 'vitest';
import type { Store } from '../database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../test-stores.ts';
import { loadSourceExtents } from './source-extents.ts';

const usage = (account_id: string, day: string, logins: number, events: number) => ({
  account_id,
  day,
  logins,
  events,
  integration_events: 0,
});
const event = (id: string, account_id: string, type: string, time: string) => ({
  id,
  account_id,
  contact_id: null,
  type,
  time,
  properties: '{}',
  ingested_at: time,
});

describe.each(TEST_STORE_KINDS)('loadSourceExtents (%s)', (kind) => {
  let store: Store;
  afterEach(async () => store?.close());

  it('reads each source’s first/last day, rows, accounts and active days, and sees every usage change', async () => {
    store = await openTestStore(kind);
    await store.db
      .insertInto('usage_daily')
      .values([
        usage('a', '2026-01-01', 2, 2), // logins only
        usage('a', '2026-01-03', 1, 5), // logins and feature events
        usage('b', '2026-01-03', 0, 4), // feature events only
        usage('b', '2026-01-05', 3, 3),
      ])
      .execute();
    await store.db
      .insertInto('events')
      .values([
        event('e1', 'a', 'ticket_opened', '2026-01-02T09:00:00.000Z'),
        event('e2', 'b', 'ticket_opened', '2026-01-02T17:00:00.000Z'),
        event('e3', 'b', 'ticket_closed', '2026-01-09T10:00:00.000Z'),
        event('e4', 'a', 'no_such_type', '2026-01-10T10:00:00.000Z'),
      ])
      .execute();
    const x = await loadSourceExtents(store);
    // hand-counted from the rows above
    expect(x.logins).toEqual({
      first: '2026-01-01',
      last: '2026-01-05',
      rows: 3,
      accounts: 2,
      activeDays: 3,
    });
    expect(x['feature-usage']).toEqual({
      first: '2026-01-03',
      last: '2026-01-03',
      rows: 2,
      accounts: 2,
      activeDays: 1,
    });
    expect(x.tickets).toEqual({
      first: '2026-01-02',
      last: '2026-01-09',
      rows: 3,
      accounts: 2,
      activeDays: 2,
    });

    // a new usage day is seen at once (the usage part is memoised on a fingerprint of the rollup)
    await store.db
      .insertInto('usage_daily')
      .values(usage('c', '2026-01-07', 1, 1))
      .execute();
    const y = await loadSourceExtents(store);
    expect(y.logins).toEqual({
      first: '2026-01-01',
      last: '2026-01-07',
      rows: 4,
      accounts: 3,
      activeDays: 4,
    });
    // so is a change inside an existing row (same row count): b's feature-only day gets logins
    await store.db
      .updateTable('usage_daily')
      .set({ logins: 4 })
      .where('account_id', '=', 'b')
      .where('day', '=', '2026-01-03')
      .execute();
    const z = await loadSourceExtents(store);
    expect(z.logins).toEqual({
      first: '2026-01-01',
      last: '2026-01-07',
      rows: 5,
      accounts: 3,
      activeDays: 4,
    });
    expect(z['feature-usage']).toEqual({
      first: '2026-01-03',
      last: '2026-01-03',
      rows: 1,
      accounts: 1,
      activeDays: 1,
    });
    // and a new event (events are insert-only; their count keys the memo)
    await store.db
      .insertInto('events')
      .values(event('e5', 'c', 'ticket_closed', '2026-01-12T08:00:00.000Z'))
      .execute();
    const w = await loadSourceExtents(store);
    expect(w.tickets).toEqual({
      first: '2026-01-02',
      last: '2026-01-12',
      rows: 4,
      accounts: 3,
      activeDays: 3,
    });
    expect(w.logins).toEqual(z.logins);
  });
});
