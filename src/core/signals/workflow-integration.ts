import type { SignalDefinition } from './signal-definition.ts';
import { rowDays } from './signal-helpers.ts';

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
    const days = rowDays(data, 'featureDaily');
    for (let i = 0; i < days.length; i++) {
      const f = data.featureDaily[i]!;
      const ago = ctx.asOfDay - days[i]!;
      if (ago >= 0 && ago < 30 && f.feature.startsWith('integration:')) used.add(f.feature.slice(12));
    }
    return {
      value: used.size,
      detail: used.size ? `integrations in use: ${[...used].join(', ')}` : 'no integrations in use',
    };
  },
};
