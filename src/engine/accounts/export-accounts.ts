import type { Viewer } from '../../core/access.ts';
import { csvCell } from '../../core/csv-cell.ts';
import type { EngineContext } from '../context.ts';
import { type ListAccountsInput, listAccounts } from './list-accounts.ts';

const COLUMNS = [
  'id',
  'name',
  'segment',
  'industry',
  'owner',
  'arr',
  'seats',
  'renewalDate',
  'score',
  'band',
  'coverage',
  'trend30',
  'topDriver',
  'tags',
] as const;

/** The (filtered) portfolio list as CSV, every row the viewer may see; the export is audited. */
export async function exportAccountsCsv(
  ctx: EngineContext,
  viewer: Viewer,
  input: Omit<ListAccountsInput, 'limit' | 'offset'>,
  meta: { actor: string; filters: unknown },
): Promise<{ asOf: string; rows: number; csv: string }> {
  const r = await listAccounts(ctx, viewer, { ...input, limit: 1_000_000, offset: 0 });
  const lines = [COLUMNS.join(','), ...r.items.map((i) => COLUMNS.map((k) => csvCell(i[k])).join(','))];
  await ctx.store.audit.insert({
    at: ctx.clock.now().toISOString(),
    actor: meta.actor,
    action: 'accounts.export',
    target: null,
    details: { rows: r.items.length, filters: meta.filters },
  });
  return { asOf: r.asOf, rows: r.items.length, csv: `${lines.join('\n')}\n` };
}
