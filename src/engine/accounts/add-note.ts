import { randomUUID } from 'node:crypto';
import type { Viewer } from '../../core/access.ts';
import { AppError } from '../../core/errors.ts';
import type { EngineContext } from '../context.ts';
import { ingestEvents } from '../ingest/ingest-events.ts';
import { requireVisibleAccount } from './account-access.ts';

export type NoteInput = { text: string; sentiment?: 'red' | 'amber' | 'green'; validDays?: number };

/**
 * A CSM note on an account, optionally with the CSM's red/amber/green read, ingested as
 * `csm_note` (+ `csm_sentiment`) events like any other source (`POST /v1/accounts/:id/notes`).
 */
export async function addNote(
  ctx: EngineContext,
  viewer: Viewer,
  accountId: string,
  body: NoteInput,
): Promise<{ accepted: number }> {
  await requireVisibleAccount(ctx, viewer, accountId);
  const time = ctx.clock.now().toISOString();
  const author = viewer.userId;
  const events: unknown[] = [
    {
      id: `note-${randomUUID()}`,
      accountId,
      type: 'csm_note',
      time,
      properties: { text: body.text, author },
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
        author,
      },
    });
  const r = await ingestEvents(ctx, events, { source: 'api:notes' });
  const first = r.rejected[0];
  if (first) throw new AppError('BAD_INPUT', `${first.field ?? 'note'}: ${first.reason}`);
  return { accepted: r.accepted };
}
