import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { startServer } from '../../api/start-server.ts';
import { ensureAdmin } from '../../engine/auth/ensure-admin.ts';
import { createContext, type EngineContext } from '../../engine/context.ts';
import { closeEventQueue } from '../../engine/ingest-queue/nats-queue.ts';
import { interruptStaleJobs } from '../../engine/jobs/jobs.ts';
import { closeHeavyPools } from '../../engine/jobs/worker-pool.ts';
import { startBusBridge } from '../../engine/worker/bus-bridge.ts';
import { startWorker } from '../../engine/worker/run-worker.ts';
import { startMemorySampler } from '../memory-sampler.ts';

/** web/dist of the package this file belongs to (from src/ or from the compiled dist/ bundle). */
export const WEB_ROOT = join(packageRoot(dirname(fileURLToPath(import.meta.url))), 'web', 'dist');

function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) return join(from, '..', '..', '..');
    dir = up;
  }
  return dir;
}

export const serveOptionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().optional(),
  worker: z.boolean().default(true),
});

/**
 * Serves the API and dashboard (and, unless --no-worker, the background worker: rescoring,
 * playbooks, notifications) until SIGINT/SIGTERM.
 */
export async function serveUntilStopped(ctx: EngineContext, opts: z.infer<typeof serveOptionsSchema>) {
  await printFirstAdmin(ctx);
  const stopSampler = startMemorySampler();
  // jobs a previous (stopped) server left running on a database it alone uses can never finish
  if (ctx.store.capabilities.singleProcess) await interruptStaleJobs(ctx);
  const server = await startServer(ctx, {
    port: opts.port ?? ctx.config.port,
    host: opts.host ?? ctx.config.host,
    webRoot: WEB_ROOT,
  });
  // on PostgreSQL, score changes made by `vigil worker` processes reach this server's live stream
  const bridge = await startBusBridge(ctx);
  const worker = opts.worker ? startWorker(ctx) : null;
  process.stdout.write(`Vigil is serving on ${server.url}${worker ? ' (with its worker)' : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping...\n');
  await worker?.stop();
  await bridge.stop();
  await server.close();
  await closeHeavyPools();
  await closeEventQueue(ctx);
  stopSampler();
}

/** Prints how to log in when this start created the first admin. */
export async function printFirstAdmin(ctx: EngineContext) {
  const admin = await ensureAdmin(ctx);
  if (!admin.created) return;
  process.stdout.write(
    admin.password
      ? `Created the first admin. Log in as "${admin.username}" with password ${admin.password}\n  (shown once; change it with: vigil users add ${admin.username} --password-stdin)\n`
      : `Created the first admin "${admin.username}" with the password from VIGIL_ADMIN_PASSWORD\n`,
  );
}

export function register(program: Command) {
  program
    .command('serve')
    .description('serve the REST API and the dashboard')
    .option('--port <port>', 'port (default $VIGIL_PORT or 3000)')
    .option('--host <host>', 'host (default $VIGIL_HOST or 127.0.0.1)')
    .option('--no-worker', 'do not run the worker in this process (run `vigil worker` separately)')
    .action(async (raw: unknown, cmd: Command) => {
      const opts = serveOptionsSchema.parse(raw);
      const root = cmd.optsWithGlobals() as { db?: string };
      const ctx = await createContext(root.db ? { databaseUrl: root.db } : {});
      try {
        await serveUntilStopped(ctx, opts);
      } finally {
        await ctx.store.close();
      }
    });
}
