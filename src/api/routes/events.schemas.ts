import { z } from '@hono/zod-openapi';
import { MAX_BATCH } from '../../engine/ingest/ingest-events.ts';

export const ingestBodySchema = z
  .object({
    events: z.array(z.unknown()).openapi({
      description:
        `At most ${MAX_BATCH.toLocaleString('en-US')} per request (more is a 413). Timeline events ` +
        '`{ id, accountId, contactId?, type, time, properties }` and usage events (type login | feature_used | ' +
        'integration_used | usage_custom with `key`, `count`). Each is validated on its own.',
    }),
  })
  .openapi('IngestRequest');

export const ingestReportSchema = z
  .object({
    accepted: z.number().int(),
    duplicates: z
      .number()
      .int()
      .openapi({ description: 'Events whose id was already stored (ignored: ingestion is idempotent)' }),
    rejected: z.array(
      z.object({
        index: z.number().int(),
        id: z.string().nullable(),
        field: z.string().nullable(),
        reason: z.string(),
      }),
    ),
  })
  .openapi('IngestReport');

export const queuedReportSchema = z
  .object({
    queued: z.number().int().openapi({ description: 'Events in the stored batch' }),
    sequence: z.number().int().openapi({ description: 'The batch message sequence in the stream' }),
    duplicate: z
      .boolean()
      .openapi({ description: 'The same message id was stored before (a retried request): stored once' }),
    messageId: z.string().openapi({ description: 'The Idempotency-Key header, or a hash of the batch' }),
  })
  .openapi('QueuedIngestReport');
