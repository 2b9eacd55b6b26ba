import type { Kysely, Transaction } from 'kysely';
import type { Account, CatalogFeature, Contact, Contract, User } from '../../core/data-model/entities.ts';
import type { VigilEvent } from '../../core/data-model/events.ts';
import type { UsageRow } from '../../core/import/map-row.ts';
import type { UsageDeltas, UsageRollup } from '../../core/import/usage-rollup.ts';
import type { Store } from '../database.ts';
import {
  addUsageDeltasJson,
  claimUsageJson,
  insertEventsJson,
  type UsageDeltasJson,
} from '../queries/import-chunks.ts';
import {
  addUsageDeltas,
  type EntityWriteResult,
  insertEvents,
  insertRejects,
  type RejectRow,
  rollUpNewUsage,
  upsertAccounts,
  upsertCatalog,
  upsertContacts,
  upsertContracts,
  upsertUsers,
} from '../queries/import-writes.ts';
import { listRejects, type RejectRecord } from '../queries/list-rejects.ts';
import { type LookupTable, loadLookupColumn } from '../queries/lookup-rows.ts';
import { markDirty } from '../queries/mark-dirty.ts';
import {
  claimUsage,
  findCompleteImport,
  type LedgerRow,
  lockImportContent,
  supersedeRejects,
} from '../queries/usage-ledger.ts';
import type { Database } from '../schema.ts';

export type ImportRecord = {
  id: number;
  path: string;
  kind: string;
  status: string;
  accepted: number;
  duplicates: number;
  rejected: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
};

export type ImportsResource = {
  /** Import runs, newest first. */
  list(page: { limit: number; offset: number }): Promise<ImportRecord[]>;
  /** Unresolved rejects, optionally of one import. */
  rejects: (options: Parameters<typeof listRejects>[1]) => Promise<RejectRecord[]>;
  /** Every account id (the import checks rows against it before writing). */
  accountIds(): Promise<Set<string>>;
  /**
   * One field of every row of a table keyed by another, for a mapping's `lookup: db:TABLE`
   * (null when the table has no such field).
   */
  lookupColumn(table: LookupTable, on: string, field: string): Promise<Map<string, unknown> | null>;
  /**
   * Imports one file in one transaction: records the run, claims its content (a concurrent
   * import of the same content waits, then sees the first one's), and either finds that content
   * fully imported before (`unchanged`, nothing kept) or hands `write` the file's writer. What
   * `write` returns closes the run; if it throws, nothing of the file is kept.
   */
  importFile(
    start: ImportFileStart,
    write: (writer: ImportFileWriter) => Promise<ImportFileTotals>,
  ): Promise<ImportFileOutcome>;
};

export type { RejectRow, UsageDeltasJson };

/** The run an import of one file records before reading it. */
export type ImportFileStart = { path: string; sha256: string; kind: string; startedAt: string };

/** What a file's import closes its run with. */
export type ImportFileTotals = {
  lines: number;
  accepted: number;
  updated: number;
  duplicates: number;
  rejected: number;
  ignored: number;
  bytes: number;
  finishedAt: string;
};

export type ImportFileOutcome =
  | { status: 'imported'; importId: number }
  /** The same content (and kind) was fully imported before, as `previousId` with `lines` lines. */
  | { status: 'unchanged'; previousId: number; lines: number };

/** An account write's result; `changedIds` / `accountIds` name the accounts to rescore. */
type AccountsWriteResult = Awaited<ReturnType<typeof upsertAccounts>>;

/** The writes one file's import may make, all inside its transaction. */
export type ImportFileWriter = {
  readonly importId: number;
  /** Per row and in order, whether its usage id is new to the ledger (see `claimUsage`). */
  claimUsage(rows: LedgerRow[]): Promise<boolean[]>;
  /** Adds rolled-up usage onto the stored rollups. */
  addUsageDeltas(deltas: UsageDeltas): Promise<void>;
  /**
   * Claims a chunk's usage ids (`rows`: a JSON array of `[id, accountId, units, …]`): true when
   * every one was new, else per row whether it was (see `claimUsage`).
   */
  claimUsageJson(rows: string, n: number): Promise<true | boolean[]>;
  /** Adds a chunk's rollup deltas (JSON arrays of rows) onto the stored rollups. */
  addUsageDeltasJson(deltas: UsageDeltasJson): Promise<void>;
  /**
   * Inserts a chunk of timeline events (`rows`: a JSON array of `[id, accountId, contactId, type,
   * time, propertiesJson]`); `accountIds` is 'all' when every event was new.
   */
  insertEventsJson(rows: string, n: number, at: string): ReturnType<typeof insertEventsJson>;
  /** Rolls up the usage rows whose ids were never seen (event streams). */
  rollUpNewUsage(rows: UsageRow[], rollup: UsageRollup): ReturnType<typeof rollUpNewUsage>;
  insertEvents(events: VigilEvent[], at: string): ReturnType<typeof insertEvents>;
  insertRejects(rejects: RejectRow[], at: string): Promise<void>;
  upsertAccounts(accounts: Account[], at: string): Promise<AccountsWriteResult>;
  upsertContracts(contracts: Contract[], at: string): ReturnType<typeof upsertContracts>;
  upsertContacts(contacts: Contact[]): ReturnType<typeof upsertContacts>;
  upsertUsers(users: User[], at: string): ReturnType<typeof upsertUsers>;
  upsertCatalog(features: CatalogFeature[]): Promise<EntityWriteResult>;
  /** Marks accounts for rescoring (usage priority). */
  markDirty(accountIds: Iterable<string>, at: string): Promise<void>;
};

/** Thrown inside a file's transaction (rolling it back) when its content was fully imported before. */
class AlreadyImported extends Error {
  constructor(
    readonly id: number,
    readonly lines: number,
  ) {
    super('already imported');
  }
}

function fileWriter(store: Store, trx: Transaction<Database>, importId: number): ImportFileWriter {
  return {
    importId,
    // the raw SQLite handle is the same connection as the transaction: the hot path
    claimUsage: (rows) => claimUsage(trx, rows, store.sqlite),
    addUsageDeltas: (deltas) => addUsageDeltas(store, trx, deltas),
    claimUsageJson: (rows, n) => claimUsageJson(trx, store.sqlite, rows, n),
    addUsageDeltasJson: (deltas) => addUsageDeltasJson(trx, store.sqlite, deltas),
    insertEventsJson: (rows, n, at) => insertEventsJson(trx, store.sqlite, rows, n, at),
    rollUpNewUsage: (rows, rollup) => rollUpNewUsage(trx, rows, rollup),
    insertEvents: (events, at) => insertEvents(trx, events, at),
    insertRejects: (rejects, at) => insertRejects(trx, importId, rejects, at),
    upsertAccounts: (accounts, at) => upsertAccounts(trx, accounts, at),
    upsertContracts: (contracts, at) => upsertContracts(trx, contracts, at),
    upsertContacts: (contacts) => upsertContacts(trx, contacts),
    upsertUsers: (users, at) => upsertUsers(trx, users, at),
    upsertCatalog: (features) => upsertCatalog(trx, features),
    async markDirty(accountIds, at) {
      await markDirty({ ...store, db: trx }, accountIds, at);
    },
  };
}

export function importsResource(store: Store, db: Kysely<Database>): ImportsResource {
  return {
    async list(page) {
      const rows = await db
        .selectFrom('imports')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return rows.map((r) => ({
        id: Number(r.id),
        path: r.path,
        kind: r.kind,
        status: r.status,
        accepted: Number(r.accepted),
        duplicates: Number(r.duplicates),
        rejected: Number(r.rejected),
        startedAt: r.started_at,
        finishedAt: r.finished_at,
        error: r.error,
      }));
    },
    rejects: (options) => listRejects(store, options),
    async accountIds() {
      return new Set((await db.selectFrom('accounts').select('id').execute()).map((r) => r.id));
    },
    lookupColumn: (table, on, field) => loadLookupColumn(db, table, on, field),
    async importFile(start, write) {
      try {
        return await db.transaction().execute(async (trx) => {
          const inserted = await trx
            .insertInto('imports')
            .values({
              path: start.path,
              sha256: start.sha256,
              kind: start.kind,
              status: 'running',
              started_at: start.startedAt,
              finished_at: null,
              error: null,
              lines_done: 0,
              accepted: 0,
              duplicates: 0,
              rejected: 0,
            })
            .returning('id')
            .executeTakeFirstOrThrow();
          const importId = Number(inserted.id);
          // The content claim, inside the transaction: a concurrent import of the
          // same file waits here (PostgreSQL advisory lock; SQLite's write lock is
          // already held) and then finds the first one's finished import.
          await lockImportContent(store, trx, start.sha256, start.kind);
          const previous = await findCompleteImport(trx, start.sha256, start.kind);
          if (previous) throw new AlreadyImported(previous.id, previous.lines_done);
          await supersedeRejects(trx, start.sha256, start.kind, importId, start.startedAt);
          const totals = await write(fileWriter(store, trx, importId));
          await trx
            .updateTable('imports')
            .set({
              status: 'done',
              finished_at: totals.finishedAt,
              lines_done: totals.lines,
              accepted: totals.accepted,
              updated: totals.updated,
              duplicates: totals.duplicates,
              rejected: totals.rejected,
              ignored: totals.ignored,
              bytes: totals.bytes,
            })
            .where('id', '=', importId)
            .execute();
          return { status: 'imported', importId } as const;
        });
      } catch (e) {
        if (e instanceof AlreadyImported) return { status: 'unchanged', previousId: e.id, lines: e.lines };
        throw e;
      }
    },
  };
}
