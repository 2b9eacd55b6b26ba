import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../../engine/context.ts';
import { ingestEvents, MAX_BATCH } from '../../engine/ingest/ingest-events.ts';

const MAX_BODY = 16 * 1024 * 1024;
const tooLarge = () => {
  throw new AppError('PAYLOAD_TOO_LARGE', `request body over ${MAX_BODY / 1024 / 1024} MB`);
};
async function jsonBody(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new AppError('BAD_INPUT', 'the body must be JSON');
  }
}

/** POST /v1/events: batch ingestion with a per-event report; idempotent by event id. */
export function eventRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.post('/', bodyLimit({ maxSize: MAX_BODY, onError: tooLarge }), async (c) => {
    const body = z
      .object({ events: z.array(z.unknown()).max(MAX_BATCH, `at most ${MAX_BATCH} events per request`) })
      .parse(await jsonBody(c));
    const r = await ingestEvents(ctx, body.events);
    return c.json(
      { accepted: r.accepted, duplicates: r.duplicates, rejected: r.rejected },
      r.rejected.length > 0 && r.accepted === 0 ? 422 : 200,
    );
  });
  return app;
}

/** POST /v1/accounts/:id/notes: a CSM note, optionally with the CSM's red/amber/green read. */
export function noteRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.post('/:id/notes', bodyLimit({ maxSize: 64 * 1024, onError: tooLarge }), async (c) => {
    const body = z
      .object({
        text: z.string().min(1).max(20_000),
        sentiment: z.enum(['green', 'amber', 'red']).optional(),
        validDays: z.number().int().positive().max(730).optional(),
        author: z.string().max(200).optional(),
      })
      .parse(await jsonBody(c));
    const accountId = c.req.param('id');
    const time = ctx.clock.now().toISOString();
    const events: unknown[] = [
      {
        id: `note-${randomUUID()}`,
        accountId,
        type: 'csm_note',
        time,
        properties: { text: body.text, author: body.author },
      },
    ];
    if (body.sentiment)
      events.push({
        id: `sentiment-${randomUUID()}`,
        accountId,
        type: 'csm_sentiment',
        time,
        properties: {
          sentiment: body.sentiment,
          validDays: body.validDays,
          note: body.text.slice(0, 500),
          author: body.author,
        },
      });
    const r = await ingestEvents(ctx, events, { source: 'api:notes' });
    if (r.rejected.length > 0) {
      const first = r.rejected[0]!;
      throw new AppError(
        first.reason.startsWith('unknown account') ? 'NOT_FOUND' : 'BAD_INPUT',
        `${first.field ?? 'note'}: ${first.reason}`,
      );
    }
    return c.json({ accepted: r.accepted }, 201);
  });
  return app;
}
