import { AppError, isAppError } from '../../core/errors.ts';
import type {
  HubspotSettings,
  PushField,
  SalesforceSettings,
} from '../../core/integrations/connection-schema.ts';
import {
  computePushValues,
  pushValuesKey,
  scoreStateOf,
  toCrmProperties,
} from '../../core/integrations/crm-push-values.ts';
import { fieldDirection } from '../../core/integrations/crm-read-mapping.ts';
import {
  type CrmKind,
  domainsToLookUp,
  type MatchResult,
  matchAccounts,
} from '../../core/integrations/crm-record-match.ts';
import { setConnectionPushedAt } from '../../store/queries/integrations/connection-rows.ts';
import {
  loadPushState,
  type PushStateRow,
  savePushState,
} from '../../store/queries/integrations/crm-push-state.ts';
import { listScoreStates } from '../../store/queries/integrations/list-score-states.ts';
import type { EngineContext } from '../context.ts';
import { type CallGuard, SyncStopped } from './call-guard.ts';
import { type Connection, loadConnection } from './connections.ts';
import { openCrmSession } from './crm-session.ts';
import type { CrmRecordUpdate, CrmWriter } from './crm-writer.ts';
import { createHubspotWriter, hubspotMessage } from './hubspot-writer.ts';
import { recordSync } from './record-sync.ts';
import { openSalesforce } from './salesforce-connection.ts';
import { createSalesforceWriter, salesforceMessage } from './salesforce-writer.ts';

export type PushCrmOptions = {
  dryRun?: boolean;
  /** Push every account, not only changed ones (e.g. after the CRM was restored). */
  all?: boolean;
  /** Tests replace the wait of a 429. */
  sleep?: (ms: number) => Promise<void>;
};

export type PlannedUpdate = {
  accountId: string;
  crmId: string;
  by: 'id' | 'domain' | 'previous';
  properties: Record<string, string | number | null>;
};

export type PushCrmReport = {
  connectionId: string;
  kind: CrmKind;
  dryRun: boolean;
  status: 'ok' | 'partial' | 'failed' | 'budget-spent' | 'rate-limited' | 'dry-run';
  message: string;
  scored: number;
  changed: number;
  pushed: number;
  failed: { accountId: string; crmId: string; error: string }[];
  unmatched: { accountId: string; reason: string }[];
  /** Fields created in the CRM (or, in a dry run, that would be). */
  createdFields: string[];
  calls: number;
  /** Dry run: what would be written. */
  planned: PlannedUpdate[];
  syncLogId: number | null;
};

function writerFor(
  ctx: EngineContext,
  c: Connection,
  options: PushCrmOptions,
): { writer: CrmWriter; guard: CallGuard } {
  const session = openCrmSession(ctx, c, options);
  const writer =
    session.kind === 'hubspot'
      ? createHubspotWriter(session.settings, session.token, session.guard)
      : createSalesforceWriter(session.settings, openSalesforce(ctx, c), session.guard);
  return { writer, guard: session.guard };
}

/**
 * Pushes score, band, 30-day trend, coverage, top warning sign, churn
 * probability and a link into the CRM, for accounts whose pushed values
 * changed since the last confirmed push. Accounts are matched by the rules of
 * the connection (record id, then domain); an account without exactly one
 * record is reported unmatched, never guessed. Each confirmed chunk is
 * recorded at once, so a stop (budget, 429 storm, crash) resumes with what is
 * left and never writes a confirmed account twice; records the CRM refused
 * (deleted, invalid) are reported and retried next run.
 */
export async function pushCrm(
  ctx: EngineContext,
  connectionId: string,
  options: PushCrmOptions = {},
): Promise<PushCrmReport> {
  const startedAt = ctx.clock.now().toISOString();
  const c = await loadConnection(ctx, connectionId);
  if (!c.enabled && !options.dryRun)
    throw new AppError('PRECONDITION_FAILED', `connection ${c.id} is disabled`);
  const { writer, guard } = writerFor(ctx, c, options);
  const s = c.settings as HubspotSettings | SalesforceSettings;
  const kind = c.kind as CrmKind;
  // per-field direction: a field set to `none` is neither checked nor written
  const fields = Object.fromEntries(
    Object.entries(s.fields).filter(([f]) => fieldDirection(s.directions, f as PushField) === 'write'),
  ) as Partial<Record<PushField, string>>;
  const dryRun = options.dryRun ?? false;
  const report: PushCrmReport = {
    connectionId: c.id,
    kind,
    dryRun,
    status: dryRun ? 'dry-run' : 'ok',
    message: '',
    scored: 0,
    changed: 0,
    pushed: 0,
    failed: [],
    unmatched: [],
    createdFields: [],
    calls: 0,
    planned: [],
    syncLogId: null,
  };

  const rows = await listScoreStates(ctx.store);
  const state = await loadPushState(ctx.store, c.id);
  report.scored = rows.length;
  const changed = rows
    .map((r) => {
      const values = computePushValues(scoreStateOf(r), s.publicUrl);
      return {
        row: r,
        values,
        key: pushValuesKey(values),
        traits: JSON.parse(r.traits || '{}') as Record<string, unknown>,
      };
    })
    .filter((x) => options.all || state.get(x.row.accountId)?.valuesKey !== x.key);
  report.changed = changed.length;

  try {
    if (changed.length > 0) {
      report.createdFields = await writer.ensureFields(fields, dryRun);
      // a record found before keeps its id (a later domain edit in the CRM does not move the push)
      const accounts = changed.map((x) => ({ id: x.row.accountId, traits: x.traits }));
      const byId = matchAccounts(kind, accounts, { ...s.match, order: ['id'] }, new Map());
      const idMatched = new Map(byId.matched.map((m) => [m.accountId, m]));
      const rest = accounts.filter((a) => !idMatched.has(a.id) && !state.get(a.id));
      const domains = domainsToLookUp(kind, rest, s.match);
      const byDomain = domains.length > 0 ? await writer.findByDomains(domains) : new Map<string, string[]>();
      const match: MatchResult = matchAccounts(kind, rest, s.match, byDomain);
      const crmOf = new Map<string, { crmId: string; by: PlannedUpdate['by'] }>();
      for (const a of accounts) {
        const m = s.match.order[0] === 'id' ? idMatched.get(a.id) : undefined;
        if (m) crmOf.set(a.id, { crmId: m.crmId, by: 'id' });
        else if (state.get(a.id))
          crmOf.set(a.id, { crmId: (state.get(a.id) as PushStateRow).crmId, by: 'previous' });
      }
      for (const m of match.matched) crmOf.set(m.accountId, { crmId: m.crmId, by: m.by });
      report.unmatched = match.unmatched.filter((u) => !crmOf.has(u.accountId));

      const updates: (CrmRecordUpdate & { accountId: string; key: string; by: PlannedUpdate['by'] })[] = [];
      const seenCrm = new Map<string, string>();
      for (const x of changed) {
        const hit = crmOf.get(x.row.accountId);
        if (!hit) continue;
        const other = seenCrm.get(hit.crmId);
        if (other) {
          report.unmatched.push({
            accountId: x.row.accountId,
            reason: `CRM record ${hit.crmId} is already matched to account ${other}`,
          });
          continue;
        }
        seenCrm.set(hit.crmId, x.row.accountId);
        updates.push({
          accountId: x.row.accountId,
          crmId: hit.crmId,
          by: hit.by,
          key: x.key,
          properties: toCrmProperties(x.values, fields, writer.nullAs),
        });
      }
      if (dryRun) {
        report.planned = updates.map(({ accountId, crmId, by, properties }) => ({
          accountId,
          crmId,
          by,
          properties,
        }));
      } else if (updates.length > 0) {
        const byCrm = new Map(updates.map((u) => [u.crmId, u]));
        await writer.write(updates, async (r) => {
          const at = ctx.clock.now().toISOString();
          await savePushState(
            ctx.store,
            c.id,
            r.succeeded.flatMap((crmId) => {
              const u = byCrm.get(crmId);
              return u ? [{ accountId: u.accountId, crmId, valuesKey: u.key, pushedAt: at }] : [];
            }),
          );
          report.pushed += r.succeeded.length;
          for (const f of r.failed)
            report.failed.push({
              accountId: byCrm.get(f.crmId)?.accountId ?? '?',
              crmId: f.crmId,
              error: f.error,
            });
        });
      }
    }
    if (!dryRun) report.status = report.failed.length > 0 ? 'partial' : 'ok';
  } catch (e) {
    if (e instanceof SyncStopped) report.status = e.reason;
    else {
      report.status = 'failed';
      report.message = isAppError(e)
        ? e.message
        : c.kind === 'hubspot'
          ? hubspotMessage(e)
          : salesforceMessage(e);
    }
    if (e instanceof SyncStopped) report.message = e.message;
  }
  report.calls = guard.calls;
  if (!report.message)
    report.message = dryRun
      ? `dry run: ${report.planned.length} of ${report.changed} changed account(s) would be written, ${report.unmatched.length} unmatched`
      : `${report.pushed} of ${report.changed} changed account(s) written, ${report.failed.length} refused, ${report.unmatched.length} unmatched`;
  else if (report.pushed > 0) report.message += ` (${report.pushed} written before it stopped)`;
  if (!dryRun && report.status !== 'failed') await setConnectionPushedAt(ctx.store, c.id, startedAt);
  report.syncLogId = await recordSync(ctx, {
    connectionId: c.id,
    operation: dryRun ? 'dry-run' : 'push',
    status: report.status,
    startedAt,
    records: report.changed,
    succeeded: report.pushed,
    failed: report.failed.length,
    unmatched: report.unmatched.length,
    calls: report.calls,
    message: report.message,
    details: {
      failures: report.failed.slice(0, 200),
      unmatched: report.unmatched.slice(0, 200),
      createdFields: report.createdFields,
    },
  });
  return report;
}
