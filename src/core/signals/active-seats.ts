import type { SignalDefinition } from './signal-definition.ts';
import { activeContacts, currentContracts, pct } from './signal-helpers.ts';

/** Share of licensed seats used in the last 30 days. Unit: ratio; window 30 d; higher is better. */
export const activeSeats: SignalDefinition = {
  id: 'active-seats',
  label: 'Active seats',
  category: 'engagement',
  unit: 'ratio',
  windowDays: 30,
  direction: 'higher-is-better',
  thresholds: [
    [0.1, 0],
    [0.3, 30],
    [0.5, 60],
    [0.75, 90],
    [0.9, 100],
  ],
  compute(data, ctx) {
    const seats = currentContracts(data, ctx.asOf).reduce((s, c) => s + (c.seats ?? 0), 0);
    if (seats === 0 || data.userDaily.length === 0) return null;
    const active = activeContacts(data, ctx.asOfDay, 30).size;
    const r = Math.min(1, active / seats);
    return { value: Math.round(r * 100) / 100, detail: `${active} of ${seats} seats active (${pct(r)})` };
  },
};
