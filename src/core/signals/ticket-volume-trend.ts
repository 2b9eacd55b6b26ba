import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, round1 } from './signal-helpers.ts';

/** Tickets opened in the last 30 days vs the monthly average of the 90 days before. Unit: ratio; lower is better. */
export const ticketVolumeTrend: SignalDefinition = {
  id: 'ticket-volume-trend',
  label: 'Ticket volume trend',
  category: 'risk',
  unit: 'ratio',
  windowDays: 120,
  direction: 'lower-is-better',
  thresholds: [
    [0.5, 100],
    [1, 80],
    [2, 40],
    [4, 0],
  ],
  compute(data, ctx) {
    const recent = eventsIn(data, ctx.asOfDay, 30, 'ticket_opened').length;
    const prior = (eventsIn(data, ctx.asOfDay, 120, 'ticket_opened').length - recent) / 3;
    if (recent === 0) return { value: 0, detail: 'no tickets in 30 days' };
    const r = prior === 0 ? Math.min(4, 1 + recent) : recent / prior;
    return {
      value: round1(r),
      detail: `${recent} ticket(s) in 30 days vs ${round1(prior)} per month before`,
    };
  },
};
