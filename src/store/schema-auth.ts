/** Tables of sign-in and access: browser sessions, API keys, and the worker's change ledger. */
export type AuthTables = {
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  worker_baselines: WorkerBaselinesTable;
  worker_ledger: WorkerLedgerTable;
};

/** A signed-in browser. Only the SHA-256 of the cookie value is stored, so a database leak yields no live session. */
export type SessionsTable = {
  id_hash: string;
  user_id: string;
  csrf: string;
  created_at: string;
  expires_at: string;
  last_seen_at: string;
  revoked_at: string | null;
};

/** An API key `vgl_<id>_<secret>`: the secret is stored as SHA-256 only (it is 256 random bits, so no stretching is needed). */
export type ApiKeysTable = {
  id: string;
  user_id: string;
  name: string;
  scope: string; // ingest | read | admin
  secret_hash: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
};

/**
 * The score an account had when a worker first claimed it. Kept until the claim is released, so a
 * worker that takes over after a crash still sees the change (and runs the playbooks on it).
 */
export type WorkerBaselinesTable = {
  account_id: string;
  score: number | null;
  band: string | null;
  created_at: string;
};

/** One row per processed change (account, marked_at, version), written in the same transaction that clears the dirty mark. */
export type WorkerLedgerTable = {
  account_id: string;
  marked_at: string;
  version: number;
  worker_id: string;
  processed_at: string;
};
