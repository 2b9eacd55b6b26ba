import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.ts';

/** One audit-log line: who did what to which target, with details (stored as JSON text). */
export type AuditEntry = {
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details?: unknown;
};

/**
 * The one place an audit line is written. Pass the transaction the audited change runs in, so the
 * change and its audit line commit together (or neither does).
 */
export async function insertAudit(db: Kysely<Database> | Transaction<Database>, entry: AuditEntry) {
  await db
    .insertInto('audit_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      action: entry.action,
      target: entry.target,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
}
