import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** Feature requests that match a rival's capability in the last 180 days. Unit: requests; lower is better. */
export const rivalFeatureRequests: SignalDefinition = {
  id: 'rival-feature-requests',
  label: 'Rival feature requests',
  category: 'competitive',
  unit: 'requests',
  windowDays: 180,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 60],
    [3, 20],
  ],
  compute(data, ctx) {
    const r = eventsIn(data, ctx.asOfDay, 180, 'rival_feature_request');
    return {
      value: r.length,
      detail: r.length
        ? `asked for ${[...new Set(r.map((e) => e.properties.feature))].join(', ')}`
        : 'no rival-matching requests',
    };
  },
};
