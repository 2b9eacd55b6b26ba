import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import type { VigilEvent } from '../data-model/events.ts';
import { textSentiment } from '../scoring/sentiment.ts';
import type { SignalContext } from './signal-definition.ts';
import { toDay } from './signal-helpers.ts';
import { SIGNAL_LIBRARY } from './signal-library.ts';

// Every signal: a value case, a "not available" case and a window boundary.
const AS_OF = '2026-06-30';
const D = toDay(AS_OF);
const day = (ago: number) => new Date((D - ago) * 86_400_000).toISOString().slice(0, 10);
const at = (ago: number, hour = 10) => `${day(ago)}T${String(hour).padStart(2, '0')}:00:00.000Z`;
const ctx: SignalContext = { asOf: AS_OF, asOfDay: D, sentiment: textSentiment, sentimentValidDays: 90 };
let n = 0;
const ev = (
  ago: number,
  type: string,
  properties: Record<string, unknown>,
  contactId: string | null = null,
) => ({ id: `e${++n}`, accountId: 'a', contactId, type, time: at(ago), properties }) as VigilEvent;

function data(over: Partial<AccountData> = {}): AccountData {
  return {
    account: { id: 'a', name: 'A', segment: 'smb', traits: {}, owner: 'csm' },
    contracts: [
      {
        id: 'c',
        accountId: 'a',
        start: day(400),
        end: day(-100),
        arr: 12000,
        currency: 'USD',
        seats: 10,
        products: [],
        status: 'active',
      },
    ],
    contacts: [],
    events: [],
    usageDaily: [],
    featureDaily: [],
    userDaily: [],
    catalog: ['a1', 'a2', 'a3', 'a4'].map((key) => ({ key, core: true, addOn: false })),
    ...over,
  };
}
/** Daily usage for days [from, to] ago (inclusive), `logins` and `events` per day. */
const usage = (from: number, to: number, logins: number, events = logins) =>
  Array.from({ length: from - to + 1 }, (_, i) => ({
    accountId: 'a',
    day: day(from - i),
    logins,
    events,
    integrationEvents: 0,
    activeUsers: 0,
  }));
const users = (ids: string[], from: number, to: number) =>
  ids.flatMap((contactId) =>
    Array.from({ length: from - to + 1 }, (_, i) => ({
      accountId: 'a',
      contactId,
      day: day(from - i),
      events: 1,
    })),
  );
const feat = (feature: string, ago: number, count = 1) => ({ accountId: 'a', feature, day: day(ago), count });

const run = (id: string, d: AccountData) => {
  const def = SIGNAL_LIBRARY[id];
  if (!def) throw new Error(`no signal ${id}`);
  return def.compute(d, ctx);
};
const value = (id: string, d: AccountData) => run(id, d)?.value ?? null;

describe('every signal is registered with its declared metadata', () => {
  it('has 39 built-in signals, each with category, unit, direction and ascending thresholds', () => {
    const all = Object.values(SIGNAL_LIBRARY);
    expect(all).toHaveLength(39);
    for (const s of all) {
      expect(s.label.length).toBeGreaterThan(2);
      expect(s.unit.length).toBeGreaterThan(0);
      expect(['higher-is-better', 'lower-is-better', 'target']).toContain(s.direction);
      for (let i = 1; i < s.thresholds.length; i++)
        expect(s.thresholds[i]![0]).toBeGreaterThanOrEqual(s.thresholds[i - 1]![0]);
      // no signal may read the future: with no data at all it is not available or a neutral count
      const r = s.compute(data({ contracts: [] }), ctx);
      if (r && typeof r.value === 'number') expect(Number.isFinite(r.value)).toBe(true);
    }
  });
});

describe('engagement', () => {
  it('login-frequency: logins per seat per week over 30 days; none without usage or in the first 2 weeks', () => {
    expect(value('login-frequency', data({ usageDaily: usage(29, 0, 2) }))).toBeCloseTo(
      60 / (30 / 7) / 10,
      1,
    );
    expect(value('login-frequency', data())).toBeNull();
    expect(
      value(
        'login-frequency',
        data({
          usageDaily: usage(5, 0, 1),
          contracts: [
            {
              id: 'c',
              accountId: 'a',
              start: day(10),
              end: day(-300),
              arr: 1,
              currency: 'USD',
              seats: 1,
              products: [],
              status: 'active',
            },
          ],
        }),
      ),
    ).toBeNull();
    // day 30 ago is outside the window
    expect(value('login-frequency', data({ usageDaily: usage(30, 30, 100) }))).toBe(0);
  });

  it('login-trend: last 30 days against the 60 before', () => {
    expect(value('login-trend', data({ usageDaily: [...usage(89, 30, 2), ...usage(29, 0, 1)] }))).toBeCloseTo(
      0.5,
      2,
    );
    expect(value('login-trend', data({ usageDaily: [] }))).toBeNull();
    expect(
      run('login-trend', data({ usageDaily: [...usage(89, 30, 1), ...usage(29, 0, 1)] }))!.detail,
    ).toMatch(/up 0%|down 0%/);
  });

  it('stickiness: average DAU over MAU in 30 days', () => {
    const d = data({ userDaily: [...users(['u1'], 29, 0), ...users(['u2'], 2, 0)] });
    expect(run('stickiness', d)!.numeric).toBeCloseTo((30 + 3) / 30 / 2, 3);
    expect(value('stickiness', data())).toBeNull();
    expect(value('stickiness', data({ userDaily: users(['u1'], 40, 31) }))).toBe(0);
  });

  it('active-seats: distinct users in 30 days over licensed seats', () => {
    expect(value('active-seats', data({ userDaily: users(['u1', 'u2', 'u3'], 29, 29) }))).toBe(0.3);
    expect(value('active-seats', data({ contracts: [] }))).toBeNull();
    expect(
      value('active-seats', data({ userDaily: [...users(['u1'], 30, 30), ...users(['u2'], 0, 0)] })),
    ).toBe(0.1);
  });

  it('core-feature-adoption: k of n core features used in 60 days, naming the unused ones', () => {
    const d = data({
      usageDaily: usage(1, 0, 1),
      featureDaily: [feat('a1', 3), feat('a2', 59), feat('a3', 60), feat('other', 1)],
    });
    const r = run('core-feature-adoption', d)!;
    expect(r.value).toBe(0.5);
    expect(r.detail).toContain('not a3, a4');
    expect(value('core-feature-adoption', data({ catalog: [] }))).toBeNull();
  });

  it('usage-trend: weekly slope relative to the mean, over 8 weeks', () => {
    const rising = Array.from({ length: 56 }, (_, i) => ({
      accountId: 'a',
      day: day(i),
      logins: 1,
      events: 56 - i,
      integrationEvents: 0,
      activeUsers: 1,
    }));
    expect(value('usage-trend', data({ usageDaily: rising })) as number).toBeGreaterThan(0);
    expect(value('usage-trend', data({ usageDaily: usage(55, 0, 5) }))).toBe(0);
    expect(value('usage-trend', data())).toBeNull();
  });

  it('workflow-integration: distinct integrations in 30 days', () => {
    const d = data({
      usageDaily: usage(1, 0, 1),
      featureDaily: [feat('integration:crm', 1), feat('integration:api', 29), feat('integration:slack', 30)],
    });
    expect(value('workflow-integration', d)).toBe(2);
    expect(value('workflow-integration', data())).toBeNull();
  });

  it('usage-dip: the weakest of the last 4 weeks against the 8 before', () => {
    const d = data({
      usageDaily: [...usage(83, 28, 10, 10), ...usage(27, 21, 2, 2), ...usage(20, 0, 10, 10)],
    });
    expect(value('usage-dip', d)).toBeCloseTo(0.2, 2);
    expect(value('usage-dip', data({ usageDaily: usage(20, 0, 1) }))).toBeNull();
  });
});

describe('outcomes', () => {
  it('value-milestones: count in 365 days', () => {
    expect(
      value(
        'value-milestones',
        data({
          events: [
            ev(10, 'value_milestone', { milestone: 'x' }),
            ev(364, 'value_milestone', { milestone: 'y' }),
            ev(365, 'value_milestone', { milestone: 'z' }),
          ],
        }),
      ),
    ).toBe(2);
    expect(value('value-milestones', data())).toBe(0);
  });

  it('time-to-value: days from start to the first milestone, only in the first year', () => {
    const young = [
      {
        id: 'c',
        accountId: 'a',
        start: day(100),
        end: day(-265),
        arr: 1,
        currency: 'USD',
        seats: 1,
        products: [],
        status: 'active' as const,
      },
    ];
    expect(
      value(
        'time-to-value',
        data({ contracts: young, events: [ev(70, 'value_milestone', { milestone: 'x' })] }),
      ),
    ).toBe(30);
    expect(value('time-to-value', data({ contracts: young }))).toBe(100);
    expect(value('time-to-value', data())).toBeNull(); // a customer of more than a year
  });

  it('days-since-value: days since the last milestone', () => {
    expect(value('days-since-value', data({ events: [ev(40, 'value_milestone', { milestone: 'x' })] }))).toBe(
      40,
    );
    expect(
      value(
        'days-since-value',
        data({
          contracts: [
            {
              id: 'c',
              accountId: 'a',
              start: day(30),
              end: day(-300),
              arr: 1,
              currency: 'USD',
              products: [],
              status: 'active',
            },
          ],
        }),
      ),
    ).toBeNull();
    expect(
      value('days-since-value', data({ events: [ev(-1, 'value_milestone', { milestone: 'future' })] })),
    ).toBe(400);
  });
});

describe('relationship', () => {
  it('exec-touch-recency: days since an executive touch or a meeting with an executive', () => {
    expect(
      value(
        'exec-touch-recency',
        data({
          events: [
            ev(70, 'executive_touch', {}),
            ev(20, 'meeting', { kind: 'qbr', status: 'held', executivePresent: true }),
          ],
        }),
      ),
    ).toBe(20);
    expect(
      value(
        'exec-touch-recency',
        data({ events: [ev(5, 'meeting', { kind: 'qbr', status: 'held', executivePresent: false })] }),
      ),
    ).toBe(400);
    expect(value('exec-touch-recency', data({ contracts: [] }))).toBeNull();
  });

  it('qbr-attendance: reviews held (with an executive) over those decided in 365 days', () => {
    const d = data({
      events: [
        ev(300, 'meeting', { meetingId: 'q1', kind: 'qbr', status: 'held', executivePresent: true }),
        ev(200, 'meeting', { meetingId: 'q2', kind: 'qbr', status: 'no_show', executivePresent: false }),
        ev(100, 'meeting', { meetingId: 'q3', kind: 'qbr', status: 'held', executivePresent: false }),
        ev(400, 'meeting', { meetingId: 'q0', kind: 'qbr', status: 'held', executivePresent: true }),
      ],
    });
    expect(value('qbr-attendance', d)).toBeCloseTo((1 + 0.75) / 3, 2);
    expect(value('qbr-attendance', data())).toBeNull();
  });

  it('email-response-rate and email-response-time: replies to outbound threads in 90 days', () => {
    const d = data({
      events: [
        ev(10, 'email_outbound', { threadId: 't1' }),
        {
          ...ev(10, 'email_inbound', { threadId: 't1' }, 'u'),
          time: `${day(10)}T16:00:00.000Z`,
        } as VigilEvent,
        ev(20, 'email_outbound', { threadId: 't2' }),
        ev(95, 'email_outbound', { threadId: 't3' }),
      ],
    });
    expect(value('email-response-rate', d)).toBe(0.5);
    expect(value('email-response-time', d)).toBe(6);
    expect(value('email-response-rate', data())).toBeNull();
    expect(
      value('email-response-time', data({ events: [ev(10, 'email_outbound', { threadId: 't1' })] })),
    ).toBeNull();
  });

  it('champion-status: present, never identified, or left (recovering slowly)', () => {
    expect(
      value(
        'champion-status',
        data({ contacts: [{ id: 'c1', accountId: 'a', role: 'champion', joinedAt: day(300) }] }),
      ),
    ).toBe(1);
    expect(value('champion-status', data())).toBe(0.4);
    const left = value(
      'champion-status',
      data({
        contacts: [{ id: 'c1', accountId: 'a', role: 'champion', joinedAt: day(300), leftAt: day(10) }],
      }),
    ) as number;
    expect(left).toBeLessThan(0.1);
    expect(
      value(
        'champion-status',
        data({
          contacts: [{ id: 'c1', accountId: 'a', role: 'champion', joinedAt: day(300), leftAt: day(-5) }],
        }),
      ),
    ).toBe(1);
  });

  it('csm-sentiment: the latest read, fading after its validity', () => {
    expect(
      value(
        'csm-sentiment',
        data({
          events: [
            ev(200, 'csm_sentiment', { sentiment: 'green' }),
            ev(10, 'csm_sentiment', { sentiment: 'red' }),
          ],
        }),
      ),
    ).toBe('red');
    expect(value('csm-sentiment', data())).toBeNull();
    expect(
      run(
        'csm-sentiment',
        data({ events: [ev(100, 'csm_sentiment', { sentiment: 'amber', validDays: 60 })] }),
      )!.freshness,
    ).toBeLessThan(1);
  });

  it('csm-tenure: days since the current CSM took the account', () => {
    expect(
      value(
        'csm-tenure',
        data({ events: [ev(400, 'csm_assigned', { csm: 'old' }), ev(45, 'csm_assigned', { csm: 'new' })] }),
      ),
    ).toBe(45);
    expect(
      value(
        'csm-tenure',
        data({ contracts: [], account: { id: 'a', name: 'A', segment: 'smb', traits: {}, owner: null } }),
      ),
    ).toBeNull();
  });

  it('engaged-contacts: distinct contacts active, replying or answering in 90 days', () => {
    const d = data({
      userDaily: users(['u1', 'u2'], 10, 10),
      events: [ev(5, 'nps_response', { score: 9 }, 'u3'), ev(91, 'email_inbound', { threadId: 'x' }, 'u4')],
    });
    expect(value('engaged-contacts', d)).toBe(3);
    expect(value('engaged-contacts', data())).toBeNull();
  });
});

describe('risk', () => {
  it('open-high-priority-tickets: high/urgent tickets still open', () => {
    const d = data({
      events: [
        ev(20, 'ticket_opened', { ticketId: 'A', priority: 'high' }),
        ev(15, 'ticket_opened', { ticketId: 'B', priority: 'low' }),
        ev(10, 'ticket_updated', { ticketId: 'B', priority: 'urgent' }),
        ev(9, 'ticket_opened', { ticketId: 'C', priority: 'urgent' }),
        ev(2, 'ticket_closed', { ticketId: 'C' }),
        ev(181, 'ticket_opened', { ticketId: 'OLD', priority: 'urgent' }),
      ],
    });
    expect(value('open-high-priority-tickets', d)).toBe(2);
    expect(value('open-high-priority-tickets', data())).toBe(0);
  });

  it('open-escalations: opened and not closed', () => {
    expect(
      value(
        'open-escalations',
        data({
          events: [
            ev(9, 'escalation_opened', { escalationId: 'x' }),
            ev(8, 'escalation_opened', { escalationId: 'y' }),
            ev(1, 'escalation_closed', { escalationId: 'y' }),
          ],
        }),
      ),
    ).toBe(1);
    expect(value('open-escalations', data())).toBe(0);
  });

  it('ticket-volume-trend: tickets in 30 days vs the monthly average of the 90 before', () => {
    const t = (ago: number, i: number) => ev(ago, 'ticket_opened', { ticketId: `t${i}` });
    expect(
      value(
        'ticket-volume-trend',
        data({ events: [t(100, 1), t(60, 2), t(40, 3), t(5, 4), t(6, 5), t(7, 6)] }),
      ),
    ).toBe(3);
    expect(value('ticket-volume-trend', data())).toBe(0);
  });

  it('ticket-sentiment: mean tone of ticket texts in 90 days', () => {
    const angry = ev(5, 'ticket_opened', {
      ticketId: 'a',
      text: 'This is terrible and unacceptable, we are furious.',
    });
    const happy = ev(6, 'ticket_opened', { ticketId: 'b', text: 'Thanks, great help, love it!' });
    expect(run('ticket-sentiment', data({ events: [angry] }))!.numeric).toBeLessThan(-0.5);
    expect(run('ticket-sentiment', data({ events: [happy] }))!.numeric).toBeGreaterThan(0.5);
    expect(value('ticket-sentiment', data())).toBeNull();
    expect(
      value(
        'ticket-sentiment',
        data({ events: [ev(90, 'ticket_opened', { ticketId: 'c', text: 'awful' })] }),
      ),
    ).toBeNull();
  });

  it('nps: the latest answer in 365 days, with its predecessor in the detail', () => {
    const r = run(
      'nps',
      data({ events: [ev(200, 'nps_response', { score: 9 }), ev(20, 'nps_response', { score: 4 })] }),
    )!;
    expect(r.value).toBe(4);
    expect(r.detail).toMatch(/detractor.*was 9/);
    expect(value('nps', data({ events: [ev(365, 'nps_response', { score: 10 })] }))).toBeNull();
  });

  it('billing-disputes: open disputes in 180 days', () => {
    expect(
      value(
        'billing-disputes',
        data({
          events: [
            ev(10, 'billing_dispute', { invoiceId: 'i1', status: 'opened' }),
            ev(9, 'billing_dispute', { invoiceId: 'i2', status: 'opened' }),
            ev(2, 'billing_dispute', { invoiceId: 'i2', status: 'resolved' }),
          ],
        }),
      ),
    ).toBe(1);
    expect(value('billing-disputes', data())).toBeNull();
  });
});

describe('business context: decaying effects', () => {
  for (const [id, kind] of [
    ['layoffs', 'layoffs'],
    ['acquisition', 'acquisition'],
    ['funding', 'funding'],
    ['budget-cut', 'budget_cut'],
    ['leadership-change', 'leadership_change'],
    ['hiring', 'hiring'],
  ] as const) {
    it(`${id}: strongest when fresh, fading with age, not available once faded`, () => {
      const fresh = value(id, data({ events: [ev(1, 'business_event', { kind })] })) as number;
      const older = value(id, data({ events: [ev(60, 'business_event', { kind })] })) as number;
      expect(fresh).toBeGreaterThan(older);
      expect(older).toBeGreaterThan(0);
      expect(value(id, data())).toBeNull();
      expect(value(id, data({ events: [ev(366, 'business_event', { kind })] }))).toBeNull();
    });
  }
});

describe('commercial', () => {
  it('days-to-renewal: days until the current term ends', () => {
    expect(value('days-to-renewal', data())).toBe(101);
    expect(value('days-to-renewal', data({ contracts: [] }))).toBeNull();
  });

  it('cost-per-active-seat: ARR per active user against ARR per seat', () => {
    expect(value('cost-per-active-seat', data({ userDaily: users(['u1', 'u2'], 3, 3) }))).toBe(5);
    expect(value('cost-per-active-seat', data())).toBeNull();
  });

  it('payment-history: worst days late plus 15 per failed payment, and overdue invoices count', () => {
    expect(
      value(
        'payment-history',
        data({
          events: [
            ev(100, 'invoice_paid', { invoiceId: 'i1', daysLate: 12 }),
            ev(50, 'payment_failed', { invoiceId: 'i2' }),
          ],
        }),
      ),
    ).toBe(27);
    expect(
      value(
        'payment-history',
        data({ events: [ev(50, 'invoice_issued', { invoiceId: 'i3', amount: 10, dueDate: day(40) })] }),
      ),
    ).toBe(40);
    expect(value('payment-history', data())).toBeNull();
  });

  it('expansion-activity: expansion signals in 180 days', () => {
    expect(
      value(
        'expansion-activity',
        data({
          events: [
            ev(10, 'expansion_signal', { kind: 'seat_request' }),
            ev(180, 'expansion_signal', { kind: 'upsell_inquiry' }),
          ],
        }),
      ),
    ).toBe(1);
    expect(value('expansion-activity', data())).toBe(0);
  });
});

describe('competitive', () => {
  it('competitor-mentions and rival-feature-requests: counts in 180 days', () => {
    expect(
      value(
        'competitor-mentions',
        data({
          events: [
            ev(1, 'competitor_mention', { competitor: 'X' }),
            ev(179, 'competitor_mention', { competitor: 'Y' }),
            ev(180, 'competitor_mention', { competitor: 'Z' }),
          ],
        }),
      ),
    ).toBe(2);
    expect(
      value('rival-feature-requests', data({ events: [ev(3, 'rival_feature_request', { feature: 'f' })] })),
    ).toBe(1);
    expect(value('competitor-mentions', data())).toBe(0);
  });

  it('evaluation-usage-drop: usage during a noticed evaluation, else not available', () => {
    const d = data({
      usageDaily: [...usage(89, 30, 4), ...usage(29, 0, 1)],
      events: [ev(20, 'evaluation_noticed', { competitor: 'RivalCo' })],
    });
    expect(value('evaluation-usage-drop', d)).toBe(0.25);
    expect(value('evaluation-usage-drop', data({ usageDaily: usage(89, 0, 4) }))).toBeNull();
    expect(
      value(
        'evaluation-usage-drop',
        data({ usageDaily: usage(89, 0, 4), events: [ev(120, 'evaluation_noticed', {})] }),
      ),
    ).toBeNull();
  });
});
