import { AppError } from '../errors.ts';

export type BandChurnRate = { band: string; count: number; churned: number; rate: number | null };

/**
 * Churn rate per score band, in the order of `bandOrder` (bands not listed follow, sorted).
 * A working model shows critical ≫ at-risk ≫ healthy.
 */
export function computeBandChurnRates(
  bands: readonly string[],
  labels: ArrayLike<number>,
  bandOrder: readonly string[] = ['critical', 'at-risk', 'healthy'],
): BandChurnRate[] {
  if (bands.length !== labels.length) throw new AppError('BAD_INPUT', 'bands and labels differ in length');
  const acc = new Map<string, { count: number; churned: number }>();
  for (const b of bandOrder) acc.set(b, { count: 0, churned: 0 });
  const extra = new Set<string>();
  bands.forEach((b, i) => {
    const y = labels[i];
    if (y !== 0 && y !== 1) throw new AppError('BAD_INPUT', `label at row ${i} must be 0 or 1`);
    let a = acc.get(b);
    if (!a) {
      a = { count: 0, churned: 0 };
      acc.set(b, a);
      extra.add(b);
    }
    a.count++;
    a.churned += y;
  });
  const order = [...bandOrder, ...[...extra].sort()];
  return order.map((band) => {
    const a = acc.get(band) ?? { count: 0, churned: 0 };
    return { band, count: a.count, churned: a.churned, rate: a.count > 0 ? a.churned / a.count : null };
  });
}
