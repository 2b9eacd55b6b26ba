import { type Compilable, sql } from 'kysely';
import { accountTermsOn, type ContractTerm } from '../../../core/contracts/contract-terms.ts';
import { DAY_MS as DAY } from '../../../core/dates/day-number.ts';
import type { Store } from '../../database.ts';
import { type Viewer, visibleAccountFilter } from '../visible-accounts.ts';
import { onSqliteConnection, readDataVersion } from './data-version.ts';

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

/** One account of the book as of a date: its list line (tags still JSON) and its contract state. */
type Row = Omit<AccountSummary, 'tags'> & {
  rawTags: string;
  /** a live contract on the date */
  live: boolean;
  /** any contract at all, on any date */
  hasContract: boolean;
};
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

type ScoreColumns = {
  score: number | null;
  band: string | null;
  coverage: number | null;
  trend_30: number | null;
  previous_band: string | null;
  model_version: number | null;
  top_driver: string | null;
  lifecycle_stage: string | null;
  churned_on: string | null;
};
const NO_SCORE: ScoreColumns = {
  score: null,
  band: null,
  coverage: null,
  trend_30: null,
  previous_band: null,
  model_version: null,
  top_driver: null,
  lifecycle_stage: null,
  churned_on: null,
};
const num = (v: number | string | null) => (v === null ? null : Number(v));

/** Every account with its owner's name, current score and contracts: what the book is built from. */
type BookSource = {
  id: string;
  name: string;
  segment: string;
  industry: string | null;
  owner: string | null;
  ownerName: string | null;
  rawTags: string;
  s: ScoreColumns;
  contracts: ContractTerm[] | undefined;
  hasContract: boolean;
};

/** The book as of one date, and its orders (each sorted once, on first use). */
type DatedBook = { rows: Row[]; sorted: Map<AccountSort, Row[]> };

/**
 * What one store keeps between list requests, valid while the data version it was read under
 * stays the same (src/store/queries/api/data-version.ts): the source rows of the whole book, the
 * book per as-of date (a few), and the visible account ids per viewer and account-level filter.
 */
type BookCache = {
  version: string;
  source: Promise<BookSource[]>;
  dated: Map<string, DatedBook>;
  visible: Map<string, Promise<Set<string>>>;
  /** the source rows in account id order (the portfolio summary's order), sorted on first use */
  byId?: BookSource[];
};
const MAX_DATES = 4;
const MAX_VISIBLE_KEYS = 64;
const caches = new WeakMap<object, BookCache>();

/**
 * A read's rows as arrays, in the select's column order. The book's rebuild reads ~50,000 rows at
 * 10,000 accounts; as arrays they cost about half the time and garbage of one object per row.
 */
async function arrayRows(store: Store, query: Compilable): Promise<unknown[][]> {
  const { sql: text, parameters } = query.compile();
  const sqlite = store.sqlite;
  // on Kysely's connection: never inside another flow's open transaction
  if (sqlite)
    return onSqliteConnection(
      store,
      () =>
        sqlite
          .prepare(text)
          .raw(true)
          .all(...parameters) as unknown[][],
    );
  if (!store.pool) throw new Error('arrayRows: store has neither a SQLite handle nor a pool');
  return (await store.pool.query({ text, values: [...parameters], rowMode: 'array' })).rows as unknown[][];
}
const str = (v: unknown) => v as string;
const strOrNull = (v: unknown) => (v ?? null) as string | null;
const numOrNull = (v: unknown) => (v === null || v === undefined ? null : Number(v));

/** Every account's list columns, current score and contracts (three narrow reads, joined by id). */
async function loadBookSource(store: Store): Promise<BookSource[]> {
  const { db } = store;
  const [accounts, scoreRows, contracts] = await Promise.all([
    arrayRows(
      store,
      db
        .selectFrom('accounts as a')
        .leftJoin('users as u', 'u.id', 'a.owner')
        .select(['a.id', 'a.name', 'a.segment', 'a.industry', 'a.owner', 'u.name as owner_name', 'a.tags']),
    ),
    arrayRows(
      store,
      db
        .selectFrom('current_scores as s')
        .select([
          's.account_id',
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
        // no WHERE and in key order, so that SQLite reads the covering index current_scores_list
        // (migration 027) rather than the wide rows with each score's detail
        .orderBy('s.account_id'),
    ),
    arrayRows(
      store,
      db
        .selectFrom('contracts as c')
        .select([
          'c.account_id',
          'c.start_date',
          'c.end_date',
          'c.billing_period',
          'c.arr',
          'c.seats',
          'c.status',
          'c.churned_at',
        ]),
    ),
  ]);
  const scores = new Map<string, ScoreColumns>();
  for (const r of scoreRows)
    scores.set(str(r[0]), {
      score: numOrNull(r[1]),
      band: strOrNull(r[2]),
      coverage: numOrNull(r[3]),
      trend_30: numOrNull(r[4]),
      previous_band: strOrNull(r[5]),
      model_version: numOrNull(r[6]),
      top_driver: strOrNull(r[7]),
      lifecycle_stage: strOrNull(r[8]),
      churned_on: strOrNull(r[9]),
    });
  const terms = new Map<string, ContractTerm[]>();
  for (const c of contracts) {
    const term: ContractTerm = {
      start: str(c[1]),
      end: strOrNull(c[2]),
      billingPeriod: c[3] as 'month' | 'year' | null,
      arr: Number(c[4]),
      seats: numOrNull(c[5]),
      status: str(c[6]),
      churnedAt: strOrNull(c[7]),
    };
    const own = terms.get(str(c[0]));
    if (own) own.push(term);
    else terms.set(str(c[0]), [term]);
  }
  return accounts.map((a) => {
    const own = terms.get(str(a[0]));
    return {
      id: str(a[0]),
      name: str(a[1]),
      segment: str(a[2]),
      industry: strOrNull(a[3]),
      owner: strOrNull(a[4]),
      ownerName: strOrNull(a[5]),
      rawTags: str(a[6]),
      s: scores.get(str(a[0])) ?? NO_SCORE,
      contracts: own,
      hasContract: own !== undefined,
    };
  });
}

/** The book as of a date: ARR, seats and renewal from the one contract rule. */
function datedBook(source: readonly BookSource[], asOf: string): DatedBook {
  const rows = source.map((a): Row => {
    // accountTermsOn counts only contracts live on the date (started, not yet ended or churned)
    const t = a.contracts ? accountTermsOn(a.contracts, asOf) : null;
    const s = a.s;
    return {
      id: a.id,
      name: a.name,
      segment: a.segment,
      industry: a.industry,
      owner: a.owner,
      ownerName: a.ownerName,
      arr: t?.arr ?? 0,
      seats: t?.seats ?? 0,
      renewalDate: t?.renewalDate ?? null,
      score: num(s.score),
      band: s.band ?? null,
      coverage: num(s.coverage),
      trend30: num(s.trend_30),
      previousBand: s.previous_band,
      modelVersion: num(s.model_version),
      topDriver: s.top_driver,
      lifecycleStage: s.lifecycle_stage,
      churnedOn: s.churned_on,
      rawTags: a.rawTags,
      live: t !== null && t.live > 0,
      hasContract: a.hasContract,
    };
  });
  return { rows, sorted: new Map() };
}

/** The visible account ids, with the account-level filters (owner, segment, text) applied in SQL. */
async function visibleIds(
  store: Store,
  viewer: Viewer,
  o: Pick<ListAccountSummariesOptions, 'owner' | 'segment' | 'q'>,
): Promise<Set<string>> {
  let q = store.db
    .selectFrom('accounts as a')
    .select('a.id')
    .where(visibleAccountFilter(viewer, { owner: 'a.owner' }));
  if (o.owner) q = q.where('a.owner', '=', o.owner);
  if (o.segment) q = q.where('a.segment', '=', o.segment);
  if (o.q) {
    const like = `%${o.q.toLowerCase().replace(/[%_\\]/g, (m) => `\\${m}`)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(a.name)`, 'like', sql`${like} escape '\\'`),
        eb(sql`lower(a.id)`, 'like', sql`${like} escape '\\'`),
      ]),
    );
  }
  return new Set((await q.execute()).map((r) => r.id));
}

/** The cache entry for the store's current data version (a new, empty one after any write). */
async function currentCache(store: Store): Promise<BookCache> {
  const version = await readDataVersion(store);
  const cached = caches.get(store.db);
  if (cached && cached.version === version) return cached;
  const fresh: BookCache = { version, source: loadBookSource(store), dated: new Map(), visible: new Map() };
  // a failed read is not kept: the next request reads again
  fresh.source.catch(() => {
    if (caches.get(store.db) === fresh) caches.delete(store.db);
  });
  caches.set(store.db, fresh);
  return fresh;
}

/** The visible account ids for a viewer and account-level filters, kept per data version. */
function keptVisibleIds(
  store: Store,
  cache: BookCache,
  viewer: Viewer,
  o: Pick<ListAccountSummariesOptions, 'owner' | 'segment' | 'q'>,
): Promise<Set<string>> {
  const key = JSON.stringify([viewer.role, viewer.userId, o.owner ?? null, o.segment ?? null, o.q ?? null]);
  let visible = cache.visible.get(key);
  if (!visible) {
    if (cache.visible.size >= MAX_VISIBLE_KEYS) cache.visible.clear();
    visible = visibleIds(store, viewer, o);
    cache.visible.set(key, visible);
    visible.catch(() => cache.visible.delete(key));
  }
  return visible;
}

/** One account of the book as the portfolio summary reads it (core/metrics/portfolio-summary.ts). */
export type BookAccount = {
  id: string;
  band: string | null;
  score: number | null;
  trend30: number | null;
  contracts: readonly ContractTerm[];
};

/**
 * The accounts a viewer may see that have not churned, with their score's band, score, 30-day
 * trend and contracts, in account id order: the portfolio summary's input, from the same kept
 * book as the list (so it is read once per data version for both).
 */
export async function listVisibleBookAccounts(store: Store, viewer: Viewer): Promise<BookAccount[]> {
  const cache = await currentCache(store);
  const [source, ids] = await Promise.all([cache.source, keptVisibleIds(store, cache, viewer, {})]);
  cache.byId ??= [...source].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const out: BookAccount[] = [];
  for (const a of cache.byId) {
    if (!ids.has(a.id) || a.s.lifecycle_stage === 'churned') continue;
    out.push({
      id: a.id,
      band: a.s.band,
      score: num(a.s.score),
      trend30: num(a.s.trend_30),
      contracts: a.contracts ?? [],
    });
  }
  return out;
}

/**
 * The portfolio list: accounts the viewer may see with their current score; ARR, seats and
 * renewal from the one contract rule; filtered, sorted and paginated.
 *
 * The whole book (every account, its score's list columns, its contract terms as of the date, in
 * each sort order) is computed once per data version and kept (docs/adr/0037): a request then
 * costs one version read, the visible ids for its viewer and account-level filters (SQL, also
 * kept per version), and one pass over the sorted book. Any committed write, by this process or
 * another, changes the version, and the next request recomputes.
 */
export async function listAccountSummaries(
  store: Store,
  viewer: Viewer,
  o: ListAccountSummariesOptions,
): Promise<{ items: AccountSummary[]; total: number }> {
  const cache = await currentCache(store);
  const [source, ids] = await Promise.all([cache.source, keptVisibleIds(store, cache, viewer, o)]);
  let book = cache.dated.get(o.asOf);
  if (!book) {
    if (cache.dated.size >= MAX_DATES) cache.dated.delete(cache.dated.keys().next().value as string);
    book = datedBook(source, o.asOf);
    cache.dated.set(o.asOf, book);
  }
  let sorted = book.sorted.get(o.sort);
  if (!sorted) {
    sorted = [...book.rows].sort(SORTS[o.sort]);
    book.sorted.set(o.sort, sorted);
  }
  const until =
    o.renewalWithinDays === undefined
      ? null
      : new Date(Date.parse(o.asOf) + (o.renewalWithinDays + 1) * DAY).toISOString().slice(0, 10);
  const page: Row[] = [];
  let total = 0;
  for (const r of sorted) {
    if (!ids.has(r.id)) continue;
    // churned accounts leave the book (former customers are listed only on request); the churned
    // filter shows only them
    if (o.lifecycle === 'churned') {
      if (r.lifecycleStage !== 'churned') continue;
    } else if (!o.includeFormer && r.lifecycleStage === 'churned') continue;
    if (o.band === 'unscored') {
      if (r.score !== null) continue;
    } else if (o.band && r.band !== o.band) continue;
    if (o.minScore !== undefined && (r.score === null || r.score < o.minScore)) continue;
    if (o.maxScore !== undefined && (r.score === null || r.score > o.maxScore)) continue;
    // a customer has a live contract; accounts that never had one (prospects, trials) stay listed
    if (!o.includeFormer && o.lifecycle !== 'churned' && !r.live && r.hasContract) continue;
    // the renewal is the day after the term ends: "within n days" compares the term end
    if (until !== null && (r.renewalDate === null || r.renewalDate > until)) continue;
    if (total >= o.offset && page.length < o.limit) page.push(r);
    total++;
  }
  return {
    total,
    // fresh objects (the cached rows are never handed out); tags parsed for the page only
    items: page.map(({ rawTags, live: _l, hasContract: _h, ...r }) => ({
      id: r.id,
      name: r.name,
      segment: r.segment,
      industry: r.industry,
      owner: r.owner,
      ownerName: r.ownerName,
      arr: r.arr,
      seats: r.seats,
      renewalDate: r.renewalDate,
      score: r.score,
      band: r.band,
      coverage: r.coverage,
      trend30: r.trend30,
      previousBand: r.previousBand,
      modelVersion: r.modelVersion,
      topDriver: r.topDriver,
      tags: JSON.parse(rawTags) as string[],
      lifecycleStage: r.lifecycleStage,
      churnedOn: r.churnedOn,
    })),
  };
}
