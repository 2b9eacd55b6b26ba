import type { VigilEvent } from '../../core/data-model/events.ts';
import { AppError } from '../../core/errors.ts';
import { mapRow, type UsageRow } from '../../core/import/map-row.ts';
import { UsageRollup } from '../../core/import/usage-rollup.ts';
import {
  addUsageDeltas,
  insertEvents,
  insertRejects,
  type RejectRow,
  rollUpNewUsage,
} from '../../store/queries/import-writes.ts';
import { markDirty } from '../../store/queries/mark-dirty.ts';
import type { EngineContext } from '../context.ts';

export const MAX_BATCH = 10_000;

export type IngestReport = {
  accepted: number;
  duplicates: number;
  rejected: { index: number; id: string | null; field: string | null; reason: string }[];
  accountIds: string[];
};

/**
 * Ingests a batch of events (timeline and usage alike) in one transaction:
 * each validated on its own, good ones stored (usage rolled up), bad ones
 * reported by index and kept in the rejects table, duplicates (same id)
 * ignored. The touched accounts are marked for rescoring and the worker is
 * woken.
 */
export async function ingestEvents(
  ctx: EngineContext,
  input: unknown[],
  options: { source?: string } = {},
): Promise<IngestReport> {
  if (input.length > MAX_BATCH)
    throw new AppError('PAYLOAD_TOO_LARGE', `at most ${MAX_BATCH} events per request; got ${input.length}`);
  const source = options.source ?? 'api';
  const now = ctx.clock.now();
  const latest = new Date(now.getTime() + 86_400_000).toISOString();
  const report: IngestReport = { accepted: 0, duplicates: 0, rejected: [], accountIds: [] };
  const rejects: RejectRow[] = [];
  const events: VigilEvent[] = [];
  const usage: UsageRow[] = [];
  const ids = [
    ...new Set(
      input.flatMap((e) => {
        const a = (e as { accountId?: unknown })?.accountId;
        return typeof a === 'string' ? [a] : [];
      }),
    ),
  ];
  const known = new Set<string>();
  for (let i = 0; i < ids.length; i += 500)
    for (const r of await ctx.store.db
      .selectFrom('accounts')
      .select('id')
      .where('id', 'in', ids.slice(i, i + 500))
      .execute())
      known.add(r.id);
  for (const [index, raw] of input.entries()) {
    const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : null;
    const fail = (field: string | null, reason: string) => {
      report.rejected.push({ index, id, field, reason });
      rejects.push({ source, line: index + 1, field, reason, raw: JSON.stringify(raw) ?? 'null' });
    };
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      fail(null, 'expected an event object');
      continue;
    }
    const mapped = mapRow(raw as Record<string, unknown>, 'events', null);
    if (!mapped.ok) {
      if (!mapped.ignored) fail(mapped.field, mapped.reason);
      continue;
    }
    if (mapped.kind === 'entity') {
      fail(null, 'expected an event');
      continue;
    }
    const e = mapped.value;
    const problem = !known.has(e.accountId)
      ? (['accountId', `unknown account "${e.accountId}"`] as const)
      : e.time > latest
        ? (['time', `${e.time} is in the future`] as const)
        : e.time < '1970-01-01'
          ? (['time', `${e.time} is before 1970-01-01`] as const)
          : null;
    if (problem) {
      fail(problem[0], problem[1]);
      continue;
    }
    if (mapped.kind === 'event') events.push(mapped.value);
    else usage.push(mapped.value);
  }
  const touched = new Set<string>();
  await ctx.store.db.transaction().execute(async (trx) => {
    if (events.length > 0) {
      const r = await insertEvents(trx, events, now.toISOString());
      report.accepted += r.inserted;
      report.duplicates += r.duplicates;
      for (const a of r.accountIds) touched.add(a);
    }
    if (usage.length > 0) {
      const rollup = new UsageRollup();
      const r = await rollUpNewUsage(trx, usage, rollup);
      report.accepted += r.added.length;
      report.duplicates += r.duplicates;
      for (const u of r.added) touched.add(u.accountId);
      await addUsageDeltas({ ...ctx.store, db: trx }, trx, rollup.drain());
    }
    if (rejects.length > 0) await insertRejects(trx, null, rejects, now.toISOString());
    await markDirty({ ...ctx.store, db: trx }, touched, now.toISOString());
  });
  report.accountIds = [...touched];
  if (touched.size > 0) ctx.bus.emit('accounts-dirty', { accountIds: report.accountIds });
  return report;
}
