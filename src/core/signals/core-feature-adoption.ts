import type { SignalDefinition } from './signal-definition.ts';
import { rowDays } from './signal-helpers.ts';

/** Core features used in the last 60 days, as a share of the catalog's core features. Unit: ratio (k of n); window 60 d; higher is better. */
export const coreFeatureAdoption: SignalDefinition = {
  id: 'core-feature-adoption',
  label: 'Core feature adoption',
  category: 'engagement',
  unit: 'ratio',
  windowDays: 60,
  direction: 'higher-is-better',
  thresholds: [
    [0, 0],
    [0.34, 40],
    [0.5, 60],
    [0.8, 90],
    [1, 100],
  ],
  compute(data, ctx) {
    const core = data.catalog.filter((f) => f.core).map((f) => f.key);
    if (core.length === 0 || data.usageDaily.length === 0) return null;
    const used = new Set<string>();
    const days = rowDays(data, 'featureDaily');
    for (let i = 0; i < days.length; i++) {
      const f = data.featureDaily[i]!;
      const ago = ctx.asOfDay - days[i]!;
      if (ago >= 0 && ago < 60 && f.count > 0) used.add(f.feature);
    }
    const k = core.filter((c) => used.has(c)).length;
    const missing = core.filter((c) => !used.has(c));
    return {
      value: Math.round((k / core.length) * 100) / 100,
      detail: `uses ${k} of ${core.length} core features${missing.length ? `: not ${missing.join(', ')}` : ''}`,
    };
  },
};
