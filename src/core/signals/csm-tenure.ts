import type { SignalDefinition } from './signal-definition.ts';
import { customerSince, daysAgo, latest, toDay } from './signal-helpers.ts';

/** Days the current CSM has owned the account (continuity of the relationship). Unit: days; higher is better. */
export const csmTenure: SignalDefinition = {
  id: 'csm-tenure',
  label: 'CSM tenure on the account',
  category: 'relationship',
  unit: 'days',
  windowDays: 0,
  direction: 'higher-is-better',
  thresholds: [
    [0, 40],
    [90, 60],
    [180, 80],
    [365, 100],
  ],
  compute(data, ctx) {
    const assigned = latest(data, ctx.asOfDay, 'csm_assigned');
    if (assigned) {
      const d = daysAgo(assigned.time, ctx.asOfDay);
      return { value: d, detail: `${assigned.properties.csm} has owned the account for ${d} days` };
    }
    const since = customerSince(data);
    if (!since || !data.account.owner) return null;
    const d = Math.max(0, ctx.asOfDay - toDay(since));
    return { value: d, detail: `owner since the start (${d} days)` };
  },
};
