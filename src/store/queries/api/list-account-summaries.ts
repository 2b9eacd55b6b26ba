import { sql } from 'kysely';
import { accountTermsOn, byAccount } from '../../../core/contracts/contract-terms.ts';
import { DAY_MS as DAY } from '../../../core/dates/day-number.ts';
import type { Store } from '../../database.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';

export const ACCOUNT_SORTS = [
  'score',
  '-score',
  'arr',
  '-arr',
  'renewal',
  'name',
  'trend',
  '-trend',
  'expansion',
] as const;
export type AccountSort = (typeof ACCOUNT_SORTS)[number];

export type ListAccountSummariesOptions = {
  asOf: string;
  band?: 'healthy' | 'at-risk' | 'critical' | 'unscored' | undefined;
  owner?: string | undefined;
  segment?: string | undefined;
  q?: string | undefined;
  renewalWithinDays?: number | undefined;
  minScore?: number | undefined;
  maxScore?: number | undefined;
  sort: AccountSort;
  limit: number;
  offset: number;
  /** Also list former customers (no live contract). */
  includeFormer?: boolean;
  /** `churned`: only churned accounts (core/lifecycle); by default churned accounts are left out. */
  lifecycle?: 'churned' | undefined;
};

export type AccountSummary = {
  id: string;
  name: string;
  segment: string;
  industry: string | null;
  owner: string | null;
  /** The owner's display name (users.name), when the owner is a known user. */
  ownerName: string | null;
  arr: number;
  seats: number;
  renewalDate: string | null;
  score: number | null;
  band: string | null;
  coverage: number | null;
  trend30: number | null;
  previousBand: string | null;
  modelVersion: number | null;
  topDriver: string | null;
  tags: string[];
  lifecycleStage: string | null;
  churnedOn: string | null;
};

type Row = AccountSummary & { termEnd: string | null };
const byName = (a: Row, b: Row) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
const asc = (x: number, y: number) => x - y;
// Sort orders are fixed comparators chosen from this table, never text from the request.
const SORTS: Record<AccountSort, (a: Row, b: Row) => number> = {
  score: (a, b) => asc(a.score ?? 1000, b.score ?? 1000) || byName(a, b),
  '-score': (a, b) => asc(b.score ?? -1, a.score ?? -1) || byName(a, b),
  arr: (a, b) => asc(a.arr, b.arr) || byName(a, b),
  '-arr': (a, b) => asc(b.arr, a.arr) || byName(a, b),
  renewal: (a, b) =>
    asc(a.renewalDate === null ? 1 : 0, b.renewalDate === null ? 1 : 0) ||
    (a.renewalDate ?? '').localeCompare(b.renewalDate ?? '') ||
    byName(a, b),
  name: byName,
  trend: (a, b) => asc(a.trend30 ?? 1000, b.trend30 ?? 1000) || byName(a, b),
  '-trend': (a, b) => asc(b.trend30 ?? -1000, a.trend30 ?? -1000) || byName(a, b),
  // healthy, well-covered, growing accounts first: where expansion conversations start
  expansion: (a, b) =>
    asc(a.band === 'healthy' ? 0 : 1, b.band === 'healthy' ? 0 : 1) ||
    asc(b.score ?? -1, a.score ?? -1) ||
    asc(b.arr, a.arr) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
};

/**
 * The portfolio list: accounts the viewer may see with their current score; ARR, seats and
 * renewal from the one contract rule; filtered, sorted and paginated.
 */
export async function listAccountSummaries(
  store: Store,
  viewer: Viewer,
  o: ListAccountSummariesOptions,
): Promise<{ items: AccountSummary[]; total: number }> {
  const { db } = store;
  // account-level filters in SQL; ARR, seats and renewal from the one contract rule
  // (src/core/contracts/contract-terms.ts), so the list, the account page, playbooks, signals and
  // the retention metrics can never disagree about what is live on a date
  let base = db
    .selectFrom('accounts as a')
    .leftJoin('current_scores as s', 's.account_id', 'a.id')
    .leftJoin('users as u', 'u.id', 'a.owner')
    .select([
      'u.name as owner_name',
      'a.id',
      'a.name',
      'a.segment',
      'a.industry',
      'a.owner',
      'a.tags',
      's.score',
      's.band',
      's.coverage',
      's.trend_30',
      's.previous_band',
      's.model_version',
      's.top_driver',
      's.lifecycle_stage',
      's.churned_on',
    ])
    .where(visibleAccountFilter(viewer, { owner: 'a.owner' }));
  // churned accounts leave the book (former customers are listed only on request); the churned
  // filter shows only them
  if (o.lifecycle === 'churned') base = base.where('s.lifecycle_stage', '=', 'churned');
  else if (!o.includeFormer)
    base = base.where((eb) =>
      eb.or([eb('s.lifecycle_stage', 'is', null), eb('s.lifecycle_stage', '<>', 'churned')]),
    );
  if (o.band === 'unscored') base = base.where('s.score', 'is', null);
  else if (o.band) base = base.where('s.band', '=', o.band);
  if (o.owner) base = base.where('a.owner', '=', o.owner);
  if (o.segment) base = base.where('a.segment', '=', o.segment);
  if (o.minScore !== undefined) base = base.where('s.score', '>=', o.minScore);
  if (o.maxScore !== undefined) base = base.where('s.score', '<=', o.maxScore);
  if (o.q) {
    const like = `%${o.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    base = base.where((eb) =>
      eb.or([
        eb(sql`lower(a.name)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(a.id)`, 'like', sql`${like} escape '\\'`),
      ]),
    );
  }
  const [rows, contracts] = await Promise.all([
    base.execute(),
    db
      .selectFrom('contracts as c')
      .innerJoin('accounts as a', 'a.id', 'c.account_id')
      .select([
        'c.account_id',
        'c.start_date',
        'c.end_date',
        'c.billing_period',
        'c.arr',
        'c.seats',
        'c.status',
        'c.churned_at',
      ])
      .where(visibleAccountFilter(viewer, { owner: 'a.owner' }))
      .where('c.start_date', '<=', o.asOf)
      .execute(),
  ]);
  const terms = byAccount(
    contracts.map((c) => ({
      accountId: c.account_id,
      start: c.start_date,
      end: c.end_date,
      billingPeriod: c.billing_period as 'month' | 'year' | null,
      arr: Number(c.arr),
      seats: c.seats === null ? null : Number(c.seats),
      status: c.status,
      churnedAt: c.churned_at,
    })),
  );
  const anyContract = new Set(
    (await db.selectFrom('contracts').select('account_id').distinct().execute()).map((r) => r.account_id),
  );
  const until =
    o.renewalWithinDays === undefined
      ? null
      : new Date(Date.parse(o.asOf) + (o.renewalWithinDays + 1) * DAY).toISOString().slice(0, 10);
  const items: Row[] = [];
  for (const r of rows) {
    const own = terms.get(r.id);
    const t = own ? accountTermsOn(own, o.asOf) : null;
    const live = t !== null && t.live > 0;
    // a customer has a live contract; accounts that never had one (prospects, trials) stay listed
    if (!o.includeFormer && o.lifecycle !== 'churned' && !live && anyContract.has(r.id)) continue;
    // the renewal is the day after the term ends: "within n days" compares the term end
    if (until !== null && (t?.renewalDate == null || t.renewalDate > until)) continue;
    items.push({
      id: r.id,
      name: r.name,
      segment: r.segment,
      industry: r.industry,
      owner: r.owner,
      ownerName: r.owner_name ?? null,
      arr: t?.arr ?? 0,
      seats: t?.seats ?? 0,
      renewalDate: t?.renewalDate ?? null,
      termEnd: t?.renewalDate ?? null,
      score: r.score === null ? null : Number(r.score),
      band: r.band ?? null,
      coverage: r.coverage === null ? null : Number(r.coverage),
      trend30: r.trend_30 === null ? null : Number(r.trend_30),
      previousBand: r.previous_band,
      modelVersion: r.model_version === null ? null : Number(r.model_version),
      topDriver: r.top_driver,
      tags: JSON.parse(r.tags) as string[],
      lifecycleStage: r.lifecycle_stage,
      churnedOn: r.churned_on,
    });
  }
  items.sort(SORTS[o.sort]);
  return {
    total: items.length,
    items: items.slice(o.offset, o.offset + o.limit).map(({ termEnd: _, ...rest }) => rest),
  };
}
