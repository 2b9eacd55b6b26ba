import type { SignalDefinition } from './signal-definition.ts';
import { activeContacts, currentContracts, thousands } from './signal-helpers.ts';

/** ARR per active user over the last 30 days, against the ARR per licensed seat (paying for shelfware). Unit: ratio; lower is better. */
export const costPerActiveSeat: SignalDefinition = {
  id: 'cost-per-active-seat',
  label: 'Cost per active seat',
  category: 'commercial',
  unit: 'ratio',
  windowDays: 30,
  direction: 'lower-is-better',
  thresholds: [
    [1, 100],
    [1.5, 75],
    [2.5, 40],
    [5, 0],
  ],
  compute(data, ctx) {
    const terms = currentContracts(data, ctx.asOf);
    const arr = terms.reduce((s, c) => s + c.arr, 0);
    const seats = terms.reduce((s, c) => s + (c.seats ?? 0), 0);
    if (arr === 0 || seats === 0 || data.userDaily.length === 0) return null;
    const active = activeContacts(data, ctx.asOfDay, 30).size;
    if (active === 0)
      return {
        value: 5,
        detail: `paying ${thousands(arr)}/yr with no active users`,
      };
    const perActive = arr / active;
    const perSeat = arr / seats;
    const r = perActive / perSeat;
    return {
      value: Math.round(r * 100) / 100,
      detail: `${thousands(perActive)}/yr per active user vs ${thousands(perSeat)} per seat`,
    };
  },
};
