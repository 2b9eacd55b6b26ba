import { findChampion } from '../accounts/current-champion.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { toDay } from './signal-helpers.ts';

/**
 * Is there a champion? 1 = present; 0.4 = never had one; after a champion
 * leaves the value starts near 0 and recovers slowly over a year unless a new
 * one joins. Who is in place and when the last one left is `findChampion` in
 * src/core/accounts/ (the account page's champion uses it too). Unit: score 0..1;
 * higher is better.
 */
export const championStatus: SignalDefinition = {
  id: 'champion-status',
  label: 'Champion',
  category: 'relationship',
  unit: 'score',
  windowDays: 0,
  direction: 'higher-is-better',
  thresholds: [
    [0, 0],
    [1, 100],
  ],
  compute(data, ctx) {
    const champion = findChampion(data.contacts, ctx.asOf, data.events);
    if (champion.status === 'present')
      return {
        value: 1,
        detail: `champion in place: ${champion.name}${champion.others > 0 ? ` and ${champion.others} more` : ''}`,
      };
    if (champion.status === 'none') return { value: 0.4, detail: 'no champion identified' };
    const since = ctx.asOfDay - toDay(champion.leftOn);
    const v = 0.05 + 0.3 * Math.min(1, since / 365);
    return { value: Math.round(v * 100) / 100, detail: `champion left ${since} days ago, no replacement` };
  },
};
