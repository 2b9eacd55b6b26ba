import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo } from './signal-helpers.ts';

/** Escalations open on the as-of date (opened in the last 180 days). Unit: escalations; lower is better. */
export const openEscalations: SignalDefinition = {
  id: 'open-escalations',
  label: 'Open escalations',
  category: 'risk',
  unit: 'escalations',
  windowDays: 180,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 30],
    [2, 0],
  ],
  compute(data, ctx) {
    const open = new Set<string>();
    for (const e of data.events) {
      const ago = daysAgo(e.time, ctx.asOfDay);
      if (ago < 0 || ago >= 180) continue;
      if (e.type === 'escalation_opened') open.add(e.properties.escalationId);
      else if (e.type === 'escalation_closed') open.delete(e.properties.escalationId);
    }
    return {
      value: open.size,
      detail: open.size ? `${open.size} escalation(s) open` : 'no open escalations',
    };
  },
};
