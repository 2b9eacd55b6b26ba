import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, pct } from './signal-helpers.ts';

/** Business reviews held with the customer (and its executive) over those scheduled in the last 365 days. Unit: ratio; window 365 d; higher is better. */
export const qbrAttendance: SignalDefinition = {
  id: 'qbr-attendance',
  label: 'QBR attendance',
  category: 'relationship',
  unit: 'ratio',
  windowDays: 365,
  direction: 'higher-is-better',
  thresholds: [
    [0, 0],
    [0.5, 40],
    [0.75, 75],
    [1, 100],
  ],
  compute(data, ctx) {
    const outcome = new Map<string, { held: boolean; exec: boolean; done: boolean }>();
    for (const m of eventsIn(data, ctx.asOfDay, 365, 'meeting')) {
      const kind = m.properties.kind;
      if (kind !== 'qbr' && kind !== 'ebr' && kind !== 'call') continue;
      const id = m.properties.meetingId ?? m.id;
      const prev = outcome.get(id) ?? { held: false, exec: false, done: false };
      if (m.properties.status === 'held')
        outcome.set(id, { held: true, exec: m.properties.executivePresent, done: true });
      else if (m.properties.status === 'no_show' || m.properties.status === 'cancelled')
        outcome.set(id, { ...prev, done: true });
      else if (!outcome.has(id)) outcome.set(id, prev);
    }
    const decided = [...outcome.values()].filter((o) => o.done);
    if (decided.length === 0) return null;
    const held = decided.filter((o) => o.held);
    const score = held.reduce((s, o) => s + (o.exec ? 1 : 0.75), 0) / decided.length;
    return {
      value: Math.round(score * 100) / 100,
      detail: `${held.length} of ${decided.length} business reviews held (${pct(held.length / decided.length)}), ${held.filter((o) => o.exec).length} with an executive`,
    };
  },
};
