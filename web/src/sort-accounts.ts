import type { AccountSummary } from './api.ts';

export const ACCOUNT_SORT_KEYS = [
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
export type AccountSortKey = (typeof ACCOUNT_SORT_KEYS)[number];

type Key = (a: AccountSummary) => (number | string)[];
// the same orders as the API's SQL (list-account-summaries.ts), so a locally sorted list reads like a server-sorted one
const KEYS: Record<AccountSortKey, Key> = {
  score: (a) => [a.score ?? 1000, a.name, a.id],
  '-score': (a) => [-(a.score ?? -1), a.name, a.id],
  arr: (a) => [a.arr, a.name, a.id],
  '-arr': (a) => [-a.arr, a.name, a.id],
  renewal: (a) => [a.renewalDate === null ? 1 : 0, a.renewalDate ?? '', a.name, a.id],
  name: (a) => [a.name, a.id],
  trend: (a) => [a.trend30 ?? 1000, a.name, a.id],
  '-trend': (a) => [-(a.trend30 ?? -1000), a.name, a.id],
  expansion: (a) => [a.band === 'healthy' ? 0 : 1, -(a.score ?? -1), -a.arr, a.id],
};

const compare = (x: (number | string)[], y: (number | string)[]) => {
  for (let i = 0; i < x.length; i++) {
    const a = x[i]!;
    const b = y[i]!;
    if (a < b) return -1;
    if (a > b) return 1;
  }
  return 0;
};

/**
 * Sorts a complete account list in the browser: re-sorting 10,000 loaded rows takes milliseconds,
 * fetching them again in another order takes hundreds.
 */
export function sortAccounts(rows: readonly AccountSummary[], sort: AccountSortKey): AccountSummary[] {
  const key = KEYS[sort];
  return rows
    .map((r) => ({ r, k: key(r) }))
    .sort((a, b) => compare(a.k, b.k))
    .map((x) => x.r);
}
