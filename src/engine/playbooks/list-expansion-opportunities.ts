import { computeExpansionOpportunity, type ExpansionOpportunity } from '../../core/playbooks/expansion.ts';
import { expansionInputFromData } from '../../core/playbooks/expansion-input.ts';
import { effectiveStoredScore } from '../../core/scoring/effective-score.ts';
import { type EngineContext, today } from '../context.ts';
import { findTopQuartileScore } from './top-quartile-score.ts';

export type ListExpansionOptions = { limit?: number; asOf?: string };
export type ListExpansionResult = {
  items: ExpansionOpportunity[];
  topQuartileScore: number | null;
  asOf: string;
};

/** Expansion opportunities across the portfolio, largest potential ARR first. */
export async function listExpansionOpportunities(
  ctx: EngineContext,
  options: ListExpansionOptions = {},
): Promise<ListExpansionResult> {
  const asOf = options.asOf ?? today(ctx);
  const cutoff = await findTopQuartileScore(ctx.store);
  if (cutoff === null) return { items: [], topQuartileScore: null, asOf };
  const rows = await ctx.store.playbooks.currentScoreValues();
  const top = rows
    .map((r) => ({ id: r.account_id, score: effectiveStoredScore(r) }))
    .filter((r) => r.score >= cutoff);
  const items: ExpansionOpportunity[] = [];
  for (let i = 0; i < top.length; i += 200) {
    const chunk = top.slice(i, i + 200);
    const data = await ctx.store.accounts.loadManyData(
      chunk.map((c) => c.id),
      asOf,
      200,
    );
    for (const c of chunk) {
      const d = data.get(c.id);
      if (!d) continue;
      const o = computeExpansionOpportunity(expansionInputFromData(d, asOf, c.score, cutoff));
      if (o) items.push(o);
    }
  }
  items.sort(
    (a, b) => b.potentialArr - a.potentialArr || b.score - a.score || a.accountId.localeCompare(b.accountId),
  );
  return { items: items.slice(0, options.limit ?? items.length), topQuartileScore: cutoff, asOf };
}
