import type { Command } from 'commander';
import { z } from 'zod';
import { createContext } from '../../engine/context.ts';
import { attachPlaybooks } from '../../engine/playbooks/attach-playbooks.ts';
import { startWorker } from '../../engine/worker/run-worker.ts';

const optionsSchema = z.object({
  interval: z.coerce.number().int().min(50).default(1000),
  batch: z.coerce.number().int().min(1).max(5000).default(200),
  id: z.string().max(100).optional(),
  logClaims: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('worker')
    .description(
      'rescoring, playbooks and notification delivery; run several against one PostgreSQL database to share the work',
    )
    .option('--interval <ms>', 'sleep between rounds when idle (default 1000)')
    .option('--batch <n>', 'accounts claimed per round (default 200)')
    .option('--id <name>', 'worker id (default pid-<pid>)')
    .option('--log-claims', 'print every claimed account (tests, debugging)')
    .action(async (raw: unknown, cmd: Command) => {
      const o = optionsSchema.parse(raw);
      const root = cmd.optsWithGlobals() as { db?: string };
      const ctx = await createContext(root.db ? { databaseUrl: root.db } : {});
      const workerId = o.id ?? `pid-${process.pid}`;
      const playbooks = attachPlaybooks(ctx, { workerId });
      const worker = startWorker(ctx, {
        workerId,
        intervalMs: o.interval,
        batchSize: o.batch,
        onClaim: o.logClaims ? (ids) => process.stdout.write(`claimed ${ids.join(' ')}\n`) : undefined,
      });
      process.stdout.write(`worker ${workerId} started\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.stop();
      await playbooks.idle();
      playbooks.detach();
      await ctx.store.close();
    });
}
