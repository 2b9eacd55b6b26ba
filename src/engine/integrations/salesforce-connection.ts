import { Connection as SalesforceConnection } from 'jsforce';
import { AppError } from '../../core/errors.ts';
import type { SalesforceSettings } from '../../core/integrations/connection-schema.ts';
import type { EngineContext } from '../context.ts';
import { type Connection, saveRotatedSecrets } from './connections.ts';

/** Why Vigil could not renew a Salesforce session (revoked refresh token, wrong client, refused new token). */
export class SalesforceRefreshError extends Error {
  readonly errorCode = 'REFRESH_FAILED';
  constructor(message: string) {
    super(message);
    this.name = 'REFRESH_FAILED';
  }
}

type TokenResponse = { access_token?: string; refresh_token?: string };
type RefreshCallback = (err?: Error, accessToken?: string, res?: unknown) => void;

/**
 * A jsforce connection for a Salesforce connection. With a refresh token, the
 * connected app's client id (settings) and client secret, jsforce answers a
 * 401 INVALID_SESSION_ID by exchanging the refresh token at
 * `<loginUrl>/services/oauth2/token` and retrying the request once; the new
 * access token (and a rotated refresh token) is stored encrypted before the
 * retry. Only one refresh per connection object (one sync): a refused new
 * token fails clearly instead of looping. A revoked refresh token fails with
 * the vendor's error (`invalid_grant`), logged, and the sync log says so.
 */
export function openSalesforce(ctx: EngineContext, c: Connection): SalesforceConnection {
  if (c.kind !== 'salesforce')
    throw new AppError('BAD_INPUT', `connection ${c.id} is not a Salesforce connection`);
  const s = c.settings as SalesforceSettings;
  const refreshToken = c.secrets.refreshToken;
  const canRefresh = !!(refreshToken && s.clientId);
  if (!c.secrets.accessToken && !canRefresh)
    throw new AppError(
      'PRECONDITION_FAILED',
      `connection ${c.id} has no accessToken (nor a refreshToken with settings.clientId to get one)`,
    );
  let refreshes = 0;
  const refreshFn = (conn: SalesforceConnection, callback: RefreshCallback) => {
    void (async () => {
      if (++refreshes > 1) {
        const e = new SalesforceRefreshError(
          `Salesforce refused the access token it had just issued for connection ${c.id}; not refreshing again`,
        );
        ctx.logger.error('Salesforce token refresh failed', { connection: c.id, error: e.message });
        return callback(e);
      }
      try {
        const res = (await conn.oauth2.refreshToken(refreshToken as string)) as TokenResponse;
        if (!res.access_token) throw new Error('the token endpoint answered without an access_token');
        await saveRotatedSecrets(ctx, c.id, {
          accessToken: res.access_token,
          ...(res.refresh_token ? { refreshToken: res.refresh_token } : {}),
        });
        ctx.logger.info('Salesforce access token refreshed', { connection: c.id });
        callback(undefined, res.access_token, res);
      } catch (err) {
        const x = err as Error;
        const e = new SalesforceRefreshError(
          `Salesforce refused to refresh the access token of connection ${c.id} (${x.name}: ${x.message}); the refresh token was revoked or expired, or the client id / secret is wrong — reconnect the connected app and save the new refreshToken`,
        );
        ctx.logger.error('Salesforce token refresh failed', { connection: c.id, error: e.message });
        callback(e);
      }
    })();
  };
  return new SalesforceConnection({
    instanceUrl: s.instanceUrl.replace(/\/$/, ''),
    accessToken: c.secrets.accessToken ?? 'none',
    version: s.apiVersion,
    ...(canRefresh
      ? {
          oauth2: {
            clientId: s.clientId as string,
            ...(c.secrets.clientSecret ? { clientSecret: c.secrets.clientSecret } : {}),
            loginUrl: s.loginUrl.replace(/\/$/, ''),
          },
          refreshToken,
          refreshFn: refreshFn as never,
        }
      : {}),
  });
}
