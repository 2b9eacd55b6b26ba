import type { SignalDefinition } from './signal-definition.ts';
import { activeContacts, eventsIn } from './signal-helpers.ts';

/** Distinct customer contacts who used the product, replied or met us in the last 90 days (multi-threading). Unit: contacts; higher is better. */
export const engagedContacts: SignalDefinition = {
  id: 'engaged-contacts',
  label: 'Engaged contacts',
  category: 'relationship',
  unit: 'contacts',
  windowDays: 90,
  direction: 'higher-is-better',
  thresholds: [
    [0, 0],
    [1, 30],
    [2, 55],
    [4, 85],
    [6, 100],
  ],
  compute(data, ctx) {
    if (data.contacts.length === 0 && data.userDaily.length === 0) return null;
    const set = activeContacts(data, ctx.asOfDay, 90);
    for (const e of eventsIn(
      data,
      ctx.asOfDay,
      90,
      'email_inbound',
      'nps_response',
      'csat_response',
      'ticket_opened',
    ))
      if (e.contactId) set.add(e.contactId);
    return { value: set.size, detail: `${set.size} contact(s) engaged in 90 days` };
  },
};
