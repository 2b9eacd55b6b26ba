import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** Competitor mentions in calls, email or tickets in the last 180 days. Unit: mentions; lower is better. */
export const competitorMentions: SignalDefinition = {
  id: 'competitor-mentions',
  label: 'Competitor mentions',
  category: 'competitive',
  unit: 'mentions',
  windowDays: 180,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 50],
    [3, 10],
  ],
  compute(data, ctx) {
    const m = eventsIn(data, ctx.asOfDay, 180, 'competitor_mention');
    return {
      value: m.length,
      detail: m.length
        ? `${[...new Set(m.map((e) => e.properties.competitor))].join(', ')} mentioned ${m.length} time(s)`
        : 'no competitor mentioned',
    };
  },
};
