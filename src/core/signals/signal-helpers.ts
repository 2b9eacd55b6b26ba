import { liveContracts } from '../contracts/contract-terms.ts';
import type { AccountData } from '../data-model/account-data.ts';
import type { EventType, VigilEvent } from '../data-model/events.ts';
import { dayNumber, isoDay } from '../dates/day-number.ts';

/** Days since 1970 of an ISO date or timestamp (UTC); arithmetic on the characters, no Date parsing (hot path). */
export const toDay = (iso: string) => dayNumber(iso);
export const dayIso = isoDay;
/** Days from `iso` to the as-of day (positive = in the past). */
export const daysAgo = (iso: string, asOfDay: number) => asOfDay - toDay(iso);

/**
 * Per-account lookup tables built once per score computation (events grouped
 * by type with their day numbers, day numbers of the usage rollups), so 38
 * signals do not each re-scan and re-parse every row. Scoped to one
 * `withAccountIndex` call, so a caller that changes the data between scores
 * can never see a stale index; outside it the helpers scan directly.
 */
export type AccountIndex = {
  /** Positions in `data.events` per event type, in timeline order. */
  byType: Map<string, number[]>;
  /** Day number of each event, by position in `data.events`. */
  eventDays: Int32Array;
  usageDays: Int32Array;
  userDays: Int32Array;
  featureDays: Int32Array;
};
const INDEX = new WeakMap<AccountData, AccountIndex>();

/**
 * The columnar lookup tables of one account's data (event positions per type, day numbers of
 * every event and rollup row). Depends only on the data, not on the as-of date: a caller that
 * keeps the data unchanged (the scoring cache) may build it once and pass it to every score.
 */
export function buildAccountIndex(data: AccountData): AccountIndex {
  const byType = new Map<string, number[]>();
  const { events } = data;
  const eventDays = new Int32Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    eventDays[i] = toDay(e.time);
    const list = byType.get(e.type);
    if (list) list.push(i);
    else byType.set(e.type, [i]);
  }
  return {
    byType,
    eventDays,
    usageDays: daysOf(data.usageDaily),
    userDays: daysOf(data.userDaily),
    featureDays: daysOf(data.featureDaily),
  };
}

/**
 * Runs `fn` with the account's index in force. `prebuilt` must have been built from this very
 * data, unchanged since (the scoring cache's contract); without it the index is built here.
 */
export function withAccountIndex<T>(data: AccountData, fn: () => T, prebuilt?: AccountIndex): T {
  INDEX.set(data, prebuilt ?? buildAccountIndex(data));
  try {
    return fn();
  } finally {
    INDEX.delete(data);
  }
}

function daysOf(rows: { day: string; dayNumber?: number }[]): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    out[i] = r.dayNumber ?? toDay(r.day);
  }
  return out;
}

/** Day numbers of a rollup's rows (same order): from the index when scoring, else computed. */
export function rowDays(data: AccountData, rollup: 'usageDaily' | 'userDaily' | 'featureDaily'): Int32Array {
  const index = INDEX.get(data);
  if (index)
    return rollup === 'usageDaily'
      ? index.usageDays
      : rollup === 'userDaily'
        ? index.userDays
        : index.featureDays;
  return daysOf(data[rollup]);
}

/** Events of some types that happened on or before the as-of day and within `windowDays` of it. */
export function eventsIn<T extends EventType>(
  data: AccountData,
  asOfDay: number,
  windowDays: number,
  ...types: T[]
): Extract<VigilEvent, { type: T }>[] {
  const out: Extract<VigilEvent, { type: T }>[] = [];
  const index = INDEX.get(data);
  if (index) {
    const { eventDays } = index;
    let positions: number[];
    if (types.length === 1) positions = index.byType.get(types[0]!) ?? [];
    else {
      // several types: keep the timeline order the single scan would give
      positions = [];
      for (const t of types) for (const i of index.byType.get(t) ?? []) positions.push(i);
      positions.sort((x, y) => x - y);
    }
    for (const i of positions) {
      const ago = asOfDay - eventDays[i]!;
      if (ago >= 0 && ago < windowDays) out.push(data.events[i] as Extract<VigilEvent, { type: T }>);
    }
    return out;
  }
  for (const e of data.events) {
    if (!(types as string[]).includes(e.type)) continue;
    const ago = daysAgo(e.time, asOfDay);
    if (ago < 0 || ago >= windowDays) continue;
    out.push(e as Extract<VigilEvent, { type: T }>);
  }
  return out;
}

/** The latest event of a type on or before the as-of day. */
export function latest<T extends EventType>(
  data: AccountData,
  asOfDay: number,
  type: T,
  where: (e: Extract<VigilEvent, { type: T }>) => boolean = () => true,
): Extract<VigilEvent, { type: T }> | null {
  let best: Extract<VigilEvent, { type: T }> | null = null;
  const index = INDEX.get(data);
  if (index) {
    for (const i of index.byType.get(type) ?? []) {
      if (index.eventDays[i]! > asOfDay) continue;
      const ev = data.events[i] as Extract<VigilEvent, { type: T }>;
      if (!where(ev)) continue;
      if (!best || ev.time > best.time) best = ev;
    }
    return best;
  }
  for (const e of data.events) {
    if (e.type !== type || daysAgo(e.time, asOfDay) < 0) continue;
    const ev = e as Extract<VigilEvent, { type: T }>;
    if (!where(ev)) continue;
    if (!best || ev.time > best.time) best = ev;
  }
  return best;
}

/** Sum of a usage field over days in [asOf − from, asOf − to) (from > to ≥ 0). */
export function usageSum(
  data: AccountData,
  asOfDay: number,
  from: number,
  to: number,
  field: 'logins' | 'events' | 'integrationEvents' = 'events',
): number {
  let s = 0;
  const days = INDEX.get(data)?.usageDays;
  if (days) {
    for (let i = 0; i < days.length; i++) {
      const ago = asOfDay - days[i]!;
      if (ago >= to && ago < from) s += data.usageDaily[i]![field];
    }
    return s;
  }
  for (const u of data.usageDaily) {
    const ago = asOfDay - toDay(u.day);
    if (ago >= to && ago < from) s += u[field];
  }
  return s;
}

/** Distinct active contacts within the last `windowDays`. */
export function activeContacts(data: AccountData, asOfDay: number, windowDays: number): Set<string> {
  const set = new Set<string>();
  const days = INDEX.get(data)?.userDays;
  if (days) {
    for (let i = 0; i < days.length; i++) {
      const ago = asOfDay - days[i]!;
      if (ago >= 0 && ago < windowDays) set.add(data.userDaily[i]!.contactId);
    }
    return set;
  }
  for (const u of data.userDaily) {
    const ago = asOfDay - toDay(u.day);
    if (ago >= 0 && ago < windowDays) set.add(u.contactId);
  }
  return set;
}

/** The contracts live on the as-of day (the one rule: src/core/contracts/contract-terms.ts). */
export function currentContracts(data: AccountData, asOf: string) {
  return liveContracts(data.contracts, asOf);
}

/** First day the account was a customer, or null. */
export function customerSince(data: AccountData): string | null {
  let first: string | null = null;
  for (const c of data.contracts) if (!first || c.start < first) first = c.start;
  return first ?? data.account.createdAt ?? null;
}

/** Has the account been a customer long enough for a window to mean anything? */
export function tenureDays(data: AccountData, asOfDay: number): number | null {
  const since = customerSince(data);
  return since ? asOfDay - toDay(since) : null;
}

/** Least-squares slope of y over x. */
export function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let sxy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
    sxx += x * x;
    sxy += x * y;
  }
  const d = n * sxx - sx * sx;
  return d === 0 ? 0 : (n * sxy - sx * sy) / d;
}

export const pct = (x: number) => `${Math.round(x * 100)}%`;
/** A rounded number with thousands separators, like toLocaleString('en-US') but without ICU's cost in the hot path. */
export const thousands = (x: number) => String(Math.round(x)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
export const round1 = (x: number) => Math.round(x * 10) / 10;
/** Exponential decay with a half-life, for effects that fade (business events, stale inputs). */
export const decay = (ageDays: number, halfLifeDays: number) => 0.5 ** (Math.max(0, ageDays) / halfLifeDays);

/**
 * Has the account's product usage collapsed: the last 30 days at under 30% of its own usual
 * month (the 90 days before)? Silence on other channels (no tickets, no escalations) is then
 * disengagement, not health.
 */
export function usageCollapsed(data: AccountData, asOfDay: number): boolean {
  if (data.usageDaily.length === 0) return false;
  const usual = usageSum(data, asOfDay, 120, 30) / 3;
  return usual > 0 && usageSum(data, asOfDay, 30, 0) < 0.3 * usual;
}
