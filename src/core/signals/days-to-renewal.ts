import { accountTermsOn } from '../contracts/contract-terms.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { toDay } from './signal-helpers.ts';

/** Days until the current term ends (the renewal). Context for playbooks; weight 0 in the default model. Unit: days. */
export const daysToRenewal: SignalDefinition = {
  id: 'days-to-renewal',
  label: 'Days to renewal',
  category: 'commercial',
  unit: 'days',
  windowDays: 0,
  direction: 'target',
  thresholds: [
    [0, 50],
    [365, 50],
  ],
  compute(data, ctx) {
    const renewal = accountTermsOn(data.contracts, ctx.asOf).renewalDate;
    if (renewal === null) return null;
    const d = toDay(renewal) - ctx.asOfDay;
    return { value: d, detail: `renews in ${d} days` };
  },
};
