import type { EmailPayload, NotificationPayload } from '../../core/playbooks/build-notification.ts';
import type { OutboxClaim } from '../../store/resources/outbox.ts';
import type { EngineContext } from '../context.ts';
import { SLACK_USER_TARGET, sendSlackAlert } from '../integrations/send-slack-alert.ts';
import { boundedSend } from './bounded-send.ts';
import { loadPlaybookSettings, type PlaybookSettings } from './playbook-settings.ts';
import { sendEmail } from './send-email.ts';
import { type SendResult, sendWebhook } from './send-webhook.ts';
import { getWebhookSecret } from './webhook-secret.ts';

export type DeliverOutboxOptions = {
  workerId: string;
  /** Rows to claim in this pass (default 50). */
  limit?: number;
  /** Requests in flight at once (default 1: one after another). */
  concurrency?: number;
  /** Per-request timeout of webhooks, e-mails and Slack messages (default 10 s). */
  timeoutMs?: number;
  /**
   * A stopping worker: no further row is started, and an aborted request's row is given back unsent
   * (due at once, the attempt not counted) for the next start; the receiver may have got it, so it
   * may come again with the same `X-Vigil-Delivery` id (at-least-once).
   */
  signal?: AbortSignal;
  settings?: Partial<PlaybookSettings>;
};

export type DeliverOutboxReport = {
  claimed: number;
  delivered: number;
  retried: number;
  dead: number;
  /** Rows whose lease this worker lost before it could record the result (another worker took over). */
  lostLease: number;
  /** Rows given back unsent because the worker is stopping. */
  released: number;
};

/**
 * Delivers due outbox rows. A pass claims rows with a lease (`store.outbox.claimDue`: on PostgreSQL
 * FOR UPDATE SKIP LOCKED, so concurrent workers take disjoint rows; on SQLite one write
 * transaction), sends them `concurrency` at a time, and records each result only while it still
 * holds the lease. A worker that dies mid-delivery leaves its rows to be claimed again when the
 * lease expires (at-least-once, with a stable `X-Vigil-Delivery` id for receivers); a delivered row
 * is never claimed again. Failures back off exponentially until `maxAttempts`, then the row is dead.
 */
export async function deliverOutbox(
  ctx: EngineContext,
  options: DeliverOutboxOptions,
): Promise<DeliverOutboxReport> {
  const settings = loadPlaybookSettings(options.settings);
  const { store } = ctx;
  const report: DeliverOutboxReport = {
    claimed: 0,
    delivered: 0,
    retried: 0,
    dead: 0,
    lostLease: 0,
    released: 0,
  };
  if (options.signal?.aborted) return report;
  const claimed = await store.outbox.claimDue({
    workerId: options.workerId,
    limit: options.limit ?? 50,
    now: ctx.clock.now().toISOString(),
    leaseSeconds: settings.leaseSeconds,
  });
  report.claimed = claimed.length;
  if (claimed.length === 0) return report;
  const secret = claimed.some((r) => r.kind !== 'email') ? await getWebhookSecret(ctx, settings) : '';
  const queue = [...claimed];
  const unsent: OutboxClaim[] = [];
  const slot = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) {
      if (options.signal?.aborted) {
        unsent.push(row);
        continue;
      }
      await deliverOne(ctx, row, { ...options, settings, secret, report, unsent });
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 1) }, slot));
  if (unsent.length > 0) report.released = await store.outbox.release(unsent, options.workerId);
  return report;
}

async function deliverOne(
  ctx: EngineContext,
  row: OutboxClaim,
  o: DeliverOutboxOptions & {
    settings: PlaybookSettings;
    secret: string;
    report: DeliverOutboxReport;
    unsent: OutboxClaim[];
  },
) {
  const { settings, report } = o;
  const t0 = performance.now();
  const deliveryId = String(row.id);
  let result: SendResult;
  const payload = JSON.parse(row.payload) as unknown;
  const timeoutMs = o.timeoutMs ?? 10_000;
  if (row.kind === 'email') {
    const smtpUrl = settings.smtpUrl;
    result = smtpUrl
      ? await boundedSend(
          () => sendEmail(smtpUrl, settings.mailFrom, payload as EmailPayload, { deliveryId, timeoutMs }),
          { timeoutMs, signal: o.signal, what: 'SMTP' },
        )
      : { ok: false, statusCode: null, error: 'no SMTP server configured (VIGIL_SMTP_URL)' };
  } else if (row.kind === 'slack' && row.target.startsWith(SLACK_USER_TARGET)) {
    // to a person through the Slack app (Block Kit with buttons), not an incoming webhook
    result = await boundedSend(
      () => sendSlackAlert(ctx, row.target.slice(SLACK_USER_TARGET.length), payload as NotificationPayload),
      { timeoutMs, signal: o.signal, what: 'Slack' },
    );
  } else {
    result = await sendWebhook(row.target, payload, {
      secret: o.secret,
      deliveryId,
      now: ctx.clock.now(),
      allow: settings.webhookAllow,
      ...(o.timeoutMs ? { timeoutMs: o.timeoutMs } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  }
  if (!result.ok && o.signal?.aborted) {
    // cut short by shutdown, not the receiver's fault: given back for the next start
    o.unsent.push(row);
    return;
  }
  const at = ctx.clock.now().toISOString();
  const dead = !result.ok && row.attempts >= settings.maxAttempts;
  const backoff = settings.backoffSeconds * 2 ** (row.attempts - 1) * 1000;
  const held = await ctx.store.outbox.record(row, {
    workerId: o.workerId,
    at,
    ok: result.ok,
    statusCode: result.statusCode,
    error: result.error,
    durationMs: Math.round((performance.now() - t0) * 10) / 10,
    dead,
    nextAttemptAt: new Date(Date.parse(at) + backoff).toISOString(),
  });
  if (!held) {
    report.lostLease++;
    return;
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
