import { sql } from 'kysely';
import type { Store } from '../../database.ts';

/** One cross-check of what the store holds: its name and up to 1,000 examples of rows that fail it. */
export type ConsistencyCheck = { name: string; examples: string[] };

/**
 * Cross-checks the daily rollups against each other (an account-day's events = its logins + its
 * feature/integration/custom counts; user activity never exceeds it), rows that point at nothing,
 * current scores against score history and imports left running. Plain SQL shared by both dialects.
 */
export async function runConsistencyChecks(store: Store): Promise<ConsistencyCheck[]> {
  const { db } = store;
  const out: ConsistencyCheck[] = [];
  const check = async (name: string, rows: Promise<{ example: string }[]>) => {
    out.push({ name, examples: (await rows).map((r) => r.example) });
  };
  // per account and month: usage events = logins + feature/integration/custom counts
  await check(
    'usage_daily.events = logins + feature/integration/custom counts (per month)',
    sql<{ example: string }>`
    with u as (select account_id, substr(day, 1, 7) as month, sum(events) as events, sum(logins) as logins
               from usage_daily group by account_id, substr(day, 1, 7)),
         f as (select account_id, month, sum(count) as n from feature_monthly group by account_id, month)
    select u.account_id || ' ' || u.month || ': events ' || u.events || ' vs ' || (u.logins + coalesce(f.n, 0)) as example
    from u left join f on f.account_id = u.account_id and f.month = u.month
    where u.events <> u.logins + coalesce(f.n, 0) limit 1000`
      .execute(db)
      .then((r) => r.rows),
  );
  await check(
    'feature and user activity have matching usage_daily months',
    sql<{ example: string }>`
      select x.account_id || ' ' || x.month as example from
        (select account_id, month from feature_monthly union select account_id, month from user_monthly) x
      where not exists (select 1 from usage_daily u where u.account_id = x.account_id and substr(u.day, 1, 7) = x.month)
      limit 1000`
      .execute(db)
      .then((r) => r.rows),
  );
  await check(
    'user activity never exceeds the account-month total',
    sql<{ example: string }>`
      with us as (select account_id, month, sum(events) as n from user_monthly group by account_id, month),
           u as (select account_id, substr(day, 1, 7) as month, sum(events) as events from usage_daily group by account_id, substr(day, 1, 7))
      select us.account_id || ' ' || us.month || ': users ' || us.n || ' > ' || coalesce(u.events, 0) as example
      from us left join u on u.account_id = us.account_id and u.month = us.month
      where us.n > coalesce(u.events, 0) limit 1000`
      .execute(db)
      .then((r) => r.rows),
  );
  for (const table of ['contracts', 'contacts', 'events'] as const) {
    await check(
      `${table} belong to known accounts`,
      sql<{ example: string }>`select t.id || ' → ' || t.account_id as example from ${sql.table(table)} t
        left join accounts a on a.id = t.account_id where a.id is null limit 1000`
        .execute(db)
        .then((r) => r.rows),
    );
  }
  await check(
    'contracts end on or after their start',
    db
      .selectFrom('contracts')
      .select(sql<string>`id || ': ' || start_date || ' .. ' || end_date`.as('example'))
      .where(sql<boolean>`end_date < start_date`)
      .limit(1000)
      .execute(),
  );
  await check(
    'current scores match the latest score in history',
    db
      .selectFrom('current_scores as c')
      .leftJoin('scores as s', (j) =>
        j
          .onRef('s.account_id', '=', 'c.account_id')
          .onRef('s.as_of', '=', 'c.as_of')
          .onRef('s.model_version', '=', 'c.model_version'),
      )
      .select(
        sql<string>`c.account_id || ' ' || c.as_of || ': ' || c.score || ' vs ' || coalesce(s.score, -1)`.as(
          'example',
        ),
      )
      .where((eb) => eb.or([eb('s.account_id', 'is', null), eb('s.score', '<>', eb.ref('c.score'))]))
      .limit(1000)
      .execute(),
  );
  await check(
    'no import was left half-done',
    db
      .selectFrom('imports')
      .select(sql<string>`'#' || id || ' ' || path`.as('example'))
      .where('status', '<>', 'done')
      .execute(),
  );
  return out;
}
