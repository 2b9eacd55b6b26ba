import { createRoute } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../../engine/context.ts';
import { ingestEvents } from '../../engine/ingest/ingest-events.ts';
import { enqueueEvents } from '../../engine/ingest-queue/nats-queue.ts';
import { access } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { jsonDepth } from '../json-depth.ts';
import { errorResponses, jsonBody } from './common.schemas.ts';
import { ingestBodySchema, ingestReportSchema, queuedReportSchema } from './events.schemas.ts';

const MAX_EVENT_DEPTH = 32;

/** POST /v1/events: batch ingestion (≤ 10,000) with a per-event report; idempotent by event id. */
export function eventRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('ingest')] as const,
      method: 'post',
      path: '/',
      tags: ['events'],
      summary: 'Ingest a batch of events; every event is accepted, a duplicate, or rejected with its reason',
      request: { body: jsonBody(ingestBodySchema) },
      responses: {
        200: {
          description: 'At least one event accepted or a duplicate',
          content: { 'application/json': { schema: ingestReportSchema } },
        },
        202: {
          description:
            'With VIGIL_NATS_URL set: the batch is stored in the JetStream stream; `vigil ingest-worker` validates and writes it (rejects go to the rejects table)',
          content: { 'application/json': { schema: queuedReportSchema } },
        },
        422: {
          description: 'Every event was rejected',
          content: { 'application/json': { schema: ingestReportSchema } },
        },
        ...errorResponses(413),
      },
    }),
    async (c) => {
      const { events } = c.req.valid('json');
      // an event is an object of properties, a few levels deep at most; thousands of levels is an attack
      for (const [i, e] of events.entries())
        if (jsonDepth(e, MAX_EVENT_DEPTH) > MAX_EVENT_DEPTH)
          throw new AppError('BAD_INPUT', `events[${i}]: nested deeper than ${MAX_EVENT_DEPTH} levels`, {
            index: i,
          });
      if (ctx.config.natsUrl) {
        // the body as received (cached by the JSON validator) is what goes into the stream
        const q = await enqueueEvents(ctx, events, c.req.header('idempotency-key'), await c.req.text());
        return c.json(q, 202);
      }
      const r = await ingestEvents(ctx, events, { source: 'api' });
      const report = { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected };
      return r.rejected.length > 0 && r.accepted === 0 && r.duplicates === 0
        ? c.json(report, 422)
        : c.json(report, 200);
    },
  );
  return app;
}
