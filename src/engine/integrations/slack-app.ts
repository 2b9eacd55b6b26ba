import { type ChatPostMessageResponse, WebClient } from '@slack/web-api';
import { AppError } from '../../core/errors.ts';
import type { SlackSettings } from '../../core/integrations/connection-schema.ts';
import type { EngineContext } from '../context.ts';
import { type Connection, loadConnectionsOfKind } from './connections.ts';

export type SlackApp = {
  connection: Connection & { kind: 'slack' };
  settings: SlackSettings;
  client: WebClient;
};

/** The Slack Web API client of a connection (@slack/web-api); it waits out 429 Retry-After itself. */
export function slackClientFor(settings: SlackSettings, botToken: string): WebClient {
  return new WebClient(botToken, {
    slackApiUrl: settings.apiUrl.endsWith('/') ? settings.apiUrl : `${settings.apiUrl}/`,
    retryConfig: { retries: 3, factor: 2, minTimeout: 200, maxTimeout: 5000 },
    rejectRateLimitedCalls: false,
    logLevel: undefined,
  });
}

/** The enabled Slack connection (one Slack app per Vigil), or null. */
export async function findSlackApp(ctx: EngineContext): Promise<SlackApp | null> {
  const [c] = await loadConnectionsOfKind(ctx, 'slack');
  if (c?.kind !== 'slack') return null;
  if (!c.secrets.botToken)
    throw new AppError('PRECONDITION_FAILED', `Slack connection ${c.id} has no botToken`);
  return {
    connection: c as SlackApp['connection'],
    settings: c.settings,
    client: slackClientFor(c.settings, c.secrets.botToken),
  };
}

/** Slack's own error code of a failed call (`users_not_found`, `invalid_auth`, `token_revoked`, `ratelimited`…). */
export function slackErrorOf(e: unknown): string {
  const x = e as { data?: { error?: string }; code?: string; message?: string };
  return x?.data?.error ?? x?.code ?? x?.message ?? String(e);
}

export type { ChatPostMessageResponse };
