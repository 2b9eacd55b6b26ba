import type { AccountData } from '../data-model/account-data.ts';
import { dayNumber } from '../import/usage-rollup.ts';

export const LIFECYCLE_STAGES = ['onboarding', 'active', 'renewal', 'churned', 'reactivated'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export type LifecycleOptions = {
  /** Days after the first contract start (or creation) an account counts as onboarding. Default 90. */
  onboardingDays?: number;
  /** Days before a term's last day that open the renewal window. Default 90. */
  renewalWindowDays?: number;
  /**
   * Days a term may have ended without a successor before the account counts as churned
   * (late renewal paperwork is common). An explicit churn (status `churned`, a churn event) is
   * churned at once. Default 30.
   */
  lapseGraceDays?: number;
  /** Days a reactivated account is labelled reactivated before it is simply active. Default 90. */
  reactivatedDays?: number;
};

export type Lifecycle = {
  stage: LifecycleStage;
  /** First day of the stage (churn date for churned, start of the new term for reactivated). */
  since: string | null;
  /** Churned accounts: the churn date and reason as recorded. */
  churnedOn?: string;
  reason?: string | null;
  /** Renewal window: the day after the running term's last day. */
  renewalDate?: string;
};

const DAY_MS = 86_400_000;
const iso = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

type Churn = { day: number; reason: string | null };

/**
 * An account's lifecycle stage on a date: the one rule every part of Vigil reads (scoring,
 * playbooks, lists). Contracts decide it when there are any; churn events (`churn_event`,
 * reactivation flag) decide it as well, for businesses whose contracts do not tell the story.
 *
 * - churned: the last term ended in churn (status `churned` with its date) on or before the
 *   date, a churn event says so, or the last term ended more than `lapseGraceDays` ago with no
 *   successor; and nothing live came after.
 * - reactivated: a live term (or a reactivation event) after an earlier churn, for
 *   `reactivatedDays`.
 * - onboarding: within `onboardingDays` of the first start.
 * - renewal: within `renewalWindowDays` of the running term's last day.
 * - active: otherwise.
 * Pure and dated: data after `asOf` is ignored.
 */
export function accountLifecycle(data: AccountData, asOf: string, options: LifecycleOptions = {}): Lifecycle {
  const onboardingDays = options.onboardingDays ?? 90;
  const renewalWindowDays = options.renewalWindowDays ?? 90;
  const grace = options.lapseGraceDays ?? 30;
  const reactivatedDays = options.reactivatedDays ?? 90;
  const today = dayNumber(asOf);

  // churns and comebacks known on the date, in time order
  const churns: Churn[] = [];
  const comebacks: number[] = [];
  let firstStart: number | null = null;
  let live: { start: number; end: number | null } | null = null;
  let lastEnd: { day: number; churn: Churn | null } | null = null;
  for (const c of data.contracts) {
    const start = dayNumber(c.start);
    if (start > today) continue;
    if (firstStart === null || start < firstStart) firstStart = start;
    // open-ended subscriptions (no end) run until a churn says otherwise
    const endIso = c.end ?? null;
    const end = endIso ? dayNumber(endIso) : null;
    const churnDay = c.status === 'churned' ? (c.churnedAt ? dayNumber(c.churnedAt) : (end ?? start)) : null;
    if (churnDay !== null && churnDay <= today) churns.push({ day: churnDay, reason: c.churnReason ?? null });
    const over = (end !== null && end < today) || (churnDay !== null && churnDay <= today);
    if (!over) {
      if (!live || start > live.start) live = { start, end };
    } else {
      const endDay = churnDay !== null && churnDay <= today ? churnDay : end!;
      if (!lastEnd || endDay > lastEnd.day)
        lastEnd = {
          day: endDay,
          churn:
            churnDay !== null && churnDay <= today ? { day: churnDay, reason: c.churnReason ?? null } : null,
        };
    }
  }
  for (const e of data.events) {
    if (e.type !== 'churn_event') continue;
    const d = dayNumber(e.time);
    if (d > today) continue;
    const p = e.properties;
    if (p.reactivation) comebacks.push(d);
    else
      churns.push({
        day: d,
        reason: p.reasonText ?? (p.reasonCode && p.reasonCode !== 'unknown' ? p.reasonCode : null),
      });
  }
  if (firstStart === null && data.account.createdAt) {
    const created = dayNumber(data.account.createdAt);
    if (created <= today) firstStart = created;
  }
  churns.sort((a, b) => a.day - b.day);
  const lastChurn = churns.length > 0 ? churns[churns.length - 1]! : null;
  const lastComeback = comebacks.length > 0 ? Math.max(...comebacks) : null;

  // a live term that started after the last churn, or a reactivation event after it, is a comeback
  const liveAfterChurn = live && lastChurn ? live.start > lastChurn.day : !!live;
  const comebackAfterChurn = lastComeback !== null && lastChurn !== null && lastComeback >= lastChurn.day;
  if (lastChurn && !liveAfterChurn && !comebackAfterChurn) {
    // an explicit churn whose live term continues past it (notice given, term still running) is
    // still a churn: the customer has said so
    return {
      stage: 'churned',
      since: iso(lastChurn.day),
      churnedOn: iso(lastChurn.day),
      reason: lastChurn.reason,
    };
  }
  if (!live && lastEnd && !lastChurn && today - lastEnd.day > grace && data.contracts.length > 0) {
    const day = lastEnd.day + 1;
    return { stage: 'churned', since: iso(day), churnedOn: iso(day), reason: 'term ended without renewal' };
  }
  if (lastChurn) {
    const back = Math.max(live?.start ?? -Infinity, lastComeback ?? -Infinity);
    if (Number.isFinite(back) && today - back < reactivatedDays)
      return { stage: 'reactivated', since: iso(back) };
  }
  if (firstStart !== null && today - firstStart < onboardingDays)
    return { stage: 'onboarding', since: iso(firstStart) };
  if (live && live.end !== null && live.end - today < renewalWindowDays)
    return { stage: 'renewal', since: iso(live.end - renewalWindowDays), renewalDate: iso(live.end + 1) };
  return { stage: 'active', since: firstStart !== null ? iso(firstStart) : null };
}

/** "Churned on 2025-10-03 (low adoption)", the label a churned account's kept score carries. */
export function churnLabel(l: Lifecycle): string | null {
  if (l.stage !== 'churned' || !l.churnedOn) return null;
  return `Churned on ${l.churnedOn}${l.reason ? ` (${l.reason})` : ''}`;
}
