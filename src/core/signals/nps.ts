import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn } from './signal-helpers.ts';

/** The latest NPS answer in the last 365 days (0–10), with its trend in the detail. Unit: score; higher is better. */
export const nps: SignalDefinition = {
  id: 'nps',
  label: 'NPS',
  category: 'risk',
  unit: 'score',
  windowDays: 365,
  direction: 'higher-is-better',
  thresholds: [
    [0, 0],
    [6, 30],
    [7, 60],
    [9, 90],
    [10, 100],
  ],
  compute(data, ctx) {
    const answers = eventsIn(data, ctx.asOfDay, 365, 'nps_response');
    if (answers.length === 0) return null;
    const last = answers[answers.length - 1]!;
    const s = last.properties.score;
    const kind = s >= 9 ? 'promoter' : s >= 7 ? 'passive' : 'detractor';
    const prev = answers.length > 1 ? answers[answers.length - 2]!.properties.score : null;
    return { value: s, detail: `NPS ${s} (${kind})${prev !== null ? `, was ${prev}` : ''}` };
  },
};
