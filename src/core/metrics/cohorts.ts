import { dayIso } from '../signals/signal-helpers.ts';
import { arrOn, type CustomerRevenue } from './customer-arr.ts';

export type CohortRow = {
  cohort: string;
  customers: number;
  startArr: number;
  /** Per period since the cohort started (0 = its first period): share of logos still paying, and ARR vs start. */
  logo: (number | null)[];
  revenue: (number | null)[];
};

const monthIndex = (day: number) => {
  const d = new Date(day * 86_400_000);
  return d.getUTCFullYear() * 12 + d.getUTCMonth();
};
const endOfMonthIndex = (mi: number) =>
  Math.floor(Date.UTC(Math.floor(mi / 12), (mi % 12) + 1, 1) / 86_400_000) - 1;

/**
 * Logo and revenue retention by start cohort (the month or quarter of each
 * customer's first revenue), measured at the end of each later period up to
 * `asOfDay` — a table ready for a heatmap.
 */
export function computeCohorts(
  revenue: Map<string, CustomerRevenue>,
  by: 'month' | 'quarter',
  asOfDay: number,
): CohortRow[] {
  const size = by === 'month' ? 1 : 3;
  const cohorts = new Map<number, CustomerRevenue[]>();
  for (const rev of revenue.values()) {
    if (rev.firstDay === null || rev.firstDay > asOfDay) continue;
    let mi = monthIndex(rev.firstDay);
    mi -= mi % size;
    cohorts.set(mi, [...(cohorts.get(mi) ?? []), rev]);
  }
  const lastMi = monthIndex(asOfDay);
  return [...cohorts.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([mi, members]) => {
      const startArr = members.reduce((s, r) => s + arrOn(r, r.firstDay!), 0);
      const logo: (number | null)[] = [];
      const revenueShares: (number | null)[] = [];
      for (let k = 0; mi + k * size <= lastMi; k++) {
        const endDay = Math.min(asOfDay, endOfMonthIndex(mi + (k + 1) * size - 1));
        const alive = members.filter((r) => arrOn(r, endDay) > 0);
        logo.push(Math.round((alive.length / members.length) * 1000) / 1000);
        const arr = members.reduce((s, r) => s + arrOn(r, endDay), 0);
        revenueShares.push(startArr > 0 ? Math.round((arr / startArr) * 1000) / 1000 : null);
      }
      const first = Math.floor(Date.UTC(Math.floor(mi / 12), mi % 12, 1) / 86_400_000);
      const label =
        by === 'month' ? dayIso(first).slice(0, 7) : `${Math.floor(mi / 12)}-Q${(mi % 12) / 3 + 1}`;
      return { cohort: label, customers: members.length, startArr, logo, revenue: revenueShares };
    });
}
