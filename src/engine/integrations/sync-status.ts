import { AppError } from '../../core/errors.ts';
import { findConnectionRow } from '../../store/queries/integrations/connection-rows.ts';
import { listSyncLog } from '../../store/queries/integrations/sync-log.ts';
import type { EngineContext } from '../context.ts';
import { type SyncLogView, toSyncLogView } from './connections.ts';

/** A connection's sync log, newest first. */
export async function listSyncLogView(
  ctx: EngineContext,
  options: { connectionId: string; limit: number },
): Promise<SyncLogView[]> {
  if (!(await findConnectionRow(ctx.store, options.connectionId)))
    throw new AppError('NOT_FOUND', `connection ${options.connectionId} not found`);
  return (await listSyncLog(ctx.store, options)).map(toSyncLogView);
}
