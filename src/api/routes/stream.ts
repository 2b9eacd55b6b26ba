import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { BusEvents } from '../../engine/bus.ts';
import type { EngineContext } from '../../engine/context.ts';

/** GET /v1/stream: server-sent events of score, band and task changes. */
export function streamRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/', (c) =>
    streamSSE(c, async (stream) => {
      let id = 0;
      const send = (event: string, data: unknown) =>
        stream.writeSSE({ event, data: JSON.stringify(data), id: String(++id) });
      const onScore = (e: BusEvents['score-changed'][0]) => {
        const payload = {
          accountId: e.accountId,
          owner: e.owner,
          previous: e.previous,
          score: e.current.score,
          band: e.current.band,
          asOf: e.current.asOf,
        };
        void send('score-changed', payload);
        if (e.previous && e.previous.band !== e.current.band) void send('band-changed', payload);
      };
      const onTask = (e: BusEvents['task-changed'][0]) => void send('task-changed', e);
      ctx.bus.on('score-changed', onScore);
      ctx.bus.on('task-changed', onTask);
      await send('ready', { at: ctx.clock.now().toISOString() });
      const heartbeat = setInterval(() => void stream.writeSSE({ event: 'ping', data: '{}' }), 15_000);
      await new Promise<void>((resolve) => stream.onAbort(() => resolve()));
      clearInterval(heartbeat);
      ctx.bus.off('score-changed', onScore);
      ctx.bus.off('task-changed', onTask);
    }),
  );
  return app;
}
