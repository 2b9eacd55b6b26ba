import Stripe from 'stripe';
import { AppError } from '../../core/errors.ts';
import type { StripeSettings } from '../../core/integrations/connection-schema.ts';
import { accountHintsOf, mapStripeEvent, type StripeEvent } from '../../core/integrations/stripe-mapping.ts';
import { insertRejects, upsertContracts } from '../../store/queries/import-writes.ts';
import { claimInboundId, releaseInboundId } from '../../store/queries/integrations/claim-inbound-id.ts';
import {
  accountExists,
  findAccountsByTrait,
} from '../../store/queries/integrations/find-accounts-by-trait.ts';
import { DIRTY_PRIORITY, markDirty } from '../../store/queries/mark-dirty.ts';
import type { EngineContext } from '../context.ts';
import { ingestEvents } from '../ingest/ingest-events.ts';
import { loadConnection } from './connections.ts';
import { recordSync } from './record-sync.ts';

export type StripeWebhookResult = {
  status: 200 | 422;
  body: { received: true; applied: boolean; duplicate?: boolean; ignored?: string; error?: string };
};

/** The official client's webhook helpers; it makes no API call here, so the key is only a placeholder when none is set. */
const stripeFor = (apiKey: string | undefined) => new Stripe(apiKey ?? 'sk_test_unused');

/**
 * A Stripe webhook delivery for a Stripe connection: the signature is checked
 * with the `stripe` package's own `webhooks.constructEvent` (HMAC-SHA256,
 * 5-minute tolerance) before anything is read; the event id is claimed so a
 * redelivery changes nothing; the mapped contract and events are written; an
 * event for an account Vigil cannot find is answered 422 (Stripe retries it
 * for days, so it lands once the account exists), kept in rejects and logged.
 */
export async function applyStripeWebhook(
  ctx: EngineContext,
  connectionId: string,
  rawBody: string,
  signature: string | undefined,
): Promise<StripeWebhookResult> {
  const startedAt = ctx.clock.now().toISOString();
  const conn = await loadConnection(ctx, connectionId).catch(() => null);
  if (conn?.kind !== 'stripe' || !conn.enabled)
    throw new AppError('NOT_FOUND', `no Stripe connection ${connectionId}`);
  const secret = conn.secrets.webhookSecret;
  if (!secret)
    throw new AppError('PRECONDITION_FAILED', `Stripe connection ${connectionId} has no webhookSecret`);
  const settings = conn.settings as StripeSettings;
  let event: StripeEvent;
  try {
    event = stripeFor(conn.secrets.apiKey).webhooks.constructEvent(
      rawBody,
      signature ?? '',
      secret,
      settings.toleranceSeconds,
      undefined,
      ctx.clock.now().getTime(),
    ) as unknown as StripeEvent;
  } catch (e) {
    await recordSync(ctx, {
      connectionId,
      operation: 'inbound',
      status: 'rejected',
      startedAt,
      failed: 1,
      message: `refused a webhook claiming to be from Stripe: ${(e as Error).message.split('\n')[0]}`,
    });
    throw new AppError('BAD_INPUT', `Stripe signature check failed: ${(e as Error).message.split('\n')[0]}`);
  }
  const source = `stripe:${connectionId}`;
  if (!(await claimInboundId(ctx.store, source, event.id, startedAt))) {
    ctx.logger.info('Stripe redelivery ignored', { connection: connectionId, event: event.id });
    return { status: 200, body: { received: true, applied: false, duplicate: true } };
  }
  try {
    const hints = accountHintsOf(event, settings.accountMetadataKey);
    let accountId: string | null = null;
    if (hints.accountId && (await accountExists(ctx.store, hints.accountId))) accountId = hints.accountId;
    else if (!hints.accountId && hints.customerId) {
      const ids = await findAccountsByTrait(ctx.store, settings.customerTrait, hints.customerId);
      if (ids.length === 1) accountId = ids[0] as string;
    }
    const mapped = accountId ? mapStripeEvent(event, accountId) : null;
    if (mapped?.kind === 'ignored') {
      return { status: 200, body: { received: true, applied: false, ignored: mapped.reason } };
    }
    if (!accountId || !mapped) {
      const reason = hints.accountId
        ? `unknown account "${hints.accountId}" (metadata.${settings.accountMetadataKey})`
        : hints.customerId
          ? `no account has trait ${settings.customerTrait} = ${hints.customerId}`
          : `the event names no account (metadata.${settings.accountMetadataKey}) and no customer`;
      await releaseInboundId(ctx.store, source, event.id);
      await insertRejects(
        ctx.store.db,
        null,
        [
          {
            source,
            line: null,
            field: 'account',
            reason: `${event.type} ${event.id}: ${reason}`,
            raw: rawBody.slice(0, 10_000),
          },
        ],
        startedAt,
      );
      await recordSync(ctx, {
        connectionId,
        operation: 'inbound',
        status: 'failed',
        startedAt,
        records: 1,
        failed: 1,
        message: `${event.type} ${event.id} not applied: ${reason}`,
      });
      return { status: 422, body: { received: true, applied: false, error: reason } };
    }
    if (mapped.kind === 'contract') {
      await upsertContracts(ctx.store.db, [mapped.contract], startedAt);
      await markDirty(ctx.store, [accountId], startedAt, DIRTY_PRIORITY.person);
    }
    const ev = mapped.kind === 'event' ? mapped.event : mapped.event;
    if (ev) {
      const r = await ingestEvents(ctx, [ev], { source });
      if (r.rejected.length > 0)
        throw new AppError(
          'BAD_INPUT',
          `${event.type} ${event.id}: ${r.rejected[0]?.field}: ${r.rejected[0]?.reason}`,
        );
    }
    await recordSync(ctx, {
      connectionId,
      operation: 'inbound',
      status: 'ok',
      startedAt,
      records: 1,
      succeeded: 1,
      message: `${event.type} ${event.id} → ${mapped.kind === 'contract' ? `contract ${mapped.contract.id} (${mapped.contract.status}, ARR ${mapped.contract.arr} ${mapped.contract.currency})` : (ev?.type as string)} on ${accountId}`,
    });
    return { status: 200, body: { received: true, applied: true } };
  } catch (e) {
    // not applied: forget the claim so Stripe's retry is applied
    await releaseInboundId(ctx.store, source, event.id);
    throw e;
  }
}
