import type SqliteDatabase from 'better-sqlite3';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Store } from '../database.ts';
import type { Database } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type LedgerRow = { id: string; accountId: string; units: number };

/**
 * Claims usage event ids in the ledger (`seen_events`), inside the caller's
 * transaction. Returns, per row and in order, whether the row is new: an id
 * claimed before — by an earlier import, by a concurrent one that committed
 * first, or earlier in the same batch — is not. On PostgreSQL a concurrent
 * transaction inserting the same id waits for this one, then sees the
 * conflict; on SQLite writers are serialised. `sqlite` (the raw handle of the
 * same connection) is the import's hot path.
 */
export async function claimUsage(
  db: Db,
  rows: LedgerRow[],
  sqlite: SqliteDatabase.Database | null = null,
): Promise<boolean[]> {
  const fresh = new Array<boolean>(rows.length).fill(false);
  if (sqlite) {
    // multi-row statements; RETURNING names the ids that were new
    const N = 200;
    const sqlFor = (n: number) =>
      `insert into seen_events (id, account_id, units) values ${Array(n).fill('(?, ?, ?)').join(', ')} on conflict (id) do nothing returning id`;
    const full = sqlite.prepare(sqlFor(N)).pluck();
    const args: (string | number)[] = [];
    for (let i = 0; i < rows.length; i += N) {
      const n = Math.min(N, rows.length - i);
      args.length = 0;
      for (let j = i; j < i + n; j++) {
        const r = rows[j]!;
        args.push(r.id, r.accountId, r.units);
      }
      const stmt = n === N ? full : sqlite.prepare(sqlFor(n)).pluck();
      const got = new Set(stmt.all(args) as string[]);
      // within one statement a repeated id is inserted once: the first row gets it
      for (let j = i; j < i + n; j++) fresh[j] = got.delete(rows[j]!.id);
    }
    return fresh;
  }
  // first occurrence of each id inside the batch; ids sorted so concurrent
  // transactions lock the same keys in the same order (no deadlock between them)
  const first = new Map<string, number>();
  rows.forEach((r, i) => {
    if (!first.has(r.id)) first.set(r.id, i);
  });
  const ids = [...first.keys()].sort();
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const inserted = await db
      .insertInto('seen_events')
      .values(
        chunk.map((id) => {
          const r = rows[first.get(id)!]!;
          return { id, account_id: r.accountId, units: r.units };
        }),
      )
      .onConflict((oc) => oc.column('id').doNothing())
      .returning('id')
      .execute();
    for (const r of inserted) fresh[first.get(r.id)!] = true;
  }
  return fresh;
}

/**
 * Serialises imports of the same content: on PostgreSQL a transaction-scoped
 * advisory lock per (kind, content hash), so a second import of the same file
 * waits for the first to commit and then sees it; on SQLite the file's
 * transaction already holds the write lock (its first statement is a write).
 */
export async function lockImportContent(store: Store, trx: Db, sha256: string, kind: string): Promise<void> {
  if (store.dialect !== 'postgres') return;
  await sql`select pg_advisory_xact_lock(724016, hashtext(${`${kind}:${sha256}`}))`.execute(trx);
}

/**
 * The latest finished import of exactly this content and kind in which every
 * row was taken (no rejects): only then is the content "imported". A file
 * whose rows were rejected is read again next time (its accepted rows are
 * duplicates by id then).
 */
export async function findCompleteImport(
  db: Db,
  sha256: string,
  kind: string,
): Promise<{ id: number; lines_done: number } | undefined> {
  return db
    .selectFrom('imports')
    .select(['id', 'lines_done'])
    .where('sha256', '=', sha256)
    .where('kind', '=', kind)
    .where('status', '=', 'done')
    .where('rejected', '=', 0)
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/**
 * Accounts whose rolled-up usage events differ from the sum of their ledger
 * entries (each id once). Returns null when the ledger started after usage was
 * already stored (`usage_ledger_state.complete` = 0), so the check cannot apply.
 */
export async function ledgerMismatches(db: Db): Promise<{ example: string }[] | null> {
  const state = await db.selectFrom('usage_ledger_state').select('complete').executeTakeFirst();
  if (Number(state?.complete ?? 0) !== 1) return null;
  const rows = await sql<{ example: string }>`
    with u as (select account_id, sum(events) as n from usage_daily group by account_id),
         l as (select account_id, sum(units) as n from seen_events where account_id is not null group by account_id),
         a as (select account_id from u union select account_id from l)
    select a.account_id || ': usage_daily ' || coalesce(u.n, 0) || ' vs ledger ' || coalesce(l.n, 0) as example
    from a left join u on u.account_id = a.account_id left join l on l.account_id = a.account_id
    where coalesce(u.n, 0) <> coalesce(l.n, 0) limit 1000`.execute(db);
  return rows.rows;
}

/**
 * When content with rejects is imported again, the earlier imports' open
 * rejects of the same content are superseded by this import's (each bad row is
 * listed once for review, at its latest reading).
 */
export async function supersedeRejects(db: Db, sha256: string, kind: string, importId: number, at: string) {
  await db
    .updateTable('rejects')
    .set({ resolved_at: at })
    .where('resolved_at', 'is', null)
    .where('import_id', 'in', (eb) =>
      eb
        .selectFrom('imports')
        .select('id')
        .where('sha256', '=', sha256)
        .where('kind', '=', kind)
        .where('id', '<>', importId),
    )
    .execute();
}
