import { readFileSync, writeFileSync } from 'node:fs';
import Papa from 'papaparse';
import { parse as parseYaml } from 'yaml';
import { AppError } from '../../core/errors.ts';
import {
  type FitTabularReport,
  fitTabularModel,
  type TabularModel,
} from '../../core/learning/fit-tabular-model.ts';
import { type ScoredTableRow, scoreTableRows } from '../../core/learning/score-table-rows.ts';
import { type TableMapping, type TableRow, tableMappingSchema } from '../../core/learning/table-mapping.ts';

export type LearnFromTableOptions = {
  tablePath: string;
  /** JSON or YAML file holding a table mapping. */
  mappingPath: string;
  /** Optional CSV of new customers to score with the learned model. */
  scorePath?: string;
  /** Where to write the learned model as JSON (to score later without relearning). */
  savePath?: string;
  testFraction?: number;
  seed?: number;
  l2?: number;
};

export type LearnFromTableReport = Omit<FitTabularReport, 'model'> & {
  table: string;
  featureCount: number;
  savedTo: string | null;
  scored: ScoredTableRow[] | null;
};

export function readCsvTable(path: string): TableRow[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read ${path}: ${(e as Error).message}`);
  }
  // PapaParse, as everywhere else (ADR 0001); short or long rows are kept (as csv-parse's relax_column_count did)
  const parsed = Papa.parse<TableRow>(text.replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true });
  const bad = parsed.errors.find((e) => e.type === 'Quotes' || e.type === 'Delimiter');
  if (bad)
    throw new AppError('BAD_INPUT', `${path} is not valid CSV: ${bad.message} (row ${(bad.row ?? 0) + 2})`);
  for (const row of parsed.data) delete (row as Record<string, unknown>).__parsed_extra;
  return parsed.data;
}

export function readTableMapping(path: string): TableMapping {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read mapping ${path}: ${(e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = /\.ya?ml$/i.test(path) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw new AppError(
      'BAD_INPUT',
      `mapping ${path} is not valid ${/\.ya?ml$/i.test(path) ? 'YAML' : 'JSON'}: ${(e as Error).message}`,
    );
  }
  const parsed = tableMappingSchema.safeParse(raw);
  if (!parsed.success)
    throw new AppError(
      'BAD_INPUT',
      `mapping ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(mapping)'}: ${i.message}`).join('; ')}`,
    );
  return parsed.data;
}

/**
 * The tabular path: a customer table with a churned yes/no column, without event history. Learns
 * which traits predict churn, reports held-out quality, and optionally scores new rows.
 */
export function learnFromTable(options: LearnFromTableOptions): LearnFromTableReport {
  const mapping = readTableMapping(options.mappingPath);
  const rows = readCsvTable(options.tablePath);
  const { model, ...report } = fitTabularModel(rows, mapping, {
    testFraction: options.testFraction,
    seed: options.seed,
    l2: options.l2,
  });
  if (options.savePath) writeFileSync(options.savePath, `${JSON.stringify(model, null, 2)}\n`);
  return {
    ...report,
    table: options.tablePath,
    featureCount: model.encoder.featureNames.length,
    savedTo: options.savePath ?? null,
    scored: options.scorePath ? scoreTableRows(model, readCsvTable(options.scorePath)) : null,
  };
}

/** Loads a model written by `learnFromTable({ savePath })`. */
export function readTabularModel(path: string): TabularModel {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read model ${path}: ${(e as Error).message}`);
  }
  const m = raw as Partial<TabularModel>;
  if (m?.kind !== 'tabular-logistic' || !m.encoder || !m.logistic || !m.mapping)
    throw new AppError('BAD_INPUT', `${path} is not a tabular model written by vigil learn-table`);
  return m as TabularModel;
}
