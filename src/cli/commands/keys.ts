import type { Command } from 'commander';
import { z } from 'zod';
import { createApiKey, KEY_SCOPES, listApiKeys, revokeApiKey } from '../../engine/auth/api-keys.ts';
import { printTable } from '../print-table.ts';
import { printJson, withContext } from '../with-context.ts';

const createSchema = z.object({
  scope: z.enum(KEY_SCOPES),
  user: z.string().default('admin'),
  name: z.string().default('api key'),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  const keys = program.command('keys').description('API keys for ingestion and integrations (stored hashed)');
  keys
    .command('create')
    .description('create a key; it is printed once')
    .requiredOption('--scope <scope>', `one of ${KEY_SCOPES.join(', ')}`)
    .option('--user <id>', 'the key acts as this user and sees what they see (default admin)')
    .option('--name <name>', 'what the key is for')
    .option('--json', 'JSON output')
    .action(async (raw: unknown, cmd: Command) => {
      const o = createSchema.parse(raw);
      await withContext(cmd, async (ctx) => {
        const k = await createApiKey(ctx, {
          userId: o.user,
          name: o.name,
          scope: o.scope,
          actor: `cli:${process.env.USER ?? 'unknown'}`,
        });
        if (o.json) return printJson(k);
        process.stdout.write(
          `${k.key}\n(key ${k.id}, scope ${k.scope}, acts as ${k.userId}; shown once: only its hash is stored)\n`,
        );
      });
    });
  keys
    .command('revoke <id>')
    .description('revoke a key at once')
    .action(async (id: string, _raw: unknown, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const k = await revokeApiKey(ctx, id, `cli:${process.env.USER ?? 'unknown'}`);
        process.stdout.write(`revoked ${k.id} (${k.name}) at ${k.revokedAt}\n`);
      });
    });
  keys
    .command('list')
    .description('list keys (never the secrets)')
    .option('--json', 'JSON output')
    .action(async (raw: { json?: boolean }, cmd: Command) => {
      await withContext(cmd, async (ctx) => {
        const list = await listApiKeys(ctx);
        if (raw.json) return printJson(list);
        if (list.length === 0) return void process.stdout.write('no API keys (vigil keys create)\n');
        printTable(list, [
          { header: 'ID', value: (k) => k.id },
          { header: 'SCOPE', value: (k) => k.scope },
          { header: 'USER', value: (k) => k.userId },
          { header: 'STATE', value: (k) => (k.revokedAt ? `revoked ${k.revokedAt.slice(0, 10)}` : 'active') },
          { header: 'LAST USED', value: (k) => k.lastUsedAt?.slice(0, 19) ?? 'never' },
          { header: 'NAME', value: (k) => k.name },
        ]);
      });
    });
}
