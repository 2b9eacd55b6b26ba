import { buildSlackAlert } from '../../core/integrations/slack-blocks.ts';
import type { NotificationPayload } from '../../core/playbooks/build-notification.ts';
import { listScoreStates } from '../../store/queries/integrations/list-score-states.ts';
import type { EngineContext } from '../context.ts';
import type { SendResult } from '../playbooks/send-webhook.ts';
import { recordSync } from './record-sync.ts';
import { findSlackApp, slackErrorOf } from './slack-app.ts';

/** Outbox targets of Slack alerts to a person: `slack-user:<e-mail>` (the owner's or manager's). */
export const SLACK_USER_TARGET = 'slack-user:';

/**
 * Sends a playbook alert as a Block Kit direct message to the person with
 * this e-mail (users.lookupByEmail → chat.postMessage), with claim / snooze /
 * done buttons. A person without a Slack account goes to the fallback channel
 * when one is set; otherwise the delivery fails visibly (outbox + sync log).
 */
export async function sendSlackAlert(
  ctx: EngineContext,
  email: string,
  payload: NotificationPayload,
): Promise<SendResult> {
  const startedAt = ctx.clock.now().toISOString();
  const app = await findSlackApp(ctx).catch((e: Error) => e);
  if (!app || app instanceof Error)
    return {
      ok: false,
      statusCode: null,
      error: app instanceof Error ? app.message : 'no Slack connection configured',
    };
  const v = payload.vigil;
  const [state] = await listScoreStates(ctx.store, [v.account.id]);
  const warnings: string[] = [];
  try {
    const d = JSON.parse(state?.detail ?? '{}') as { drivers?: { warnings?: { label: string }[] } };
    for (const w of d.drivers?.warnings ?? []) warnings.push(w.label);
  } catch {
    // no warnings shown rather than no alert
  }
  const message = buildSlackAlert({
    playbookName: v.playbook.name,
    account: v.account,
    score: v.score,
    band: v.band,
    because: v.because,
    warnings,
    task: v.task ? { id: v.task.id, title: v.task.title, due: v.task.due, priority: v.task.priority } : null,
    url:
      v.url ??
      (app.settings.publicUrl
        ? `${app.settings.publicUrl.replace(/\/$/, '')}/accounts/${encodeURIComponent(v.account.id)}`
        : null),
  });
  let channel: string | null = null;
  let error: string | null = null;
  try {
    const u = await app.client.users.lookupByEmail({ email });
    channel = u.user?.id ?? null;
  } catch (e) {
    error = slackErrorOf(e);
    if (error === 'users_not_found' && app.settings.fallbackChannel) channel = app.settings.fallbackChannel;
  }
  if (channel) {
    try {
      await app.client.chat.postMessage({
        channel,
        text: message.text,
        blocks: message.blocks as never,
        unfurl_links: false,
      });
      error = null;
    } catch (e) {
      error = slackErrorOf(e);
    }
  }
  await recordSync(ctx, {
    connectionId: app.connection.id,
    operation: 'alert',
    status: error ? 'failed' : 'ok',
    startedAt,
    records: 1,
    succeeded: error ? 0 : 1,
    failed: error ? 1 : 0,
    message: error
      ? `alert on ${v.account.id} to ${email} not sent: ${error}`
      : `alert on ${v.account.id} sent to ${email}${channel?.startsWith('C') ? ` (fallback channel ${channel})` : ''}`,
  });
  return error
    ? { ok: false, statusCode: null, error: `Slack: ${error}` }
    : { ok: true, statusCode: 200, error: null };
}
