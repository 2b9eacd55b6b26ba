import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
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

const self = fileURLToPath(import.meta.url);
// `.ts` when run from source (tests, tsx), `.js` in the compiled dist/ build
const ext = extname(self);
const dir = join(dirname(self), 'commands');
const all = readdirSync(dir)
  .filter((f) => f.endsWith(ext) && !f.endsWith(`.test${ext}`))
  .sort();

for (const f of commandFiles()) {
  const mod = (await import(pathToFileURL(join(dir, f)).href)) as { register?: (p: Command) => void };
  mod.register?.(program);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  handleError(e);
}

/**
 * The compiled build writes commands.json (which file registers which command, discovered at
 * build time): `vigil explain …` then loads the files that configure the program itself plus
 * explain's file, not every command's dependencies. Anything else (help, an unknown command,
 * no manifest when run from source) loads every file.
 */
function commandFiles(): string[] {
  const manifestFile = join(dirname(self), 'commands.json');
  if (!existsSync(manifestFile)) return all;
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as {
    commands: Record<string, string>;
    program: string[];
  };
  const args = process.argv.slice(2);
  let i = 0;
  // skip the program's own options (--db takes a value)
  while (i < args.length && args[i]?.startsWith('-')) {
    const a = args[i] as string;
    if (a === '-h' || a === '--help') return all;
    i += a === '--db' ? 2 : 1;
  }
  const name = args[i];
  const versionOnly = name === undefined && args.some((a) => a === '-v' || a === '--version');
  if (name === undefined) return versionOnly ? manifest.program : all;
  const file = manifest.commands[name];
  if (file === undefined || !all.includes(file)) return all;
  return [...new Set([...manifest.program, file])].sort();
}
