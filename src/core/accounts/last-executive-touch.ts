import { dayNumber } from '../dates/day-number.ts';
import { type AccountEvent, str } from './account-event.ts';

export type ExecutiveTouch = {
  /** ISO date of the touch. */
  date: string;
  /** Whole days from the touch to `asOf`. */
  daysAgo: number;
  /** In words: "Executive dinner (CEO)", "QBR with an executive present". */
  kind: string;
};

const ACRONYMS = new Set(['ceo', 'cfo', 'cto', 'coo', 'cro', 'cmo', 'cio', 'vp', 'svp', 'evp', 'cs', 'it']);
/** Meeting kinds of the data model in words. */
export const MEETING_KINDS: Readonly<Record<string, string>> = {
  qbr: 'QBR',
  ebr: 'EBR',
  call: 'Call',
  onboarding: 'Onboarding session',
  training: 'Training session',
};

/** "vp-customer-success" → "VP customer success"; "ceo" → "CEO". */
export function humanizeId(id: string): string {
  const words = id
    .split(/[-_\s]+/)
    .filter((w) => w !== '')
    .map((w) => (ACRONYMS.has(w.toLowerCase()) ? w.toUpperCase() : w.toLowerCase()));
  const s = words.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Is the event an executive touch? The same rule as the exec-touch-recency signal. */
export function isExecutiveTouch(e: AccountEvent): boolean {
  return (
    e.type === 'executive_touch' ||
    (e.type === 'meeting' && e.properties.status === 'held' && e.properties.executivePresent === true)
  );
}

/** The executive touch in words. */
export function describeExecutiveTouch(e: AccountEvent): string {
  if (e.type === 'meeting') {
    const kind = MEETING_KINDS[str(e.properties, 'kind') ?? ''] ?? 'Meeting';
    return `${kind} with an executive present`;
  }
  const channel = str(e.properties, 'channel');
  const who = str(e.properties, 'executive');
  const base = channel ? `Executive ${channel.toLowerCase()}` : 'Executive touch';
  return who ? `${base} (${humanizeId(who)})` : base;
}

/**
 * The latest executive touch on or before `asOf`: an `executive_touch` event or a held meeting with
 * an executive present (the rule of the exec-touch-recency signal), or null when there is none in
 * the events given. Pure: events after `asOf` are ignored.
 */
export function findLastExecutiveTouch(events: readonly AccountEvent[], asOf: string): ExecutiveTouch | null {
  const today = dayNumber(asOf);
  let best: AccountEvent | null = null;
  for (const e of events) {
    if (!isExecutiveTouch(e) || dayNumber(e.time) > today) continue;
    if (best === null || e.time > best.time) best = e;
  }
  if (!best) return null;
  return {
    date: best.time.slice(0, 10),
    daysAgo: today - dayNumber(best.time),
    kind: describeExecutiveTouch(best),
  };
}
