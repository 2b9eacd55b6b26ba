import { insertSyncLog } from '../../store/queries/integrations/sync-log.ts';
import type { EngineContext } from '../context.ts';

export type SyncEntry = {
  connectionId: string;
  operation: 'push' | 'dry-run' | 'read' | 'inbound' | 'alert' | 'digest' | 'check';
  status: 'ok' | 'partial' | 'failed' | 'budget-spent' | 'rate-limited' | 'dry-run' | 'rejected';
  startedAt: string;
  records?: number;
  succeeded?: number;
  failed?: number;
  unmatched?: number;
  calls?: number;
  message: string;
  details?: Record<string, unknown>;
};

/** Writes one sync log entry and logs it (failures as warnings), so every outcome is visible in both places. */
export async function recordSync(ctx: EngineContext, e: SyncEntry): Promise<number> {
  const id = await insertSyncLog(ctx.store, {
    connection_id: e.connectionId,
    operation: e.operation,
    status: e.status,
    started_at: e.startedAt,
    finished_at: ctx.clock.now().toISOString(),
    records: e.records ?? 0,
    succeeded: e.succeeded ?? 0,
    failed: e.failed ?? 0,
    unmatched: e.unmatched ?? 0,
    calls: e.calls ?? 0,
    message: e.message,
    details: JSON.stringify(e.details ?? {}),
  });
  const fields = { connection: e.connectionId, operation: e.operation, status: e.status, message: e.message };
  if (e.status === 'ok' || e.status === 'dry-run') ctx.logger.info('sync', fields);
  else ctx.logger.warn('sync', fields);
  return id;
}
