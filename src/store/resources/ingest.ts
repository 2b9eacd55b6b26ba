import type SqliteDatabase from 'better-sqlite3';
import { sql } from 'kysely';
import type { VigilEvent } from '../../core/data-model/events.ts';
import type { UsageRow } from '../../core/import/map-row.ts';
import { UsageRollup } from '../../core/import/usage-rollup.ts';
import type { Store } from '../database.ts';
import { addUsageDeltas, insertEvents, insertRejects, type RejectRow } from '../queries/import-writes.ts';
import { DIRTY_PRIORITY, markDirty } from '../queries/mark-dirty.ts';
import { claimUsage } from '../queries/usage-ledger.ts';

/** One validated ingestion batch: timeline events, usage rows and the rows refused. */
export type IngestBatch = { events: VigilEvent[]; usage: UsageRow[]; rejects: RejectRow[] };
/**
 * What one batch of a group wrote: events stored, duplicates ignored, accounts touched, and of
 * those the accounts already marked dirty (the others' usage waits in the pending table).
 */
export type IngestBatchResult = {
  accepted: number;
  duplicates: number;
  accountIds: string[];
  marked: string[];
  /** Usage events staged (not rolled up yet). */
  staged: number;
};
/** What a fold added to the rollups: usage events and the accounts marked dirty. */
export type FoldResult = { groups: number; events: number; accountIds: string[] };

export type IngestResource = {
  /** Which of these account ids exist. */
  knownAccounts(ids: string[]): Promise<Set<string>>;
  /**
   * Writes batches in one transaction (group commit): events and usage ids claimed (an id seen
   * before, or earlier in the group, is a duplicate; the first batch to carry it gets the credit),
   * usage rolled up, rejects kept, touched accounts marked dirty (people's events at the higher
   * priority). Throws the database's error unchanged (callers retry lock conflicts whole).
   */
  writeGroup(
    batches: IngestBatch[],
    now: string,
    options?: { stageUsage?: boolean },
  ): Promise<IngestBatchResult[]>;
  /**
   * Adds staged usage (groups written with `stageUsage`) to the rollups, oldest first, up to about
   * `maxEvents`, in one transaction: rolled up, accounts marked dirty, staged rows deleted. Each
   * staged row is folded exactly once even with concurrent folders (delete … returning).
   */
  foldPending(now: string, maxEvents?: number): Promise<FoldResult>;
  /** Usage events staged and not yet folded into the rollups. */
  pendingEvents(): Promise<number>;
  /** Folds whatever is staged (a process that stopped before its fold); at store open. */
  recoverPending(now: string): Promise<void>;
};

export function ingestResource(store: Store): IngestResource {
  return {
    async knownAccounts(ids) {
      // accounts are never deleted, so an id found once stays known: only ids not seen yet are
      // looked up (a batch of 1,000 events no longer costs two 500-id queries each time)
      let cache = KNOWN.get(store);
      if (!cache) {
        cache = new Set();
        KNOWN.set(store, cache);
      }
      const known = new Set<string>();
      const ask: string[] = [];
      for (const id of ids) {
        if (cache.has(id)) known.add(id);
        else ask.push(id);
      }
      for (let i = 0; i < ask.length; i += 500)
        for (const r of await store.db
          .selectFrom('accounts')
          .select('id')
          .where('id', 'in', ask.slice(i, i + 500))
          .execute()) {
          known.add(r.id);
          if (cache.size < KNOWN_MAX) cache.add(r.id);
        }
      return known;
    },
    writeGroup: (batches, now, options) =>
      writeIngestGroup(store, batches, now, options?.stageUsage === true),
    foldPending: (now, maxEvents) => foldPending(store, now, maxEvents ?? FOLD_MAX_EVENTS),
    pendingEvents: () => pendingEvents(store),
    async recoverPending(now) {
      if ((await pendingEvents(store)) === 0) return;
      while ((await foldPending(store, now, FOLD_MAX_EVENTS)).groups > 0);
    },
  };
}

const FOLD_MAX_EVENTS = 100_000;

/** Account ids known to exist, per store (bounded: beyond it, ids are looked up every time). */
const KNOWN = new WeakMap<Store, Set<string>>();
const KNOWN_MAX = 1_000_000;

const CLAIM_ROWS = 200;
const claimStatements = new WeakMap<SqliteDatabase.Database, Map<number, SqliteDatabase.Statement>>();

/**
 * claimUsage's SQLite path with its multi-row statements prepared once per connection (a group
 * claims thousands of ids; preparing a 600-parameter statement per call showed in the profile).
 * Per row, in order: is its id new (not in the ledger, not earlier in the group)?
 */
function claimOnSqlite(sqlite: SqliteDatabase.Database, rows: UsageRow[]): boolean[] {
  let cache = claimStatements.get(sqlite);
  if (!cache) {
    cache = new Map();
    claimStatements.set(sqlite, cache);
  }
  const statement = (n: number) => {
    let st = cache.get(n);
    if (!st) {
      st = sqlite
        .prepare(
          `insert into seen_events (id, account_id, units) values ${Array(n).fill('(?, ?, ?)').join(', ')} on conflict (id) do nothing returning id`,
        )
        .pluck();
      cache.set(n, st);
    }
    return st;
  };
  const fresh = new Array<boolean>(rows.length).fill(false);
  const args: (string | number)[] = [];
  for (let i = 0; i < rows.length; i += CLAIM_ROWS) {
    const n = Math.min(CLAIM_ROWS, rows.length - i);
    args.length = 0;
    for (let j = i; j < i + n; j++) {
      const r = rows[j]!;
      args.push(r.id, r.accountId, r.count);
    }
    const got = new Set(statement(n).all(args) as string[]);
    // within one statement a repeated id is inserted once: the first row gets it
    for (let j = i; j < i + n; j++) fresh[j] = got.delete(rows[j]!.id);
  }
  return fresh;
}

async function pendingEvents(store: Store): Promise<number> {
  const r = await sql<{
    n: number | string | null;
  }>`select sum(events) as n from ingest_pending_usage`.execute(store.db);
  return Number(r.rows[0]?.n ?? 0);
}

/** A staged usage row: [accountId, contactId, type, time, key, count] (compact JSON). */
type StagedRow = [string, string | null, UsageRow['type'], string, string | null, number];

async function foldPending(store: Store, now: string, maxEvents: number): Promise<FoldResult> {
  return store.db.transaction().execute(async (trx) => {
    // oldest first, whole staged groups, about maxEvents in all (at least one group)
    const sizes = await sql<{ seq: number | string; events: number }>`
      select seq, events from ingest_pending_usage order by seq limit 1000`.execute(trx);
    let upTo: number | null = null;
    let total = 0;
    for (const r of sizes.rows) {
      if (upTo !== null && total + Number(r.events) > maxEvents) break;
      upTo = Number(r.seq);
      total += Number(r.events);
    }
    if (upTo === null) return { groups: 0, events: 0, accountIds: [] };
    const taken = await sql<{ rows: string }>`
      delete from ingest_pending_usage where seq <= ${upTo} returning rows`.execute(trx);
    const rollup = new UsageRollup();
    let events = 0;
    for (const t of taken.rows)
      for (const [accountId, contactId, type, time, key, count] of JSON.parse(t.rows) as StagedRow[]) {
        rollup.addEvent(accountId, contactId, type, time, key, count);
        events++;
      }
    const deltas = rollup.drain();
    await addUsageDeltas({ ...store, db: trx }, trx, deltas);
    await markDirty({ ...store, db: trx }, deltas.accounts, now, DIRTY_PRIORITY.usage);
    return { groups: taken.rows.length, events, accountIds: deltas.accounts };
  });
}

async function writeIngestGroup(store: Store, batches: IngestBatch[], now: string, stageUsage: boolean) {
  const results: IngestBatchResult[] = batches.map(() => ({
    accepted: 0,
    duplicates: 0,
    accountIds: [],
    marked: [],
    staged: 0,
  }));
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
      const fresh = store.sqlite
        ? claimOnSqlite(store.sqlite, usage)
        : await claimUsage(
            trx,
            usage.map((u) => ({ id: u.id, accountId: u.accountId, units: u.count })),
          );
      const rollup = stageUsage ? null : new UsageRollup();
      const staged: StagedRow[] = [];
      let k = 0;
      batches.forEach((b, i) => {
        for (const u of b.usage) {
          // a second row with the same id in the group is a duplicate too
          if (fresh[k++]) {
            if (rollup) rollup.add(u);
            else {
              staged.push([u.accountId, u.contactId, u.type, u.time, u.key, u.count]);
              results[i]!.staged++;
            }
            results[i]!.accepted++;
            touchedBy[i]!.add(u.accountId);
          } else results[i]!.duplicates++;
        }
      });
      if (rollup) await addUsageDeltas({ ...store, db: trx }, trx, rollup.drain());
      // staged: one sequential row now; the rollup pages are written once per fold, not per group
      else if (staged.length > 0)
        await sql`insert into ingest_pending_usage (events, rows, staged_at)
          values (${staged.length}, ${JSON.stringify(staged)}, ${now})`.execute(trx);
    }
    const rejects = batches.flatMap((b) => b.rejects);
    if (rejects.length > 0) await insertRejects(trx, null, rejects, now);
    // staged usage marks its accounts when it is folded; people's events mark theirs now
    const touched = stageUsage ? byPeople : new Set(touchedBy.flatMap((t) => [...t]));
    // one statement in account-id order (not one per priority): concurrent writers lock alike
    await markDirty({ ...store, db: trx }, touched, now, (id) =>
      byPeople.has(id) ? DIRTY_PRIORITY.person : DIRTY_PRIORITY.usage,
    );
  });
  batches.forEach((_, i) => {
    results[i]!.accountIds = [...touchedBy[i]!];
    results[i]!.marked = stageUsage
      ? results[i]!.accountIds.filter((a) => byPeople.has(a))
      : results[i]!.accountIds;
  });
  return results;
}
