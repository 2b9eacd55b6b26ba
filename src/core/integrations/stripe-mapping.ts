import type { Contract } from '../data-model/entities.ts';

/** A Stripe event as delivered to a webhook endpoint (the fields Vigil reads; see docs/integrations.md). */
export type StripeEvent = {
  id: string;
  type: string;
  created: number;
  data: { object: Record<string, unknown> };
};

export type StripeMapped =
  | { kind: 'contract'; contract: Contract; event: Record<string, unknown> | null }
  | { kind: 'event'; event: Record<string, unknown> }
  | { kind: 'ignored'; reason: string };

const o = (v: unknown) =>
  v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const day = (unix: number) => new Date(unix * 1000).toISOString().slice(0, 10);
const iso = (unix: number) => new Date(unix * 1000).toISOString();

const endedAtOf = (obj: Record<string, unknown>, e: StripeEvent) =>
  n(obj.ended_at) ?? n(obj.canceled_at) ?? e.created;

/** Periods per year of a Stripe recurring price. */
const PER_YEAR: Record<string, number> = { day: 365, week: 52, month: 12, year: 1 };

/** Where the Vigil account may be named on a Stripe object: its metadata, or a subscription's metadata on an invoice. */
export function accountHintsOf(
  event: StripeEvent,
  metadataKey: string,
): { accountId: string | null; customerId: string | null } {
  const obj = event.data.object;
  const meta = o(obj.metadata);
  const subMeta = o(o(o(obj.parent).subscription_details).metadata);
  const oldSubMeta = o(o(obj.subscription_details).metadata);
  return {
    accountId: s(meta[metadataKey]) ?? s(subMeta[metadataKey]) ?? s(oldSubMeta[metadataKey]),
    customerId: s(obj.customer) ?? s(o(obj.customer).id),
  };
}

const CANCEL_REASONS: Record<string, string> = {
  too_expensive: 'pricing',
  switched_service: 'competitor',
  missing_features: 'features',
  customer_service: 'support',
  too_complex: 'onboarding',
  low_quality: 'features',
  unused: 'other',
  other: 'other',
};

/**
 * Turns a Stripe event into Vigil records: a subscription is a contract
 * (`stripe:<sub id>`; ARR = Σ unit amount × quantity × periods per year, in
 * the price's currency; open-ended and auto-renewing from its start date
 * while it renews, with its billing period; ending the day before it stops
 * once it is set to cancel); a deleted subscription is the contract churned plus
 * a `churn_event` (Stripe's cancellation feedback mapped to the reason
 * taxonomy); invoice paid / payment failed and disputes are commercial
 * events. Event ids are `stripe:<event id>`.
 */
export function mapStripeEvent(e: StripeEvent, accountId: string): StripeMapped {
  const obj = e.data.object;
  const base = { id: `stripe:${e.id}`, accountId, time: iso(e.created) };
  if (
    e.type === 'customer.subscription.created' ||
    e.type === 'customer.subscription.updated' ||
    e.type === 'customer.subscription.deleted'
  ) {
    const items = (o(obj.items).data as unknown[] | undefined) ?? [];
    let arr = 0;
    let seats = 0;
    let currency = 'USD';
    let periodStart = n(obj.current_period_start);
    let periodEnd = n(obj.current_period_end);
    const plans: string[] = [];
    for (const it of items) {
      const item = o(it);
      const price = o(item.price);
      const rec = o(price.recurring);
      const qty = n(item.quantity) ?? 1;
      const perYear = (PER_YEAR[s(rec.interval) ?? 'month'] ?? 12) / (n(rec.interval_count) ?? 1);
      arr += ((n(price.unit_amount) ?? 0) / 100) * qty * perYear;
      seats += qty;
      currency = (s(price.currency) ?? 'usd').toUpperCase();
      plans.push(s(price.nickname) ?? s(price.lookup_key) ?? s(price.product) ?? s(price.id) ?? 'plan');
      // since API 2025-03-31 the period lives on each item
      periodStart = periodStart ?? n(item.current_period_start);
      periodEnd = periodEnd ?? n(item.current_period_end);
    }
    const start = n(obj.start_date) ?? periodStart ?? e.created;
    const endUnix = periodEnd ?? n(obj.cancel_at) ?? e.created;
    const deleted = e.type === 'customer.subscription.deleted';
    const endedAt = endedAtOf(obj, e);
    // a subscription renews by itself unless it is set to end: open-ended (no end date) until then
    const ending = deleted || obj.cancel_at_period_end === true || n(obj.cancel_at) !== null;
    const intervals = new Set(items.map((it) => s(o(o(o(it).price).recurring).interval)));
    const billingPeriod =
      intervals.size === 1 && intervals.has('year')
        ? 'year'
        : intervals.size === 1 && intervals.has('month')
          ? 'month'
          : null;
    const contract: Contract = {
      id: `stripe:${s(obj.id) ?? e.id}`,
      accountId,
      start: day(start),
      end: ending ? day(Math.max(start, (deleted ? endedAtOf(obj, e) : endUnix) - 1)) : null,
      billingPeriod,
      autoRenew: !ending,
      arr: Math.round(arr * 100) / 100,
      currency: currency.length === 3 ? currency : 'USD',
      seats,
      plan: plans.join(' + ').slice(0, 200) || null,
      products: [...new Set(plans)],
      status: deleted ? 'churned' : 'active',
      churnedAt: deleted ? day(endedAt) : null,
      churnReason: deleted
        ? (s(o(obj.cancellation_details).feedback) ?? s(o(obj.cancellation_details).reason))
        : null,
    };
    if (!deleted) return { kind: 'contract', contract, event: null };
    const details = o(obj.cancellation_details);
    const feedback = s(details.feedback);
    const reasonCode =
      s(details.reason) === 'payment_failed'
        ? 'payment'
        : feedback
          ? (CANCEL_REASONS[feedback] ?? 'other')
          : 'unknown';
    return {
      kind: 'contract',
      contract,
      event: {
        ...base,
        type: 'churn_event',
        time: iso(endedAt),
        properties: {
          reasonCode,
          ...(feedback ? { reasonText: feedback } : {}),
          ...(s(details.comment) ? { feedback: s(details.comment) } : {}),
          lostArr: contract.arr,
          contractId: contract.id,
        },
      },
    };
  }
  if (e.type === 'invoice.paid') {
    const paidAt = n(o(obj.status_transitions).paid_at) ?? e.created;
    const due = n(obj.due_date);
    return {
      kind: 'event',
      event: {
        ...base,
        time: iso(paidAt),
        type: 'invoice_paid',
        properties: {
          invoiceId: s(obj.id) ?? e.id,
          amount: (n(obj.amount_paid) ?? 0) / 100,
          daysLate: due === null ? 0 : Math.max(0, Math.floor((paidAt - due) / 86_400)),
        },
      },
    };
  }
  if (e.type === 'invoice.payment_failed')
    return {
      kind: 'event',
      event: {
        ...base,
        type: 'payment_failed',
        properties: {
          invoiceId: s(obj.id) ?? e.id,
          amount: (n(obj.amount_due) ?? 0) / 100,
          reason: `attempt ${n(obj.attempt_count) ?? 1}${s(o(obj.last_finalization_error).message) ? `: ${s(o(obj.last_finalization_error).message)}` : ''}`,
        },
      },
    };
  if (e.type === 'charge.dispute.created' || e.type === 'charge.dispute.closed')
    return {
      kind: 'event',
      event: {
        ...base,
        type: 'billing_dispute',
        properties: {
          ...(s(obj.charge) ? { invoiceId: s(obj.charge) } : {}),
          status: e.type === 'charge.dispute.created' ? 'opened' : 'resolved',
          amount: (n(obj.amount) ?? 0) / 100,
          text: `${s(obj.reason) ?? 'dispute'}${e.type === 'charge.dispute.closed' ? ` (${s(obj.status) ?? 'closed'})` : ''}`,
        },
      },
    };
  return { kind: 'ignored', reason: `event type ${e.type} is not used` };
}
