import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, round1, usageCollapsed } from './signal-helpers.ts';

/**
 * Tickets opened in the last 30 days vs the account's own usual month (the 90 days before).
 * Unit: ratio. Two-sided (the seeds: "decreasing support interactions" is disengagement, a spike
 * is friction): about the usual level is best; a fall from its usual level to nothing scores
 * low, and so does silence from an account whose usage collapsed; a spike scores lower still.
 * An account that rarely files tickets and still uses the product is simply "as usual".
 */
export const ticketVolumeTrend: SignalDefinition = {
  id: 'ticket-volume-trend',
  label: 'Ticket volume trend',
  category: 'risk',
  unit: 'ratio',
  windowDays: 120,
  direction: 'target',
  thresholds: [
    [0, 40],
    [0.3, 75],
    [0.6, 100],
    [1, 95],
    [2, 40],
    [4, 0],
  ],
  compute(data, ctx) {
    const recent = eventsIn(data, ctx.asOfDay, 30, 'ticket_opened').length;
    const prior = (eventsIn(data, ctx.asOfDay, 120, 'ticket_opened').length - recent) / 3;
    if (recent === 0) {
      if (prior >= 1)
        return {
          value: 0,
          detail: `no tickets in 30 days, down from ${round1(prior)} per month: disengaging?`,
        };
      if (usageCollapsed(data, ctx.asOfDay))
        return { value: 0, detail: 'no tickets in 30 days and usage collapsed: silence, not health' };
      return { value: 1, detail: 'no tickets in 30 days (usual for this account)' };
    }
    const r = prior === 0 ? Math.min(4, 1 + recent) : recent / prior;
    return {
      value: round1(r),
      detail: `${recent} ticket(s) in 30 days vs ${round1(prior)} per month before`,
    };
  },
};
