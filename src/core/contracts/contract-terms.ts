import { renewalDateOn } from '../data-model/contract-term.ts';
import { dayNumber } from '../import/usage-rollup.ts';

/**
 * THE rule for a contract's effect on revenue. Every reader of "which contracts are live on a
 * date", "an account's ARR on a date" and "an account's renewal date" (the accounts list, the
 * account page, playbook subjects, signals and the retention metrics) calls these functions;
 * none re-derives them. docs/metrics.md ("Revenue per customer") states the rule in words.
 *
 * - A contract is live from `start` through its last day, both inclusive. Its last day is `end`,
 *   or `churnedAt` when the contract churned earlier than its end (status `churned`).
 * - `end: null` is an open-ended subscription (it runs until it churns); it renews at every
 *   billing-period boundary (monthly or annual, counted from `start`).
 * - A contract ending on a day D is live on D; its loss takes effect on D + 1.
 * - ARR on a date is the sum of the ARR of the contracts live that day. Nothing known only later
 *   (a renewal signed after the gap, say) changes ARR on an earlier day: it is as-of pure.
 */
export type ContractTerm = {
  start: string;
  /** Last day of the term, or null for an open-ended subscription. */
  end: string | null;
  /** Billing period of an open-ended subscription (default month); ignored when `end` is set. */
  billingPeriod?: 'month' | 'year' | null | undefined;
  arr: number;
  status?: string | null | undefined;
  churnedAt?: string | null | undefined;
  seats?: number | null | undefined;
};

const DAY_MS = 86_400_000;
export const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);
export const dayOf = (iso: string) => dayNumber(iso);

/** The last day a contract is live (inclusive), or null while an open-ended one runs on. */
export function lastLiveDay(c: ContractTerm): string | null {
  const stop = c.status === 'churned' && c.churnedAt ? c.churnedAt.slice(0, 10) : null;
  if (c.end === null) return stop;
  return stop !== null && stop < c.end ? stop : c.end;
}

/** Is the contract live on `day` (ISO date)? */
export function isLive(c: ContractTerm, day: string): boolean {
  if (c.start > day) return false;
  const last = lastLiveDay(c);
  return last === null || last >= day;
}

/** The contracts live on `day`. */
export function liveContracts<T extends ContractTerm>(contracts: readonly T[], day: string): T[] {
  return contracts.filter((c) => isLive(c, day));
}

/** An account's ARR on `day`: the sum over its live contracts. */
export function arrOnDate(contracts: readonly ContractTerm[], day: string): number {
  let s = 0;
  for (const c of contracts) if (isLive(c, day)) s += c.arr;
  return s;
}

/** `iso` plus `months` calendar months, the day clamped to the month's length (01-31 + 1 → 02-28/29). */
export function addMonths(iso: string, months: number): string {
  const y = Number(iso.slice(0, 4));
  const m = Number(iso.slice(5, 7)) - 1 + months;
  const d = Number(iso.slice(8, 10));
  const yy = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  const last = new Date(Date.UTC(yy, mm + 1, 0)).getUTCDate();
  return new Date(Date.UTC(yy, mm, Math.min(d, last))).toISOString().slice(0, 10);
}

/**
 * The renewal date of a contract live on `day`: the day after its term ends; for an open-ended
 * subscription the next billing-period boundary after `day` (start + k periods, never a sentinel).
 */
export function contractRenewalDate(c: ContractTerm, day: string): string {
  // one implementation of the period arithmetic: the data model's (clamped month ends)
  const period = c.billingPeriod === 'year' ? 'year' : 'month';
  return renewalDateOn({ start: c.start, end: c.end, billingPeriod: period }, day);
}

/** What an account's contracts say on a day: ARR, seats, the earliest renewal of a live term. */
export type AccountTerms = { arr: number; seats: number; renewalDate: string | null; live: number };

export function accountTermsOn(contracts: readonly ContractTerm[], day: string): AccountTerms {
  let arr = 0;
  let seats = 0;
  let live = 0;
  let renewalDate: string | null = null;
  for (const c of contracts) {
    if (!isLive(c, day)) continue;
    live++;
    arr += c.arr;
    seats += c.seats ?? 0;
    const r = contractRenewalDate(c, day);
    if (renewalDate === null || r < renewalDate) renewalDate = r;
  }
  return { arr, seats, renewalDate, live };
}

/** Groups contracts by account id. */
export function byAccount<T extends { accountId: string }>(contracts: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const c of contracts) {
    const l = out.get(c.accountId);
    if (l) l.push(c);
    else out.set(c.accountId, [c]);
  }
  return out;
}
