import type { VigilEvent } from '../../core/data-model/events.ts';
import type { UsageRow } from '../../core/import/map-row.ts';
import { UsageRollup } from '../../core/import/usage-rollup.ts';
import type { Store } from '../database.ts';
import { addUsageDeltas, insertEvents, insertRejects, type RejectRow } from '../queries/import-writes.ts';
import { DIRTY_PRIORITY, markDirty } from '../queries/mark-dirty.ts';
import { claimUsage } from '../queries/usage-ledger.ts';

/** One validated ingestion batch: timeline events, usage rows and the rows refused. */
export type IngestBatch = { events: VigilEvent[]; usage: UsageRow[]; rejects: RejectRow[] };
/** What one batch of a group wrote: events stored, duplicates ignored, accounts touched. */
export type IngestBatchResult = { accepted: number; duplicates: number; accountIds: string[] };

export type IngestResource = {
  /** Which of these account ids exist. */
  knownAccounts(ids: string[]): Promise<Set<string>>;
  /**
   * Writes batches in one transaction (group commit): events and usage ids claimed (an id seen
   * before, or earlier in the group, is a duplicate; the first batch to carry it gets the credit),
   * usage rolled up, rejects kept, touched accounts marked dirty (people's events at the higher
   * priority). Throws the database's error unchanged (callers retry lock conflicts whole).
   */
  writeGroup(batches: IngestBatch[], now: string): Promise<IngestBatchResult[]>;
};

export function ingestResource(store: Store): IngestResource {
  return {
    async knownAccounts(ids) {
      const known = new Set<string>();
      for (let i = 0; i < ids.length; i += 500)
        for (const r of await store.db
          .selectFrom('accounts')
          .select('id')
          .where('id', 'in', ids.slice(i, i + 500))
          .execute())
          known.add(r.id);
      return known;
    },
    writeGroup: (batches, now) => writeIngestGroup(store, batches, now),
  };
}

async function writeIngestGroup(store: Store, batches: IngestBatch[], now: string) {
  const results: IngestBatchResult[] = batches.map(() => ({ accepted: 0, duplicates: 0, accountIds: [] }));
  const touchedBy = batches.map(() => new Set<string>());
  // accounts with a new timeline event (a note, a ticket, a meeting...) are rescored first
  const byPeople = new Set<string>();
  await store.db.transaction().execute(async (trx) => {
    const events = batches.flatMap((b) => b.events);
    if (events.length > 0) {
      const inserted = new Set((await insertEvents(trx, events, now)).ids);
      batches.forEach((b, i) => {
        for (const e of b.events) {
          if (inserted.delete(e.id)) {
            results[i]!.accepted++;
            touchedBy[i]!.add(e.accountId);
            byPeople.add(e.accountId);
          } else results[i]!.duplicates++;
        }
      });
    }
    const usage = batches.flatMap((b) => b.usage);
    if (usage.length > 0) {
      const fresh = await claimUsage(
        trx,
        usage.map((u) => ({ id: u.id, accountId: u.accountId, units: u.count })),
        store.sqlite,
      );
      const rollup = new UsageRollup();
      let k = 0;
      batches.forEach((b, i) => {
        for (const u of b.usage) {
          // a second row with the same id in the group is a duplicate too
          if (fresh[k++]) {
            rollup.add(u);
            results[i]!.accepted++;
            touchedBy[i]!.add(u.accountId);
          } else results[i]!.duplicates++;
        }
      });
      await addUsageDeltas({ ...store, db: trx }, trx, rollup.drain());
    }
    const rejects = batches.flatMap((b) => b.rejects);
    if (rejects.length > 0) await insertRejects(trx, null, rejects, now);
    const touched = new Set(touchedBy.flatMap((t) => [...t]));
    // one statement in account-id order (not one per priority): concurrent writers lock alike
    await markDirty({ ...store, db: trx }, touched, now, (id) =>
      byPeople.has(id) ? DIRTY_PRIORITY.person : DIRTY_PRIORITY.usage,
    );
  });
  batches.forEach((_, i) => {
    results[i]!.accountIds = [...touchedBy[i]!];
  });
  return results;
}
