import type { SignalDefinition } from './signal-definition.ts';
import { customerSince, daysAgo, toDay } from './signal-helpers.ts';

/** Days from the customer's start to the first value milestone (or so far, if none yet), during the first year. Unit: days; lower is better. */
export const timeToValue: SignalDefinition = {
  id: 'time-to-value',
  label: 'Time to first value',
  category: 'outcomes',
  unit: 'days',
  windowDays: 0,
  direction: 'lower-is-better',
  thresholds: [
    [14, 100],
    [30, 85],
    [60, 60],
    [90, 35],
    [180, 0],
  ],
  compute(data, ctx) {
    const since = customerSince(data);
    if (!since) return null;
    // time to value matters while the customer is new; later, days-since-value takes over
    if (ctx.asOfDay - toDay(since) > 365) return null;
    const first = data.events.find((e) => e.type === 'value_milestone' && daysAgo(e.time, ctx.asOfDay) >= 0);
    if (first) {
      const d = Math.max(0, toDay(first.time) - toDay(since));
      return { value: d, detail: `first value after ${d} days` };
    }
    const so = ctx.asOfDay - toDay(since);
    if (so < 30) return null;
    return { value: so, detail: `no value milestone yet after ${so} days` };
  },
};
