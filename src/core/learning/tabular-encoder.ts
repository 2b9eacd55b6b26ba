import { AppError } from '../errors.ts';
import type { TableMapping, TableRow } from './table-mapping.ts';

export const MISSING_LEVEL = '(missing)';
export const OTHER_LEVEL = '(other)';

/** Learned from the training rows only, then applied unchanged to held-out and new rows. */
export type TabularEncoder = {
  numeric: { column: string; mean: number; missingInTraining: number }[];
  categorical: { column: string; levels: string[] }[];
  featureNames: string[];
  /** For each feature, the table column (trait) it came from. */
  featureTraits: string[];
};

export function parseNumber(raw: string | undefined): number | null {
  if (raw === undefined) return null;
  const t = raw.trim();
  if (t === '') return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

const categoryOf = (raw: string | undefined) => {
  const t = (raw ?? '').trim();
  return t === '' ? MISSING_LEVEL : t;
};

/**
 * Fits the encoding: numeric columns are imputed with their training mean when blank or not a
 * number; categorical columns are one-hot encoded with every level seen in training (the L2
 * penalty makes a reference level unnecessary and keeps each level's effect readable).
 */
export function fitTabularEncoder(rows: readonly TableRow[], mapping: TableMapping): TabularEncoder {
  if (rows.length === 0) throw new AppError('BAD_INPUT', 'no rows to learn from');
  const first = rows[0] as TableRow;
  for (const c of [
    mapping.idColumn,
    mapping.labelColumn,
    ...mapping.numericColumns,
    ...mapping.categoricalColumns,
  ])
    if (!(c in first))
      throw new AppError('BAD_INPUT', `column "${c}" named in the mapping is not in the table`);
  const featureNames: string[] = [];
  const featureTraits: string[] = [];
  const numeric = mapping.numericColumns.map((column) => {
    let sum = 0;
    let count = 0;
    for (const r of rows) {
      const v = parseNumber(r[column]);
      if (v !== null) {
        sum += v;
        count++;
      }
    }
    if (count === 0) throw new AppError('BAD_INPUT', `numeric column "${column}" has no numbers`);
    featureNames.push(column);
    featureTraits.push(column);
    return { column, mean: sum / count, missingInTraining: rows.length - count };
  });
  const categorical = mapping.categoricalColumns.map((column) => {
    const counts = new Map<string, number>();
    for (const r of rows) {
      const c = categoryOf(r[column]);
      counts.set(c, (counts.get(c) ?? 0) + 1);
    }
    const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const levels = ranked.slice(0, mapping.maxLevels).map(([l]) => l);
    if (ranked.length > mapping.maxLevels) levels.push(OTHER_LEVEL);
    levels.sort();
    for (const l of levels) {
      featureNames.push(`${column}=${l}`);
      featureTraits.push(column);
    }
    return { column, levels };
  });
  return { numeric, categorical, featureNames, featureTraits };
}

/** Row-major matrix of encoded rows. Unknown categories encode as all zeros. */
export function encodeTableRows(encoder: TabularEncoder, rows: readonly TableRow[]): Float64Array {
  const d = encoder.featureNames.length;
  const x = new Float64Array(rows.length * d);
  rows.forEach((r, i) => {
    let j = i * d;
    for (const n of encoder.numeric) x[j++] = parseNumber(r[n.column]) ?? n.mean;
    for (const c of encoder.categorical) {
      let value = categoryOf(r[c.column]);
      if (!c.levels.includes(value) && c.levels.includes(OTHER_LEVEL)) value = OTHER_LEVEL;
      for (const l of c.levels) x[j++] = l === value ? 1 : 0;
    }
  });
  return x;
}
