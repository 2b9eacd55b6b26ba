import { fromDayNumber, toDayNumber } from './iso-days.ts';
import type { SnapshotLabel } from './label-snapshot.ts';

/**
 * Event types that count as the customer's own activity for the lapse label: product usage and
 * what the customer does (buys, pays, asks, answers). What the vendor does (CSM notes, outbound
 * email, executive touches) and what happens to the customer (business events) do not: a note
 * written about a silent customer does not make it active.
 */
export const CUSTOMER_ACTIVITY_EVENT_TYPES = [
  'invoice_issued',
  'invoice_paid',
  'ticket_opened',
  'ticket_updated',
  'email_inbound',
  'nps_response',
  'csat_response',
  'expansion_signal',
  'value_milestone',
  'meeting',
] as const;

export type LapseLabelOptions = {
  /** No activity for this many days = lapsed (churned). */
  lapseDays: number;
  /** Label 1 when the lapse is recognised (last activity + lapseDays) within this many days. */
  horizonDays: number;
  /** Last day whose activity is known; activity after it is ignored. */
  observedUntil: string;
  /** Customers whose first activity is fewer than this many days before asOf are excluded (default 60). */
  minHistoryDays?: number;
};

/**
 * The lapse label, for businesses without contracts: a customer with no activity for `lapseDays`
 * days has lapsed, recognised on its last activity day + `lapseDays`. On `asOf` an account is a
 * customer if it was active within the last `lapseDays` days (else it is already gone); the label
 * is 1 when its next lapse is recognised within `horizonDays` after `asOf`.
 *
 * `activityDays`: the account's distinct activity days as day numbers, ascending.
 */
export function labelLapse(
  activityDays: readonly number[],
  asOf: string,
  o: LapseLabelOptions,
): SnapshotLabel {
  const t = toDayNumber(asOf);
  const until = toDayNumber(o.observedUntil);
  const n = o.lapseDays;
  const first = activityDays[0];
  if (first === undefined || first > t) return { eligible: false, reason: 'not-yet-customer' };
  // last activity on or before asOf
  let i = upperBound(activityDays, t) - 1;
  let current = activityDays[i] as number;
  if (t - current >= n) return { eligible: false, reason: 'already-gone' };
  if (t - first < (o.minHistoryDays ?? 60)) return { eligible: false, reason: 'too-little-history' };
  // walk forward through observed activity until a gap of more than lapseDays
  let lapse: number | null = null;
  for (i++; i < activityDays.length; i++) {
    const a = activityDays[i] as number;
    if (a > until) break;
    if (a - current > n) {
      lapse = current + n;
      break;
    }
    current = a;
  }
  if (lapse === null && current + n <= until) lapse = current + n;
  const horizonEnd = t + o.horizonDays;
  if (horizonEnd > until)
    return {
      eligible: false,
      reason: 'outcome-not-observed',
      churnDate: lapse !== null && lapse <= until ? fromDayNumber(lapse) : null,
    };
  const outcomeBy = fromDayNumber(horizonEnd);
  return lapse !== null && lapse <= horizonEnd
    ? { eligible: true, label: 1, churnDate: fromDayNumber(lapse), outcomeBy }
    : { eligible: true, label: 0, churnDate: null, outcomeBy };
}

/** First index whose value is greater than x. */
function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
