import type { AccountData } from '../data-model/account-data.ts';
import type { EventType, VigilEvent } from '../data-model/events.ts';

import { dayNumber } from '../import/usage-rollup.ts';

const DAY_MS = 86_400_000;
/** Days since 1970 of an ISO date or timestamp (UTC); arithmetic on the characters, no Date parsing (hot path). */
export const toDay = (iso: string) => dayNumber(iso);
export const dayIso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** Days from `iso` to the as-of day (positive = in the past). */
export const daysAgo = (iso: string, asOfDay: number) => asOfDay - toDay(iso);

/** Events of some types that happened on or before the as-of day and within `windowDays` of it. */
export function eventsIn<T extends EventType>(
  data: AccountData,
  asOfDay: number,
  windowDays: number,
  ...types: T[]
): Extract<VigilEvent, { type: T }>[] {
  const out: Extract<VigilEvent, { type: T }>[] = [];
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
  for (const u of data.usageDaily) {
    const ago = asOfDay - toDay(u.day);
    if (ago >= to && ago < from) s += u[field];
  }
  return s;
}

/** Distinct active contacts within the last `windowDays`. */
export function activeContacts(data: AccountData, asOfDay: number, windowDays: number): Set<string> {
  const set = new Set<string>();
  for (const u of data.userDaily) {
    const ago = asOfDay - toDay(u.day);
    if (ago >= 0 && ago < windowDays) set.add(u.contactId);
  }
  return set;
}

/** The contract term in force on the as-of day (latest start), or null. */
export function currentContracts(data: AccountData, asOf: string) {
  return data.contracts.filter((c) => c.start <= asOf && c.end >= asOf);
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
export const round1 = (x: number) => Math.round(x * 10) / 10;
/** Exponential decay with a half-life, for effects that fade (business events, stale inputs). */
export const decay = (ageDays: number, halfLifeDays: number) => 0.5 ** (Math.max(0, ageDays) / halfLifeDays);
