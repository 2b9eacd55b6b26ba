import type { Contact } from '../data-model/entities.ts';
import type { AccountEvent } from './account-event.ts';

export type ChampionFact =
  | {
      status: 'present';
      name: string;
      title: string | null;
      since: string | null;
      /** Further champions in place besides the one named. */
      others: number;
    }
  | { status: 'left'; name: string; title: string | null; leftOn: string }
  | { status: 'none' };

/**
 * The account's champion on `asOf`, the rule of the champion-status signal: a contact with the
 * champion role who had joined (no join date counts as joined) and had not left (a leave date on or
 * before `asOf`, or a `contact_change` "left" event for that contact, means gone). With none in
 * place, the champion who left last ("champion left on …"); with none ever, "no champion".
 */
export function findChampion(
  contacts: readonly Pick<Contact, 'id' | 'name' | 'title' | 'role' | 'joinedAt' | 'leftAt'>[],
  asOf: string,
  events: readonly AccountEvent[] = [],
): ChampionFact {
  const day = asOf.slice(0, 10);
  // a "left" event stands for a leave date the contact row does not carry (yet)
  const leftByEvent = new Map<string, string>();
  for (const e of events) {
    if (e.type !== 'contact_change' || !e.contactId || e.time.slice(0, 10) > day) continue;
    const change = e.properties.change;
    if (change === 'left') leftByEvent.set(e.contactId, e.time.slice(0, 10));
    else if (change === 'joined') leftByEvent.delete(e.contactId);
  }
  const champions = contacts.filter((c) => c.role === 'champion' && (!c.joinedAt || c.joinedAt <= day));
  const leftOn = (c: (typeof champions)[number]): string | null => {
    const left = c.leftAt && c.leftAt <= day ? c.leftAt : null;
    return left ?? leftByEvent.get(c.id) ?? null;
  };
  const present = champions
    .filter((c) => leftOn(c) === null)
    .sort((a, b) => (a.joinedAt ?? '').localeCompare(b.joinedAt ?? '') || a.id.localeCompare(b.id));
  const first = present[0];
  if (first)
    return {
      status: 'present',
      name: first.name ?? first.id,
      title: first.title ?? null,
      since: first.joinedAt ?? null,
      others: present.length - 1,
    };
  let last: { c: (typeof champions)[number]; on: string } | null = null;
  for (const c of champions) {
    const on = leftOn(c);
    if (on !== null && (last === null || on > last.on)) last = { c, on };
  }
  if (last)
    return { status: 'left', name: last.c.name ?? last.c.id, title: last.c.title ?? null, leftOn: last.on };
  return { status: 'none' };
}
