import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { EngineContext } from '../engine/context.ts';
import { type AppOptions, createApp } from './app.ts';

export type RunningServer = { url: string; port: number; close(): Promise<void> };

/**
 * Listens on host:port. A client must send its whole request within 60 s (slow-loris
 * connections are cut with Node's 408); handlers have their own timeouts (see limits.ts).
 */
export async function startServer(
  ctx: EngineContext,
  options: AppOptions & { port: number; host: string },
): Promise<RunningServer> {
  const app = createApp(ctx, options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const host = options.host === '0.0.0.0' || options.host === '::' ? 'localhost' : options.host;
      resolve({
        url: `http://${host.includes(':') ? `[${host}]` : host}:${info.port}`,
        port: info.port,
        close: () =>
          new Promise((res) => {
            (server as Server).closeAllConnections?.();
            server.close(() => res());
          }),
      });
    }) as Server;
    server.requestTimeout = 60_000;
    server.headersTimeout = 20_000;
    server.on('error', reject);
  });
}
