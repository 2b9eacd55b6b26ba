import { z } from 'zod';

/**
 * The choices vendors make differently, made explicit. Every result carries
 * the conventions it was computed with.
 */
export const metricConventionsSchema = z.object({
  /** GRR counts each customer at most at its starting ARR (min(end, start)); NRR does not cap. */
  grrPerCustomerCap: z.boolean().default(true),
  /**
   * A customer who starts and leaves inside one period: `exclude` (neither in
   * the base nor in movements) or `count` (counted as new and as churned).
   */
  samePeriodStartAndChurn: z.enum(['exclude', 'count']).default('exclude'),
  /** A customer returning within this many days of leaving is a reactivation; later it is new again. */
  reactivationWindowDays: z.number().int().min(0).default(365),
  /**
   * `period` (default, the month-spine convention): one movement per customer per period, from
   * its ARR at the previous period end vs this period end. `event`: every dated ARR change is a
   * movement on the day it takes effect (gross: a churn and a return inside one period are both counted).
   */
  movementBasis: z.enum(['period', 'event']).default('period'),
  /**
   * Event movements only: a product line (same products, else same plan) that lapses and returns
   * within this many days, the gap inside one period, is a late renewal, not churn + reactivation.
   * Never bridges another subscription, and never changes ARR on a date (that is the one contract rule).
   */
  renewalGraceDays: z.number().int().min(0).default(30),
  /** A payment failed and not paid within this many days counts as churn from the failure (null: never). */
  failedPaymentChurnDays: z.number().int().positive().nullable().default(null),
  /** `whole-base`: every customer at period start; `renewal-due`: only those whose term ended in the period. */
  denominator: z.enum(['whole-base', 'renewal-due']).default('whole-base'),
  /** Reporting currency and rates (1 unit of currency = rate units of the reporting currency). */
  currency: z.string().length(3).default('USD'),
  rates: z.record(z.string(), z.number().positive()).default({}),
});
export type MetricConventions = z.infer<typeof metricConventionsSchema>;
export const DEFAULT_CONVENTIONS: MetricConventions = metricConventionsSchema.parse({});
