import { serve } from '@hono/node-server';
import type { EngineContext } from '../engine/context.ts';
import { type AppOptions, createApp } from './app.ts';

export type RunningServer = { url: string; port: number; close(): Promise<void> };

export async function startServer(
  ctx: EngineContext,
  options: AppOptions & { port: number; host: string },
): Promise<RunningServer> {
  const app = createApp(ctx, options);
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port: options.port, hostname: options.host }, (info) => {
      const url = `http://${options.host === '0.0.0.0' ? 'localhost' : options.host}:${info.port}`;
      resolve({
        url,
        port: info.port,
        close: () => new Promise((res) => server.close(() => res())),
      });
    });
    server.on('error', reject);
  });
}
