import { DuckDBInstance } from '@duckdb/node-api';

/**
 * The reference for Vigil's monthly revenue movements: the month-spine MRR movement model of the
 * public "MRR playbook" dbt models (one row per customer-month, each month's revenue a snapshot at
 * the month's LAST DAY, movements by comparing consecutive months), in plain SQL run by DuckDB over
 * the same contracts. Used by tests and `npm run bench -- metrics` only (DuckDB is a dev dependency).
 *
 * Conventions, stated so the comparison uses the same ones:
 * - a contract is in a month-end snapshot when start ≤ month end ≤ its last day, the last day
 *   being `end`, or `churned_at` when a churned contract stopped earlier; no end = open-ended;
 * - zero-ARR contracts are not revenue;
 * - reactivation = back from zero after having had revenue on any day before the month (the
 *   playbook's "not the first month"); there is no reactivation window, so compare with a
 *   window longer than the history;
 * - a customer who starts and leaves inside a month is invisible to month-end snapshots (Vigil's
 *   `samePeriodStartAndChurn: exclude`).
 */
export type SpineContract = {
  accountId: string;
  start: string;
  end: string | null;
  arr: number;
  status?: string | null | undefined;
  churnedAt?: string | null | undefined;
};
export type SpineMonth = {
  month: string;
  startArr: number;
  endArr: number;
  new: number;
  expansion: number;
  contraction: number;
  churn: number;
  reactivation: number;
};

const ISO = /^\d{4}-\d{2}-\d{2}$/;

export const MONTH_SPINE_SQL = (from: string, to: string) => `
with months as (
  select cast(m as date) as month_start, cast(m + interval 1 month - interval 1 day as date) as month_end
  from range(date_trunc('month', date '${from}') - interval 1 month,
             date_trunc('month', date '${to}') + interval 1 month, interval 1 month) t(m)
),
terms as (
  select account_id, start_date, arr,
    case when status = 'churned' and churned_at is not null and (end_date is null or churned_at < end_date)
         then churned_at else end_date end as last_day
  from contracts where arr > 0
),
valid as (select * from terms where last_day is null or last_day >= start_date),
snap as (
  select v.account_id, m.month_start, sum(v.arr) as arr
  from months m join valid v on v.start_date <= m.month_end and (v.last_day is null or v.last_day >= m.month_end)
  group by all
),
customers as (select account_id, min(start_date) as first_start from valid group by 1),
spine as (
  select c.account_id, c.first_start, m.month_start, coalesce(s.arr, 0) as arr
  from customers c cross join months m
  left join snap s on s.account_id = c.account_id and s.month_start = m.month_start
),
lagged as (
  select *, lag(arr, 1, 0) over (partition by account_id order by month_start) as prev_arr from spine
)
select strftime(m.month_start, '%Y-%m') as month,
  coalesce(sum(prev_arr), 0) as start_arr,
  coalesce(sum(arr), 0) as end_arr,
  coalesce(sum(case when prev_arr = 0 and arr > 0 and first_start >= l.month_start then arr else 0 end), 0) as new,
  coalesce(sum(case when prev_arr > 0 and arr > prev_arr then arr - prev_arr else 0 end), 0) as expansion,
  coalesce(sum(case when prev_arr > 0 and arr > 0 and arr < prev_arr then prev_arr - arr else 0 end), 0) as contraction,
  coalesce(sum(case when prev_arr > 0 and arr = 0 then prev_arr else 0 end), 0) as churn,
  coalesce(sum(case when prev_arr = 0 and arr > 0 and first_start < l.month_start then arr else 0 end), 0) as reactivation
from months m left join lagged l on l.month_start = m.month_start
where m.month_start >= date_trunc('month', date '${from}') and m.month_start <= date '${to}'
group by 1 order by 1`;

/** Loads the contracts into an in-memory DuckDB and runs the month-spine movements for [from, to]. */
export async function monthSpineMovements(
  contracts: readonly SpineContract[],
  from: string,
  to: string,
): Promise<{ months: SpineMonth[]; queryMs: number }> {
  if (!ISO.test(from) || !ISO.test(to)) throw new Error(`expected YYYY-MM-DD dates, got ${from} .. ${to}`);
  const db = await DuckDBInstance.create(':memory:');
  const conn = await db.connect();
  try {
    await conn.run(
      'create table contracts (account_id varchar, start_date date, end_date date, arr double, status varchar, churned_at date)',
    );
    const app = await conn.createAppender('contracts');
    for (const c of contracts) {
      app.appendVarchar(c.accountId);
      app.appendVarchar(c.start);
      if (c.end === null) app.appendNull();
      else app.appendVarchar(c.end);
      app.appendDouble(c.arr);
      if (c.status) app.appendVarchar(c.status);
      else app.appendNull();
      if (c.churnedAt) app.appendVarchar(c.churnedAt.slice(0, 10));
      else app.appendNull();
      app.endRow();
    }
    app.closeSync();
    const t0 = performance.now();
    const reader = await conn.runAndReadAll(MONTH_SPINE_SQL(from, to));
    const rows = reader.getRows();
    const queryMs = performance.now() - t0;
    return {
      queryMs,
      months: rows.map((r) => ({
        month: String(r[0]),
        startArr: Number(r[1]),
        endArr: Number(r[2]),
        new: Number(r[3]),
        expansion: Number(r[4]),
        contraction: Number(r[5]),
        churn: Number(r[6]),
        reactivation: Number(r[7]),
      })),
    };
  } finally {
    conn.closeSync();
    db.closeSync();
  }
}
