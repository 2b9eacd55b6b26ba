import type { Command } from 'commander';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { createContext } from '../../engine/context.ts';
import { MAX_BATCH } from '../../engine/ingest/ingest-events.ts';
import { runIngestWorker } from '../../engine/ingest-queue/nats-queue.ts';

const optionsSchema = z.object({
  nats: z.string().min(1).optional(),
  stream: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .optional(),
  groupEvents: z.coerce.number().int().min(1).max(MAX_BATCH).default(MAX_BATCH),
  ackWait: z.coerce.number().int().min(1).max(3600).default(30),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  program
    .command('ingest-worker')
    .description(
      'consume ingested event batches from NATS JetStream into the store (run any number, on any machine)',
    )
    .option('--nats <url>', 'NATS server(s), comma-separated (default $VIGIL_NATS_URL)')
    .option('--stream <name>', 'JetStream stream (default $VIGIL_NATS_STREAM or VIGIL_EVENTS)')
    .option('--group-events <n>', `events written per transaction (default ${MAX_BATCH})`)
    .option('--ack-wait <seconds>', 'redelivery delay of a batch a dead worker held (default 30)')
    .option('--json', 'print one JSON line per group written')
    .action(async (raw: unknown, cmd: Command) => {
      const o = optionsSchema.parse(raw);
      const root = cmd.optsWithGlobals() as { db?: string };
      const ctx = await createContext({
        ...(root.db ? { databaseUrl: root.db } : {}),
        ...(o.nats ? { natsUrl: o.nats } : {}),
        ...(o.stream ? { natsStream: o.stream } : {}),
      });
      try {
        if (!ctx.config.natsUrl)
          throw new AppError('BAD_INPUT', 'no NATS server: set VIGIL_NATS_URL or pass --nats <url>');
        const stop = new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        process.stdout.write(`ingest-worker started (stream ${ctx.config.natsStream})\n`);
        const stats = await runIngestWorker(ctx, {
          stop,
          groupEvents: o.groupEvents,
          ackWaitMs: o.ackWait * 1000,
          onGroup: o.json ? (g) => process.stdout.write(`${JSON.stringify(g)}\n`) : undefined,
        });
        process.stdout.write(
          `ingest-worker stopped: ${stats.groups} groups, ${stats.events} events (${stats.accepted} new, ${stats.duplicates} duplicates)\n`,
        );
      } finally {
        await ctx.store.close();
      }
    });
}
