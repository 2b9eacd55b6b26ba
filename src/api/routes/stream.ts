import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { visibleAccountIds } from '../../engine/accounts/account-access.ts';
import type { BusEvents } from '../../engine/bus.ts';
import type { EngineContext } from '../../engine/context.ts';
import { access, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses } from './common.schemas.ts';

type Pending = { event: string; accountId: string; data: unknown };

/**
 * GET /v1/stream: server-sent events `score-changed`, `band-changed`, `task-created` and
 * `task-changed`, only for accounts the caller may see. Events are batched for up to `flushMs`
 * so the visibility check is one query per batch, not one per event.
 */
export function streamRoutes(ctx: EngineContext, options: { flushMs?: number; heartbeatMs?: number } = {}) {
  const app = createRouter();
  const flushMs = options.flushMs ?? 50;
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags: ['stream'],
      summary: 'Live score, band and task changes (text/event-stream), filtered by what the caller may see',
      responses: {
        200: { description: 'An event stream', content: { 'text/event-stream': { schema: z.string() } } },
        ...errorResponses(),
      },
    }),
    (c) => {
      const p = principalOf(c);
      return streamSSE(c, async (stream) => {
        let id = 0;
        let queue: Pending[] = [];
        let timer: NodeJS.Timeout | null = null;
        let chain = Promise.resolve();
        const flush = () => {
          timer = null;
          const batch = queue;
          queue = [];
          chain = chain
            .then(async () => {
              if (stream.aborted || stream.closed) return;
              const visible = await visibleAccountIds(
                ctx,
                p.viewer,
                batch.map((b) => b.accountId),
              );
              for (const b of batch)
                if (visible.has(b.accountId))
                  await stream.writeSSE({ event: b.event, data: JSON.stringify(b.data), id: String(++id) });
            })
            .catch((e: unknown) => ctx.logger.warn('stream write failed', { error: (e as Error).message }));
        };
        const push = (event: string, accountId: string, data: unknown) => {
          queue.push({ event, accountId, data });
          timer ??= setTimeout(flush, flushMs);
        };
        const onScore = (e: BusEvents['score-changed'][0]) => {
          const payload = {
            accountId: e.accountId,
            owner: e.owner,
            previous: e.previous,
            score: e.current.score,
            band: e.current.band,
            asOf: e.current.asOf,
            modelVersion: e.current.modelVersion,
          };
          push('score-changed', e.accountId, payload);
          if (e.previous && e.previous.band !== e.current.band) push('band-changed', e.accountId, payload);
        };
        const onTask = (e: BusEvents['task-changed'][0]) => {
          push('task-changed', e.accountId, e);
          // only a task a playbook just created; a reopened or snoozed one is a task-changed
          if (e.created) push('task-created', e.accountId, e);
        };
        ctx.bus.on('score-changed', onScore);
        ctx.bus.on('task-changed', onTask);
        await stream.writeSSE({
          event: 'ready',
          data: JSON.stringify({ at: ctx.clock.now().toISOString() }),
        });
        const heartbeat = setInterval(
          () => void stream.writeSSE({ event: 'ping', data: '{}' }).catch(() => {}),
          options.heartbeatMs ?? 15_000,
        );
        await new Promise<void>((resolve) => stream.onAbort(() => resolve()));
        clearInterval(heartbeat);
        if (timer) clearTimeout(timer);
        ctx.bus.off('score-changed', onScore);
        ctx.bus.off('task-changed', onTask);
      });
    },
  );
  return app;
}
