import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, pct, usageSum } from './signal-helpers.ts';

/** When a competitor evaluation was noticed in the last 120 days: usage in the last 30 days vs the 60 before. Unit: ratio; higher is better. */
export const evaluationUsageDrop: SignalDefinition = {
  id: 'evaluation-usage-drop',
  label: 'Usage during a competitor evaluation',
  category: 'competitive',
  unit: 'ratio',
  windowDays: 120,
  direction: 'higher-is-better',
  thresholds: [
    [0.3, 0],
    [0.7, 30],
    [1, 60],
  ],
  compute(data, ctx) {
    const ev = eventsIn(data, ctx.asOfDay, 120, 'evaluation_noticed');
    if (ev.length === 0) return null;
    const recent = usageSum(data, ctx.asOfDay, 30, 0);
    const prior = usageSum(data, ctx.asOfDay, 90, 30) / 2;
    const r = prior === 0 ? (recent === 0 ? 0 : 1) : Math.min(1.5, recent / prior);
    const who = ev[ev.length - 1]!.properties.competitor ?? 'a competitor';
    return { value: Math.round(r * 100) / 100, detail: `evaluating ${who}; usage at ${pct(r)} of before` };
  },
};
