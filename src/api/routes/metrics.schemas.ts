import { z } from '@hono/zod-openapi';
import { CHURN_REASON_CODES } from '../../core/data-model/events.ts';
import { metricConventionsSchema } from '../../core/metrics/conventions.ts';
import { BANDS } from '../../core/scoring/score-result.ts';

/** Response schemas of /v1/metrics: what the metrics engine returns, field by field. */

const ratioSchema = z
  .object({ value: z.number().nullable(), reason: z.string().optional() })
  .openapi('Ratio', { description: 'A ratio, or null with the reason when it is not defined' });

export const metricsScopeSchema = z
  .object({
    segment: z.string().optional(),
    owner: z.string().optional(),
    viewer: z.object({ userId: z.string(), role: z.enum(['admin', 'manager', 'csm']) }).optional(),
  })
  .openapi('MetricsScope');

const bandRetentionSchema = z.object({
  band: z.enum([...BANDS, 'unscored']),
  customers: z.number(),
  startArr: z.number(),
  grr: ratioSchema,
  nrr: ratioSchema,
  logoRetention: ratioSchema,
});

const periodMetricsSchema = z
  .object({
    label: z.string(),
    start: z.string(),
    end: z.string(),
    startArr: z.number(),
    endArr: z.number(),
    movements: z.object({
      new: z.number(),
      expansion: z.number(),
      contraction: z.number(),
      churn: z.number(),
      reactivation: z.number(),
    }),
    customers: z.object({
      start: z.number(),
      end: z.number(),
      new: z.number(),
      churned: z.number(),
      reactivated: z.number(),
      retained: z.number(),
    }),
    grr: ratioSchema,
    nrr: ratioSchema,
    logoRetention: ratioSchema,
    customerChurnRate: ratioSchema,
    revenueChurnRate: ratioSchema,
    quickRatio: ratioSchema,
    byBand: z.array(bandRetentionSchema),
    churnReasons: z.array(
      z.object({ reason: z.enum(CHURN_REASON_CODES), arr: z.number(), logos: z.number() }),
    ),
  })
  .openapi('PeriodMetrics');

export const metricsReportSchema = z
  .object({
    asOf: z.string(),
    scope: metricsScopeSchema,
    conventions: metricConventionsSchema,
    periods: z.array(periodMetricsSchema),
    timeToValue: z.object({
      customers: z.number(),
      reached: z.number(),
      notYet: z.number(),
      medianDays: z.number().nullable(),
      p25Days: z.number().nullable(),
      p75Days: z.number().nullable(),
      buckets: z.array(z.object({ label: z.string(), customers: z.number() })),
    }),
    timeToValueSince: z.string().nullable(),
    projection: z
      .object({
        years: z.number(),
        scenarios: z.array(
          z.object({
            label: z.string(),
            annualRetention: z.number(),
            retainedByYear: z.array(z.number()),
            cumulativeRevenue: z.number(),
          }),
        ),
        gapPoints: z.number(),
        relativeGap: z.number(),
      })
      .nullable(),
    ms: z.number(),
  })
  .openapi('MetricsReport');

export const renewalForecastSchema = z
  .object({
    asOf: z.string(),
    probabilitySource: z.string(),
    buckets: z.array(
      z.object({
        withinDays: z.number(),
        renewals: z.number(),
        arr: z.number(),
        expectedRenewedArr: z.number(),
        expectedChurnArr: z.number(),
        unestimatedArr: z.number(),
      }),
    ),
    expectedGrrNext90: z.number().nullable(),
    arrToday: z.number(),
    renewals: z.array(
      z.object({
        accountId: z.string(),
        renewalDate: z.string(),
        arr: z.number(),
        churnProbability: z.number().nullable(),
        expectedRenewedArr: z.number().nullable(),
      }),
    ),
    scope: metricsScopeSchema,
    backtest: z.object({
      leadDays: z.number(),
      renewals: z.number(),
      dueArr: z.number(),
      predictedRenewedArr: z.number(),
      actualRenewedArr: z.number(),
      relativeError: z.number().nullable(),
      brier: z.number().nullable(),
      byMonth: z.array(
        z.object({ month: z.string(), predictedRenewedArr: z.number(), actualRenewedArr: z.number() }),
      ),
      withoutScore: z.number(),
      calibration: z.string(),
    }),
    ms: z.number(),
  })
  .openapi('RenewalForecast');

export const cohortReportSchema = z
  .object({
    by: z.string(),
    conventions: metricConventionsSchema,
    rows: z.array(
      z.object({
        cohort: z.string(),
        customers: z.number(),
        startArr: z.number(),
        logo: z.array(z.number().nullable()),
        revenue: z.array(z.number().nullable()),
      }),
    ),
  })
  .openapi('CohortReport');

export const retentionByBandSchema = z
  .object({
    items: z.array(
      z.object({
        label: z.string(),
        start: z.string(),
        end: z.string(),
        byBand: z.array(bandRetentionSchema),
      }),
    ),
  })
  .openapi('RetentionByBand');
