import { z } from 'zod';
import { isoDateSchema, isoTimeSchema } from './entities.ts';

const count = z.number().int().nonnegative().default(1);
const text = z.string().max(20_000);
const ref = z.string().min(1).max(200);

/**
 * Churn reason taxonomy. `pricing` = price too high for value; `budget` = customer's budget cut;
 * `competitor` = moved to a rival; `features` = missing capability; `support` = service quality;
 * `onboarding` = never reached value; `champion_left` = sponsor or champion left;
 * `business_change` = acquired, closed, restructured; `payment` = involuntary (failed payment);
 * `other` = stated but none of these; `unknown` = not recorded.
 */
export const CHURN_REASON_CODES = [
  'pricing',
  'budget',
  'competitor',
  'features',
  'support',
  'onboarding',
  'champion_left',
  'business_change',
  'payment',
  'other',
  'unknown',
] as const;
export type ChurnReasonCode = (typeof CHURN_REASON_CODES)[number];

/**
 * The built-in event vocabulary. Each type has a properties schema; unknown
 * properties are kept (passthrough) so custom signals can use them.
 * Usage types (`USAGE_EVENT_TYPES`) are aggregated into daily rollups on the way in.
 */
export const EVENT_PROPERTY_SCHEMAS = {
  // product usage
  login: z.looseObject({ count }),
  feature_used: z.looseObject({ feature: ref, count }),
  integration_used: z.looseObject({ integration: ref, count }),
  usage_custom: z.looseObject({ metric: ref, count }),
  // meetings
  meeting: z.looseObject({
    meetingId: ref.optional(),
    kind: z.enum(['qbr', 'ebr', 'call', 'onboarding', 'training']),
    status: z.enum(['scheduled', 'held', 'no_show', 'cancelled']),
    executivePresent: z.boolean().default(false),
  }),
  // email
  email_outbound: z.looseObject({ threadId: ref, subject: text.optional() }),
  email_inbound: z.looseObject({ threadId: ref, text: text.optional() }),
  // support
  ticket_opened: z.looseObject({
    ticketId: ref,
    priority: z.enum(['low', 'normal', 'high', 'urgent']).default('normal'),
    subject: text.optional(),
    text: text.optional(),
  }),
  ticket_updated: z.looseObject({
    ticketId: ref,
    priority: z.enum(['low', 'normal', 'high', 'urgent']).optional(),
    text: text.optional(),
  }),
  ticket_closed: z.looseObject({ ticketId: ref, csat: z.number().min(1).max(5).optional() }),
  escalation_opened: z.looseObject({ escalationId: ref, reason: text.optional() }),
  escalation_closed: z.looseObject({ escalationId: ref }),
  // surveys
  nps_response: z.looseObject({ score: z.number().int().min(0).max(10), comment: text.optional() }),
  csat_response: z.looseObject({ score: z.number().min(1).max(5), comment: text.optional() }),
  // CSM
  csm_note: z.looseObject({ text, author: ref.optional() }),
  /** CSM's qualitative read; it fades after `validDays` (default from the model). */
  csm_sentiment: z.looseObject({
    sentiment: z.enum(['green', 'amber', 'red']),
    validDays: z.number().int().positive().optional(),
    note: text.optional(),
    author: ref.optional(),
  }),
  csm_assigned: z.looseObject({ csm: ref }),
  executive_touch: z.looseObject({ channel: z.string().max(100).optional(), executive: ref.optional() }),
  // people
  contact_change: z.looseObject({
    change: z.enum(['joined', 'left', 'role_changed']),
    role: z.enum(['champion', 'executive_sponsor', 'admin', 'user']).optional(),
  }),
  // business context
  business_event: z.looseObject({
    kind: z.enum(['layoffs', 'hiring', 'funding', 'acquisition', 'budget_cut', 'leadership_change']),
    /** Relative size, e.g. share of staff laid off (0..1) or round size in USD. */
    magnitude: z.number().optional(),
    description: text.optional(),
  }),
  // commercial
  invoice_issued: z.looseObject({ invoiceId: ref, amount: z.number().nonnegative(), dueDate: isoDateSchema }),
  invoice_paid: z.looseObject({
    invoiceId: ref,
    amount: z.number().nonnegative().optional(),
    daysLate: z.number().int().min(0).default(0),
  }),
  payment_failed: z.looseObject({
    invoiceId: ref.optional(),
    amount: z.number().optional(),
    reason: text.optional(),
  }),
  billing_dispute: z.looseObject({
    invoiceId: ref.optional(),
    status: z.enum(['opened', 'resolved']).default('opened'),
    amount: z.number().optional(),
    text: text.optional(),
  }),
  expansion_signal: z.looseObject({
    kind: z.enum(['upsell_inquiry', 'seat_request', 'add_on_interest', 'cross_sell']),
    product: ref.optional(),
    text: text.optional(),
  }),
  // competitive
  competitor_mention: z.looseObject({
    competitor: ref,
    channel: z.string().max(100).optional(),
    text: text.optional(),
  }),
  rival_feature_request: z.looseObject({ feature: ref, competitor: ref.optional(), text: text.optional() }),
  evaluation_noticed: z.looseObject({ competitor: ref.optional(), text: text.optional() }),
  // churn (one per lost or reactivated customer; see CHURN_REASON_CODES)
  churn_event: z.looseObject({
    /** Reason from the documented taxonomy (`CHURN_REASON_CODES`); free text goes to `reasonText`. */
    reasonCode: z.enum(CHURN_REASON_CODES).default('unknown'),
    reasonText: text.optional(),
    /** ARR lost with this churn (positive number); absent when the contracts tell it. */
    lostArr: z.number().nonnegative().optional(),
    refund: z.number().nonnegative().optional(),
    /** True when this event records a churned customer coming back. */
    reactivation: z.boolean().default(false),
    /** The customer's own words (exit survey, cancellation form); read by sentiment. */
    feedback: text.optional(),
    contractId: ref.optional(),
  }),
  // outcomes
  goal_set: z.looseObject({ goal: ref, metric: z.string().max(200).optional() }),
  value_milestone: z.looseObject({ milestone: ref, description: text.optional() }),
} as const;

export type EventType = keyof typeof EVENT_PROPERTY_SCHEMAS;
export const EVENT_TYPES = Object.keys(EVENT_PROPERTY_SCHEMAS) as EventType[];
export const USAGE_EVENT_TYPES = ['login', 'feature_used', 'integration_used', 'usage_custom'] as const;
export type UsageEventType = (typeof USAGE_EVENT_TYPES)[number];
export const isUsageEventType = (t: string): t is UsageEventType =>
  (USAGE_EVENT_TYPES as readonly string[]).includes(t);

export type EventProperties<T extends EventType> = z.infer<(typeof EVENT_PROPERTY_SCHEMAS)[T]>;

/** The envelope every event shares. */
export const eventEnvelopeSchema = z.object({
  id: z.string().min(1).max(200),
  accountId: z.string().min(1).max(200),
  contactId: z.string().min(1).max(200).nullish(),
  type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]),
  time: isoTimeSchema,
  properties: z.record(z.string(), z.unknown()).default({}),
});

/** A stored (non-usage) timeline event with validated properties. */
export type VigilEvent = {
  [T in EventType]: {
    id: string;
    accountId: string;
    contactId: string | null;
    type: T;
    /** ISO timestamp, UTC. */
    time: string;
    properties: EventProperties<T>;
  };
}[EventType];

/** Validates an envelope and its type's properties; returns the event or the zod issues. */
export function parseEvent(
  input: unknown,
): { ok: true; event: VigilEvent } | { ok: false; issues: { path: string; message: string }[] } {
  const env = eventEnvelopeSchema.safeParse(input);
  if (!env.success) {
    return {
      ok: false,
      issues: env.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    };
  }
  const schema = EVENT_PROPERTY_SCHEMAS[env.data.type];
  const props = schema.safeParse(env.data.properties);
  if (!props.success) {
    return {
      ok: false,
      issues: props.error.issues.map((i) => ({
        path: ['properties', ...i.path].join('.'),
        message: i.message,
      })),
    };
  }
  const time = new Date(env.data.time).toISOString();
  return {
    ok: true,
    event: {
      id: env.data.id,
      accountId: env.data.accountId,
      contactId: env.data.contactId ?? null,
      type: env.data.type,
      time,
      properties: props.data,
    } as VigilEvent,
  };
}
