import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import { SIGNAL_CATEGORIES } from '../signals/signal-category.ts';
import { bandOf, computeScore } from './compute-score.ts';
import { DEFAULT_HEALTH_MODEL, healthModelSchema } from './health-model.ts';

/**
 * Malformed health-model documents (as they arrive: parsed JSON from a file, a training run or the
 * database) are refused by `healthModelSchema` with an issue at the field, never an exception; and
 * any document it accepts scores an account to a finite number from 0 to 100.
 */
const AS_OF = '2026-06-30';
const day = (offset: number) =>
  new Date(Date.parse(`${AS_OF}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

function account(): AccountData {
  const usageDaily = [];
  const userDaily = [];
  const featureDaily = [];
  for (let d = -90; d <= 0; d++) {
    usageDaily.push({
      accountId: 'a',
      day: day(d),
      logins: 5,
      events: 20,
      integrationEvents: 2,
      activeUsers: 4,
    });
    for (let u = 0; u < 4; u++)
      userDaily.push({ accountId: 'a', contactId: `u${u}`, day: day(d), events: 5 });
    featureDaily.push({ accountId: 'a', feature: 'reports', day: day(d), count: 5 });
  }
  return {
    account: {
      id: 'a',
      name: 'A',
      segment: 'smb',
      traits: { employees: 40, plan: 'growth' },
      owner: 'csm-1',
    },
    contracts: [
      {
        id: 'c1',
        accountId: 'a',
        start: day(-200),
        end: day(165),
        arr: 12000,
        currency: 'USD',
        seats: 8,
        products: [],
        status: 'active',
      },
    ],
    contacts: [{ id: 'u1', accountId: 'a', role: 'champion', name: 'Champ', joinedAt: day(-200) }],
    events: [
      {
        id: 'e1',
        accountId: 'a',
        contactId: 'u1',
        type: 'nps_response',
        time: `${day(-30)}T10:00:00.000Z`,
        properties: { score: 8 },
      } as AccountData['events'][number],
    ],
    usageDaily,
    featureDaily,
    userDaily,
    catalog: [{ key: 'reports', core: true, addOn: false }],
  };
}

const base = JSON.parse(JSON.stringify(DEFAULT_HEALTH_MODEL)) as Record<string, unknown>;
const withField = (patch: Record<string, unknown>) => ({ ...base, ...patch });
const deepObject = (n: number): unknown => JSON.parse(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
const MB = 1024 * 1024;

type Case = { name: string; doc: unknown; path: RegExp };
const CASES: Case[] = [
  { name: 'null', doc: null, path: /^$/ },
  { name: 'a number', doc: 42, path: /^$/ },
  { name: 'a string', doc: 'model', path: /^$/ },
  { name: 'a list', doc: [base], path: /^$/ },
  { name: 'no signals', doc: { categories: base.categories }, path: /^signals$/ },
  { name: 'no categories', doc: { signals: base.signals }, path: /^categories$/ },
  {
    name: 'a negative signal weight',
    doc: withField({ signals: { 'login-frequency': { weight: -1 } } }),
    path: /^signals\.login-frequency\.weight$/,
  },
  {
    name: 'a weight as text',
    doc: withField({ signals: { nps: { weight: '2' } } }),
    path: /^signals\.nps\.weight$/,
  },
  {
    name: 'an infinite weight (1e999 in JSON)',
    doc: JSON.parse('{"categories":{},"signals":{"nps":{"weight":1e999}}}'),
    path: /^signals\.nps\.weight$/,
  },
  {
    name: 'an infinite category weight',
    doc: withField({ categories: { engagement: { weight: Number.POSITIVE_INFINITY } } }),
    path: /^categories\.engagement\.weight$/,
  },
  {
    name: 'NaN in thresholds',
    doc: withField({ signals: { nps: { weight: 1, thresholds: [[0, Number.NaN]] } } }),
    path: /^signals\.nps\.thresholds/,
  },
  {
    name: 'an unknown category',
    doc: withField({ categories: { vibes: { weight: 1 } } }),
    path: /^categories/,
  },
  {
    name: 'thresholds not ascending',
    doc: withField({
      signals: {
        nps: {
          weight: 1,
          thresholds: [
            [5, 10],
            [1, 90],
          ],
        },
      },
    }),
    path: /^signals\.nps\.thresholds$/,
  },
  {
    name: 'a threshold score above 100',
    doc: withField({ signals: { nps: { weight: 1, thresholds: [[0, 150]] } } }),
    path: /^signals\.nps\.thresholds\.0\.1$/,
  },
  {
    name: 'empty thresholds',
    doc: withField({ signals: { nps: { weight: 1, thresholds: [] } } }),
    path: /^signals\.nps\.thresholds$/,
  },
  {
    name: 'a threshold that is not a pair',
    doc: withField({ signals: { nps: { weight: 1, thresholds: [[1, 2, 3]] } } }),
    path: /^signals\.nps\.thresholds\.0/,
  },
  { name: 'bands upside down', doc: withField({ bands: { healthy: 40, atRisk: 60 } }), path: /^bands$/ },
  {
    name: 'a band above 100',
    doc: withField({ bands: { healthy: 180, atRisk: 60 } }),
    path: /^bands\.healthy$/,
  },
  {
    name: 'a custom signal with a bad id',
    doc: withField({ custom: [{ id: 'Bad Id', label: 'x', weight: 1, source: { trait: 'employees' } }] }),
    path: /^custom\.0\.id$/,
  },
  {
    name: 'a custom signal without a source',
    doc: withField({ custom: [{ id: 'x', label: 'x', weight: 1 }] }),
    path: /^custom\.0\.source$/,
  },
  {
    name: 'a custom event window of 0 days',
    doc: withField({
      custom: [
        { id: 'x', label: 'x', weight: 1, source: { eventCount: { type: 'meeting', windowDays: 0 } } },
      ],
    }),
    path: /^custom\.0\.source/,
  },
  {
    name: 'a categorical sub-score of -5',
    doc: withField({
      custom: [{ id: 'x', label: 'x', weight: 1, source: { trait: 'plan' }, categories: { growth: -5 } }],
    }),
    path: /^custom\.0\.categories\.growth$/,
  },
  { name: 'custom is an object', doc: withField({ custom: { id: 'x' } }), path: /^custom$/ },
  { name: 'sentimentValidDays 0', doc: withField({ sentimentValidDays: 0 }), path: /^sentimentValidDays$/ },
  { name: 'lookbackDays 1.5', doc: withField({ lookbackDays: 1.5 }), path: /^lookbackDays$/ },
  {
    name: 'a segment weight override of -1',
    doc: withField({ segments: { smb: { signals: { nps: -1 } } } }),
    path: /^segments\.smb\.signals\.nps$/,
  },
  {
    name: 'a churn calibration without a horizon',
    doc: withField({ churnCalibration: { a: 1, b: -0.05 } }),
    path: /^churnCalibration\.horizonDays$/,
  },
  {
    name: 'a signal setting nested 10,000 deep',
    doc: withField({ signals: { nps: deepObject(10_000) } }),
    path: /^signals\.nps\.weight$/,
  },
  {
    name: 'a description nested 10,000 deep',
    doc: withField({ description: deepObject(10_000) }),
    path: /^description$/,
  },
  {
    name: 'a 1 MB name that is a number list',
    doc: withField({ name: Array.from({ length: MB / 8 }, () => 1) }),
    path: /^name$/,
  },
];

describe('malformed health-model documents', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: refused at its field', (_n, c) => {
    const r = healthModelSchema.safeParse(c.doc);
    expect(r.success).toBe(false);
    if (r.success) return;
    const paths = r.error.issues.map((i) => i.path.map(String).join('.'));
    expect(
      paths.some((p) => c.path.test(p)),
      paths.join(', '),
    ).toBe(true);
    // the message stays readable: no megabyte of quoted input
    expect(r.error.message.length).toBeLessThan(20_000);
  });

  it('a 1 MB name and a 1 MB signal id are accepted and ignored by scoring, not a crash', () => {
    const big = 'x'.repeat(MB);
    const r = healthModelSchema.safeParse(
      withField({ name: big, signals: { ...(base.signals as object), [big]: { weight: 3 } } }),
    );
    expect(r.success).toBe(true);
    if (!r.success) return;
    const s = computeScore(account(), r.data, AS_OF);
    const ref = computeScore(account(), DEFAULT_HEALTH_MODEL, AS_OF);
    expect(s.score).toBe(ref.score);
  });

  it('__proto__ and constructor keys neither pollute nor crash', () => {
    const doc = JSON.parse(
      `{"categories":{"__proto__":{"weight":1}},"signals":{"__proto__":{"weight":1},"constructor":{"weight":2}},"segments":{"__proto__":{"signals":{"polluted":1}}}}`,
    );
    expect(() => healthModelSchema.safeParse(doc)).not.toThrow();
    expect(({} as Record<string, unknown>).weight).toBeUndefined();
    expect(({} as Record<string, unknown>).signals).toBeUndefined();
  });
});

describe('random model documents (fast-check)', () => {
  it('any JSON value is accepted or refused, never thrown on', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), (doc) => {
        const r = healthModelSchema.safeParse(doc);
        if (!r.success) expect(r.error.issues.length).toBeGreaterThan(0);
      }),
      { numRuns: 500, seed: 5 },
    );
  });

  const signalIds = Object.keys(base.signals as object);
  // valid-looking documents with extreme weights (0, tiny, huge, all on one signal), so most are accepted
  const weight = fc.oneof(
    fc.constant(0),
    fc.double({ min: 0, max: 1e9, noNaN: true }),
    fc.integer({ min: 0, max: 10 }),
  );
  const modelish = fc.record({
    categories: fc.dictionary(fc.constantFrom(...SIGNAL_CATEGORIES), fc.record({ weight })),
    signals: fc.dictionary(fc.constantFrom(...signalIds, 'unknown-signal'), fc.record({ weight })),
    bands: fc
      .integer({ min: 1, max: 100 })
      .chain((healthy) =>
        fc.record({ healthy: fc.constant(healthy), atRisk: fc.integer({ min: 0, max: healthy - 1 }) }),
      ),
  });

  it('every accepted document scores an account to a finite 0..100 (or no score) with a matching band', () => {
    let accepted = 0;
    const data = account();
    fc.assert(
      fc.property(modelish, (doc) => {
        const r = healthModelSchema.safeParse(doc);
        if (!r.success) return;
        accepted++;
        const s = computeScore(data, r.data, AS_OF);
        if (s.score === null) return;
        expect(Number.isFinite(s.score)).toBe(true);
        expect(s.score).toBeGreaterThanOrEqual(0);
        expect(s.score).toBeLessThanOrEqual(100);
        for (const x of s.signals) expect(Number.isFinite(x.weight)).toBe(true);
        expect(s.band).toBe(bandOf(s.score));
      }),
      { numRuns: 400, seed: 11 },
    );
    expect(accepted).toBeGreaterThan(300);
  });
});
