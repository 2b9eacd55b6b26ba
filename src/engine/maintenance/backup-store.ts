import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';

const PG_HELP =
  'PostgreSQL databases are backed up with its own tools: `pg_dump --format=custom -f vigil.dump "$VIGIL_DATABASE_URL"` and restored with `pg_restore --clean --if-exists -d "$VIGIL_DATABASE_URL" vigil.dump` (see docs/reliability.md)';

/** Online backup of the SQLite database (consistent while the server keeps writing). */
export async function backupStore(
  ctx: EngineContext,
  file: string,
): Promise<{ file: string; bytes: number; ms: number }> {
  const t0 = performance.now();
  if (!ctx.store.sqlite) throw new AppError('PRECONDITION_FAILED', PG_HELP);
  const target = resolve(file);
  if (existsSync(target)) throw new AppError('BAD_INPUT', `${file} exists; choose a new file name`);
  const tmp = `${target}.partial`;
  rmSync(tmp, { force: true });
  const res = await ctx.store.sqlite.backup(tmp);
  renameSync(tmp, target);
  return {
    file: target,
    bytes: res.totalPages * (ctx.store.sqlite.pragma('page_size', { simple: true }) as number),
    ms: performance.now() - t0,
  };
}

/**
 * Replaces the SQLite database at `databasePath` with a backup, after checking
 * the backup is a sound Vigil database. Run it with the server stopped.
 */
export function restoreStore(databasePath: string, file: string): { restored: string; accounts: number } {
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
