import { termEndOn } from '../data-model/contract-term.ts';
import type { Contract } from '../data-model/entities.ts';
import { addDays, daysBetween } from './iso-days.ts';

export const EXCLUSION_REASONS = [
  'not-yet-customer',
  'already-gone',
  'no-active-contract',
  'too-little-history',
  'outcome-not-observed',
  'no-activity-yet',
  'after-data-end',
] as const;
export type ExclusionReason = (typeof EXCLUSION_REASONS)[number];

/** `lapse`: no customer activity for N days = churned (see label-lapse.ts), for businesses without contracts. */
export type LabelMode = 'horizon' | 'next-renewal' | 'lapse';

export type LabelSnapshotOptions = {
  /** "Churned within this many days after asOf" (mode `horizon`, default 180). */
  horizonDays: number;
  /** `next-renewal`: label by how the contract running on asOf ended. */
  mode?: LabelMode;
  /** Snapshots of customers younger than this are excluded (their signals have no baseline yet). */
  minHistoryDays?: number;
  /** Last day whose outcomes are known (today, for a backtest). */
  observedUntil: string;
  /** A lapsed contract still counts as a customer for this many days (renewal paperwork lags). */
  graceDays?: number;
};

export type SnapshotLabel =
  | {
      eligible: true;
      label: 0 | 1;
      churnDate: string | null;
      /** Last day the label depends on: a fit may only use it once this day lies before its cutoff. */
      outcomeBy: string;
    }
  | {
      eligible: false;
      reason: ExclusionReason;
      /** For `outcome-not-observed`: a churn already seen after asOf (lead time can still use the snapshot). */
      churnDate?: string | null;
    };

type ContractOutcome = Pick<Contract, 'start' | 'end' | 'status' | 'churnedAt'>;

/** The day a churned contract's customer left: notice/stop date if given, else the term end. */
export const churnDateOf = (c: ContractOutcome) => (c.status === 'churned' ? (c.churnedAt ?? c.end) : null);

/**
 * Whether an account belongs in the training set on `asOf`, and if so what happened next.
 * Accounts that already left (and did not come back), were not customers yet, had no contract
 * running, are too new, or whose outcome lies beyond what has been observed are excluded with a
 * reason, so a report can say how many were left out and why.
 */
export function labelSnapshot(
  contracts: readonly ContractOutcome[],
  asOf: string,
  options: LabelSnapshotOptions,
): SnapshotLabel {
  const minHistory = options.minHistoryDays ?? 60;
  const grace = options.graceDays ?? 31;
  if (contracts.length === 0) return { eligible: false, reason: 'not-yet-customer' };
  const sorted = [...contracts].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  const firstStart = (sorted[0] as ContractOutcome).start;
  if (asOf < firstStart) return { eligible: false, reason: 'not-yet-customer' };
  const churns = sorted
    .map(churnDateOf)
    .filter((d): d is string => d !== null)
    .sort();
  const gone = churns.some((c) => c <= asOf && !sorted.some((k) => k.start > c && k.start <= asOf));
  if (gone) return { eligible: false, reason: 'already-gone' };
  const running = sorted.filter((c) => c.start <= asOf && asOf <= addDays(termEndOn(c, asOf), grace));
  if (running.length === 0) return { eligible: false, reason: 'no-active-contract' };
  if (daysBetween(firstStart, asOf) < minHistory) return { eligible: false, reason: 'too-little-history' };

  // Censoring is decided before the outcome is looked at: keeping late snapshots only when they
  // churned would fill the end of history with churners and flatter every metric.
  if (options.mode === 'next-renewal') {
    const current = running.reduce((a, b) => (termEndOn(b, asOf) > termEndOn(a, asOf) ? b : a));
    const currentEnd = termEndOn(current, asOf);
    const churnDate = churnDateOf(current);
    if (currentEnd > options.observedUntil || (current.status === 'active' && churnDate === null))
      return {
        eligible: false,
        reason: 'outcome-not-observed',
        churnDate: churnDate !== null && churnDate <= options.observedUntil ? churnDate : null,
      };
    // The term end for churners and renewals alike: an embargo that depended on the label would
    // keep early-leaving churners near a cutoff and drop their renewing peers.
    const outcomeBy = currentEnd;
    return churnDate !== null
      ? { eligible: true, label: 1, churnDate, outcomeBy }
      : { eligible: true, label: 0, churnDate: null, outcomeBy };
  }
  const horizonEnd = addDays(asOf, options.horizonDays);
  const next = churns.find((c) => c > asOf && c <= horizonEnd) ?? null;
  if (horizonEnd > options.observedUntil)
    return {
      eligible: false,
      reason: 'outcome-not-observed',
      churnDate: next !== null && next <= options.observedUntil ? next : null,
    };
  return next !== null
    ? { eligible: true, label: 1, churnDate: next, outcomeBy: horizonEnd }
    : { eligible: true, label: 0, churnDate: null, outcomeBy: horizonEnd };
}
