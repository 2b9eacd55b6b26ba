import type { Store } from '../../database.ts';

/** Every account id, in id order: the population a training set is drawn from. */
export async function listAccountIds(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('accounts').select('id').orderBy('id').execute();
  return rows.map((r) => r.id);
}

/** Each account's first day of usage or timeline events. */
export async function findFirstActivityByAccount(store: Store): Promise<Map<string, string>> {
  const [usage, events] = await Promise.all([
    store.db
      .selectFrom('usage_daily')
      .select((eb) => ['account_id', eb.fn.min<string>('day').as('first')])
      .groupBy('account_id')
      .execute(),
    store.db
      .selectFrom('events')
      .select((eb) => ['account_id', eb.fn.min<string>('time').as('first')])
      .groupBy('account_id')
      .execute(),
  ]);
  const out = new Map<string, string>();
  for (const r of [...usage, ...events]) {
    const day = String(r.first).slice(0, 10);
    const seen = out.get(r.account_id);
    if (seen === undefined || day < seen) out.set(r.account_id, day);
  }
  return out;
}

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Math.round(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY_MS);

/**
 * Each account's distinct activity days up to `until` (day numbers since 1970-01-01, ascending):
 * days with any usage, and days with an event of one of `eventTypes`.
 */
export async function listActivityDays(
  store: Store,
  eventTypes: readonly string[],
  until: string,
): Promise<Map<string, number[]>> {
  const [usage, events] = await Promise.all([
    store.db
      .selectFrom('usage_daily')
      .select(['account_id', 'day'])
      .where('day', '<=', until)
      .where((eb) => eb(eb('logins', '+', eb('events', '+', eb.ref('integration_events'))), '>', 0))
      .execute(),
    eventTypes.length === 0
      ? Promise.resolve([])
      : store.db
          .selectFrom('events')
          .select(['account_id', 'time'])
          .where('type', 'in', [...eventTypes])
          .execute(),
  ]);
  const sets = new Map<string, Set<number>>();
  const add = (id: string, day: number) => {
    let s = sets.get(id);
    if (!s) {
      s = new Set();
      sets.set(id, s);
    }
    s.add(day);
  };
  for (const r of usage) add(r.account_id, dayNumber(String(r.day)));
  const last = dayNumber(until);
  for (const r of events) {
    const d = dayNumber(String(r.time));
    if (d <= last) add(r.account_id, d);
  }
  const out = new Map<string, number[]>();
  for (const [id, s] of sets)
    out.set(
      id,
      [...s].sort((a, b) => a - b),
    );
  return out;
}
