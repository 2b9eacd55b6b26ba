import { sql } from 'kysely';
import type { Store } from '../database.ts';

export type AccountRow = {
  id: string;
  name: string;
  segment: string;
  owner: string | null;
  /** ARR of the contracts in force on `asOf`. */
  arr: number;
  /** First day after the current term (the next renewal), or null when no contract is in force. */
  renewalDate: string | null;
  score: number | null;
  band: string | null;
  coverage: number | null;
};

/** Accounts with their ARR, next renewal and current score, riskiest first (unscored last). */
export async function listAccountRows(
  store: Store,
  options: {
    asOf: string;
    owner?: string | undefined;
    segment?: string | undefined;
    band?: string | undefined;
    limit?: number | undefined;
    offset?: number | undefined;
    /** Include former customers (no contract in force). Default false. */
    includeFormer?: boolean;
  },
): Promise<AccountRow[]> {
  let q = store.db
    .selectFrom('accounts as a')
    .leftJoin('current_scores as s', 's.account_id', 'a.id')
    .select((eb) => [
      'a.id',
      'a.name',
      'a.segment',
      'a.owner',
      's.score',
      's.band',
      's.coverage',
      eb
        .selectFrom('contracts as c')
        .select(sql<number>`coalesce(sum(c.arr), 0)`.as('arr'))
        .whereRef('c.account_id', '=', 'a.id')
        .where('c.start_date', '<=', options.asOf)
        .where('c.end_date', '>=', options.asOf)
        .as('arr'),
      eb
        .selectFrom('contracts as c')
        .select(sql<string | null>`max(c.end_date)`.as('end_date'))
        .whereRef('c.account_id', '=', 'a.id')
        .where('c.start_date', '<=', options.asOf)
        .where('c.end_date', '>=', options.asOf)
        .as('term_end'),
    ]);
  if (!options.includeFormer)
    q = q.where((eb) =>
      eb.or([
        eb.not(
          eb.exists(eb.selectFrom('contracts as c0').select('c0.id').whereRef('c0.account_id', '=', 'a.id')),
        ),
        eb.exists(
          eb
            .selectFrom('contracts as c1')
            .select('c1.id')
            .whereRef('c1.account_id', '=', 'a.id')
            .where('c1.start_date', '<=', options.asOf)
            .where('c1.end_date', '>=', options.asOf),
        ),
      ]),
    );
  if (options.owner) q = q.where('a.owner', '=', options.owner);
  if (options.segment) q = q.where('a.segment', '=', options.segment);
  if (options.band) q = q.where('s.band', '=', options.band);
  const rows = await q
    .orderBy(sql`case when s.score is null then 1 else 0 end`)
    .orderBy('s.score', 'asc')
    .orderBy('a.name')
    .limit(options.limit ?? 1_000_000)
    .offset(options.offset ?? 0)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    segment: r.segment,
    owner: r.owner,
    arr: Number(r.arr ?? 0),
    renewalDate: r.term_end ? nextDay(r.term_end) : null,
    score: r.score === null ? null : Number(r.score),
    band: r.band,
    coverage: r.coverage === null ? null : Number(r.coverage),
  }));
}

const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
