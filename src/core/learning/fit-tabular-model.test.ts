import { describe, expect, it } from 'vitest';
import { fitTabularModel } from './fit-tabular-model.ts';
import { scoreTableRows } from './score-table-rows.ts';
import { generateSyntheticTelco, TELCO_MAPPING } from './synthetic-telco.ts';
import { tableMappingSchema } from './table-mapping.ts';
import { encodeTableRows, fitTabularEncoder } from './tabular-encoder.ts';

const mapping = tableMappingSchema.parse(TELCO_MAPPING);

describe('fitTabularModel on a Telco-like table with planted effects', () => {
  const rows = generateSyntheticTelco(6000, 1);
  const report = fitTabularModel(rows, mapping, { seed: 3, bootstrapIterations: 200 });

  it('ranks held-out customers well above chance', () => {
    // Stratified rounding per class may move one row.
    expect(Math.abs(report.rows.test - 1500)).toBeLessThanOrEqual(1);
    expect(report.rows.train + report.rows.test).toBe(6000);
    expect(report.evaluation.auc as number).toBeGreaterThan(0.78);
    expect(report.evaluation.aucCi.lower as number).toBeGreaterThan(0.74);
    expect(report.evaluation.topDecile.lift as number).toBeGreaterThan(1.8);
  });

  it('finds the planted effects with the right signs', () => {
    const coef = (feature: string) =>
      report.importance.flatMap((t) => t.features).find((f) => f.feature === feature)
        ?.standardizedCoefficient as number;
    expect(coef('Contract=Month-to-month')).toBeGreaterThan(0);
    expect(coef('Contract=Two year')).toBeLessThan(0);
    expect(coef('tenure')).toBeLessThan(0);
    expect(coef('InternetService=Fiber optic')).toBeGreaterThan(0);
    expect(coef('PaymentMethod=Electronic check')).toBeGreaterThan(0);
  });

  it('ranks the strong traits above the ones with no effect', () => {
    const rank = (trait: string) => report.importance.findIndex((t) => t.trait === trait);
    const top3 = report.importance.slice(0, 3).map((t) => t.trait);
    expect(top3).toContain('Contract');
    expect(rank('tenure')).toBeLessThan(rank('gender'));
    expect(rank('Contract')).toBeLessThan(rank('PhoneService'));
    const gender = report.importance.find((t) => t.trait === 'gender');
    expect(Math.abs(gender?.permutationImportance as number)).toBeLessThan(0.01);
  });

  it('is deterministic for a seed', () => {
    const again = fitTabularModel(rows, mapping, { seed: 3, bootstrapIterations: 200 });
    expect(again.evaluation).toEqual(report.evaluation);
  });

  it('scores new rows: a new month-to-month fiber customer is riskier than a long two-year one', () => {
    const fresh = generateSyntheticTelco(200, 99);
    const risky = {
      ...fresh[0],
      customerID: 'risky',
      Contract: 'Month-to-month',
      tenure: '1',
      InternetService: 'Fiber optic',
      PaymentMethod: 'Electronic check',
      TotalCharges: '90',
    };
    const safe = {
      ...fresh[0],
      customerID: 'safe',
      Contract: 'Two year',
      tenure: '70',
      InternetService: 'DSL',
      PaymentMethod: 'Credit card (automatic)',
      TotalCharges: '4000',
    };
    const [r, s] = scoreTableRows(report.model, [risky, safe]);
    expect(r?.id).toBe('risky');
    expect(r?.churnProbability as number).toBeGreaterThan(0.5);
    expect(s?.churnProbability as number).toBeLessThan(0.1);
    expect(r?.drivers.map((d) => d.trait)).toContain('Contract');
    const all = scoreTableRows(report.model, fresh);
    expect(all).toHaveLength(200);
    for (const x of all) expect(x.churnProbability).toBeGreaterThan(0);
  });
});

describe('tabular input handling', () => {
  const rows = generateSyntheticTelco(400, 5);

  it('counts rows without a label or id as rejected instead of failing', () => {
    const withBad = [...rows, { ...rows[0], customerID: 'x1', Churn: '' }, { ...rows[1], customerID: ' ' }];
    const r = fitTabularModel(withBad, mapping, { bootstrapIterations: 20 });
    expect(r.rows.used).toBe(400);
    expect(r.rows.rejected.map((x) => x.reason)).toEqual(['blank Churn', 'blank customerID']);
  });

  it('imputes blank numbers with the training mean and encodes unseen categories as zeros', () => {
    const enc = fitTabularEncoder(rows, mapping);
    const total = enc.numeric.find((n) => n.column === 'TotalCharges');
    expect(total?.missingInTraining).toBe(rows.filter((r) => r.TotalCharges?.trim() === '').length);
    const x = encodeTableRows(enc, [{ ...rows[0], TotalCharges: '', Contract: 'Ten year' }]);
    const at = (name: string) => x[enc.featureNames.indexOf(name)];
    expect(at('TotalCharges')).toBeCloseTo(total?.mean as number, 9);
    expect(at('Contract=Month-to-month')).toBe(0);
    expect(at('Contract=Two year')).toBe(0);
  });

  it('folds rare levels of an id-like column into (other)', () => {
    const enc = fitTabularEncoder(
      rows,
      tableMappingSchema.parse({
        ...TELCO_MAPPING,
        numericColumns: [],
        categoricalColumns: ['customerID'],
        idColumn: 'gender',
        maxLevels: 5,
      }),
    );
    expect(enc.featureNames).toHaveLength(6);
    expect(enc.featureNames).toContain('customerID=(other)');
  });

  it('rejects a mapping that names a missing column, and an empty or unusable mapping', () => {
    expect(() =>
      fitTabularModel(rows, tableMappingSchema.parse({ ...TELCO_MAPPING, numericColumns: ['Nope'] })),
    ).toThrow(/"Nope"/);
    expect(() => tableMappingSchema.parse({ idColumn: 'a', labelColumn: 'b' })).toThrow(/at least one/);
    expect(() =>
      tableMappingSchema.parse({ idColumn: 'a', labelColumn: 'a', numericColumns: ['c'] }),
    ).toThrow(/only once/);
  });

  it('needs both classes', () => {
    const all = rows.map((r) => ({ ...r, Churn: 'No' }));
    expect(() => fitTabularModel(all, mapping)).toThrow(/at least 2 churned/);
  });
});

describe('stratifiedSplit', () => {
  it('keeps the class balance and partitions every row once', async () => {
    const { stratifiedSplit } = await import('./stratified-split.ts');
    const { createPrng } = await import('./prng.ts');
    const labels = Array.from({ length: 103 }, (_, i) => (i % 4 === 0 ? 1 : 0));
    const s = stratifiedSplit(labels, 0.25, createPrng(1));
    expect([...s.train, ...s.test].sort((a, b) => a - b)).toEqual(labels.map((_, i) => i));
    const rate = (idx: number[]) => idx.filter((i) => labels[i] === 1).length / idx.length;
    expect(Math.abs(rate(s.test) - rate(s.train))).toBeLessThan(0.03);
    expect(stratifiedSplit(labels, 0.25, createPrng(1))).toEqual(s);
  });
});
