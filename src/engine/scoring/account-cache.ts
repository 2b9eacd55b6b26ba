import type { AccountData } from '../../core/data-model/account-data.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { type AccountIndex, buildAccountIndex } from '../../core/signals/signal-helpers.ts';
import { type SourceId, sourceOfEventType, type WorkspaceSources } from '../../core/sources/data-sources.ts';

/**
 * One account's scoring inputs as loaded for the cache's window, their columnar index, and the
 * few rows of it that can widen the workspace's source extents (`extendSources` gives the same
 * result on them as on the whole data: per source only each distinct day in time order, the
 * latest login and feature-usage rows, one contact, the contracts).
 */
export type CachedAccount = {
  data: AccountData;
  index: AccountIndex;
  extents: Pick<AccountData, 'events' | 'usageDaily' | 'contacts' | 'contracts'>;
  /** First and last day per source in `extents`: when the workspace's extents already span them, extending is a no-op. */
  bounds: SourceBounds;
  /** When it was loaded (ms, monotonic): entries older than `maxAgeMs` are loaded again. */
  loadedAt: number;
};
type SourceBounds = { source: SourceId; first: string; last: string }[];

/**
 * What a rescore needs of the account's stored current score when that score was written by this
 * process: the stamp that proves the stored row is still ours, and the points of every signal
 * ("what moved" compares against them), in typed arrays instead of the parsed ~11 KB detail.
 */
type KeptScore = {
  asOf: string;
  computedAt: string;
  score: number;
  band: string;
  signalIds: readonly string[];
  points: Float64Array;
};

/** What identifies a stored current score (the columns `store.scores.currentStamps` reads). */
export type ScoreStamp = { as_of: string; computed_at: string; score: number; band: string };

/**
 * The columnar per-account scoring cache a server process keeps (ADR 0033). For one window (as-of
 * date and look-back) it holds every scored account's loaded data with its index (day numbers of
 * every event and rollup row, event positions per type, typed arrays), so a rescore of an account
 * whose data did not change reads nothing but the catalog, the workspace extents and its score
 * history; and the signal points of the scores this process stored, so "what moved" does not parse
 * the stored explanation again.
 *
 * Validity: entries belong to one window (a new as-of date or look-back drops them all); an
 * account marked in the dirty ledger, or rescored by name, is dropped and reloaded (the caller
 * invalidates); kept points are used only while the stored row still carries the stamp this
 * process wrote. Only for stores one process owns (`capabilities.singleProcess`): another
 * process's writes would not invalidate it. Bounded: past `maxAccounts` the oldest entries go.
 */
export class AccountCache {
  private window = '';
  private readonly entries = new Map<string, CachedAccount>();
  private readonly kept = new Map<string, KeptScore>();
  hits = 0;
  misses = 0;

  /**
   * `maxAccounts`: ~90 KB per account on the demo portfolio, so the default bound keeps it under
   * ~2 GB. `maxAgeMs`: a backstop for writes that do not mark the dirty ledger (Segment traits and
   * contacts, CRM traits today): no entry is used longer than this after it was loaded.
   */
  constructor(
    readonly maxAccounts = 20_000,
    readonly maxAgeMs = 10 * 60_000,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Selects the window; entries of another window are dropped. */
  use(asOf: string, lookbackDays: number, usageLookbackDays: number): void {
    const key = `${asOf}|${lookbackDays}|${usageLookbackDays}`;
    if (key === this.window) return;
    this.entries.clear();
    this.window = key;
  }

  get(accountId: string): CachedAccount | undefined {
    let e = this.entries.get(accountId);
    if (e && this.now() - e.loadedAt > this.maxAgeMs) {
      this.entries.delete(accountId);
      e = undefined;
    }
    if (e) this.hits++;
    else this.misses++;
    return e;
  }

  /** The entry without counting a hit or a miss. */
  peek(accountId: string): CachedAccount | undefined {
    return this.entries.get(accountId);
  }

  /** Keeps freshly loaded data (not to be changed afterwards: the index is built from it once). */
  put(accountId: string, data: AccountData): CachedAccount {
    const extents = extentRows(data);
    const entry = {
      data,
      index: buildAccountIndex(data),
      extents,
      bounds: boundsOf(extents),
      loadedAt: this.now(),
    };
    this.entries.delete(accountId);
    this.entries.set(accountId, entry);
    if (this.entries.size > this.maxAccounts) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return entry;
  }

  /** Drops these accounts' data (their data changed: the dirty ledger says so). */
  invalidate(accountIds: Iterable<string>): void {
    for (const id of accountIds) this.entries.delete(id);
  }

  /** Remembers the signal points of a score this process stored with this stamp. */
  keep(accountId: string, stamp: ScoreStamp, result: Pick<ScoreResult, 'signals'>): void {
    const points = new Float64Array(result.signals.length);
    const ids: string[] = new Array(result.signals.length);
    for (let i = 0; i < result.signals.length; i++) {
      ids[i] = result.signals[i]!.signalId;
      points[i] = result.signals[i]!.points;
    }
    this.kept.set(accountId, {
      asOf: stamp.as_of,
      computedAt: stamp.computed_at,
      score: Number(stamp.score),
      band: stamp.band,
      signalIds: ids,
      points,
    });
    if (this.kept.size > this.maxAccounts) {
      const oldest = this.kept.keys().next().value;
      if (oldest !== undefined) this.kept.delete(oldest);
    }
  }

  /** The kept signal points of an account's stored score, if the stored row is still the one kept. */
  previous(
    accountId: string,
    stored: ScoreStamp,
  ): { signals: { signalId: string; points: number }[] } | null {
    const k = this.kept.get(accountId);
    if (
      !k ||
      k.asOf !== stored.as_of ||
      k.computedAt !== stored.computed_at ||
      k.score !== Number(stored.score) ||
      k.band !== stored.band
    )
      return null;
    const signals = new Array<{ signalId: string; points: number }>(k.points.length);
    for (let i = 0; i < k.points.length; i++)
      signals[i] = { signalId: k.signalIds[i]!, points: k.points[i]! };
    return { signals };
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
    this.kept.clear();
    this.window = '';
  }
}

/** The rows of an account's data that `extendSources` reads to an effect (see `CachedAccount`). */
function extentRows(data: AccountData): CachedAccount['extents'] {
  const lastDay = new Map<string, string>();
  const events: AccountData['events'] = [];
  for (const e of data.events) {
    const s = sourceOfEventType(e.type);
    if (!s) continue;
    // events are in time order: a repeat of a source's day changes no extent
    const day = e.time.slice(0, 10);
    if (lastDay.get(s) === day) continue;
    lastDay.set(s, day);
    events.push(e);
  }
  let login: AccountData['usageDaily'][number] | null = null;
  let feature: AccountData['usageDaily'][number] | null = null;
  for (const u of data.usageDaily) {
    if (u.logins > 0 && (!login || u.day > login.day)) login = u;
    if (u.events > u.logins && (!feature || u.day > feature.day)) feature = u;
  }
  const usageDaily = [login, feature].filter((u) => u !== null);
  return { events, usageDaily, contacts: data.contacts.slice(0, 1), contracts: data.contracts };
}

function boundsOf(x: CachedAccount['extents']): SourceBounds {
  const out = new Map<SourceId, { source: SourceId; first: string; last: string }>();
  const seen = (source: SourceId, day: string) => {
    const b = out.get(source);
    if (!b) out.set(source, { source, first: day, last: day });
    else {
      if (day < b.first) b.first = day;
      if (day > b.last) b.last = day;
    }
  };
  for (const e of x.events) seen(sourceOfEventType(e.type)!, e.time.slice(0, 10));
  let login: string | null = null;
  let feature: string | null = null;
  for (const u of x.usageDaily) {
    if (u.logins > 0 && (!login || u.day > login)) login = u.day;
    if (u.events > u.logins && (!feature || u.day > feature)) feature = u.day;
  }
  if (login) seen('logins', login);
  if (feature) seen('feature-usage', feature);
  for (const c of x.contracts) seen('contracts', c.start.slice(0, 10));
  const list = [...out.values()];
  // contacts only ever create the extent when the workspace has none
  if (x.contacts.length > 0) list.push({ source: 'contacts', first: '', last: '' });
  return list;
}

/**
 * Whether the workspace's extents already span every day this account's data would show them
 * (then `extendSources` would change nothing and is skipped).
 */
export function withinExtents(entry: CachedAccount, workspace: WorkspaceSources): boolean {
  for (const b of entry.bounds) {
    const e = workspace[b.source];
    if (!e) return false;
    if (b.source === 'contacts') continue;
    if (b.first < e.first || b.last > e.last) return false;
  }
  return true;
}
