import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Command } from 'commander';
import { handleError } from './handle-error.ts';

/**
 * Every file in ./commands (except tests) exports `register(program)`; commands
 * are discovered so that adding one never means editing a shared list.
 */
// `vigil accounts list | head` closes stdout early: that is not an error
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

const program = new Command('vigil')
  .description('Vigil: customer health and retention analytics')
  .option(
    '--db <url>',
    'SQLite file path or postgres:// URL (default: $VIGIL_DATABASE_URL or ./data/vigil.db)',
  )
  .option('--create', 'with --db: create the database when the file does not exist yet')
  .showHelpAfterError();

const dir = join(dirname(fileURLToPath(import.meta.url)), 'commands');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .sort();
for (const f of files) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register?: (p: Command) => void };
  mod.register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  handleError(e);
}
