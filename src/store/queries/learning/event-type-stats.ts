import type { Store } from '../../database.ts';

/** Per event type, each account's count over the whole history (what event-count signals are sized from). */
export async function listEventTypeStats(store: Store): Promise<{ type: string; perAccount: number[] }[]> {
  const rows = await store.db
    .selectFrom('events')
    .select((eb) => ['type', 'account_id', eb.fn.countAll<number | string>().as('n')])
    .groupBy(['type', 'account_id'])
    .execute();
  const by = new Map<string, number[]>();
  for (const r of rows) {
    let list = by.get(r.type);
    if (!list) {
      list = [];
      by.set(r.type, list);
    }
    list.push(Number(r.n));
  }
  return [...by].map(([type, perAccount]) => ({ type, perAccount }));
}
