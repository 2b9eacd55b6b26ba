import type { SignalDefinition } from './signal-definition.ts';
import { round1, rowDays } from './signal-helpers.ts';

/** DAU/MAU: average daily active users over the last 30 days divided by monthly active users. Unit: ratio; window 30 d; higher is better. */
export const stickiness: SignalDefinition = {
  id: 'stickiness',
  label: 'Stickiness (DAU/MAU)',
  category: 'engagement',
  unit: 'ratio',
  windowDays: 30,
  direction: 'higher-is-better',
  thresholds: [
    [0.03, 10],
    [0.1, 45],
    [0.2, 75],
    [0.35, 100],
  ],
  compute(data, ctx) {
    const users = new Set<string>();
    const perDay = new Map<number, number>();
    const days = rowDays(data, 'userDaily');
    for (let i = 0; i < days.length; i++) {
      const u = data.userDaily[i]!;
      const ago = ctx.asOfDay - days[i]!;
      if (ago < 0 || ago >= 30) continue;
      users.add(u.contactId);
      perDay.set(ago, (perDay.get(ago) ?? 0) + 1);
    }
    if (users.size === 0)
      return data.userDaily.length === 0 ? null : { value: 0, detail: 'no active users in 30 days' };
    let dau = 0;
    for (const n of perDay.values()) dau += n;
    dau /= 30;
    const r = dau / users.size;
    return { value: round1(r * 100) / 100, numeric: r, detail: `DAU ${round1(dau)} / MAU ${users.size}` };
  },
};
