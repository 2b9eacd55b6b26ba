import { AppError } from '../../core/errors.ts';
import type { HubspotSettings, SalesforceSettings } from '../../core/integrations/connection-schema.ts';
import type { EngineContext } from '../context.ts';
import { CallGuard } from './call-guard.ts';
import type { Connection } from './connections.ts';
import { hubspotRetryAfter } from './hubspot-writer.ts';
import { salesforceRetryAfter } from './salesforce-writer.ts';

/** What a CRM push and a CRM read both start from: a checked connection and its call guard. */
export type CrmSession =
  | { kind: 'hubspot'; token: string; settings: HubspotSettings; guard: CallGuard }
  | { kind: 'salesforce'; settings: SalesforceSettings; guard: CallGuard };

/**
 * Checks that the connection is a CRM with what it needs, and builds the one call guard (daily
 * budget, 429 Retry-After per vendor) every call of a push or a read goes through.
 */
export function openCrmSession(
  ctx: EngineContext,
  c: Connection,
  options: { sleep?: (ms: number) => Promise<void> },
): CrmSession {
  if (c.kind !== 'hubspot' && c.kind !== 'salesforce')
    throw new AppError('BAD_INPUT', `connection ${c.id} is a ${c.kind} connection, not a CRM`);
  const token = c.secrets.accessToken;
  if (!token && c.kind === 'hubspot')
    throw new AppError('PRECONDITION_FAILED', `connection ${c.id} has no accessToken`);
  const s = c.settings as HubspotSettings | SalesforceSettings;
  const guard = new CallGuard(ctx, {
    connectionId: c.id,
    vendor: c.kind === 'hubspot' ? 'HubSpot' : 'Salesforce',
    dailyCallBudget: s.dailyCallBudget,
    maxRetryAfterSeconds: s.maxRetryAfterSeconds,
    rateLimitOf: c.kind === 'hubspot' ? hubspotRetryAfter : (e) => salesforceRetryAfter(e, ctx.clock.now()),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  return c.kind === 'hubspot'
    ? { kind: 'hubspot', token: token as string, settings: s as HubspotSettings, guard }
    : { kind: 'salesforce', settings: s as SalesforceSettings, guard };
}
