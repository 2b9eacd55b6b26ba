import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import type pg from 'pg';
import { AppError } from '../core/errors.ts';

/**
 * A cross-process notification channel (PostgreSQL LISTEN/NOTIFY). One channel per schema keeps
 * two Vigils in one database (tests) apart. Payloads must stay under 8,000 bytes.
 */
export type NotifyChannel = {
  readonly name: string;
  publish(payload: string): Promise<void>;
  /** Starts listening; `onMessage` gets every payload sent on the channel (by any process). */
  listen(onMessage: (payload: string) => void): Promise<{ close(): Promise<void> }>;
};

/**
 * What one database can do that the other cannot. The engine asks for a capability; it never
 * branches on the dialect.
 */
export type StoreCapabilities = {
  /** Cross-process notifications (PostgreSQL); null on SQLite, which is one process. */
  openNotifyChannel: ((base: string) => Promise<NotifyChannel>) | null;
  /** Claims skip rows locked by other workers (`FOR UPDATE SKIP LOCKED`, PostgreSQL). */
  skipLockedClaims: boolean;
  /** Consistent copy of the live database to a new file (SQLite); null where the database has its own tools. */
  onlineBackup: ((file: string) => Promise<{ bytes: number }>) | null;
  /** The database's own page-level integrity check (SQLite): its problem lines, [] when sound. */
  integrityCheck: (() => Promise<string[]>) | null;
  /** How many batch reads may run at once with profit (a pool on PostgreSQL, one connection on SQLite). */
  readConcurrency: number;
  /**
   * One server process owns the database (embedded SQLite): at start, jobs another process left
   * running can never finish and may be marked interrupted. False where several processes share it.
   */
  singleProcess: boolean;
  /** INSERT … ON CONFLICT upserts: both dialects have them, so query modules use them directly. */
  upserts: true;
};

export function sqliteCapabilities(sqlite: SqliteDatabase.Database): StoreCapabilities {
  return {
    openNotifyChannel: null,
    skipLockedClaims: false,
    async onlineBackup(file) {
      const res = await sqlite.backup(file);
      return { bytes: res.totalPages * (sqlite.pragma('page_size', { simple: true }) as number) };
    },
    async integrityCheck() {
      const rows = sqlite.pragma('integrity_check') as { integrity_check: string }[];
      return rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
    },
    readConcurrency: 1,
    singleProcess: true,
    upserts: true,
  };
}

export function postgresCapabilities(pool: pg.Pool): StoreCapabilities {
  return {
    async openNotifyChannel(base) {
      const schema = (await pool.query<{ s: string }>('select current_schema() as s')).rows[0]?.s ?? 'public';
      const name = `${base}_${schema.replace(/[^a-z0-9_]/gi, '_')}`.slice(0, 63).toLowerCase();
      return {
        name,
        async publish(payload) {
          await pool.query('select pg_notify($1, $2)', [name, payload]);
        },
        async listen(onMessage) {
          const client = await pool.connect();
          client.on('notification', (n) => {
            if (n.channel === name && n.payload) onMessage(n.payload);
          });
          await client.query(`listen ${name}`);
          return {
            async close() {
              await client.query(`unlisten ${name}`).catch(() => {});
              client.release();
            },
          };
        },
      };
    },
    skipLockedClaims: true,
    onlineBackup: null,
    integrityCheck: null,
    readConcurrency: 4,
    singleProcess: false,
    upserts: true,
  };
}

/**
 * Replaces the SQLite database at `databasePath` with a backup file, after checking the backup is a
 * sound Vigil database. Run it with the server stopped.
 */
export function restoreSqliteFile(
  databasePath: string,
  file: string,
): { restored: string; accounts: number } {
  const source = resolve(file);
  if (!existsSync(source)) throw new AppError('BAD_INPUT', `${file}: no such file`);
  let accounts = 0;
  const probe = new SqliteDatabase(source, { readonly: true, fileMustExist: true });
  try {
    const ok = probe.pragma('integrity_check', { simple: true });
    if (ok !== 'ok') throw new AppError('BAD_INPUT', `${file} is damaged: ${String(ok)}`);
    const hasMigrations = probe
      .prepare("select count(*) as n from sqlite_master where type = 'table' and name = 'vigil_migrations'")
      .get() as { n: number };
    if (hasMigrations.n === 0) throw new AppError('BAD_INPUT', `${file} is not a Vigil database`);
    accounts = (probe.prepare('select count(*) as n from accounts').get() as { n: number }).n;
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('BAD_INPUT', `${file} is not a SQLite database: ${(e as Error).message}`);
  } finally {
    probe.close();
  }
  const target = resolve(databasePath);
  const tmp = `${target}.restoring`;
  copyFileSync(source, tmp);
  for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
  renameSync(tmp, target);
  return { restored: target, accounts };
}
