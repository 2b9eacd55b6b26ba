import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SqliteDatabase from 'better-sqlite3';

export type DatabaseFileState =
  /** the folder does not exist */
  | 'no-folder'
  /** no file yet (opening it would create an empty database) */
  | 'missing'
  /** a file that is not SQLite at all (a CSV, a typo'd path to something else) */
  | 'not-sqlite'
  /** SQLite, but another application's database (no Vigil tables) */
  | 'foreign'
  /** an empty SQLite file (0 bytes or no tables): Vigil may initialise it */
  | 'empty'
  | 'vigil';

const SQLITE_HEADER = 'SQLite format 3\u0000';

/**
 * What a SQLite path points at, read without changing anything (read-only open, no migration),
 * so a mistyped `--db` can be refused instead of silently creating an empty database.
 */
export function inspectDatabaseFile(path: string): DatabaseFileState {
  const full = resolve(path);
  if (!existsSync(dirname(full))) return 'no-folder';
  if (!existsSync(full)) return 'missing';
  const st = statSync(full);
  if (!st.isFile()) return 'not-sqlite';
  if (st.size === 0) return 'empty';
  const fd = openSync(full, 'r');
  const head = Buffer.alloc(16);
  try {
    readSync(fd, head, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (head.toString('latin1') !== SQLITE_HEADER) return 'not-sqlite';
  const db = new SqliteDatabase(full, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
      .all() as { name: string }[];
    if (tables.length === 0) return 'empty';
    return tables.some((t) => t.name === 'vigil_migrations') ? 'vigil' : 'foreign';
  } finally {
    db.close();
  }
}
