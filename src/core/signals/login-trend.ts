import type { SignalDefinition } from './signal-definition.ts';
import { pct, round1, tenureDays, usageSum } from './signal-helpers.ts';

/** Logins in the last 30 days vs the monthly average of the 60 days before. Unit: ratio; window 90 d; higher is better. */
export const loginTrend: SignalDefinition = {
  id: 'login-trend',
  label: 'Login trend',
  category: 'engagement',
  unit: 'ratio',
  windowDays: 90,
  direction: 'higher-is-better',
  thresholds: [
    [0.3, 0],
    [0.6, 30],
    [0.85, 60],
    [1, 80],
    [1.2, 100],
  ],
  compute(data, ctx) {
    const tenure = tenureDays(data, ctx.asOfDay);
    if (tenure !== null && tenure < 90) return null;
    const recent = usageSum(data, ctx.asOfDay, 30, 0, 'logins');
    const prior = usageSum(data, ctx.asOfDay, 90, 30, 'logins') / 2;
    if (prior === 0)
      return recent === 0 ? null : { value: 1.2, detail: `${recent} logins in 30 days, none before` };
    const r = recent / prior;
    const change = r - 1;
    return {
      value: round1(r * 10) / 10,
      numeric: r,
      detail: `logins ${change >= 0 ? 'up' : 'down'} ${pct(Math.abs(change))} (30 d vs prior 60 d)`,
    };
  },
};
