import fc from 'fast-check';
import { addMonths, dayOf, isoDay } from '../contracts/contract-terms.ts';
import type { MetricContract } from './customer-arr.ts';

/**
 * Generated contract histories for property and oracle tests, shaped like billing exports:
 * starts on the 1st and ends on the last day of a month, quarter or year, leap days, same-day
 * replacements (a successor starting the day its predecessor ends), mid-month upgrades that
 * overlap the running term, overlapping subscriptions, late renewals, open-ended subscriptions,
 * early churn dates, zero-ARR (free) contracts.
 */
const SPECIAL = [
  '2023-01-01',
  '2023-03-31',
  '2023-06-30',
  '2023-12-31',
  '2024-01-01',
  '2024-01-31',
  '2024-02-28',
  '2024-02-29',
  '2024-03-01',
  '2024-03-31',
  '2024-06-30',
  '2024-09-30',
  '2024-12-31',
  '2025-01-01',
  '2025-02-28',
  '2025-03-31',
  '2025-12-31',
];
const startArb = fc.oneof(
  fc.constantFrom(...SPECIAL),
  // the 1st of a month
  fc.integer({ min: 0, max: 35 }).map((k) => addMonths('2023-01-01', k)),
  // the last day of a month
  fc.integer({ min: 1, max: 36 }).map((k) => isoDay(dayOf(addMonths('2023-01-01', k)) - 1)),
  // any day
  fc.integer({ min: 0, max: 1095 }).map((d) => isoDay(dayOf('2023-01-01') + d)),
);
const lengthArb = fc.oneof(
  fc.constantFrom({ months: 1 }, { months: 3 }, { months: 12 }, { months: 24 }),
  fc.integer({ min: 0, max: 400 }).map((days) => ({ days })),
  fc.constant({ open: true as const }),
);
const arrArb = fc.oneof(fc.constantFrom(0, 100, 1200, 1200, 3000), fc.integer({ min: 1, max: 50_000 }));
const segmentArb = fc.record({
  length: lengthArb,
  arr: arrArb,
  /** Days from the predecessor's end to this start: 0 = same-day overlap, 1 = contiguous, more = a gap. */
  gap: fc.oneof(
    fc.constantFrom(0, 1, 1, 1),
    fc.integer({ min: 2, max: 60 }),
    fc.integer({ min: 61, max: 500 }),
  ),
  churn: fc.oneof(fc.constant(null), fc.constant('at-end' as const), fc.integer({ min: 0, max: 200 })),
  line: fc.constantFrom('core', 'core', 'addon'),
  /** An upgrade starting mid-term that overlaps the running segment instead of following it. */
  upgrade: fc.boolean(),
});
const chainArb = fc.record({
  start: startArb,
  segments: fc.array(segmentArb, { minLength: 1, maxLength: 4 }),
});

function endOf(start: string, length: { months?: number; days?: number; open?: true }): string | null {
  if (length.open) return null;
  if (length.months !== undefined) return isoDay(dayOf(addMonths(start, length.months)) - 1);
  return isoDay(dayOf(start) + (length.days ?? 0));
}

export const portfolioArb = (maxAccounts = 8) =>
  fc
    .array(fc.array(chainArb, { minLength: 1, maxLength: 2 }), { minLength: 1, maxLength: maxAccounts })
    .map((accounts) => {
      const out: MetricContract[] = [];
      accounts.forEach((chains, a) => {
        chains.forEach((chain, ci) => {
          let start = chain.start;
          chain.segments.forEach((s, si) => {
            let end = endOf(start, s.length);
            let status: MetricContract['status'] = 'renewed';
            let churnedAt: string | null = null;
            const last = si === chain.segments.length - 1;
            if (last && s.churn !== null) {
              status = 'churned';
              churnedAt =
                s.churn === 'at-end' ? (end ?? isoDay(dayOf(start) + 90)) : isoDay(dayOf(start) + s.churn);
            } else if (last) status = 'active';
            out.push({
              id: `a${a} c${ci}-${si}`,
              accountId: `acct ${a}`,
              start,
              end,
              arr: s.arr,
              currency: 'USD',
              products: [s.line],
              status,
              churnedAt,
            });
            if (end === null) end = isoDay(dayOf(start) + 45); // a successor of an open-ended one is an overlap
            const next = chain.segments[si + 1];
            start = next?.upgrade
              ? isoDay(Math.min(dayOf(end), dayOf(start) + 14))
              : isoDay(dayOf(end) + (next?.gap ?? 1));
          });
        });
      });
      return out;
    });
