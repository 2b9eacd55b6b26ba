import { businessEffect } from './business-effect.ts';
import type { SignalDefinition } from './signal-definition.ts';

/** Leadership change at the account: a negative effect that decays with a 120-day half-life. Unit: effect 0..1; available while the effect lasts. */
export const leadershipChange: SignalDefinition = {
  id: 'leadership-change',
  label: 'Leadership change',
  category: 'business',
  unit: 'effect',
  windowDays: 365,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 0],
  ],
  compute: (data, ctx) => businessEffect(data, ctx, 'leadership_change', 120, 'new leadership'),
};
