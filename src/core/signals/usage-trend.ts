import type { SignalDefinition } from './signal-definition.ts';
import { pct, rowDays, slope, tenureDays } from './signal-helpers.ts';

/** Weekly usage slope over the last 8 weeks, relative to the average week. Unit: share per week; window 56 d; higher is better. */
export const usageTrend: SignalDefinition = {
  id: 'usage-trend',
  label: 'Usage trend',
  category: 'engagement',
  unit: 'share/week',
  windowDays: 56,
  direction: 'higher-is-better',
  thresholds: [
    [-0.15, 0],
    [-0.06, 35],
    [-0.02, 60],
    [0, 75],
    [0.04, 100],
  ],
  compute(data, ctx) {
    const tenure = tenureDays(data, ctx.asOfDay);
    if ((tenure !== null && tenure < 56) || data.usageDaily.length === 0) return null;
    const weeks = new Array<number>(8).fill(0);
    const days = rowDays(data, 'usageDaily');
    for (let i = 0; i < days.length; i++) {
      const u = data.usageDaily[i]!;
      const ago = ctx.asOfDay - days[i]!;
      if (ago >= 0 && ago < 56) weeks[7 - Math.floor(ago / 7)]! += u.events;
    }
    const mean = weeks.reduce((a, b) => a + b, 0) / 8;
    if (mean === 0) return { value: -0.15, detail: 'no usage in 8 weeks' };
    const s = slope(weeks.map((y, x) => [x, y])) / mean;
    return {
      value: Math.round(s * 1000) / 1000,
      detail: `weekly usage ${s >= 0 ? 'growing' : 'falling'} ${pct(Math.abs(s))} per week (8 weeks)`,
    };
  },
};
