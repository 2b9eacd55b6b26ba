import type { SignalDefinition } from './signal-definition.ts';
import { toDay } from './signal-helpers.ts';

/** Distinct integrations (CRM, API, chat) in use in the last 30 days: the product is wired into workflows. Unit: count; window 30 d; higher is better. */
export const workflowIntegration: SignalDefinition = {
  id: 'workflow-integration',
  label: 'Workflow integration',
  category: 'engagement',
  unit: 'integrations',
  windowDays: 30,
  direction: 'higher-is-better',
  thresholds: [
    [0, 30],
    [1, 75],
    [2, 90],
    [3, 100],
  ],
  compute(data, ctx) {
    if (data.usageDaily.length === 0) return null;
    const used = new Set<string>();
    for (const f of data.featureDaily) {
      const ago = ctx.asOfDay - toDay(f.day);
      if (ago >= 0 && ago < 30 && f.feature.startsWith('integration:')) used.add(f.feature.slice(12));
    }
    return {
      value: used.size,
      detail: used.size ? `integrations in use: ${[...used].join(', ')}` : 'no integrations in use',
    };
  },
};
