import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scoreTableRows } from '../../core/learning/score-table-rows.ts';
import {
  generateSyntheticTelco,
  TELCO_COLUMNS,
  TELCO_MAPPING,
  toCsv,
} from '../../core/learning/synthetic-telco.ts';
import { learnFromTable, readCsvTable, readTableMapping, readTabularModel } from './learn-from-table.ts';

const dir = mkdtempSync(join(tmpdir(), 'vigil-learn-table-'));
const table = join(dir, 'customers.csv');
const fresh = join(dir, 'new.csv');
const mapping = join(dir, 'mapping.json');
writeFileSync(table, toCsv(generateSyntheticTelco(3000, 11), TELCO_COLUMNS));
writeFileSync(fresh, toCsv(generateSyntheticTelco(40, 12), TELCO_COLUMNS));
writeFileSync(mapping, JSON.stringify(TELCO_MAPPING));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('learnFromTable', () => {
  it('learns from a CSV plus mapping, saves the model and scores new rows with it', () => {
    const save = join(dir, 'model.json');
    const r = learnFromTable({ tablePath: table, mappingPath: mapping, scorePath: fresh, savePath: save });
    expect(r.rows.used).toBe(3000);
    expect(r.evaluation.auc as number).toBeGreaterThan(0.75);
    expect(r.importance[0]?.trait).toBe('Contract');
    expect(r.scored).toHaveLength(40);
    const model = readTabularModel(save);
    const again = scoreTableRows(model, readCsvTable(fresh));
    expect(again.map((s) => s.churnProbability)).toEqual(r.scored?.map((s) => s.churnProbability));
  });

  it('reads YAML mappings too', () => {
    const y = join(dir, 'mapping.yaml');
    writeFileSync(
      y,
      'idColumn: customerID\nlabelColumn: Churn\npositiveValues: [Yes]\nnumericColumns: [tenure]\ncategoricalColumns: [Contract]\n',
    );
    expect(readTableMapping(y).categoricalColumns).toEqual(['Contract']);
  });

  it('explains a bad mapping, a missing file and a non-model JSON as bad input', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ idColumn: 'customerID' }));
    expect(() => readTableMapping(bad)).toThrow(/labelColumn/);
    writeFileSync(bad, '{not json');
    expect(() => readTableMapping(bad)).toThrow(/not valid JSON/);
    expect(() => readCsvTable(join(dir, 'nope.csv'))).toThrow(/cannot read/);
    writeFileSync(bad, JSON.stringify({ kind: 'other' }));
    expect(() => readTabularModel(bad)).toThrow(/not a tabular model/);
    expect(readFileSync(table, 'utf8').split('\n')[0]).toContain('customerID');
  });
});
