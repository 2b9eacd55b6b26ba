import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../../engine/context.ts';
import { ingestSegment, segmentSourceFor } from '../../engine/integrations/ingest-segment.ts';
import type { AppEnv } from '../app-env.ts';

const MAX_CALLS = 10_000;

/**
 * /hooks/segment: a Segment-compatible tracking endpoint (point a Segment
 * library at `host: <vigil>`, `path: /hooks/segment/v1/batch`): /v1/batch, /v1/track,
 * /v1/identify, /v1/group (and /v1/page, /v1/screen, ignored). The write key
 * of a Segment connection is the credential (HTTP Basic user name).
 */
export function segmentHookRoutes(ctx: EngineContext) {
  const app = new Hono<AppEnv>();
  app.use(
    '*',
    bodyLimit({
      maxSize: 8 * 1024 * 1024,
      onError: () => {
        throw new AppError('PAYLOAD_TOO_LARGE', 'Segment request body over 8 MB');
      },
    }),
  );
  app.post('/v1/:type{batch|track|identify|group|page|screen}', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = (await c.req.json()) as Record<string, unknown>;
    } catch {
      throw new AppError('BAD_INPUT', 'the body is not JSON');
    }
    if (!body || typeof body !== 'object' || Array.isArray(body))
      throw new AppError('BAD_INPUT', 'expected a JSON object');
    const source = await segmentSourceFor(ctx, c.req.header('authorization'), body.writeKey);
    const type = c.req.param('type');
    let calls: unknown[];
    if (type === 'batch') {
      if (!Array.isArray(body.batch)) throw new AppError('BAD_INPUT', 'batch: expected an array of calls');
      if (body.batch.length > MAX_CALLS)
        throw new AppError('PAYLOAD_TOO_LARGE', `at most ${MAX_CALLS} calls per batch`);
      calls = body.batch;
    } else calls = [{ ...body, type }];
    return c.json(await ingestSegment(ctx, source, calls), 200);
  });
  return app;
}
