import { termEndOn } from '../data-model/contract-term.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { currentContracts, toDay } from './signal-helpers.ts';

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
    const terms = currentContracts(data, ctx.asOf);
    if (terms.length === 0) return null;
    const end = Math.min(...terms.map((c) => toDay(termEndOn(c, ctx.asOf))));
    const d = end + 1 - ctx.asOfDay;
    return { value: d, detail: `renews in ${d} days` };
  },
};
