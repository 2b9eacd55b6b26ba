import type { HubspotSettings, SalesforceSettings } from '../../core/integrations/connection-schema.ts';
import {
  claimDuePush,
  claimDueRead,
  listConnectionRows,
} from '../../store/queries/integrations/connection-rows.ts';
import type { EngineContext } from '../context.ts';
import { type PushCrmReport, pushCrm } from './push-crm.ts';
import { readCrm } from './read-crm.ts';
import { sendSlackDigests } from './send-slack-digests.ts';

/**
 * Pushes each enabled CRM connection whose delay (`pushDelayMinutes`, default
 * 5) has passed since its last push: score changes are collected for that
 * long and then written together, so a change reaches the CRM within the
 * delay plus one worker round. Called by the worker loop; several workers
 * never push the same connection at once (the claim is one conditional update).
 * Connections with `read.intervalMinutes` set are also read (incrementally, from their cursors) once
 * that interval has passed since the last claimed read; a failed read is logged and tried again at
 * the next interval (the cursor only moves with committed pages, so nothing is lost or doubled).
 * It also sends the Slack daily digests once their hour has come.
 */
export async function runDueSyncs(ctx: EngineContext): Promise<PushCrmReport[]> {
  const rows = (await listConnectionRows(ctx.store)).filter(
    (r) => r.enabled === 1 && (r.kind === 'hubspot' || r.kind === 'salesforce'),
  );
  const out: PushCrmReport[] = [];
  const now = ctx.clock.now();
  for (const r of rows) {
    const s = JSON.parse(r.settings || '{}') as Partial<HubspotSettings | SalesforceSettings>;
    const delayMs = (s.pushDelayMinutes ?? 5) * 60_000;
    const dueBefore = new Date(now.getTime() - delayMs).toISOString();
    if (await claimDuePush(ctx.store, r.id, now.toISOString(), dueBefore)) {
      try {
        out.push(await pushCrm(ctx, r.id));
      } catch (e) {
        ctx.logger.error('CRM push failed', { connection: r.id, error: (e as Error).message });
      }
    }
    const interval = s.read?.intervalMinutes ?? null;
    if (interval === null) continue;
    const readDueBefore = new Date(now.getTime() - interval * 60_000).toISOString();
    if (!(await claimDueRead(ctx.store, r.id, now.toISOString(), readDueBefore))) continue;
    try {
      const rep = await readCrm(ctx, r.id);
      ctx.logger.info('CRM read', {
        connection: r.id,
        status: rep.status,
        owners: rep.ownersChanged,
        contacts: rep.contacts,
        contracts: rep.contracts,
      });
    } catch (e) {
      ctx.logger.error('CRM read failed', { connection: r.id, error: (e as Error).message });
    }
  }
  // the Slack daily digest: a no-op until its local hour, then once per CSM per day
  try {
    await sendSlackDigests(ctx);
  } catch (e) {
    ctx.logger.error('Slack digest failed', { error: (e as Error).message });
  }
  return out;
}
