import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo, usageCollapsed } from './signal-helpers.ts';

/**
 * Escalations open on the as-of date (opened in the last 180 days). Unit: escalations; lower is
 * better. None open is a strength only while the account still uses the product: when its usage
 * collapsed, the silence is disengagement and scores like half an escalation (sub-score ~51).
 */
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
    if (open.size === 0 && usageCollapsed(data, ctx.asOfDay))
      return {
        value: 0,
        numeric: 0.7,
        detail: 'no open escalations, but usage collapsed: silence, not health',
      };
    return {
      value: open.size,
      detail: open.size ? `${open.size} escalation(s) open` : 'no open escalations',
    };
  },
};
