import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { z } from 'zod';
import { startServer } from '../../api/start-server.ts';
import { createContext, type EngineContext } from '../../engine/context.ts';
import { attachPlaybooks } from '../../engine/playbooks/attach-playbooks.ts';
import { startWorker } from '../../engine/worker/run-worker.ts';

export const WEB_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'web', 'dist');

export const serveOptionsSchema = z.object({
  port: z.coerce.number().int().min(0).max(65535).optional(),
  host: z.string().optional(),
  worker: z.boolean().default(true),
});

/** Serves the API and dashboard (and, unless --no-worker, the rescoring loop) until SIGINT/SIGTERM. */
export async function serveUntilStopped(ctx: EngineContext, opts: z.infer<typeof serveOptionsSchema>) {
  const server = await startServer(ctx, {
    port: opts.port ?? ctx.config.port,
    host: opts.host ?? ctx.config.host,
    webRoot: WEB_ROOT,
  });
  const worker = opts.worker ? startWorker(ctx) : null;
  // score changes run through the playbooks (tasks, routing, notifications) within seconds
  const playbooks = opts.worker ? attachPlaybooks(ctx) : null;
  process.stdout.write(`Vigil is serving on ${server.url}${worker ? ' (with its rescoring worker)' : ''}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping...\n');
  await worker?.stop();
  await playbooks?.idle();
  playbooks?.detach();
  await server.close();
}

export function register(program: Command) {
  program
    .command('serve')
    .description('serve the REST API and the dashboard')
    .option('--port <port>', 'port (default $VIGIL_PORT or 3000)')
    .option('--host <host>', 'host (default $VIGIL_HOST or 127.0.0.1)')
    .option('--no-worker', 'do not run the rescoring worker in this process')
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
