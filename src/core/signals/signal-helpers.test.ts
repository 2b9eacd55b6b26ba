import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import type { VigilEvent } from '../data-model/events.ts';
import { textSentiment } from '../scoring/sentiment.ts';
import type { SignalContext } from './signal-definition.ts';
import { eventsIn, latest, toDay, withAccountIndex } from './signal-helpers.ts';
import { SIGNAL_LIBRARY } from './signal-library.ts';

const AS_OF = '2026-06-30';
const AS_OF_DAY = toDay(AS_OF);
const day = (offset: number) => new Date((AS_OF_DAY + offset) * 86_400_000).toISOString().slice(0, 10);

/** Valid properties per event type, so every signal has something to read. */
const TEMPLATES: [string, Record<string, unknown>][] = [
  ['meeting', { kind: 'qbr', status: 'held', executivePresent: true }],
  ['meeting', { kind: 'qbr', status: 'scheduled', executivePresent: false }],
  ['email_outbound', { threadId: 't1' }],
  ['email_inbound', { threadId: 't1', text: 'thanks, that works' }],
  ['ticket_opened', { ticketId: 'k1', priority: 'urgent', text: 'export is broken and we are blocked' }],
  ['ticket_opened', { ticketId: 'k2', priority: 'normal', text: 'how do I share a dashboard?' }],
  ['ticket_updated', { ticketId: 'k1', text: 'still failing' }],
  ['ticket_closed', { ticketId: 'k1', csat: 2 }],
  ['escalation_opened', { escalationId: 'x1', reason: 'outage' }],
  ['escalation_closed', { escalationId: 'x1' }],
  ['nps_response', { score: 3, comment: 'too expensive' }],
  ['nps_response', { score: 10 }],
  ['csm_note', { text: 'great call, expanding' }],
  ['csm_sentiment', { sentiment: 'red' }],
  ['csm_sentiment', { sentiment: 'green', validDays: 30 }],
  ['csm_assigned', { csm: 'csm-2' }],
  ['executive_touch', { channel: 'call' }],
  ['contact_change', { change: 'left', role: 'champion' }],
  ['business_event', { kind: 'layoffs', magnitude: 0.2 }],
  ['business_event', { kind: 'funding', magnitude: 20_000_000 }],
  ['business_event', { kind: 'budget_cut' }],
  ['invoice_issued', { invoiceId: 'i1', amount: 1000, dueDate: day(-20) }],
  ['invoice_paid', { invoiceId: 'i1', daysLate: 12 }],
  ['payment_failed', { invoiceId: 'i1' }],
  ['billing_dispute', { status: 'opened' }],
  ['expansion_signal', { kind: 'seat_request' }],
  ['competitor_mention', { competitor: 'Rival' }],
  ['rival_feature_request', { feature: 'sso', competitor: 'Rival' }],
  ['evaluation_noticed', { competitor: 'Rival' }],
  ['value_milestone', { milestone: 'first report' }],
  ['goal_set', { goal: 'cut reporting time' }],
];

const ctx: SignalContext = {
  asOf: AS_OF,
  asOfDay: AS_OF_DAY,
  sentimentValidDays: 90,
  sentiment: textSentiment,
};

function build(
  events: { t: number; offset: number; hour: number; contact: number }[],
  usage: { offset: number; n: number; users: number }[],
): AccountData {
  const evs = events
    .map(
      (e, i) =>
        ({
          id: `e${i}`,
          accountId: 'a',
          contactId: e.contact === 0 ? null : `u${e.contact}`,
          type: TEMPLATES[e.t]![0],
          time: `${day(e.offset)}T${String(e.hour).padStart(2, '0')}:00:00.000Z`,
          properties: TEMPLATES[e.t]![1],
        }) as VigilEvent,
    )
    .sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const usageDaily = usage.map((u) => ({
    accountId: 'a',
    day: day(u.offset),
    logins: u.n,
    events: u.n * 3,
    integrationEvents: u.n % 3,
    activeUsers: u.users,
  }));
  const userDaily = usage.flatMap((u) =>
    Array.from({ length: u.users }, (_, k) => ({
      accountId: 'a',
      contactId: `u${k}`,
      day: day(u.offset),
      events: 2,
    })),
  );
  const featureDaily = usage.flatMap((u) => [
    { accountId: 'a', feature: u.n % 2 ? 'reports' : 'dashboards', day: day(u.offset), count: u.n },
    { accountId: 'a', feature: 'integration:crm', day: day(u.offset), count: u.n % 3 },
  ]);
  return {
    account: { id: 'a', name: 'A', segment: 'smb', traits: {}, owner: null },
    contracts: [
      {
        id: 'c',
        accountId: 'a',
        start: day(-300),
        end: day(60),
        arr: 24_000,
        currency: 'USD',
        seats: 10,
        products: [],
        status: 'active',
      },
    ],
    contacts: [
      { id: 'u1', accountId: 'a', role: 'champion', joinedAt: day(-300) },
      { id: 'u2', accountId: 'a', role: 'executive_sponsor', joinedAt: day(-300) },
    ],
    events: evs,
    usageDaily,
    featureDaily,
    userDaily,
    catalog: ['reports', 'dashboards', 'alerts'].map((key) => ({ key, core: true, addOn: false })),
  } as AccountData;
}

const dataArb = fc
  .tuple(
    fc.array(
      fc.record({
        t: fc.integer({ min: 0, max: TEMPLATES.length - 1 }),
        // window ends are where an off-by-one would hide
        offset: fc.oneof(
          fc.integer({ min: -400, max: 20 }),
          fc.constantFrom(0, 1, -1, -29, -30, -59, -60, -89, -90, -119, -120, -179, -180, -364, -365),
        ),
        hour: fc.integer({ min: 0, max: 23 }),
        contact: fc.integer({ min: 0, max: 3 }),
      }),
      { maxLength: 60 },
    ),
    fc.uniqueArray(
      fc.record({
        offset: fc.integer({ min: -130, max: 10 }),
        n: fc.integer({ min: 0, max: 9 }),
        users: fc.integer({ min: 0, max: 4 }),
      }),
      { selector: (u) => u.offset, maxLength: 80 },
    ),
  )
  .map(([e, u]) =>
    build(
      e,
      u.sort((a, b) => a.offset - b.offset),
    ),
  );

describe('the per-account index used while scoring', () => {
  it('gives every signal exactly the result of a direct scan', () => {
    fc.assert(
      fc.property(dataArb, (data) => {
        const direct = Object.values(SIGNAL_LIBRARY).map((s) => s.compute(data, ctx));
        const indexed = withAccountIndex(data, () =>
          Object.values(SIGNAL_LIBRARY).map((s) => s.compute(data, ctx)),
        );
        expect(indexed).toEqual(direct);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps the timeline order across several types and respects the window ends', () => {
    const data = build(
      [
        { t: 4, offset: -90, hour: 9, contact: 0 }, // ticket_opened, 90 days ago: outside a 90-day window
        { t: 6, offset: -89, hour: 9, contact: 0 }, // ticket_updated, inside
        { t: 5, offset: -89, hour: 10, contact: 0 }, // ticket_opened, inside, later that day
        { t: 6, offset: 0, hour: 23, contact: 0 }, // on the as-of day: inside
        { t: 4, offset: 1, hour: 0, contact: 0 }, // tomorrow: never
      ],
      [],
    );
    const ids = (d: { id: string }[]) => d.map((e) => e.id);
    const direct = eventsIn(data, AS_OF_DAY, 90, 'ticket_opened', 'ticket_updated');
    const indexed = withAccountIndex(data, () =>
      eventsIn(data, AS_OF_DAY, 90, 'ticket_opened', 'ticket_updated'),
    );
    expect(ids(indexed)).toEqual(ids(direct));
    expect(indexed.map((e) => e.time)).toEqual([
      `${day(-89)}T09:00:00.000Z`,
      `${day(-89)}T10:00:00.000Z`,
      `${day(0)}T23:00:00.000Z`,
    ]);
    expect(withAccountIndex(data, () => latest(data, AS_OF_DAY, 'ticket_opened'))?.time).toBe(
      `${day(-89)}T10:00:00.000Z`,
    );
  });

  it('is dropped when the computation ends, even if it throws, so later changes to the data are seen', () => {
    const data = build([{ t: 16, offset: -5, hour: 9, contact: 0 }], []);
    expect(() =>
      withAccountIndex(data, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    data.events.push({ ...data.events[0]!, id: 'late', time: `${day(-1)}T09:00:00.000Z` });
    expect(
      withAccountIndex(data, () => eventsIn(data, AS_OF_DAY, 30, 'executive_touch')).map((e) => e.id),
    ).toEqual(['e0', 'late']);
  });
});
