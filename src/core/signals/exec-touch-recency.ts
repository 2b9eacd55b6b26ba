import { findLastExecutiveTouch } from '../accounts/last-executive-touch.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { tenureDays } from './signal-helpers.ts';

/**
 * Days since the last executive touch (an executive_touch event or a held meeting with an executive
 * present). The rule is `findLastExecutiveTouch` in src/core/accounts/ (the account page's "last
 * executive touch" uses it too). Unit: days; lower is better.
 */
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
    const best = findLastExecutiveTouch(data.events, ctx.asOf)?.daysAgo ?? null;
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
