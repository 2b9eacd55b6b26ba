import type { SignalDefinition } from './signal-definition.ts';
import { pct, rowDays, tenureDays } from './signal-helpers.ts';

/** The weakest of the last 4 weeks against the 8 weeks before. Unit: ratio; window 84 d; higher is better. */
export const usageDip: SignalDefinition = {
  id: 'usage-dip',
  label: 'Usage dip',
  category: 'engagement',
  unit: 'ratio',
  windowDays: 84,
  direction: 'higher-is-better',
  thresholds: [
    [0.2, 0],
    [0.5, 35],
    [0.8, 75],
    [1, 100],
  ],
  compute(data, ctx) {
    const tenure = tenureDays(data, ctx.asOfDay);
    if ((tenure !== null && tenure < 84) || data.usageDaily.length === 0) return null;
    const weeks = new Array<number>(12).fill(0);
    const days = rowDays(data, 'usageDaily');
    for (let i = 0; i < days.length; i++) {
      const u = data.usageDaily[i]!;
      const ago = ctx.asOfDay - days[i]!;
      if (ago >= 0 && ago < 84) weeks[Math.floor(ago / 7)]! += u.events;
    }
    const baseline = weeks.slice(4).reduce((a, b) => a + b, 0) / 8;
    if (baseline === 0) return null;
    const worst = Math.min(...weeks.slice(0, 4));
    const r = Math.min(1.5, worst / baseline);
    return {
      value: Math.round(r * 100) / 100,
      detail: r < 0.8 ? `weakest recent week at ${pct(r)} of normal` : 'no dip in the last 4 weeks',
    };
  },
};
