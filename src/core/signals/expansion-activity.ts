import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** Expansion conversations, upsell inquiries and seat requests in the last 180 days. Unit: count; higher is better. */
export const expansionActivity: SignalDefinition = {
  id: 'expansion-activity',
  label: 'Expansion activity',
  category: 'commercial',
  unit: 'signals',
  windowDays: 180,
  direction: 'higher-is-better',
  thresholds: [
    [0, 50],
    [1, 80],
    [2, 100],
  ],
  compute(data, ctx) {
    const s = eventsIn(data, ctx.asOfDay, 180, 'expansion_signal');
    return {
      value: s.length,
      detail: s.length
        ? `${s.length} expansion signal(s): ${[...new Set(s.map((e) => e.properties.kind))].join(', ')}`
        : 'no expansion talk in 180 days',
    };
  },
};
