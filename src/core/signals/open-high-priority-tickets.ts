import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo, usageCollapsed } from './signal-helpers.ts';

/**
 * High or urgent support tickets open on the as-of date (opened in the last 180 days). Unit:
 * tickets; lower is better. None open counts as a strength only while the account still uses the
 * product; with usage collapsed it scores ~50 (silence is not health).
 */
export const openHighPriorityTickets: SignalDefinition = {
  id: 'open-high-priority-tickets',
  label: 'Open high-priority tickets',
  category: 'risk',
  unit: 'tickets',
  windowDays: 180,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 60],
    [2, 35],
    [4, 0],
  ],
  compute(data, ctx) {
    const open = new Map<string, string>();
    for (const e of data.events) {
      const ago = daysAgo(e.time, ctx.asOfDay);
      if (ago < 0 || ago >= 180) continue;
      if (e.type === 'ticket_opened') open.set(e.properties.ticketId, e.properties.priority);
      else if (e.type === 'ticket_updated' && e.properties.priority && open.has(e.properties.ticketId))
        open.set(e.properties.ticketId, e.properties.priority);
      else if (e.type === 'ticket_closed') open.delete(e.properties.ticketId);
    }
    const high = [...open.values()].filter((p) => p === 'high' || p === 'urgent').length;
    if (high === 0 && usageCollapsed(data, ctx.asOfDay))
      return {
        value: 0,
        numeric: 1.4,
        detail: 'no high-priority tickets, but usage collapsed: silence, not health',
      };
    return {
      value: high,
      detail: high ? `${high} high-priority ticket(s) open` : 'no high-priority tickets open',
    };
  },
};
