import { businessEffect } from './business-effect.ts';
import type { SignalDefinition } from './signal-definition.ts';

/** Acquisition at the account: a negative effect that decays with a 180-day half-life. Unit: effect 0..1; available while the effect lasts. */
export const acquisition: SignalDefinition = {
  id: 'acquisition',
  label: 'Acquisition',
  category: 'business',
  unit: 'effect',
  windowDays: 365,
  direction: 'lower-is-better',
  thresholds: [
    [0, 100],
    [1, 0],
  ],
  compute: (data, ctx) => businessEffect(data, ctx, 'acquisition', 180, 'acquired'),
};
