import { existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { restoreSqliteFile } from '../../store/capabilities.ts';
import type { EngineContext } from '../context.ts';

const PG_HELP =
  'PostgreSQL databases are backed up with its own tools: `pg_dump --format=custom -f vigil.dump "$VIGIL_DATABASE_URL"` and restored with `pg_restore --clean --if-exists -d "$VIGIL_DATABASE_URL" vigil.dump` (see docs/reliability.md)';

/** Online backup of the database where the store can make one (SQLite: consistent while the server keeps writing). */
export async function backupStore(
  ctx: EngineContext,
  file: string,
): Promise<{ file: string; bytes: number; ms: number }> {
  const t0 = performance.now();
  const backup = ctx.store.capabilities.onlineBackup;
  if (!backup) throw new AppError('PRECONDITION_FAILED', PG_HELP);
  const target = resolve(file);
  if (existsSync(target)) throw new AppError('BAD_INPUT', `${file} exists; choose a new file name`);
  const tmp = `${target}.partial`;
  rmSync(tmp, { force: true });
  const res = await backup(tmp);
  renameSync(tmp, target);
  return { file: target, bytes: res.bytes, ms: performance.now() - t0 };
}

/**
 * Replaces the SQLite database at `databasePath` with a backup, after checking
 * the backup is a sound Vigil database. Run it with the server stopped.
 */
export function restoreStore(databasePath: string, file: string): { restored: string; accounts: number } {
  return restoreSqliteFile(databasePath, file);
}
