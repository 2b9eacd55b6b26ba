import { insertSyncLog } from '../../store/queries/integrations/sync-log.ts';
import type { EngineContext } from '../context.ts';

type ReadObjectCounts = { fetched: number; applied: number; skipped: number; pages: number };
type ReadCursorDetail = { at: string; ids: string[] };

/** What each operation keeps in a sync log entry beyond its counts (lists capped); others keep `{}`. */
export type SyncDetails =
  | {
      failures: { accountId: string; crmId: string; error: string }[];
      unmatched: { accountId: string; reason: string }[];
      createdFields: string[];
    }
  | {
      objects: Record<'companies' | 'contacts' | 'deals', ReadObjectCounts>;
      unknownOwners: { ownerId: string; email: string | null; name: string | null; records: string[] }[];
      unmatched: { object: 'companies' | 'contacts' | 'deals'; crmId: string; reason: string }[];
      cursors: Partial<Record<'companies' | 'contacts' | 'deals', ReadCursorDetail>>;
    }
  | { rejected: { index: number; messageId: string | null; field: string | null; reason: string }[] }
  | {
      date: string | null;
      outcomes: {
        userId: string;
        email: string;
        status: string;
        moved: number;
        due: number;
        error?: string;
      }[];
    }
  | Record<string, never>;

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
  details?: SyncDetails;
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
