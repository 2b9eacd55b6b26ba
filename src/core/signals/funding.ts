import { businessEffect } from './business-effect.ts';
import type { SignalDefinition } from './signal-definition.ts';

/** Funding at the account: a positive effect that decays with a 180-day half-life. Unit: effect 0..1; available while the effect lasts. */
export const funding: SignalDefinition = {
  id: 'funding',
  label: 'Funding',
  category: 'business',
  unit: 'effect',
  windowDays: 365,
  direction: 'higher-is-better',
  thresholds: [
    [0, 50],
    [1, 100],
  ],
  compute: (data, ctx) => businessEffect(data, ctx, 'funding', 180, 'raised funding'),
};
