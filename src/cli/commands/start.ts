import type { Command } from 'commander';
import { isStoreEmpty } from '../../engine/accounts/account-access.ts';
import { createContext } from '../../engine/context.ts';
import { loadDemo } from '../../engine/demo/load-demo.ts';
import { serveOptionsSchema, serveUntilStopped } from './serve.ts';

export function register(program: Command) {
  program
    .command('start')
    .description('the embedded default: open the database, load a demo portfolio if it is empty, and serve')
    .option('--port <port>', 'port (default $VIGIL_PORT or 3000)')
    .option('--host <host>', 'host (default $VIGIL_HOST or 127.0.0.1)')
    .option('--no-worker', 'do not run the rescoring worker')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = serveOptionsSchema.parse(raw);
      const root = cmd.optsWithGlobals() as { db?: string };
      const ctx = await createContext(root.db ? { databaseUrl: root.db } : {});
      try {
        if (await isStoreEmpty(ctx)) {
          process.stdout.write(
            `Vigil: ${ctx.config.databaseUrl} is empty; loading a demo portfolio (first start only)\n`,
          );
          const r = await loadDemo(ctx, { say: (l) => process.stdout.write(`  ${l}\n`) });
          process.stdout.write(
            `  done: ${r.accounts} accounts, ${r.usageEvents.toLocaleString('en-US')} usage events, ${r.historyRows.toLocaleString('en-US')} historical scores in ${(r.ms / 1000).toFixed(1)} s\n`,
          );
        }
        await serveUntilStopped(ctx, opts);
      } finally {
        await ctx.store.close();
      }
    });
}
