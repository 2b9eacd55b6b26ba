import { describe, expect, it } from 'vitest';
import type { CatalogFeature } from '../data-model/entities.ts';
import { computeExpansionOpportunity, type ExpansionInput } from './expansion.ts';

const catalog: CatalogFeature[] = [
  ...['reports', 'dashboards', 'alerts', 'exports', 'sharing', 'workflows', 'forecasts', 'audits'].map(
    (k) => ({
      key: k,
      name: k[0]?.toUpperCase() + k.slice(1),
      core: true,
      addOn: false,
      listPrice: null,
    }),
  ),
  { key: 'api', name: 'API', core: false, addOn: true, listPrice: 9000 },
];
const base: ExpansionInput = {
  accountId: 'a1',
  name: 'Acme',
  score: 91,
  topQuartileScore: 85,
  arr: 100_000,
  seats: 50,
  products: ['core'],
  catalog,
  usedFeatures: ['reports', 'dashboards', 'alerts', 'exports', 'sharing'],
  activeUsers: 46,
  expansionSignals: [],
};

describe('computeExpansionOpportunity', () => {
  it('explains unused core features and seat headroom in words and prices the seats', () => {
    const o = computeExpansionOpportunity(base);
    expect(o?.evidence).toBe(
      'uses 5 of 8 core features: not Workflows, Forecasts, Audits; 92% of seats active (46 of 50)',
    );
    expect(o?.unusedCoreFeatures).toEqual(['workflows', 'forecasts', 'audits']);
    // grow to 46 × 1.25 = 58 seats: 8 more at 2,000 each
    expect(o?.potentialArr).toBe(16_000);
  });

  it('adds an add-on the customer asked about at its list price', () => {
    const o = computeExpansionOpportunity({
      ...base,
      activeUsers: 20,
      expansionSignals: [{ kind: 'add_on_interest', product: 'api' }],
    });
    expect(o?.evidence).toContain('40% of seats active');
    expect(o?.evidence).toContain('expansion talk: add on interest (asked about API)');
    expect(o?.potentialArr).toBe(9000);
  });

  it('is null below the top quartile, or when there is nothing to grow into', () => {
    expect(computeExpansionOpportunity({ ...base, score: 84.9 })).toBeNull();
    expect(
      computeExpansionOpportunity({
        ...base,
        usedFeatures: catalog.map((c) => c.key),
        activeUsers: 10,
      }),
    ).toBeNull();
  });

  it('ranks more headroom higher', () => {
    const small = computeExpansionOpportunity({ ...base, activeUsers: 40 });
    const big = computeExpansionOpportunity({ ...base, activeUsers: 50 });
    expect(big!.potentialArr).toBeGreaterThan(small!.potentialArr);
  });
});
