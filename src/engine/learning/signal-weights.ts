import { SIGNAL_CATEGORIES } from '../../core/signals/signal-category.ts';
import { SIGNAL_LIBRARY } from '../../core/signals/signal-library.ts';
import { SCORING } from './scoring-port.ts';

export type SignalInfo = { category: string; label: string };

/** Category and label of every signal a model document names (library signals, then its custom ones). */
export function signalInfoOf(document: unknown): Map<string, SignalInfo> {
  const doc = (document ?? {}) as { signals?: Record<string, unknown>; custom?: unknown[] };
  const out = new Map<string, SignalInfo>();
  for (const id of Object.keys(doc.signals ?? {})) {
    const def = SIGNAL_LIBRARY[id];
    out.set(id, { category: def?.category ?? 'custom', label: def?.label ?? id });
  }
  for (const c of (doc.custom ?? []) as { id?: unknown; category?: unknown; label?: unknown }[])
    if (typeof c.id === 'string')
      out.set(c.id, {
        category: typeof c.category === 'string' ? c.category : 'custom',
        label: typeof c.label === 'string' ? c.label : c.id,
      });
  return out;
}

/**
 * Each signal's share of the score when every signal has data. A document that is not a valid
 * health model (hand-edited, an older shape) has no shares.
 */
export function effectiveSignalWeights(document: unknown): Record<string, number> {
  try {
    return SCORING.signalWeights(SCORING.parseModel(document));
  } catch {
    return {};
  }
}

export const roundWeight = (x: number) => Math.round(x * 10_000) / 10_000;

/**
 * A model's weights as the dashboard shows them: per category its setting and its share of the
 * score, and per signal its setting and its share. Categories in their canonical order, signals
 * by share.
 */
export function weightsByCategory(document: unknown) {
  const info = signalInfoOf(document);
  const shares = effectiveSignalWeights(document);
  const doc = document as {
    categories?: Record<string, { weight?: number }>;
    signals?: Record<string, { weight?: number }>;
    custom?: { id: string; weight?: number }[];
  };
  const settingOf = (id: string) =>
    doc.signals?.[id]?.weight ?? doc.custom?.find((c) => c.id === id)?.weight ?? 0;
  const categories = [...new Set([...SIGNAL_CATEGORIES, ...[...info.values()].map((i) => i.category)])];
  return categories
    .map((category) => {
      const signals = [...info]
        .filter(([, i]) => i.category === category)
        .map(([signalId, i]) => ({
          signalId,
          label: i.label,
          weight: settingOf(signalId),
          share: roundWeight(shares[signalId] ?? 0),
        }))
        .sort((a, b) => b.share - a.share || b.weight - a.weight || (a.signalId < b.signalId ? -1 : 1));
      return {
        category,
        weight: doc.categories?.[category]?.weight ?? 0,
        share: roundWeight(signals.reduce((t, x) => t + x.share, 0)),
        signals,
      };
    })
    .filter((c) => c.signals.length > 0);
}
