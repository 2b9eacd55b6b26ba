import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, pct } from './signal-helpers.ts';

/** Share of outbound email threads the customer replied to in the last 90 days. Unit: ratio; window 90 d; higher is better. */
export const emailResponseRate: SignalDefinition = {
  id: 'email-response-rate',
  label: 'Email response rate',
  category: 'relationship',
  unit: 'ratio',
  windowDays: 90,
  direction: 'higher-is-better',
  thresholds: [
    [0.1, 0],
    [0.3, 30],
    [0.5, 60],
    [0.8, 100],
  ],
  compute(data, ctx) {
    const out = new Set(eventsIn(data, ctx.asOfDay, 90, 'email_outbound').map((e) => e.properties.threadId));
    if (out.size === 0) return null;
    const replied = new Set(
      eventsIn(data, ctx.asOfDay, 90, 'email_inbound')
        .map((e) => e.properties.threadId)
        .filter((t) => out.has(t)),
    );
    const r = replied.size / out.size;
    return {
      value: Math.round(r * 100) / 100,
      detail: `replied to ${replied.size} of ${out.size} threads (${pct(r)})`,
    };
  },
};
