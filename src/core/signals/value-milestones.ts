import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** Value milestones reached in the last 365 days. Unit: count; window 365 d; higher is better. */
export const valueMilestones: SignalDefinition = {
  id: 'value-milestones',
  label: 'Value milestones',
  category: 'outcomes',
  unit: 'milestones',
  windowDays: 365,
  direction: 'higher-is-better',
  thresholds: [
    [0, 20],
    [1, 60],
    [2, 80],
    [4, 100],
  ],
  compute(data, ctx) {
    const m = eventsIn(data, ctx.asOfDay, 365, 'value_milestone');
    return {
      value: m.length,
      detail: m.length
        ? `${m.length} milestone(s) in a year, latest "${m[m.length - 1]!.properties.milestone}"`
        : 'no value milestone in a year',
    };
  },
};
