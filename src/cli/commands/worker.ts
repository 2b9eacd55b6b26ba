import type { Command } from 'commander';
import { z } from 'zod';
import { createContext } from '../../engine/context.ts';
import { startBusBridge } from '../../engine/worker/bus-bridge.ts';
import { defaultWorkerId, startWorker } from '../../engine/worker/run-worker.ts';

const optionsSchema = z.object({
  interval: z.coerce.number().int().min(50).default(1000),
  batch: z.coerce.number().int().min(1).max(5000).default(200),
  lease: z.coerce.number().int().min(1).max(3600).optional(),
  id: z.string().max(100).optional(),
  logClaims: z.boolean().default(false),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('worker')
    .description(
      'rescoring, playbooks and notification delivery; run several against one PostgreSQL database to share the work',
    )
    .option('--interval <ms>', 'sleep between rounds when idle (default 1000)')
    .option('--batch <n>', 'accounts claimed per round (default 200)')
    .option(
      '--lease <seconds>',
      'claim lease; a dead worker’s claims are retaken after it (default $VIGIL_WORKER_LEASE_SECONDS or 60)',
    )
    .option('--id <name>', 'worker id (default <host>-<pid>)')
    .option('--log-claims', 'print every claimed account (tests, debugging)')
    .option('--json', 'print one JSON line per round that did work')
    .action(async (raw: unknown, cmd: Command) => {
      const o = optionsSchema.parse(raw);
      const root = cmd.optsWithGlobals() as { db?: string };
      const ctx = await createContext(root.db ? { databaseUrl: root.db } : {});
      const workerId = o.id ?? defaultWorkerId();
      // publishes this worker's score and task changes to the API servers' live streams
      const bridge = await startBusBridge(ctx);
      const worker = startWorker(ctx, {
        workerId,
        intervalMs: o.interval,
        batchSize: o.batch,
        ...(o.lease ? { leaseSeconds: o.lease } : {}),
        onClaim: o.logClaims ? (ids) => process.stdout.write(`claimed ${ids.join(' ')}\n`) : undefined,
        onRound: o.json ? (r) => process.stdout.write(`${JSON.stringify(r)}\n`) : undefined,
        // deliveries run on their own loop (a slow receiver never delays rescoring): one line per pass
        onDelivery: o.json ? (d) => process.stdout.write(`${JSON.stringify({ delivery: d })}\n`) : undefined,
      });
      process.stdout.write(`worker ${workerId} started\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await worker.stop();
      await bridge.stop();
      await ctx.store.close();
    });
}
