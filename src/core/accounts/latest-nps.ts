import { type AccountEvent, num, str } from './account-event.ts';

export type NpsFact = {
  score: number;
  /** ISO date of the answer. */
  date: string;
  category: 'promoter' | 'passive' | 'detractor';
  comment: string | null;
};

/** The NPS category of a 0–10 answer: 9–10 promoter, 7–8 passive, 0–6 detractor. */
export const npsCategory = (score: number): NpsFact['category'] =>
  score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';

/** The latest NPS answer on or before `asOf` among the events given, or null when there is none. */
export function findLatestNps(events: readonly AccountEvent[], asOf: string): NpsFact | null {
  const day = asOf.slice(0, 10);
  let best: AccountEvent | null = null;
  for (const e of events) {
    if (e.type !== 'nps_response' || num(e.properties, 'score') === null || e.time.slice(0, 10) > day)
      continue;
    if (best === null || e.time > best.time) best = e;
  }
  if (!best) return null;
  const score = num(best.properties, 'score') as number;
  return {
    score,
    date: best.time.slice(0, 10),
    category: npsCategory(score),
    comment: str(best.properties, 'comment'),
  };
}
