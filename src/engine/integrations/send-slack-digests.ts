import { AppError } from '../../core/errors.ts';
import { buildSlackDigest, localDateAndHour, previousDay } from '../../core/integrations/slack-digest.ts';
import { claimInboundId, releaseInboundId } from '../../store/queries/integrations/claim-inbound-id.ts';
import { loadDigestRecipients } from '../../store/resources/slack-digest.ts';
import type { EngineContext } from '../context.ts';
import { recordSync } from './record-sync.ts';
import { findSlackApp, slackErrorOf } from './slack-app.ts';

export type SendSlackDigestsOptions = {
  /** Build and print, send nothing, claim nothing. */
  dryRun?: boolean;
  /** The digest's date (default: today in the workspace time zone, once its hour has come). */
  date?: string;
};

export type SlackDigestOutcome = {
  userId: string;
  email: string;
  status: 'sent' | 'already-sent' | 'nothing-to-say' | 'no-slack-user' | 'failed' | 'dry-run';
  moved: number;
  due: number;
  error?: string;
  text?: string;
  blocks?: unknown[];
};

export type SlackDigestReport = {
  date: string | null;
  status: 'sent' | 'not-due' | 'disabled' | 'no-slack' | 'dry-run' | 'done-today';
  message: string;
  outcomes: SlackDigestOutcome[];
};

const RUN = 'run';

/**
 * The daily Slack digest of each CSM: "your accounts that moved, your tasks
 * due", as a Block Kit direct message (users.lookupByEmail → chat.postMessage).
 * The worker calls it every round; it sends once the workspace-local hour
 * `digest.hour` has come, once per CSM per date: each send is claimed first
 * (`inbound_seen`, source `slack-digest:<connection>`, id `<user>:<date>`), so a
 * restart or a second worker never sends a digest twice. A failed send gives
 * its claim back (`vigil slack digest` sends it again); a CSM without a Slack
 * account is reported. `--date` sends (or, dry, shows) the digest of that date.
 */
export async function sendSlackDigests(
  ctx: EngineContext,
  options: SendSlackDigestsOptions = {},
): Promise<SlackDigestReport> {
  const startedAt = ctx.clock.now().toISOString();
  const app = await findSlackApp(ctx);
  if (!app)
    return { date: null, status: 'no-slack', message: 'no Slack connection configured', outcomes: [] };
  const d = app.settings.digest;
  const manual = options.date !== undefined || options.dryRun === true;
  if (options.date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(options.date))
    throw new AppError('BAD_INPUT', `--date must be YYYY-MM-DD, got ${options.date}`);
  const local = localDateAndHour(ctx.clock.now(), d.timeZone);
  const date = options.date ?? local.date;
  if (!manual) {
    if (!d.enabled) return { date, status: 'disabled', message: 'the Slack digest is off', outcomes: [] };
    if (local.hour < d.hour)
      return {
        date,
        status: 'not-due',
        message: `the digest of ${date} is sent from ${d.hour}:00 ${d.timeZone}`,
        outcomes: [],
      };
  }
  const source = `slack-digest:${app.connection.id}`;
  // the worker's cheap daily gate: one run per date (each CSM's own claim still guards every send)
  if (!manual && !(await claimInboundId(ctx.store, source, `${RUN}:${date}`, startedAt)))
    return { date, status: 'done-today', message: `the digest of ${date} was sent`, outcomes: [] };

  const recipients = await loadDigestRecipients(ctx.store, date, previousDay(date));
  const outcomes: SlackDigestOutcome[] = [];
  for (const r of recipients) {
    const digest = buildSlackDigest({
      csm: { id: r.userId, name: r.name },
      date,
      accounts: r.accounts,
      tasks: r.tasks,
      minChange: d.minChange,
      publicUrl: app.settings.publicUrl,
    });
    const base = {
      userId: r.userId,
      email: r.email,
      moved: digest?.moved.length ?? 0,
      due: digest?.due.length ?? 0,
    };
    if (!digest) {
      outcomes.push({ ...base, status: 'nothing-to-say' });
      continue;
    }
    if (options.dryRun) {
      outcomes.push({ ...base, status: 'dry-run', text: digest.text, blocks: digest.blocks });
      continue;
    }
    const key = `${r.userId}:${date}`;
    if (!(await claimInboundId(ctx.store, source, key, startedAt))) {
      outcomes.push({ ...base, status: 'already-sent' });
      continue;
    }
    try {
      const u = await app.client.users.lookupByEmail({ email: r.email }).catch((e: unknown) => {
        if (slackErrorOf(e) === 'users_not_found') return null;
        throw e;
      });
      const channel = u?.user?.id;
      if (!channel) {
        await releaseInboundId(ctx.store, source, key);
        outcomes.push({ ...base, status: 'no-slack-user', error: `no Slack user with e-mail ${r.email}` });
        continue;
      }
      await app.client.chat.postMessage({
        channel,
        text: digest.text,
        blocks: digest.blocks as never,
        unfurl_links: false,
      });
      outcomes.push({ ...base, status: 'sent' });
    } catch (e) {
      await releaseInboundId(ctx.store, source, key);
      outcomes.push({ ...base, status: 'failed', error: slackErrorOf(e) });
    }
  }
  const count = (s: SlackDigestOutcome['status']) => outcomes.filter((o) => o.status === s).length;
  const problems = outcomes.filter((o) => o.status === 'failed' || o.status === 'no-slack-user');
  const message = options.dryRun
    ? `dry run: ${count('dry-run')} digest(s) of ${date} would be sent, ${count('nothing-to-say')} CSM(s) with nothing to report`
    : `digest of ${date}: ${count('sent')} sent, ${count('already-sent')} already sent, ${count('nothing-to-say')} with nothing to report, ${problems.length} not sent${problems.length ? ` (${problems.map((p) => `${p.email}: ${p.error}`).join('; ')})` : ''}`;
  if (!options.dryRun)
    await recordSync(ctx, {
      connectionId: app.connection.id,
      operation: 'digest',
      status: problems.length === 0 ? 'ok' : count('sent') > 0 ? 'partial' : 'failed',
      startedAt,
      records: recipients.length,
      succeeded: count('sent'),
      failed: problems.length,
      message,
      details: { date, outcomes: outcomes.map(({ blocks: _b, text: _t, ...o }) => o) },
    });
  return { date, status: options.dryRun ? 'dry-run' : 'sent', message, outcomes };
}
