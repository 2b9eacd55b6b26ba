import type { EmailPayload, NotificationPayload } from '../../core/playbooks/build-notification.ts';
import type { EngineContext } from '../context.ts';
import { SLACK_USER_TARGET, sendSlackAlert } from '../integrations/send-slack-alert.ts';
import { loadPlaybookSettings, type PlaybookSettings } from './playbook-settings.ts';
import { sendEmail } from './send-email.ts';
import { type SendResult, sendWebhook } from './send-webhook.ts';
import { getWebhookSecret } from './webhook-secret.ts';

export type DeliverOutboxOptions = {
  workerId: string;
  /** Rows to claim in this pass (default 50). */
  limit?: number;
  settings?: Partial<PlaybookSettings>;
};

export type DeliverOutboxReport = {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
  /** Rows whose lease this worker lost before it could record the result (another worker took over). */
  lostLease: number;
};

/**
 * Delivers due outbox rows. A pass claims rows with a lease (on PostgreSQL
 * FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint rows; on SQLite
 * the claim is one write transaction), sends them, and records the result only
 * while it still holds the lease. A worker that dies mid-delivery leaves its
 * rows to be claimed again when the lease expires (at-least-once, with a stable
 * `X-Vigil-Delivery` id for receivers); a delivered row is never claimed again.
 * Failures back off exponentially until `maxAttempts`, then the row is dead.
 */
export async function deliverOutbox(
  ctx: EngineContext,
  options: DeliverOutboxOptions,
): Promise<DeliverOutboxReport> {
  const settings = loadPlaybookSettings(options.settings);
  const { store } = ctx;
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const until = new Date(now.getTime() + settings.leaseSeconds * 1000).toISOString();
  const report: DeliverOutboxReport = { claimed: 0, delivered: 0, retried: 0, dead: 0, lostLease: 0 };

  const claimed = await store.db.transaction().execute(async (trx) => {
    let q = trx
      .selectFrom('outbox')
      .select(['id', 'kind', 'target', 'payload', 'attempts'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', nowIso)]))
      .orderBy('id')
      .limit(options.limit ?? 50);
    if (store.dialect === 'postgres') q = q.forUpdate().skipLocked();
    const rows = await q.execute();
    if (rows.length === 0) return [];
    await trx
      .updateTable('outbox')
      .set((eb) => ({ locked_by: options.workerId, locked_until: until, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    return rows.map((r) => ({ ...r, id: Number(r.id), attempts: Number(r.attempts) + 1 }));
  });
  report.claimed = claimed.length;
  if (claimed.length === 0) return report;
  const secret = claimed.some((r) => r.kind !== 'email') ? await getWebhookSecret(ctx, settings) : '';

  for (const row of claimed) {
    const t0 = performance.now();
    const deliveryId = String(row.id);
    let result: SendResult;
    const payload = JSON.parse(row.payload) as unknown;
    if (row.kind === 'email') {
      result = settings.smtpUrl
        ? await sendEmail(settings.smtpUrl, settings.mailFrom, payload as EmailPayload, { deliveryId })
        : { ok: false, statusCode: null, error: 'no SMTP server configured (VIGIL_SMTP_URL)' };
    } else if (row.kind === 'slack' && row.target.startsWith(SLACK_USER_TARGET)) {
      // to a person through the Slack app (Block Kit with buttons), not an incoming webhook
      result = await sendSlackAlert(
        ctx,
        row.target.slice(SLACK_USER_TARGET.length),
        payload as NotificationPayload,
      );
    } else {
      result = await sendWebhook(row.target, payload, {
        secret,
        deliveryId,
        now: ctx.clock.now(),
        allow: settings.webhookAllow,
      });
    }
    const at = ctx.clock.now().toISOString();
    const dead = !result.ok && row.attempts >= settings.maxAttempts;
    const backoff = settings.backoffSeconds * 2 ** (row.attempts - 1) * 1000;
    const res = await store.db
      .updateTable('outbox')
      .set(
        result.ok
          ? { status: 'delivered', delivered_at: at, locked_by: null, locked_until: null, last_error: null }
          : {
              status: dead ? 'dead' : 'pending',
              next_attempt_at: new Date(Date.parse(at) + backoff).toISOString(),
              locked_by: null,
              locked_until: null,
              last_error: result.error,
            },
      )
      .where('id', '=', row.id)
      .where('locked_by', '=', options.workerId)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    await store.db
      .insertInto('deliveries')
      .values({
        outbox_id: row.id,
        attempt: row.attempts,
        at,
        worker_id: options.workerId,
        ok: result.ok ? 1 : 0,
        status_code: result.statusCode,
        error: result.error,
        duration_ms: Math.round((performance.now() - t0) * 10) / 10,
      })
      .execute();
    if (Number(res.numUpdatedRows) === 0) {
      report.lostLease++;
      continue;
    }
    if (result.ok) report.delivered++;
    else if (dead) report.dead++;
    else report.retried++;
    if (!result.ok)
      ctx.logger.warn('notification delivery failed', {
        id: row.id,
        kind: row.kind,
        attempt: row.attempts,
        error: result.error,
      });
  }
  return report;
}
