import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo, toDay } from './signal-helpers.ts';

/**
 * Is there a champion? 1 = present; 0.4 = never had one; after a champion
 * leaves the value starts near 0 and recovers slowly over a year unless a new
 * one joins. Unit: score 0..1; higher is better.
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
    const champions = data.contacts.filter(
      (c) => c.role === 'champion' && (!c.joinedAt || toDay(c.joinedAt) <= ctx.asOfDay),
    );
    const present = champions.filter((c) => !c.leftAt || toDay(c.leftAt) > ctx.asOfDay);
    if (present.length > 0)
      return { value: 1, detail: `champion in place: ${present.map((c) => c.name ?? c.id).join(', ')}` };
    let lastLeft: number | null = null;
    for (const c of champions) if (c.leftAt) lastLeft = Math.max(lastLeft ?? 0, toDay(c.leftAt));
    for (const e of data.events)
      if (
        e.type === 'contact_change' &&
        e.properties.change === 'left' &&
        e.properties.role === 'champion' &&
        daysAgo(e.time, ctx.asOfDay) >= 0
      )
        lastLeft = Math.max(lastLeft ?? 0, toDay(e.time));
    if (lastLeft === null) return { value: 0.4, detail: 'no champion identified' };
    const since = ctx.asOfDay - lastLeft;
    const v = 0.05 + 0.3 * Math.min(1, since / 365);
    return { value: Math.round(v * 100) / 100, detail: `champion left ${since} days ago, no replacement` };
  },
};
