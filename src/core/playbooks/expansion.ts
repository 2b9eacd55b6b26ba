import type { CatalogFeature } from '../data-model/entities.ts';

/** What an account shows that makes it ready for an expansion conversation. */
export type ExpansionInput = {
  accountId: string;
  name: string;
  score: number;
  /** Scores at or above this are the portfolio's top health quartile. */
  topQuartileScore: number;
  arr: number;
  /** Licensed seats on current terms (null/0 when unknown). */
  seats: number | null;
  /** Products on current terms. */
  products: string[];
  catalog: CatalogFeature[];
  /** Feature keys used in the adoption window. */
  usedFeatures: string[];
  /** Distinct active contacts in the last 30 days. */
  activeUsers: number;
  /** Expansion talk (expansion_signal events) in the last 180 days. */
  expansionSignals: { kind: string; product?: string | undefined; text?: string | undefined }[];
};

export type ExpansionOpportunity = {
  accountId: string;
  name: string;
  score: number;
  /** In words, e.g. "uses 5 of 8 core features: not X, Y, Z; 92% of seats active; asked about the API add-on". */
  evidence: string;
  unusedCoreFeatures: string[];
  seatUtilization: number | null;
  /** Estimated extra ARR: seat headroom plus add-ons asked about. */
  potentialArr: number;
};

export const SEAT_HEADROOM_RATIO = 0.8;
// a seat expansion is priced as growing the licence to fit the active users with 25% room
const SEAT_GROWTH_ROOM = 1.25;

const nameOf = (catalog: CatalogFeature[], key: string) => catalog.find((f) => f.key === key)?.name ?? key;

/**
 * An expansion opportunity, or null: top-quartile health plus at least one of
 * unused core features, seat headroom (80%+ of seats active) or expansion talk.
 * Health alone is not enough: a healthy account with nothing to grow into gets
 * an advocacy ask, not an upsell.
 */
export function computeExpansionOpportunity(input: ExpansionInput): ExpansionOpportunity | null {
  if (input.score < input.topQuartileScore) return null;
  const used = new Set(input.usedFeatures);
  const core = input.catalog.filter((f) => f.core);
  const unused = core.filter((f) => !used.has(f.key));
  const seats = input.seats ?? 0;
  const utilization = seats > 0 ? Math.min(1, input.activeUsers / seats) : null;
  const seatHeadroom = utilization !== null && utilization >= SEAT_HEADROOM_RATIO;
  const talk = input.expansionSignals;
  if (unused.length === 0 && !seatHeadroom && talk.length === 0) return null;

  const parts: string[] = [];
  if (core.length > 0)
    parts.push(
      `uses ${core.length - unused.length} of ${core.length} core features${
        unused.length ? `: not ${unused.map((f) => nameOf(input.catalog, f.key)).join(', ')}` : ''
      }`,
    );
  if (utilization !== null)
    parts.push(`${Math.round(utilization * 100)}% of seats active (${input.activeUsers} of ${seats})`);

  let potential = 0;
  if (seatHeadroom && seats > 0) {
    const extraSeats = Math.max(1, Math.ceil(input.activeUsers * SEAT_GROWTH_ROOM - seats));
    potential += (input.arr / seats) * extraSeats;
  }
  const askedAbout = new Set<string>();
  for (const s of talk) {
    const addOn = s.product
      ? input.catalog.find((f) => f.addOn && (f.key === s.product || f.name === s.product))
      : undefined;
    if (addOn && !input.products.includes(addOn.key) && !askedAbout.has(addOn.key)) {
      askedAbout.add(addOn.key);
      potential += addOn.listPrice ?? 0;
    }
  }
  if (talk.length > 0) {
    const kinds = [...new Set(talk.map((s) => s.kind.replaceAll('_', ' ')))];
    const products = [...new Set(talk.map((s) => s.product).filter((p): p is string => Boolean(p)))];
    parts.push(
      `expansion talk: ${kinds.join(', ')}${products.length ? ` (asked about ${products.map((p) => nameOf(input.catalog, p)).join(', ')})` : ''}`,
    );
    // talk with no priced add-on still signals intent: count a modest 10% uplift
    if (askedAbout.size === 0) potential += input.arr * 0.1;
  }
  return {
    accountId: input.accountId,
    name: input.name,
    score: input.score,
    evidence: parts.join('; '),
    unusedCoreFeatures: unused.map((f) => f.key),
    seatUtilization: utilization === null ? null : Math.round(utilization * 100) / 100,
    potentialArr: Math.round(potential),
  };
}
