/**
 * The Store contract: what the engine may ask of the database, one typed interface per resource.
 * Every resource is implemented once over Kysely (src/store/resources/*) and serves both dialects;
 * what only one database can do is a capability (src/store/capabilities.ts), never a dialect branch
 * in the engine. Engine code uses these; `Store.db`/`Store.dialect` remain for query modules under
 * src/store and for code not yet moved (see the allowlist in biome.json).
 */
import type { StoreCapabilities } from './capabilities.ts';
import type { AccountsResource } from './resources/accounts.ts';
import type { AuditEntry } from './resources/audit.ts';
import type { ApiKeysResource, SessionsResource, UsersResource } from './resources/auth.ts';
import type { ClaimsResource, DirtyResource } from './resources/claims.ts';
import type { EventsResource } from './resources/events.ts';
import type { ImportsResource } from './resources/imports.ts';
import type { IngestResource } from './resources/ingest.ts';
import type { MetaResource } from './resources/meta.ts';
import type { ModelsResource } from './resources/models.ts';
import type { OutboxResource } from './resources/outbox.ts';
import type { OverridesResource } from './resources/overrides.ts';
import type { PlaybooksResource } from './resources/playbooks.ts';
import type { ScoresResource } from './resources/scores.ts';
import type { TasksResource } from './resources/tasks.ts';
import type { ViewsResource } from './resources/views.ts';

export type AuditResource = {
  /** The one way an audit line is written outside a transaction (inside one: `insertAudit(trx, …)`). */
  insert(entry: AuditEntry): Promise<void>;
};

export type StoreResources = {
  readonly accounts: AccountsResource;
  readonly events: EventsResource;
  readonly scores: ScoresResource;
  readonly overrides: OverridesResource;
  readonly models: ModelsResource;
  readonly tasks: TasksResource;
  readonly users: UsersResource;
  readonly sessions: SessionsResource;
  readonly apiKeys: ApiKeysResource;
  readonly audit: AuditResource;
  readonly imports: ImportsResource;
  /** Accounts waiting to be rescored: marks (ingest, people) and the one claim mechanism (workers). */
  readonly dirty: DirtyResource;
  readonly claims: ClaimsResource;
  /** Saved portfolio views, per user. */
  readonly views: ViewsResource;
  /** Event ingestion's writes (group commit of validated batches). */
  readonly ingest: IngestResource;
  /** Notifications waiting for delivery (claimed with a lease, results recorded under it). */
  readonly outbox: OutboxResource;
  readonly capabilities: StoreCapabilities;
  /** Playbooks, their runs and decisions (tasks themselves: `tasks`). */
  readonly playbooks: PlaybooksResource;
  /** Small settings the store keeps for every process (the generated webhook secret). */
  readonly meta: MetaResource;
  /** A cheap round trip (health checks). */
  ping(): Promise<void>;
};

export type { AuditEntry, StoreCapabilities };
