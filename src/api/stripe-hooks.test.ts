import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contextForStore, type EngineContext } from '../engine/context.ts';
import { configureIntegrations, saveConnection } from '../engine/integrations/connections.ts';
import type { Store } from '../store/database.ts';
import { seedScoreFixtures } from '../store/queries/integrations/seed-score-fixtures.ts';
import { listSyncLog } from '../store/queries/integrations/sync-log.ts';
import { openTestStore, TEST_STORE_KINDS } from '../store/test-stores.ts';
import { createApp } from './app.ts';

const WHSEC = 'whsec_test_5d1e0c';
const NOW = Date.parse('2026-06-30T12:00:00Z');
const stripe = new Stripe('sk_test_unused');
const t = (iso: string) => Math.floor(Date.parse(iso) / 1000);

const subscription = (id: string, extra: Record<string, unknown> = {}) => ({
  id,
  object: 'subscription',
  customer: 'cus_ACME',
  status: 'active',
  start_date: t('2026-01-01T00:00:00Z'),
  metadata: { vigil_account_id: 'acme' },
  items: {
    object: 'list',
    data: [
      {
        id: 'si_1',
        quantity: 10,
        current_period_start: t('2026-06-01T00:00:00Z'),
        current_period_end: t('2026-07-01T00:00:00Z'),
        price: {
          id: 'price_seat',
          currency: 'eur',
          unit_amount: 5000,
          nickname: 'Pro seat',
          recurring: { interval: 'month', interval_count: 1 },
          product: 'prod_pro',
        },
      },
      {
        id: 'si_2',
        quantity: 1,
        current_period_start: t('2026-06-01T00:00:00Z'),
        current_period_end: t('2026-07-01T00:00:00Z'),
        price: {
          id: 'price_sso',
          currency: 'eur',
          unit_amount: 120000,
          nickname: 'SSO add-on',
          recurring: { interval: 'year', interval_count: 1 },
          product: 'prod_sso',
        },
      },
    ],
  },
  ...extra,
});
const event = (
  id: string,
  type: string,
  object: Record<string, unknown>,
  created = t('2026-06-30T11:59:00Z'),
) =>
  JSON.stringify({
    id,
    object: 'event',
    api_version: '2025-03-31.basil',
    created,
    livemode: false,
    type,
    data: { object },
  });

describe.each(TEST_STORE_KINDS)('Stripe webhooks, signed with the stripe package (%s)', (kind) => {
  let store: Store;
  let ctx: EngineContext;
  let app: ReturnType<typeof createApp>;
  const post = (payload: string, opts: { secret?: string; timestamp?: number; header?: string } = {}) =>
    app.request('/hooks/stripe/stripe', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature':
          opts.header ??
          stripe.webhooks.generateTestHeaderString({
            payload,
            secret: opts.secret ?? WHSEC,
            timestamp: opts.timestamp ?? Math.floor(NOW / 1000),
          }),
      },
      body: payload,
    });
  beforeAll(async () => {
    store = await openTestStore(kind);
    ctx = contextForStore(store, { clock: { now: () => new Date(NOW) } });
    configureIntegrations(ctx, { secretKey: Buffer.alloc(32, 2).toString('base64') });
    await seedScoreFixtures(
      store,
      [
        { id: 'acme', score: 60, band: 'at-risk' },
        { id: 'globex', score: 70, band: 'at-risk', traits: { stripeCustomerId: 'cus_GLOBEX' } },
      ],
      new Date(NOW).toISOString(),
    );
    await saveConnection(
      ctx,
      { id: 'stripe', kind: 'stripe', secrets: { webhookSecret: WHSEC } },
      { source: 'api', actor: 'test' },
    );
    app = createApp(ctx);
  });
  afterAll(async () => {
    await store.close();
  });

  it('subscription created → a contract with ARR from the prices; a redelivery changes nothing', async () => {
    const body = event('evt_1', 'customer.subscription.created', subscription('sub_1'));
    const r = await post(body);
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ received: true, applied: true });
    const c = await store.db
      .selectFrom('contracts')
      .selectAll()
      .where('id', '=', 'stripe:sub_1')
      .executeTakeFirstOrThrow();
    // 10 seats × €50 × 12 months + €1,200 a year = €7,200; a renewing subscription is open-ended from its start
    expect({
      arr: c.arr,
      currency: c.currency,
      seats: c.seats,
      start: c.start_date,
      end: c.end_date,
      status: c.status,
      auto: c.auto_renew,
    }).toEqual({
      arr: 7200,
      currency: 'EUR',
      seats: 11,
      start: '2026-01-01',
      end: null,
      status: 'active',
      auto: 1,
    });
    const again = await post(body);
    expect(await again.json()).toEqual({ received: true, applied: false, duplicate: true });
    expect(await store.db.selectFrom('contracts').select('id').execute()).toHaveLength(1);
  });

  it('invoices, payment failures and disputes become commercial events; the customer id finds the account', async () => {
    const paid = {
      id: 'in_1',
      object: 'invoice',
      customer: 'cus_GLOBEX',
      amount_paid: 99900,
      due_date: t('2026-06-20T00:00:00Z'),
      status_transitions: { paid_at: t('2026-06-25T10:00:00Z') },
    };
    expect((await post(event('evt_2', 'invoice.paid', paid))).status).toBe(200);
    const failed = {
      id: 'in_2',
      object: 'invoice',
      customer: 'cus_GLOBEX',
      amount_due: 5000,
      attempt_count: 2,
    };
    expect((await post(event('evt_3', 'invoice.payment_failed', failed))).status).toBe(200);
    const dispute = {
      id: 'dp_1',
      object: 'dispute',
      charge: 'ch_1',
      amount: 99900,
      reason: 'fraudulent',
      status: 'needs_response',
      metadata: { vigil_account_id: 'globex' },
    };
    expect((await post(event('evt_4', 'charge.dispute.created', dispute))).status).toBe(200);
    const ev = await store.db
      .selectFrom('events')
      .select(['id', 'account_id', 'type', 'properties'])
      .where('account_id', '=', 'globex')
      .orderBy('id')
      .execute();
    expect(ev.map((e) => [e.id, e.type, JSON.parse(e.properties)])).toEqual([
      ['stripe:evt_2', 'invoice_paid', { invoiceId: 'in_1', amount: 999, daysLate: 5 }],
      ['stripe:evt_3', 'payment_failed', { invoiceId: 'in_2', amount: 50, reason: 'attempt 2' }],
      [
        'stripe:evt_4',
        'billing_dispute',
        { invoiceId: 'ch_1', status: 'opened', amount: 999, text: 'fraudulent' },
      ],
    ]);
    const ignored = await post(
      event('evt_5', 'customer.created', {
        id: 'cus_X',
        object: 'customer',
        metadata: { vigil_account_id: 'acme' },
      }),
    );
    expect((await ignored.json()).ignored).toBe('event type customer.created is not used');
  });

  it('subscription deleted → the contract churned and a churn event with the mapped reason', async () => {
    const sub = subscription('sub_1', {
      status: 'canceled',
      ended_at: t('2026-06-29T08:00:00Z'),
      cancellation_details: {
        reason: 'cancellation_requested',
        feedback: 'too_expensive',
        comment: 'Budget got cut',
      },
    });
    expect((await post(event('evt_6', 'customer.subscription.deleted', sub))).status).toBe(200);
    const c = await store.db
      .selectFrom('contracts')
      .select(['status', 'churned_at', 'end_date', 'auto_renew'])
      .where('id', '=', 'stripe:sub_1')
      .executeTakeFirstOrThrow();
    expect(c).toEqual({ status: 'churned', churned_at: '2026-06-29', end_date: '2026-06-29', auto_renew: 0 });
    const churn = await store.db
      .selectFrom('events')
      .select('properties')
      .where('id', '=', 'stripe:evt_6')
      .executeTakeFirstOrThrow();
    expect(JSON.parse(churn.properties)).toMatchObject({
      reasonCode: 'pricing',
      reasonText: 'too_expensive',
      feedback: 'Budget got cut',
      lostArr: 7200,
      contractId: 'stripe:sub_1',
    });
  });

  it('a forged signature or an old timestamp is refused and changes nothing', async () => {
    const body = event('evt_7', 'customer.subscription.created', subscription('sub_forged'));
    const forged = await post(body, { secret: 'whsec_attacker' });
    expect(forged.status).toBe(400);
    expect((await forged.json()).error.message).toMatch(
      /Stripe signature check failed: No signatures found matching the expected signature/,
    );
    const stale = await post(body, { timestamp: Math.floor(NOW / 1000) - 301 });
    expect(stale.status).toBe(400);
    expect((await stale.json()).error.message).toMatch(/Timestamp outside the tolerance zone/);
    expect((await post(body, { header: 'garbage' })).status).toBe(400);
    expect(
      await store.db.selectFrom('contracts').select('id').where('id', '=', 'stripe:sub_forged').execute(),
    ).toEqual([]);
    const log = await listSyncLog(store, { connectionId: 'stripe', limit: 3 });
    expect(log.every((l) => l.status === 'rejected')).toBe(true);
  });

  it('an event for an unknown account is answered 422, kept for review, and applied when Stripe retries after the account exists', async () => {
    const body = event(
      'evt_8',
      'customer.subscription.created',
      subscription('sub_new', { customer: 'cus_NEW', metadata: { vigil_account_id: 'initech' } }),
    );
    const r = await post(body);
    expect(r.status).toBe(422);
    expect((await r.json()).error).toBe('unknown account "initech" (metadata.vigil_account_id)');
    const rejects = await store.db.selectFrom('rejects').select(['source', 'reason']).execute();
    expect(rejects).toContainEqual({
      source: 'stripe:stripe',
      reason: 'customer.subscription.created evt_8: unknown account "initech" (metadata.vigil_account_id)',
    });
    await seedScoreFixtures(
      store,
      [{ id: 'initech', score: 50, band: 'at-risk' }],
      new Date(NOW).toISOString(),
    );
    const retry = await post(body);
    expect(await retry.json()).toEqual({ received: true, applied: true });
    expect(
      await store.db
        .selectFrom('contracts')
        .select('account_id')
        .where('id', '=', 'stripe:sub_new')
        .executeTakeFirst(),
    ).toEqual({ account_id: 'initech' });
  });
});
