import type { Generated } from 'kysely';
import type { AuthTables } from './schema-auth.ts';
import type { IntegrationTables } from './schema-integrations.ts';
import type { LearningTables } from './schema-learning.ts';
import type { PerfTables } from './schema-perf.ts';
import type { PlaybookTables } from './schema-playbooks.ts';
import type { ViewTables } from './schema-views.ts';

/**
 * Kysely table types. snake_case columns; dates are ISO text, JSON is text,
 * booleans are 0/1 integers, so SQLite and PostgreSQL share one code path.
 */
export type Database = CoreTables &
  LearningTables &
  PlaybookTables &
  AuthTables &
  IntegrationTables &
  PerfTables &
  ViewTables;
// Each feature area adds its tables in its own file (schema-<area>.ts) and intersects them here:
// export type Database = CoreTables & PlaybookTables & AuthTables & ...;

export type CoreTables = {
  accounts: AccountsTable;
  contracts: ContractsTable;
  contract_status_history: ContractStatusHistoryTable;
  contacts: ContactsTable;
  catalog_features: CatalogFeaturesTable;
  events: EventsTable;
  usage_daily: UsageDailyTable;
  feature_monthly: FeatureMonthlyTable;
  user_monthly: UserMonthlyTable;
  seen_events: SeenEventsTable;
  imports: ImportsTable;
  rejects: RejectsTable;
  dirty_accounts: DirtyAccountsTable;
  users: UsersTable;
  models: ModelsTable;
  scores: ScoresTable;
  current_scores: CurrentScoresTable;
  overrides: OverridesTable;
  audit_log: AuditLogTable;
  meta: MetaTable;
  usage_ledger_state: UsageLedgerStateTable;
};

export type AccountsTable = {
  id: string;
  name: string;
  segment: string;
  industry: string | null;
  owner: string | null;
  parent_id: string | null;
  lifecycle_stage: string | null;
  created_at: string | null;
  traits: string; // JSON object
  tags: string; // JSON array
  updated_at: string;
};

export type ContractsTable = {
  id: string;
  account_id: string;
  start_date: string;
  /** Null: open-ended (runs until cancelled). */
  end_date: string | null;
  arr: number;
  currency: string;
  seats: number | null;
  plan: string | null;
  products: string; // JSON array
  status: string;
  churned_at: string | null;
  churn_reason: string | null;
  billing_period: string | null;
  auto_renew: Generated<number>;
  trial: Generated<number>;
};

export type ContractStatusHistoryTable = {
  id: Generated<number>;
  contract_id: string;
  status: string;
  effective_on: string;
  recorded_at: string;
};

export type ContactsTable = {
  id: string;
  account_id: string;
  email: string | null;
  name: string | null;
  title: string | null;
  role: string;
  joined_at: string | null;
  left_at: string | null;
};

export type CatalogFeaturesTable = {
  key: string;
  name: string | null;
  core: number;
  add_on: number;
  list_price: number | null;
};

export type EventsTable = {
  id: string;
  account_id: string;
  contact_id: string | null;
  type: string;
  time: string;
  properties: string; // JSON
  ingested_at: string;
};

export type UsageDailyTable = {
  account_id: string;
  day: string;
  logins: number;
  events: number;
  integration_events: number;
};

/** Per account, feature and month: a bitmask of active days (bit d-1 = day d) and the month's count. */
export type FeatureMonthlyTable = {
  account_id: string;
  feature: string;
  month: string; // YYYY-MM
  days: number;
  count: number;
};

/** Per account, contact and month: a bitmask of the days the contact was active and its event count. */
export type UserMonthlyTable = {
  account_id: string;
  contact_id: string;
  month: string; // YYYY-MM
  days: number;
  events: number;
};

/** Ids of usage events ingested one by one (API), so a re-send changes nothing. */
/** Usage event ids claimed so far; account and count kept since 016 (the usage ledger). */
export type SeenEventsTable = { id: string; account_id: string | null; units: number | null };

export type ImportsTable = {
  id: Generated<number>;
  path: string;
  sha256: string;
  kind: string;
  status: string; // running | done | failed
  lines_done: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  started_at: string;
  finished_at: string | null;
  updated: Generated<number>;
  ignored: Generated<number>;
  bytes: Generated<number>;
  error: string | null;
};

export type RejectsTable = {
  id: Generated<number>;
  import_id: number | null;
  source: string; // file path or 'api'
  line: number | null;
  field: string | null;
  reason: string;
  raw: string;
  created_at: string;
  resolved_at: string | null;
  kind: string | null;
};

export type DirtyAccountsTable = {
  account_id: string;
  marked_at: string;
  /** Bumped on every mark; a worker clears the row only if the version is unchanged. */
  version: number;
  locked_by: string | null;
  locked_until: string | null;
  /** 1 when something a person did touched the account (claimed first), else 0. */
  priority: Generated<number>;
};

export type UsersTable = {
  id: string;
  name: string | null;
  email: string | null;
  role: string;
  manager_id: string | null;
  password_hash: string | null;
  created_at: string;
  disabled_at: string | null;
};

export type ModelsTable = {
  version: number;
  name: string;
  status: string; // active | proposed | retired
  document: string; // JSON health model
  created_at: string;
  created_by: string | null;
  approved_at: string | null;
  approved_by: string | null;
  notes: string | null;
  backtest: string | null; // JSON
};

export type ScoresTable = {
  account_id: string;
  as_of: string;
  model_version: number;
  score: number;
  band: string;
  coverage: number;
  /** Full explanation (categories, signals, drivers) as JSON. */
  detail: string;
  computed_at: string;
};

export type CurrentScoresTable = ScoresTable & {
  previous_score: number | null;
  previous_band: string | null;
  override_score: number | null;
  trend_30: number | null;
  top_driver: string | null;
  /** core/lifecycle stage on the score's date (null in rows written before it existed). */
  lifecycle_stage: string | null;
  churned_on: string | null;
};

export type OverridesTable = {
  id: Generated<number>;
  account_id: string;
  score: number;
  reason: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  revoked_at: string | null;
};

export type AuditLogTable = {
  id: Generated<number>;
  at: string;
  actor: string;
  action: string;
  target: string | null;
  details: string; // JSON
};

export type MetaTable = { key: string; value: string };
/** One row: does the usage ledger (seen_events with account and units) cover all stored usage? */
export type UsageLedgerStateTable = { id: number; complete: number };
