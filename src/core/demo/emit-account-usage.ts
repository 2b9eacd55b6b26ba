import type { MonthState, Person } from './account-state.ts';
import { isoDay, minuteSuffix, monthKey, monthOfYear, weekday } from './calendar.ts';
import type { DemoSink } from './demo-types.ts';
import type { Rng } from './prng.ts';

export type UsageInput = {
  accountId: string;
  months: readonly MonthState[];
  people: readonly Person[];
  /** First and last day with usage (window ∩ customer lifetime). */
  from: number;
  to: number;
  created: number;
  /** UTC minute the customer's working day starts. */
  workStart: number;
  /** From this day the customer winds down (gave notice); null when not churning. */
  windDownFrom: number | null;
  hasCustomMetric: boolean;
  /** Overall activity scale, tuned so 10,000 accounts × 24 months ≈ 20M rows. */
  scale: number;
};

/** Working-day rhythm, Sunday first: weekends are quiet, Friday a little lighter. */
const WEEKDAY_FACTOR = [0.06, 1, 1.05, 1.05, 1, 0.85, 0.07] as const;

/** Holidays and summer: late December and August are slower. */
function seasonal(day: number): number {
  const m = monthOfYear(day);
  if (m === 7) return 0.85;
  const d = isoDay(day);
  if ((m === 11 && d >= `${d.slice(0, 4)}-12-22`) || (m === 0 && d <= `${d.slice(0, 4)}-01-02`)) return 0.35;
  return 1;
}

/**
 * Daily usage rows of one account: one login row per active user-day (count =
 * sessions), a feature_used row per feature touched that day, integration
 * syncs and a custom metric per account. Activity follows the month's
 * engagement (interpolated day by day), the weekly rhythm, onboarding ramp,
 * competitor evaluations and the wind-down after notice. Rows go to the sink
 * one account-month at a time. Returns the number of rows.
 */
export function emitAccountUsage(u: UsageInput, rng: Rng, sink: DemoSink): number {
  const idPrefix = `${u.accountId}-u`;
  const accCol = `,${u.accountId},`;
  let seq = 0;
  let total = 0;
  const months = u.months;
  for (let mi = 0; mi < months.length; mi++) {
    const ms = months[mi]!;
    const from = Math.max(ms.start, u.from);
    const to = Math.min(ms.next - 1, u.to);
    if (from > to) continue;
    const nextEng = (months[mi + 1] ?? ms).engagement;
    const span = ms.next - ms.start;
    const featureCount = ms.features.length;
    const wTotal = ms.featureWeights[featureCount - 1] ?? 1;
    let buf = '';
    let rows = 0;
    for (let day = from; day <= to; day++) {
      // engagement drifts towards next month's level, so trends are smooth, not monthly steps
      const eng = ms.engagement + (nextEng - ms.engagement) * ((day - ms.start) / span);
      const wd = weekday(day);
      let f = WEEKDAY_FACTOR[wd]! * seasonal(day) * u.scale * (0.08 + 1.1 * eng * eng);
      if (day - u.created < 75) f *= 0.3 + (0.7 * (day - u.created)) / 75;
      if (ms.evaluating) f *= 0.7;
      if (u.windDownFrom !== null && day >= u.windDownFrom)
        f *= Math.max(0.08, 0.5 - 0.008 * (day - u.windDownFrom));
      const date = isoDay(day);
      for (const p of u.people) {
        if (p.joined > day || (p.left !== null && p.left <= day)) continue;
        if (rng.next() >= f * p.activity) continue;
        const minute = u.workStart + Math.floor(rng.next() * 540);
        const sessions = 1 + (rng.next() < 0.3 + 0.3 * eng ? 1 : 0) + (rng.next() < 0.12 ? 1 : 0);
        buf += `${idPrefix}${++seq}${accCol}${p.id},login,${date}${minuteSuffix(minute)},,${sessions}\n`;
        rows++;
        // features touched in the session: deeper use by healthier accounts
        const r = rng.next();
        const k = r < 0.3 - 0.15 * eng ? 0 : r < 0.85 ? 1 : r < 0.97 ? 2 : 3;
        for (let j = 0; j < k && featureCount > 0; j++) {
          const w = rng.next() * wTotal;
          let fi = 0;
          while (fi < featureCount - 1 && ms.featureWeights[fi]! < w) fi++;
          const count = 1 + Math.floor(rng.next() * (2 + 6 * eng));
          buf += `${idPrefix}${++seq}${accCol}${p.id},feature_used,${date}${minuteSuffix(minute + 4 + 9 * j)},${ms.features[fi]},${count}\n`;
          rows++;
        }
        if (p.mobile && rng.next() < 0.15) {
          buf += `${idPrefix}${++seq}${accCol}${p.id},feature_used,${date}${minuteSuffix(minute + 200)},mobile-app,1\n`;
          rows++;
        }
      }
      const weekend = wd === 0 || wd === 6;
      for (const integ of ms.integrations) {
        if (rng.next() >= (weekend ? 0.25 : 0.9) * Math.min(1, 0.3 + eng)) continue;
        const count = 5 + Math.floor(rng.next() * 120 * eng);
        buf += `${idPrefix}${++seq}${accCol},integration_used,${date}${minuteSuffix(90 + (seq % 60))},${integ},${count}\n`;
        rows++;
      }
      if (u.hasCustomMetric && !weekend && rng.next() < 0.5 * eng) {
        const count = 1 + Math.floor(rng.next() * 8 * eng);
        buf += `${idPrefix}${++seq}${accCol},usage_custom,${date}${minuteSuffix(u.workStart + 480)},reports_exported,${count}\n`;
        rows++;
      }
    }
    if (rows > 0) sink.usage(monthKey(from), buf, rows);
    total += rows;
  }
  return total;
}
