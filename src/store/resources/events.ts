import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

export type TimelineItem = {
  id: string;
  type: string;
  time: string;
  contactId: string | null;
  properties: Record<string, unknown>;
};

export type EventsResource = {
  /** An account's stored events, newest first, up to `limit`, optionally before a time. */
  timeline(accountId: string, page: { limit: number; before?: string }): Promise<TimelineItem[]>;
};

export function eventsResource(db: Kysely<Database>): EventsResource {
  return {
    async timeline(accountId, page) {
      let q = db
        .selectFrom('events')
        .select(['id', 'type', 'time', 'contact_id', 'properties'])
        .where('account_id', '=', accountId)
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(page.limit);
      if (page.before) q = q.where('time', '<', page.before);
      return (await q.execute()).map((r) => ({
        id: r.id,
        type: r.type,
        time: r.time,
        contactId: r.contact_id,
        properties: JSON.parse(r.properties) as Record<string, unknown>,
      }));
    },
  };
}
