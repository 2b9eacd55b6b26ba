import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, round1 } from './signal-helpers.ts';

/** Median hours from the first outbound email of a thread to the customer's first reply, last 90 days. Unit: hours; lower is better. */
export const emailResponseTime: SignalDefinition = {
  id: 'email-response-time',
  label: 'Email response time',
  category: 'relationship',
  unit: 'hours',
  windowDays: 90,
  direction: 'lower-is-better',
  thresholds: [
    [4, 100],
    [24, 80],
    [72, 45],
    [168, 10],
  ],
  compute(data, ctx) {
    const sent = new Map<string, number>();
    for (const e of eventsIn(data, ctx.asOfDay, 90, 'email_outbound')) {
      const t = Date.parse(e.time);
      const prev = sent.get(e.properties.threadId);
      if (prev === undefined || t < prev) sent.set(e.properties.threadId, t);
    }
    const first = new Map<string, number>();
    for (const e of eventsIn(data, ctx.asOfDay, 90, 'email_inbound')) {
      const s = sent.get(e.properties.threadId);
      const t = Date.parse(e.time);
      if (s === undefined || t < s) continue;
      const prev = first.get(e.properties.threadId);
      if (prev === undefined || t < prev) first.set(e.properties.threadId, t);
    }
    const hours = [...first.entries()]
      .map(([id, t]) => (t - sent.get(id)!) / 3_600_000)
      .sort((a, b) => a - b);
    if (hours.length === 0) return null;
    const mid = hours.length >> 1;
    const median = hours.length % 2 ? hours[mid]! : (hours[mid - 1]! + hours[mid]!) / 2;
    return {
      value: round1(median),
      detail: `median reply after ${round1(median)} h (${hours.length} threads)`,
    };
  },
};
