import { readFile } from 'node:fs/promises';
import { AppError } from '../../core/errors.ts';
import {
  type ConnectionInput,
  type ConnectionKind,
  connectionInputSchema,
  SECRET_NAMES,
} from '../../core/integrations/connection-schema.ts';
import { parseConnectionsFile } from '../../core/integrations/parse-connections-file.ts';
import {
  type ConnectionRow,
  deleteConnectionRow,
  findConnectionRow,
  listConnectionRows,
  upsertConnectionRow,
} from '../../store/queries/integrations/connection-rows.ts';
import { insertAudit } from '../../store/queries/integrations/insert-audit.ts';
import { latestSyncLogPerConnection, type SyncLogRow } from '../../store/queries/integrations/sync-log.ts';
import type { EngineContext } from '../context.ts';
import { type IntegrationSettings, loadIntegrationSettings } from './integration-settings.ts';
import type { SyncDetails } from './record-sync.ts';
import { createSecretBox, loadSecretKey, type SecretBox } from './secret-box.ts';

/** A connection ready to use: settings validated, secrets decrypted (never leaves the engine). */
export type Connection = Extract<ConnectionInput, { kind: ConnectionKind }> & {
  name: string;
  secrets: Record<string, string | undefined>;
  lastPushAt: string | null;
};

export type SyncLogView = {
  id: number;
  connectionId: string;
  operation: string;
  status: string;
  startedAt: string;
  finishedAt: string;
  records: number;
  succeeded: number;
  failed: number;
  unmatched: number;
  calls: number;
  message: string;
  details: SyncDetails;
};

/** What the API, CLI and dashboard show: secrets only as set / missing. */
export type ConnectionView = {
  id: string;
  kind: ConnectionKind;
  name: string;
  enabled: boolean;
  source: string;
  /** As stored: the kind's settings, validated (defaults filled in) when the connection was saved. */
  settings: ConnectionInput['settings'];
  secrets: Record<string, 'set' | 'missing'>;
  createdAt: string;
  updatedAt: string;
  lastPushAt: string | null;
  /** When the worker last claimed a scheduled CRM read (`read.intervalMinutes`). */
  lastReadAt: string | null;
  budget: { day: string | null; used: number; limit: number | null };
  lastSync: SyncLogView | null;
};

const runtimes = new WeakMap<object, { settings: IntegrationSettings; box: SecretBox | null }>();

/** Bumped on every save or delete through this process, so caches of connections drop at once. */
const generations = new WeakMap<object, number>();
export const connectionsGeneration = (ctx: EngineContext): number => generations.get(ctx.store) ?? 0;
const bumpGeneration = (ctx: EngineContext) => generations.set(ctx.store, connectionsGeneration(ctx) + 1);

/** Integration settings of this context (tests set them once with `configureIntegrations`). */
export function integrationSettingsOf(ctx: EngineContext): IntegrationSettings {
  let r = runtimes.get(ctx.store);
  if (!r) {
    r = { settings: loadIntegrationSettings(ctx.config.databaseUrl), box: null };
    runtimes.set(ctx.store, r);
  }
  return r.settings;
}

export function configureIntegrations(ctx: EngineContext, overrides: Partial<IntegrationSettings>): void {
  runtimes.set(ctx.store, {
    settings: loadIntegrationSettings(ctx.config.databaseUrl, overrides),
    box: null,
  });
}

function boxOf(ctx: EngineContext): SecretBox {
  integrationSettingsOf(ctx);
  const r = runtimes.get(ctx.store) as { settings: IntegrationSettings; box: SecretBox | null };
  if (!r.box) r.box = createSecretBox(loadSecretKey(r.settings));
  return r.box;
}

export const toSyncLogView = (r: SyncLogRow): SyncLogView => ({
  id: r.id,
  connectionId: r.connection_id,
  operation: r.operation,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  records: Number(r.records),
  succeeded: Number(r.succeeded),
  failed: Number(r.failed),
  unmatched: Number(r.unmatched),
  calls: Number(r.calls),
  message: r.message,
  details: JSON.parse(r.details || '{}'),
});

function toView(row: ConnectionRow, last: SyncLogRow | undefined): ConnectionView {
  const kind = row.kind as ConnectionKind;
  const sealed = JSON.parse(row.secrets || '{}') as Record<string, string>;
  const settings = JSON.parse(row.settings || '{}') as ConnectionInput['settings'];
  return {
    id: row.id,
    kind,
    name: row.name,
    enabled: row.enabled === 1,
    source: row.source,
    settings,
    secrets: Object.fromEntries(SECRET_NAMES[kind].map((n) => [n, sealed[n] ? 'set' : 'missing'])),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastPushAt: row.last_push_at,
    lastReadAt: row.last_read_at ?? null,
    budget: {
      day: row.budget_day,
      used: Number(row.budget_used),
      limit: ('dailyCallBudget' in settings ? settings.dailyCallBudget : null) ?? null,
    },
    lastSync: last ? toSyncLogView(last) : null,
  };
}

export async function listConnections(ctx: EngineContext): Promise<ConnectionView[]> {
  const [rows, last] = await Promise.all([
    listConnectionRows(ctx.store),
    latestSyncLogPerConnection(ctx.store),
  ]);
  return rows.map((r) => toView(r, last.get(r.id)));
}

export async function getConnectionView(ctx: EngineContext, id: string): Promise<ConnectionView> {
  const row = await findConnectionRow(ctx.store, id);
  if (!row) throw new AppError('NOT_FOUND', `connection ${id} not found`);
  const last = await latestSyncLogPerConnection(ctx.store);
  return toView(row, last.get(id));
}

/**
 * Saves a connection (create or replace). Secrets given are encrypted; secrets
 * left out keep their stored value, so a settings change never needs them
 * again; `null`-free by design: to remove a secret, delete the connection.
 */
export async function saveConnection(
  ctx: EngineContext,
  input: unknown,
  options: { source: 'file' | 'api'; actor: string },
): Promise<ConnectionView> {
  const c = connectionInputSchema.parse(input);
  const box = boxOf(ctx);
  const existing = await findConnectionRow(ctx.store, c.id);
  if (existing && existing.kind !== c.kind)
    throw new AppError(
      'CONFLICT',
      `connection ${c.id} is a ${existing.kind} connection; delete it first to reuse the id`,
    );
  const sealed = existing ? (JSON.parse(existing.secrets || '{}') as Record<string, string>) : {};
  const changed: string[] = [];
  for (const [name, value] of Object.entries(c.secrets as Record<string, string | undefined>)) {
    if (value === undefined) continue;
    sealed[name] = box.seal(value, `${c.id}/${name}`);
    changed.push(name);
  }
  const at = ctx.clock.now().toISOString();
  await upsertConnectionRow(
    ctx.store,
    {
      id: c.id,
      kind: c.kind,
      name: c.name ?? c.id,
      enabled: c.enabled ? 1 : 0,
      settings: JSON.stringify(c.settings),
      secrets: JSON.stringify(sealed),
      source: options.source,
    },
    at,
  );
  await insertAudit(ctx.store, {
    at,
    actor: options.actor,
    action: existing ? 'connection.update' : 'connection.create',
    target: `connection:${c.id}`,
    details: { kind: c.kind, secretsChanged: changed, source: options.source },
  });
  bumpGeneration(ctx);
  ctx.logger.info('connection saved', { id: c.id, kind: c.kind, secretsChanged: changed });
  return getConnectionView(ctx, c.id);
}

export async function deleteConnection(ctx: EngineContext, id: string, actor: string): Promise<void> {
  if (!(await deleteConnectionRow(ctx.store, id)))
    throw new AppError('NOT_FOUND', `connection ${id} not found`);
  bumpGeneration(ctx);
  await insertAudit(ctx.store, {
    at: ctx.clock.now().toISOString(),
    actor,
    action: 'connection.delete',
    target: `connection:${id}`,
    details: {},
  });
}

/** The connection with its secrets decrypted, for a connector's use. */
export async function loadConnection(ctx: EngineContext, id: string): Promise<Connection> {
  const row = await findConnectionRow(ctx.store, id);
  if (!row) throw new AppError('NOT_FOUND', `connection ${id} not found`);
  return decode(ctx, row);
}

/** Enabled connections of a kind (e.g. the Slack app, the Segment source). */
export async function loadConnectionsOfKind(ctx: EngineContext, kind: ConnectionKind): Promise<Connection[]> {
  const rows = (await listConnectionRows(ctx.store)).filter((r) => r.kind === kind && r.enabled === 1);
  return rows.map((r) => decode(ctx, r));
}

function decode(ctx: EngineContext, row: ConnectionRow): Connection {
  const sealed = JSON.parse(row.secrets || '{}') as Record<string, string>;
  const box = boxOf(ctx);
  const secrets = Object.fromEntries(
    Object.entries(sealed).map(([name, value]) => [name, box.open(value, `${row.id}/${name}`)]),
  );
  const parsed = connectionInputSchema.parse({
    id: row.id,
    kind: row.kind,
    name: row.name,
    enabled: row.enabled === 1,
    settings: JSON.parse(row.settings || '{}'),
    secrets: {},
  });
  return { ...parsed, name: row.name, secrets, lastPushAt: row.last_push_at } as Connection;
}

export type LoadConnectionsFileReport = { path: string; saved: string[] };

/** Reads a connections YAML file and saves each connection (all or nothing: a bad file saves none). */
export async function loadConnectionsFile(
  ctx: EngineContext,
  path: string,
  options: { actor: string; env?: Readonly<Record<string, string | undefined>> },
): Promise<LoadConnectionsFileReport> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new AppError('BAD_INPUT', `cannot read ${path}: ${(e as Error).message}`);
  }
  const parsed = parseConnectionsFile(text, options.env ?? process.env);
  if (!parsed.ok)
    throw new AppError(
      'BAD_INPUT',
      parsed.errors.map((e) => `${path}:${e.line}: ${e.field}: ${e.message}`).join('\n'),
      parsed.errors.map((e) => ({ ...e, file: path })),
    );
  const saved: string[] = [];
  for (const c of parsed.connections) {
    await saveConnection(ctx, c, { source: 'file', actor: options.actor });
    saved.push(c.id);
  }
  return { path, saved };
}

/**
 * Stores secrets a vendor rotated (a refreshed OAuth access token), encrypted like any other;
 * the settings and the other secrets are kept. Never logs the values.
 */
export async function saveRotatedSecrets(
  ctx: EngineContext,
  id: string,
  rotated: Record<string, string>,
): Promise<void> {
  const row = await findConnectionRow(ctx.store, id);
  if (!row) throw new AppError('NOT_FOUND', `connection ${id} not found`);
  const box = boxOf(ctx);
  const sealed = JSON.parse(row.secrets || '{}') as Record<string, string>;
  for (const [name, value] of Object.entries(rotated)) sealed[name] = box.seal(value, `${id}/${name}`);
  await upsertConnectionRow(
    ctx.store,
    {
      id: row.id,
      kind: row.kind,
      name: row.name,
      enabled: row.enabled,
      settings: row.settings,
      secrets: JSON.stringify(sealed),
      source: row.source,
    },
    ctx.clock.now().toISOString(),
  );
  bumpGeneration(ctx);
  ctx.logger.info('connection secrets rotated', { id, secrets: Object.keys(rotated) });
}
