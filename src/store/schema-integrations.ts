import type { Generated } from 'kysely';

/** Tables of the integrations area (migration 015-integrations-connections). */
export type IntegrationTables = {
  connections: ConnectionsTable;
  sync_log: SyncLogTable;
  crm_push_state: CrmPushStateTable;
  inbound_seen: InboundSeenTable;
};

export type ConnectionsTable = {
  id: string;
  kind: string; // hubspot | salesforce | slack | segment | stripe
  name: string;
  enabled: number; // 0/1
  settings: string; // JSON, no secrets
  /** JSON { name: "v1.<iv>.<tag>.<ciphertext>" } (AES-256-GCM, base64url); never clear text. */
  secrets: string;
  source: string; // file | api
  created_at: string;
  updated_at: string;
  last_push_at: string | null;
  /** When the last scheduled CRM read was claimed (migration 029). */
  last_read_at: string | null;
  /** UTC day (YYYY-MM-DD) of `budget_used`. */
  budget_day: string | null;
  budget_used: number;
  /** JSON cursor of incremental reads (vendor last-modified). */
  cursor: string | null;
};

export type SyncLogTable = {
  id: Generated<number>;
  connection_id: string;
  operation: string; // push | dry-run | read | inbound | alert | check
  status: string; // ok | partial | failed | budget-spent | rate-limited | dry-run
  started_at: string;
  finished_at: string;
  records: number;
  succeeded: number;
  failed: number;
  unmatched: number;
  calls: number;
  message: string;
  details: string; // JSON { failures: [...], unmatched: [...] }
};

/** What was last written for an account, so only changed accounts are pushed. */
export type CrmPushStateTable = {
  connection_id: string;
  account_id: string;
  crm_id: string;
  values_key: string;
  pushed_at: string;
};

/** Ids of inbound webhook deliveries already applied (Stripe event ids): a redelivery changes nothing. */
export type InboundSeenTable = { source: string; id: string; at: string };
