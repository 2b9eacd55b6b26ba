import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo, latest, tenureDays } from './signal-helpers.ts';

/** Days since the last value milestone. Unit: days; lower is better. */
export const daysSinceValue: SignalDefinition = {
  id: 'days-since-value',
  label: 'Days since value realised',
  category: 'outcomes',
  unit: 'days',
  windowDays: 0,
  direction: 'lower-is-better',
  thresholds: [
    [30, 100],
    [90, 75],
    [180, 40],
    [365, 0],
  ],
  compute(data, ctx) {
    const last = latest(data, ctx.asOfDay, 'value_milestone');
    if (!last) {
      const t = tenureDays(data, ctx.asOfDay);
      return t !== null && t >= 90 ? { value: t, detail: 'no value milestone ever' } : null;
    }
    const d = daysAgo(last.time, ctx.asOfDay);
    return { value: d, detail: `last value milestone ${d} days ago` };
  },
};
