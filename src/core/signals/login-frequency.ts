import type { SignalDefinition } from './signal-definition.ts';
import { currentContracts, round1, tenureDays, usageSum } from './signal-helpers.ts';

/** Logins per licensed seat per week over the last 30 days. Unit: logins/seat/week; window 30 d; higher is better. */
export const loginFrequency: SignalDefinition = {
  id: 'login-frequency',
  label: 'Login frequency',
  category: 'engagement',
  unit: 'logins/seat/week',
  windowDays: 30,
  direction: 'higher-is-better',
  thresholds: [
    [0, 0],
    [0.25, 30],
    [0.75, 65],
    [1.5, 90],
    [3, 100],
  ],
  compute(data, ctx) {
    const tenure = tenureDays(data, ctx.asOfDay);
    if (tenure !== null && tenure < 14) return null;
    if (data.usageDaily.length === 0) return null;
    const seats =
      currentContracts(data, ctx.asOf).reduce((s, c) => s + (c.seats ?? 0), 0) ||
      Math.max(1, data.contacts.length);
    const logins = usageSum(data, ctx.asOfDay, 30, 0, 'logins');
    const v = logins / (30 / 7) / seats;
    return {
      value: round1(v),
      detail: `${logins} logins in 30 days across ${seats} seats (${round1(v)}/seat/week)`,
    };
  },
};
