import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo, tenureDays } from './signal-helpers.ts';

/** Days since the last executive touch (an executive_touch event or a meeting with an executive present). Unit: days; lower is better. */
export const execTouchRecency: SignalDefinition = {
  id: 'exec-touch-recency',
  label: 'Executive touch recency',
  category: 'relationship',
  unit: 'days',
  windowDays: 0,
  direction: 'lower-is-better',
  thresholds: [
    [30, 100],
    [60, 75],
    [120, 45],
    [180, 20],
    [365, 0],
  ],
  compute(data, ctx) {
    let best: number | null = null;
    for (const e of data.events) {
      const exec =
        e.type === 'executive_touch' ||
        (e.type === 'meeting' && e.properties.status === 'held' && e.properties.executivePresent);
      if (!exec) continue;
      const ago = daysAgo(e.time, ctx.asOfDay);
      if (ago >= 0 && (best === null || ago < best)) best = ago;
    }
    if (best === null) {
      const t = tenureDays(data, ctx.asOfDay);
      return t !== null && t >= 60 ? { value: t, detail: 'no executive touch on record' } : null;
    }
    return {
      value: best,
      detail: best > 60 ? `no executive touch in ${best} days` : `executive touch ${best} days ago`,
    };
  },
};
