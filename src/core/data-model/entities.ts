import { z } from 'zod';

/** ISO date `YYYY-MM-DD`. All day arithmetic in Vigil is UTC. */
export const isoDateSchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD');
/** ISO timestamp; normalised to `YYYY-MM-DDTHH:mm:ss.sssZ` by the importer. */
export const isoTimeSchema = z
  .string()
  .refine((s) => !Number.isNaN(Date.parse(s)), 'expected an ISO date-time');

export const SEGMENTS = ['smb', 'mid-market', 'enterprise'] as const;
export const CONTACT_ROLES = ['champion', 'executive_sponsor', 'admin', 'user'] as const;
export const CONTRACT_STATUSES = [
  'active',
  'renewed',
  'expanded',
  'contracted',
  'churned',
  'reactivated',
] as const;

export const BILLING_PERIODS = ['month', 'year'] as const;
export type BillingPeriod = (typeof BILLING_PERIODS)[number];

const idSchema = z.string().min(1).max(200);
const traitValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const accountSchema = z.object({
  id: idSchema,
  name: z.string().min(1).max(500),
  /** Free text; the demo and the default model use smb / mid-market / enterprise. */
  segment: z.string().min(1).max(100).default('smb'),
  industry: z.string().max(200).nullish(),
  /** CSM user id (a login name), the account owner. */
  owner: z.string().max(200).nullish(),
  parentId: idSchema.nullish(),
  /** Lifecycle stage; onboarding accounts may be scored by a different model. */
  lifecycleStage: z.enum(['onboarding', 'adoption', 'mature', 'renewal']).nullish(),
  createdAt: isoDateSchema.nullish(),
  traits: z.record(z.string(), traitValue).default({}),
});
export type Account = z.infer<typeof accountSchema>;

export const contractSchema = z.object({
  id: idSchema,
  accountId: idSchema,
  /** First day of the term. */
  start: isoDateSchema,
  /**
   * Last day of the term (the renewal date is the day after), or null for an
   * open-ended subscription that runs until cancelled: its renewal date is
   * computed from `start` and `billingPeriod` (see `contract-term.ts`), never a sentinel.
   */
  end: isoDateSchema.nullable().default(null),
  /** How the subscription is billed: `month` or `year` (null when unknown). */
  billingPeriod: z.enum(BILLING_PERIODS).nullish(),
  /** Renews by itself at the end of each billing period unless cancelled. Absent means false. */
  autoRenew: z.boolean().optional(),
  /** A free or trial term (its ARR is the price it would convert at, or 0). Absent means false. */
  trial: z.boolean().optional(),
  /** Annual recurring revenue of this subscription in `currency`. Use `mrr` if that is what you have. */
  arr: z.number().nonnegative(),
  currency: z.string().length(3).default('USD'),
  seats: z.number().int().nonnegative().nullish(),
  plan: z.string().max(200).nullish(),
  products: z.array(z.string()).default([]),
  /** Status at the end of the term, once known. */
  status: z.enum(CONTRACT_STATUSES).default('active'),
  /** When status is churned, the day the customer gave notice or stopped (defaults to `end`). */
  churnedAt: isoDateSchema.nullish(),
  churnReason: z.string().max(500).nullish(),
});
export type Contract = z.infer<typeof contractSchema>;

export const contactSchema = z.object({
  id: idSchema,
  accountId: idSchema,
  email: z.string().max(320).nullish(),
  name: z.string().max(300).nullish(),
  title: z.string().max(300).nullish(),
  role: z.enum(CONTACT_ROLES).default('user'),
  joinedAt: isoDateSchema.nullish(),
  leftAt: isoDateSchema.nullish(),
});
export type Contact = z.infer<typeof contactSchema>;

export const catalogFeatureSchema = z.object({
  /** Feature key as it appears in `feature_used` events. */
  key: z.string().min(1).max(200),
  name: z.string().max(300).nullish(),
  /** Core features count towards adoption (k of n) and expansion evidence. */
  core: z.boolean().default(false),
  /** Paid add-on: unused add-ons are expansion opportunities. */
  addOn: z.boolean().default(false),
  /** Annual list price per account for an add-on, for expansion potential. */
  listPrice: z.number().nonnegative().nullish(),
});
export type CatalogFeature = z.infer<typeof catalogFeatureSchema>;

export const userSchema = z.object({
  /** Login name; account `owner` refers to it. */
  id: z.string().min(1).max(200),
  name: z.string().max(300).nullish(),
  email: z.string().max(320).nullish(),
  role: z.enum(['admin', 'manager', 'csm']),
  /** A CSM's manager (user id). */
  managerId: z.string().max(200).nullish(),
});
export type User = z.infer<typeof userSchema>;
