import { CHURN_REASON_CODES, type ChurnReasonCode } from '../data-model/events.ts';

/** A stated reason for an account's churn: a `churn_event`, or a churned contract's `churnReason`. */
export type ChurnReasonRecord = {
  accountId: string;
  /** Day the reason refers to: the event's day, or the day the contract's loss took effect. */
  day: number;
  code: ChurnReasonCode;
  source: 'churn_event' | 'contract';
  text?: string | null;
};

export type ChurnReasonRow = { reason: ChurnReasonCode; arr: number; logos: number };

/** A churn event within this many days of the loss explains it (notice often comes weeks before). */
export const REASON_WINDOW_DAYS = 120;

/** Keywords of free-text reasons, checked in this order (the first match wins). */
const KEYWORDS: [RegExp, ChurnReasonCode][] = [
  [/champion|sponsor/, 'champion_left'],
  [
    /acquir|merg|leadership|layoff|downsiz|strategy|project cancel|bankrupt|out of business|closed/,
    'business_change',
  ],
  [/budget|cost cut/, 'budget'],
  [/competitor|another vendor|another tool|switched|competition/, 'competitor'],
  [/support|reliab|outage|csm|service/, 'support'],
  [/expensive|price|pricing|cost/, 'pricing'],
  [/adoption|onboard|implementation/, 'onboarding'],
  [/feature|missing|functionality|product gap/, 'features'],
  [/paying|payment|card|invoice|non-pay/, 'payment'],
];

/** A free-text churn reason as a taxonomy code: the code itself, else a keyword match, else `other`. */
export function reasonCodeOf(text: string | null | undefined): ChurnReasonCode {
  if (!text?.trim()) return 'unknown';
  const lower = text.trim().toLowerCase();
  const k = lower.replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
  if ((CHURN_REASON_CODES as readonly string[]).includes(k)) return k as ChurnReasonCode;
  for (const [re, code] of KEYWORDS) if (re.test(lower)) return code;
  return 'other';
}

/**
 * Lost ARR and logos by reason for one period's churned customers (ARR from the revenue timeline,
 * so the rows add up to the period's churn movement). Each churned customer gets one reason: the
 * `churn_event` nearest the loss day within `REASON_WINDOW_DAYS` (reactivation events excluded),
 * else the reason of a churned contract lost within that window, else `unknown`.
 */
export function churnReasons(
  churned: readonly { accountId: string; arr: number; day: number }[],
  reasons: ReadonlyMap<string, readonly ChurnReasonRecord[]>,
): ChurnReasonRow[] {
  const rows = new Map<ChurnReasonCode, ChurnReasonRow>();
  for (const c of churned) {
    let best: ChurnReasonRecord | null = null;
    for (const r of reasons.get(c.accountId) ?? []) {
      const dist = Math.abs(r.day - c.day);
      if (dist > REASON_WINDOW_DAYS) continue;
      if (
        best === null ||
        (r.source === 'churn_event' && best.source === 'contract') ||
        (r.source === best.source && dist < Math.abs(best.day - c.day))
      )
        best = r;
    }
    const reason = best?.code ?? 'unknown';
    const row = rows.get(reason) ?? { reason, arr: 0, logos: 0 };
    row.arr += c.arr;
    row.logos++;
    rows.set(reason, row);
  }
  return [...rows.values()].sort((a, b) => b.arr - a.arr || a.reason.localeCompare(b.reason));
}
