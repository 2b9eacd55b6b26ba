import { AppError } from '../../core/errors.ts';
import {
  buildSlackAccountCard,
  buildSlackActionResult,
  slackActionOf,
} from '../../core/integrations/slack-blocks.ts';
import { verifySlackSignature } from '../../core/integrations/slack-signature.ts';
import {
  findAccountsForSlack,
  findTaskForSlack,
  findUserByEmailForSlack,
  loadSlackCard,
  setTaskOwner,
} from '../../store/queries/integrations/slack-lookups.ts';
import { isAccountVisible } from '../../store/queries/visible-accounts.ts';
import type { EngineContext } from '../context.ts';
import { updateTask } from '../playbooks/update-task.ts';
import { recordSync } from './record-sync.ts';
import { findSlackApp, type SlackApp, slackErrorOf } from './slack-app.ts';

export type SlackRequest = { rawBody: string; timestamp: string | undefined; signature: string | undefined };
export type SlackAnswer = { status: 200; body: Record<string, unknown> };

/**
 * Checks Slack's v0 signature (HMAC-SHA256 over `v0:timestamp:body` with the
 * app's signing secret, 5-minute window) before anything is read: a forged or
 * replayed request is refused (401), logged in the sync log, and changes nothing.
 */
async function verified(ctx: EngineContext, req: SlackRequest): Promise<SlackApp> {
  const app = await findSlackApp(ctx);
  if (!app) throw new AppError('NOT_FOUND', 'no Slack connection is configured');
  const secret = app.connection.secrets.signingSecret;
  if (!secret)
    throw new AppError('PRECONDITION_FAILED', `Slack connection ${app.connection.id} has no signingSecret`);
  const v = verifySlackSignature({
    signingSecret: secret,
    timestamp: req.timestamp,
    signature: req.signature,
    rawBody: req.rawBody,
    nowSeconds: Math.floor(ctx.clock.now().getTime() / 1000),
    toleranceSeconds: app.settings.toleranceSeconds,
  });
  if (!v.ok) {
    await recordSync(ctx, {
      connectionId: app.connection.id,
      operation: 'inbound',
      status: 'rejected',
      startedAt: ctx.clock.now().toISOString(),
      failed: 1,
      message: `refused a request claiming to be from Slack: ${v.reason}`,
    });
    throw new AppError('UNAUTHENTICATED', `Slack signature check failed: ${v.reason}`);
  }
  return app;
}

/** The Vigil user behind a Slack user (same e-mail), with role for the visibility rule. */
async function vigilUserOf(ctx: EngineContext, app: SlackApp, slackUserId: string) {
  try {
    const info = await app.client.users.info({ user: slackUserId });
    const email = info.user?.profile?.email;
    return email ? await findUserByEmailForSlack(ctx.store, email) : null;
  } catch (e) {
    ctx.logger.warn('Slack users.info failed', { user: slackUserId, error: slackErrorOf(e) });
    return null;
  }
}

const ephemeral = (text: string): SlackAnswer => ({
  status: 200,
  body: { response_type: 'ephemeral', replace_original: false, text },
});

type BlockActions = {
  type: string;
  user?: { id?: string };
  channel?: { id?: string };
  container?: { channel_id?: string; message_ts?: string };
  message?: { ts?: string; blocks?: unknown[]; text?: string };
  actions?: { action_id?: string; value?: string }[];
};

/** A button of a Vigil alert: claim (the task becomes the clicker's), snooze 7 days, done. */
export async function handleSlackInteraction(ctx: EngineContext, req: SlackRequest): Promise<SlackAnswer> {
  const app = await verified(ctx, req);
  const raw = new URLSearchParams(req.rawBody).get('payload');
  let p: BlockActions;
  try {
    p = JSON.parse(raw ?? '') as BlockActions;
  } catch {
    throw new AppError('BAD_INPUT', 'the interactivity body has no JSON `payload` field');
  }
  if (p.type !== 'block_actions') return ephemeral('Vigil only handles its alert buttons.');
  const action = p.actions?.[0];
  const kind = slackActionOf(action?.action_id ?? '');
  const taskId = action?.value ?? '';
  if (!kind || !taskId) return ephemeral('Unknown Vigil action.');
  const user = p.user?.id ? await vigilUserOf(ctx, app, p.user.id) : null;
  if (!user) return ephemeral('Your Slack e-mail does not match a Vigil user, so Vigil cannot act for you.');
  const task = await findTaskForSlack(ctx.store, taskId);
  if (!task || !(await isAccountVisible(ctx.store, { userId: user.id, role: user.role }, task.accountId)))
    return ephemeral(`Task ${taskId} was not found or is not on one of your accounts.`);
  const actor = `${user.id} (slack)`;
  let note: string;
  if (kind === 'claim') {
    await setTaskOwner(ctx.store, task.id, user.id, actor, ctx.clock.now().toISOString());
    note = `Claimed by ${user.id}`;
  } else if (kind === 'snooze') {
    const t = await updateTask(ctx, task.id, { status: 'snoozed', actor });
    note = `Snoozed by ${user.id} until ${t.snoozedUntil?.slice(0, 10) ?? ''}`;
  } else {
    await updateTask(ctx, task.id, { status: 'done', actor });
    note = `Done — ${user.id}`;
  }
  ctx.bus.emit('task-changed', {
    taskId: task.id,
    accountId: task.accountId,
    owner: kind === 'claim' ? user.id : task.owner,
    status: kind === 'done' ? 'done' : kind === 'snooze' ? 'snoozed' : task.status,
    title: task.title,
    created: false,
  });
  const channel = p.container?.channel_id ?? p.channel?.id;
  const ts = p.container?.message_ts ?? p.message?.ts;
  if (channel && ts)
    await app.client.chat
      .update({
        channel,
        ts,
        text: `${p.message?.text ?? 'Vigil alert'} (${note})`,
        blocks: buildSlackActionResult(p.message?.blocks ?? [], note) as never,
      })
      .catch((e: unknown) => ctx.logger.warn('Slack chat.update failed', { error: slackErrorOf(e) }));
  await recordSync(ctx, {
    connectionId: app.connection.id,
    operation: 'inbound',
    status: 'ok',
    startedAt: ctx.clock.now().toISOString(),
    records: 1,
    succeeded: 1,
    message: `task ${task.id}: ${note}`,
  });
  return { status: 200, body: {} };
}

/** `/vigil ACCOUNT`: the account's card, only to a user who may see the account. */
export async function handleSlackCommand(ctx: EngineContext, req: SlackRequest): Promise<SlackAnswer> {
  const app = await verified(ctx, req);
  const form = new URLSearchParams(req.rawBody);
  const q = (form.get('text') ?? '').trim();
  if (!q) return ephemeral('Usage: /vigil ACCOUNT (an account id or part of its name)');
  const user = await vigilUserOf(ctx, app, form.get('user_id') ?? '');
  if (!user) return ephemeral('Your Slack e-mail does not match a Vigil user.');
  const viewer = { userId: user.id, role: user.role };
  const candidates = [];
  for (const a of await findAccountsForSlack(ctx.store, q))
    if (await isAccountVisible(ctx.store, viewer, a.id)) candidates.push(a);
  if (candidates.length === 0) return ephemeral(`No account of yours matches "${q}".`);
  if (candidates.length > 1 && candidates[0]?.id !== q)
    return ephemeral(
      `Several accounts match "${q}": ${candidates.map((a) => `${a.name} (${a.id})`).join(', ')}`,
    );
  const card = await loadSlackCard(ctx.store, (candidates[0] as { id: string }).id);
  if (!card) return ephemeral('Not found.');
  const today = ctx.clock.now().toISOString().slice(0, 10);
  const live = card.contracts.filter(
    (c) => c.start <= today && (c.end === null || c.end >= today) && c.status !== 'churned',
  );
  const warnings: string[] = [];
  try {
    for (const w of (
      JSON.parse(card.score?.detail ?? '{}') as { drivers?: { warnings?: { label: string }[] } }
    ).drivers?.warnings ?? [])
      warnings.push(w.label);
  } catch {
    // no warnings
  }
  const message = buildSlackAccountCard({
    account: {
      ...card.account,
      arr: live.length > 0 ? live.reduce((s, c) => s + c.arr, 0) : null,
      renewal: live.flatMap((c) => (c.end ? [c.end] : [])).sort()[0] ?? null,
    },
    score: card.score,
    warnings,
    openTasks: card.openTasks,
    url: app.settings.publicUrl
      ? `${app.settings.publicUrl.replace(/\/$/, '')}/accounts/${encodeURIComponent(card.account.id)}`
      : null,
  });
  return { status: 200, body: { response_type: 'ephemeral', ...message } };
}
