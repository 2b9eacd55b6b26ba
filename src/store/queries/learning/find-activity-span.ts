import type { Store } from '../../database.ts';

/** First and last day with any usage or timeline event: the span a backtest can score from. */
export async function findActivitySpan(store: Store): Promise<{ first: string | null; last: string | null }> {
  const u = await store.db
    .selectFrom('usage_daily')
    .select((eb) => [eb.fn.min<string | null>('day').as('first'), eb.fn.max<string | null>('day').as('last')])
    .executeTakeFirst();
  const e = await store.db
    .selectFrom('events')
    .select((eb) => [
      eb.fn.min<string | null>('time').as('first'),
      eb.fn.max<string | null>('time').as('last'),
    ])
    .executeTakeFirst();
  const days = (xs: (string | null | undefined)[]) =>
    xs.filter((x): x is string => !!x).map((x) => x.slice(0, 10));
  const firsts = days([u?.first, e?.first]).sort();
  const lasts = days([u?.last, e?.last]).sort();
  return { first: firsts[0] ?? null, last: lasts[lasts.length - 1] ?? null };
}
