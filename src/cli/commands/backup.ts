import type { Command } from 'commander';
import { AppError } from '../../core/errors.ts';
import { loadConfig } from '../../engine/config.ts';
import { backupStore, restoreStore } from '../../engine/maintenance/backup-store.ts';
import { withContext } from '../with-context.ts';

export function register(program: Command) {
  program
    .command('backup')
    .description('online backup of the SQLite database to FILE (safe while serving)')
    .argument('<file>', 'the backup file to write')
    .action(async (file: string, _raw: unknown, cmd: Command) => {
      const r = await withContext(cmd, (ctx) => backupStore(ctx, file));
      process.stdout.write(
        `backed up to ${r.file} (${(r.bytes / 1e6).toFixed(1)} MB) in ${(r.ms / 1000).toFixed(1)} s\n`,
      );
    });
  program
    .command('restore')
    .description('replace the SQLite database with a backup (stop the server first)')
    .argument('<file>', 'a file written by vigil backup')
    .action(async (file: string, _raw: unknown, cmd: Command) => {
      const root = cmd.optsWithGlobals() as { db?: string };
      const config = loadConfig(root.db ? { databaseUrl: root.db } : {});
      if (/^postgres/.test(config.databaseUrl))
        throw new AppError(
          'PRECONDITION_FAILED',
          'restore applies to SQLite; for PostgreSQL use pg_restore (docs/reliability.md)',
        );
      const r = restoreStore(config.databaseUrl, file);
      process.stdout.write(`restored ${r.restored} from ${file} (${r.accounts} accounts)\n`);
    });
}
