import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import type { VigilEvent } from '../data-model/events.ts';
import { bandOf, computeScore, displayedScore, displayScore, normalise } from './compute-score.ts';
import { DEFAULT_HEALTH_MODEL, type HealthModel, healthModelSchema } from './health-model.ts';

const AS_OF = '2026-06-30';

function day(offset: number): string {
  return new Date(Date.parse(`${AS_OF}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);
}

/** A healthy-looking account with a year of data; `tweak` makes it worse in one respect. */
function account(tweak: Partial<AccountData> = {}, extraEvents: VigilEvent[] = []): AccountData {
  const usageDaily = [];
  const userDaily = [];
  const featureDaily = [];
  for (let d = -120; d <= 0; d++) {
    usageDaily.push({
      accountId: 'a',
      day: day(d),
      logins: 8,
      events: 30,
      integrationEvents: 4,
      activeUsers: 6,
    });
    for (let u = 0; u < 6; u++)
      userDaily.push({ accountId: 'a', contactId: `u${u}`, day: day(d), events: 5 });
    for (const f of ['dashboards', 'reports', 'alerts'])
      featureDaily.push({ accountId: 'a', feature: f, day: day(d), count: 5 });
    featureDaily.push({ accountId: 'a', feature: 'integration:salesforce', day: day(d), count: 4 });
  }
  const ev = (
    i: number,
    offset: number,
    type: string,
    properties: Record<string, unknown>,
    contactId: string | null = null,
  ) =>
    ({
      id: `e${i}`,
      accountId: 'a',
      contactId,
      type,
      time: `${day(offset)}T10:00:00.000Z`,
      properties,
    }) as VigilEvent;
  const events: VigilEvent[] = [
    ev(1, -20, 'executive_touch', { channel: 'call' }),
    ev(2, -40, 'meeting', { meetingId: 'q1', kind: 'qbr', status: 'held', executivePresent: true }),
    ev(3, -10, 'email_outbound', { threadId: 't1' }),
    ev(4, -10, 'email_inbound', { threadId: 't1', text: 'thanks' }, 'u1'),
    ev(5, -30, 'nps_response', { score: 9 }, 'u1'),
    ev(6, -15, 'csm_sentiment', { sentiment: 'green' }),
    ev(7, -60, 'value_milestone', { milestone: 'first report' }),
    ev(8, -50, 'invoice_issued', { invoiceId: 'i1', amount: 1000, dueDate: day(-20) }),
    ev(9, -25, 'invoice_paid', { invoiceId: 'i1', daysLate: 0 }),
    ...extraEvents,
  ].sort((a, b) => (a.time < b.time ? -1 : 1));
  return {
    account: {
      id: 'a',
      name: 'A',
      segment: 'mid-market',
      traits: { employees: 400, plan: 'growth' },
      owner: 'csm-1',
    },
    contracts: [
      {
        id: 'c1',
        accountId: 'a',
        start: day(-200),
        end: day(165),
        arr: 60000,
        currency: 'USD',
        seats: 8,
        products: [],
        status: 'active',
      },
    ],
    contacts: [
      { id: 'u1', accountId: 'a', role: 'champion', name: 'Champ', joinedAt: day(-200) },
      { id: 'u2', accountId: 'a', role: 'executive_sponsor', name: 'Exec', joinedAt: day(-200) },
    ],
    events,
    usageDaily,
    featureDaily,
    userDaily,
    catalog: ['dashboards', 'reports', 'alerts', 'workflows'].map((key) => ({
      key,
      core: true,
      addOn: false,
    })),
    ...tweak,
  };
}

describe('computeScore', () => {
  it('scores a healthy account healthy, with weights summing to 1 and full drivers', () => {
    const r = computeScore(account(), DEFAULT_HEALTH_MODEL, AS_OF, { modelVersion: 3 });
    expect(r.band).toBe('healthy');
    expect(r.score).toBeGreaterThanOrEqual(80);
    expect(r.modelVersion).toBe(3);
    const total = r.signals.reduce((s, x) => s + x.weight, 0);
    expect(total).toBeCloseTo(1, 2);
    const points = r.signals.reduce((s, x) => s + x.points, 0);
    expect(points).toBeCloseTo(r.score, 0);
    expect(r.drivers.up.length).toBeGreaterThan(0);
    expect(r.drivers.lift).toBeNull();
  });

  it('a champion leaving, silence and angry tickets pull the score down, and the drivers say so', () => {
    const healthy = computeScore(account(), DEFAULT_HEALTH_MODEL, AS_OF);
    const bad = account(
      {
        contacts: [
          {
            id: 'u1',
            accountId: 'a',
            role: 'champion',
            name: 'Champ',
            joinedAt: day(-200),
            leftAt: day(-20),
          },
        ],
        usageDaily: account().usageDaily.map((u) => (u.day > day(-30) ? { ...u, logins: 1, events: 4 } : u)),
      },
      [
        {
          id: 'x1',
          accountId: 'a',
          contactId: null,
          type: 'ticket_opened',
          time: `${day(-5)}T10:00:00.000Z`,
          properties: {
            ticketId: 'T1',
            priority: 'urgent',
            text: 'This is broken again, terrible and unacceptable. We are very frustrated.',
          },
        } as VigilEvent,
        {
          id: 'x2',
          accountId: 'a',
          contactId: null,
          type: 'competitor_mention',
          time: `${day(-3)}T10:00:00.000Z`,
          properties: { competitor: 'RivalCo' },
        } as VigilEvent,
      ],
    );
    const r = computeScore(bad, DEFAULT_HEALTH_MODEL, AS_OF, { previous: healthy });
    expect(r.score).toBeLessThan(healthy.score - 10);
    const down = r.drivers.down.map((d) => d.signalId);
    expect(down.length).toBeGreaterThan(0);
    expect(r.drivers.warnings!.map((d) => d.signalId)).toContain('champion-status');
    expect(r.drivers.moved.map((d) => d.signalId)).toContain('champion-status');
    expect(r.signals.find((s) => s.signalId === 'ticket-sentiment')!.subScore).toBeLessThan(40);
    // warning signs: every weighted signal in the critical range, by severity × weight (points lost)
    const warnings = r.drivers.warnings!;
    expect(warnings.map((d) => d.signalId)).toEqual(
      expect.arrayContaining(['champion-status', 'ticket-sentiment', 'usage-dip']),
    );
    const critical = r.signals.filter(
      (s) => s.weight > 0 && s.subScore !== null && s.subScore < DEFAULT_HEALTH_MODEL.bands.atRisk,
    );
    expect(warnings).toHaveLength(critical.length);
    const lost = warnings.map((w) => -w.points);
    expect([...lost].sort((a, b) => b - a)).toEqual(lost);
    const healthyWarnings = healthy.drivers.warnings!.map((d) => d.signalId);
    for (const id of ['champion-status', 'ticket-sentiment', 'usage-dip'])
      expect(healthyWarnings).not.toContain(id);
    if (r.band !== 'healthy') expect(r.drivers.lift!.suggestions.length).toBeGreaterThan(0);
  });

  it('redistributes a missing signal within its category and an empty category across the others', () => {
    const model: HealthModel = healthModelSchema.parse({
      categories: { engagement: { weight: 1 }, risk: { weight: 1 }, business: { weight: 2 } },
      signals: {
        'login-frequency': { weight: 1 },
        'active-seats': { weight: 3 },
        nps: { weight: 1 },
        layoffs: { weight: 1 },
      },
    });
    const r = computeScore(
      account({
        contracts: [
          {
            id: 'c1',
            accountId: 'a',
            start: day(-200),
            end: day(165),
            arr: 1,
            currency: 'USD',
            seats: null,
            products: [],
            status: 'active',
          },
        ],
      }),
      model,
      AS_OF,
    );
    const w = Object.fromEntries(r.signals.map((s) => [s.signalId, s.weight]));
    // active-seats has no seats → not available: login-frequency carries engagement alone;
    // business (no events) is empty: engagement and risk split everything
    expect(w['active-seats']).toBe(0);
    expect(w['login-frequency']).toBeCloseTo(0.5, 3);
    expect(w.nps).toBeCloseTo(0.5, 3);
    expect(w.layoffs).toBe(0);
    // coverage: engagement 1/4 of its weight, risk full, business none → (1·0.25 + 1·1 + 2·0) / 4
    expect(r.coverage).toBeCloseTo(0.31, 2);
  });

  it('lets a stale CSM sentiment fade instead of lingering', () => {
    const withRed = (ago: number) => {
      const base = account();
      const red = {
        id: 's1',
        accountId: 'a',
        contactId: null,
        type: 'csm_sentiment',
        time: `${day(-ago)}T12:00:00.000Z`,
        properties: { sentiment: 'red', validDays: 30 },
      } as VigilEvent;
      const events = [...base.events.filter((e) => e.type !== 'csm_sentiment'), red];
      return computeScore({ ...base, events }, DEFAULT_HEALTH_MODEL, AS_OF).signals.find(
        (s) => s.signalId === 'csm-sentiment',
      )!;
    };
    expect(withRed(10).freshness).toBe(1);
    expect(withRed(45).freshness).toBeLessThan(1);
    expect(withRed(45).freshness).toBeGreaterThan(withRed(80).freshness);
    expect(withRed(200).subScore).toBeNull();
  });

  it('is deterministic and never sees data after its as-of date', () => {
    const base = account();
    const a = computeScore(base, DEFAULT_HEALTH_MODEL, AS_OF);
    expect(computeScore(base, DEFAULT_HEALTH_MODEL, AS_OF)).toEqual(a);
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            offset: fc.integer({ min: 1, max: 200 }),
            type: fc.constantFrom(
              'competitor_mention',
              'ticket_opened',
              'nps_response',
              'csm_sentiment',
              'value_milestone',
              'contact_change',
            ),
          }),
          { maxLength: 8 },
        ),
        fc.integer({ min: 1, max: 300 }),
        (future, usageDays) => {
          const props: Record<string, Record<string, unknown>> = {
            competitor_mention: { competitor: 'X' },
            ticket_opened: { ticketId: 'F', priority: 'urgent', text: 'awful' },
            nps_response: { score: 0 },
            csm_sentiment: { sentiment: 'red' },
            value_milestone: { milestone: 'm' },
            contact_change: { change: 'left', role: 'champion' },
          };
          const events = [
            ...base.events,
            ...future.map(
              (f, i) =>
                ({
                  id: `f${i}`,
                  accountId: 'a',
                  contactId: null,
                  type: f.type,
                  time: `${day(f.offset)}T01:00:00.000Z`,
                  properties: props[f.type]!,
                }) as VigilEvent,
            ),
          ];
          const usageDaily = [
            ...base.usageDaily,
            ...Array.from({ length: usageDays }, (_, i) => ({
              accountId: 'a',
              day: day(i + 1),
              logins: 0,
              events: 0,
              integrationEvents: 0,
              activeUsers: 0,
            })),
          ];
          const r = computeScore({ ...base, events, usageDaily }, DEFAULT_HEALTH_MODEL, AS_OF);
          expect(r.score).toBe(a.score);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('keeps score in 0–100 and coverage in 0–1, and never fills missing data with a good score', () => {
    const base = account({}, [
      {
        id: 'b1',
        accountId: 'a',
        contactId: null,
        type: 'ticket_opened',
        time: `${day(-4)}T10:00:00.000Z`,
        properties: { ticketId: 'T', priority: 'urgent', text: 'terrible outage, unacceptable' },
      } as VigilEvent,
      {
        id: 'b2',
        accountId: 'a',
        contactId: null,
        type: 'competitor_mention',
        time: `${day(-6)}T10:00:00.000Z`,
        properties: { competitor: 'X' },
      } as VigilEvent,
    ]);
    const full = computeScore(base, DEFAULT_HEALTH_MODEL, AS_OF);
    fc.assert(
      fc.property(
        fc.subarray(base.events.map((e) => e.id)),
        fc.boolean(),
        fc.boolean(),
        fc.boolean(),
        (keep, keepUsage, keepUsers, keepContracts) => {
          const d: AccountData = {
            ...base,
            events: base.events.filter((e) => keep.includes(e.id)),
            usageDaily: keepUsage ? base.usageDaily : [],
            userDaily: keepUsers ? base.userDaily : [],
            featureDaily: keepUsage ? base.featureDaily : [],
            contracts: keepContracts ? base.contracts : [],
          };
          const r = computeScore(d, DEFAULT_HEALTH_MODEL, AS_OF);
          expect(r.score).toBeGreaterThanOrEqual(0);
          expect(r.score).toBeLessThanOrEqual(100);
          expect(r.coverage).toBeGreaterThanOrEqual(0);
          expect(r.coverage).toBeLessThanOrEqual(1);
          // less data never means more coverage
          expect(r.coverage).toBeLessThanOrEqual(full.coverage + 1e-9);
          // the score is a weighted mean of the signals that have data: missing ones are not counted as perfect
          const live = r.signals.filter((x) => x.weight > 0 && x.subScore !== null).map((x) => x.subScore!);
          if (live.length > 0) {
            expect(r.rawScore!).toBeGreaterThanOrEqual(Math.min(...live) - 0.1);
            expect(r.rawScore!).toBeLessThanOrEqual(Math.max(...live) + 0.1);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('bands the displayed score on the product lines 80 / 50, with one rounding rule', () => {
    expect(bandOf(80)).toBe('healthy');
    // the band is the band of the number shown (a whole number)
    expect(bandOf(79.5)).toBe('healthy');
    expect(displayScore(79.5)).toBe(80);
    expect(bandOf(79.4)).toBe('at-risk');
    expect(displayScore(79.4)).toBe(79);
    expect(bandOf(50)).toBe('at-risk');
    expect(bandOf(49.5)).toBe('at-risk');
    expect(bandOf(49.4)).toBe('critical');
    for (const x of [49.49, 49.5, 79.49, 79.5, 79.6, 79.95]) expect(bandOf(x)).toBe(bandOf(displayScore(x)));
  });

  it('calibrates the raw score so the model cut-points show as 80 and 50 (monotone, 0→0, 100→100)', () => {
    const bands = { healthy: 62, atRisk: 45 };
    expect(displayedScore(0, bands)).toBe(0);
    expect(displayedScore(45, bands)).toBe(50);
    expect(displayedScore(62, bands)).toBe(80);
    expect(displayedScore(100, bands)).toBe(100);
    // hand-computed: halfway between 45 and 62 is halfway between 50 and 80; 81 is halfway to 100
    expect(displayedScore(53.5, bands)).toBe(65);
    expect(displayedScore(81, bands)).toBe(90);
    expect(displayedScore(22.5, bands)).toBe(25);
    // a model with the product's own cut-points shows its raw score
    for (const x of [0, 12.3, 49.9, 50, 79.5, 80, 100])
      expect(displayedScore(x, { healthy: 80, atRisk: 50 })).toBe(x);
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 100, noNaN: true }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (a, b) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          expect(displayedScore(lo, bands)).toBeLessThanOrEqual(displayedScore(hi, bands));
        },
      ),
    );
    // raw just under the healthy cut still shows 80 and is healthy: band and number agree
    const r = 61.7; // → 79.5
    expect(displayedScore(r, bands)).toBe(79.5);
    expect(bandOf(displayedScore(r, bands))).toBe('healthy');
  });

  it('shows a retuned model on the product scale: band from the displayed score, raw kept', () => {
    const r = computeScore(account(), DEFAULT_HEALTH_MODEL, AS_OF);
    expect(r.rawScore).toBeDefined();
    expect(r.score).toBe(displayedScore(r.rawScore!, DEFAULT_HEALTH_MODEL.bands));
    expect(r.band).toBe(bandOf(r.score));
    // raw at the model's cut-points is exactly on the display lines
    expect(DEFAULT_HEALTH_MODEL.bands).toEqual({ healthy: 62, atRisk: 45 });
  });

  it('explains in displayed points: perfecting a lever moves the displayed score by its "+N points"', () => {
    const bad = account(
      {
        usageDaily: account().usageDaily.map((u) => (u.day > day(-30) ? { ...u, logins: 1, events: 4 } : u)),
      },
      [
        {
          id: 'x2',
          accountId: 'a',
          contactId: null,
          type: 'csm_sentiment',
          time: `${day(-2)}T10:00:00.000Z`,
          properties: { sentiment: 'red' },
        } as VigilEvent,
      ],
    );
    for (const model of [
      DEFAULT_HEALTH_MODEL,
      { ...DEFAULT_HEALTH_MODEL, bands: { healthy: 80, atRisk: 50 } },
    ]) {
      const r = computeScore(bad, model, AS_OF);
      expect(r.signals.reduce((s, x) => s + x.points, 0)).toBeCloseTo(r.score, 0);
      const worst = r.signals.filter((s) => s.weight > 0).sort((a, b) => b.gap - a.gap)[0]!;
      expect(worst.gap).toBeGreaterThan(0.5);
      // the same model with that one signal forced to a perfect sub-score
      const perfect = {
        ...model,
        signals: {
          ...model.signals,
          [worst.signalId]: {
            weight: model.signals[worst.signalId]!.weight,
            thresholds: [[0, 100]] as [number, number][],
          },
        },
      };
      const after = computeScore(bad, perfect, AS_OF);
      expect(after.score - r.score).toBeCloseTo(worst.gap, 0);
      for (const lever of r.drivers.lift?.suggestions ?? [])
        expect(lever.action).toMatch(/: \+\d+(\.\d)? points$/);
    }
  });

  it('normalises piecewise-linearly, flat beyond the ends', () => {
    expect(
      normalise(5, [
        [0, 0],
        [10, 100],
      ]),
    ).toBe(50);
    expect(
      normalise(-1, [
        [0, 20],
        [10, 100],
      ]),
    ).toBe(20);
    expect(
      normalise(99, [
        [0, 20],
        [10, 100],
      ]),
    ).toBe(100);
  });

  it('scores declared custom signals from traits and event counts, and applies segment weights', () => {
    const model = healthModelSchema.parse({
      ...DEFAULT_HEALTH_MODEL,
      categories: { ...DEFAULT_HEALTH_MODEL.categories, custom: { weight: 0.5 } },
      custom: [
        {
          id: 'plan-tier',
          label: 'Plan',
          weight: 1,
          source: { trait: 'plan' },
          categories: { growth: 20, premium: 100 },
        },
        {
          id: 'size',
          label: 'Employees',
          weight: 1,
          source: { trait: 'employees' },
          thresholds: [
            [0, 0],
            [1000, 100],
          ],
        },
        {
          id: 'notes',
          label: 'CSM notes',
          weight: 1,
          source: { eventCount: { type: 'csm_note', windowDays: 90 } },
          thresholds: [
            [0, 0],
            [2, 100],
          ],
        },
      ],
      segments: { 'mid-market': { signals: { nps: 0 } } },
    });
    const r = computeScore(account(), model, AS_OF);
    const s = Object.fromEntries(r.signals.map((x) => [x.signalId, x]));
    expect(s['plan-tier']!.subScore).toBe(20);
    expect(s.size!.subScore).toBe(40);
    expect(s.notes!.subScore).toBe(0);
    expect(s.nps!.weight).toBe(0);
  });

  it('rejects a model with bands the wrong way round, naming the field', () => {
    const bad = healthModelSchema.safeParse({ ...DEFAULT_HEALTH_MODEL, bands: { healthy: 40, atRisk: 60 } });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]!.path.join('.')).toBe('bands');
  });
});

describe('data sources', () => {
  const extent = (first: string, last: string) => ({
    first,
    last,
    rows: 1000,
    accounts: 10,
    activeDays: 200,
  });
  const everything = (last: string) =>
    Object.fromEntries(
      [
        'logins',
        'feature-usage',
        'meetings',
        'email',
        'tickets',
        'nps',
        'csm-notes',
        'billing',
        'outcomes',
        'contacts',
        'contracts',
      ].map((s) => [s, extent('2025-01-01', last)]),
    );

  it('a source the workspace never sent is not available: weight moves on, coverage says so, no explanation names it', () => {
    const full = computeScore({ ...account(), sources: everything(AS_OF) }, DEFAULT_HEALTH_MODEL, AS_OF);
    const noLogins = everything(AS_OF);
    delete noLogins.logins;
    const r = computeScore(
      {
        ...account({ usageDaily: account().usageDaily.map((u) => ({ ...u, logins: 0 })) }),
        sources: noLogins,
      },
      DEFAULT_HEALTH_MODEL,
      AS_OF,
    );
    const lf = r.signals.find((s) => s.signalId === 'login-frequency')!;
    expect(lf).toMatchObject({ value: null, subScore: null, weight: 0, detail: 'no login data connected' });
    expect(r.signals.find((s) => s.signalId === 'login-trend')!.detail).toBe('no login data connected');
    expect(r.coverage).toBeLessThan(full.coverage);
    expect(r.sources!.absent).toContain('logins');
    const named = [
      ...r.drivers.down,
      ...r.drivers.up,
      ...r.drivers.warnings!,
      ...(r.drivers.lift?.suggestions ?? []),
    ];
    expect(named.map((d) => d.signalId)).not.toContain('login-frequency');
    expect(r.signals.reduce((s, x) => s + x.weight, 0)).toBeCloseTo(1, 2);
    // a declaration in the model wins: "we do send tickets" makes their absence count
    const declared = healthModelSchema.parse({ ...DEFAULT_HEALTH_MODEL, sources: { logins: false } });
    const d = computeScore({ ...account(), sources: everything(AS_OF) }, declared, AS_OF);
    expect(d.signals.find((s) => s.signalId === 'login-frequency')!.detail).toBe('no login data connected');
  });

  it('a feed that stopped is held at its last good value, never read as a collapse', () => {
    // the data ends 20 days before the as-of date for every source
    const last = day(-20);
    const cut = account();
    const data: AccountData = {
      ...cut,
      events: cut.events.filter((e) => e.time.slice(0, 10) <= last),
      usageDaily: cut.usageDaily.filter((u) => u.day <= last),
      userDaily: cut.userDaily.filter((u) => u.day <= last),
      featureDaily: cut.featureDaily.filter((u) => u.day <= last),
    };
    const naive = computeScore(data, DEFAULT_HEALTH_MODEL, AS_OF);
    const aware = computeScore({ ...data, sources: everything(last) }, DEFAULT_HEALTH_MODEL, AS_OF);
    const atEnd = computeScore({ ...data, sources: everything(last) }, DEFAULT_HEALTH_MODEL, last);
    // without source tracking, 20 silent days read as logins collapsing
    expect(naive.signals.find((s) => s.signalId === 'login-frequency')!.subScore!).toBeLessThan(
      atEnd.signals.find((s) => s.signalId === 'login-frequency')!.subScore!,
    );
    for (const id of ['login-frequency', 'login-trend', 'usage-trend', 'active-seats']) {
      const held = aware.signals.find((s) => s.signalId === id)!;
      expect(held.subScore).toBe(atEnd.signals.find((s) => s.signalId === id)!.subScore);
      expect(held.detail).toMatch(new RegExp(`held at ${last}: feed silent 20 days`));
    }
    expect(aware.sources!.stale.map((s) => s.source)).toContain('logins');
    expect(aware.score).toBeGreaterThan(naive.score);
  });
});
