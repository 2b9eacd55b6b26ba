import { z } from '@hono/zod-openapi';
import { healthModelSchema } from '../../core/scoring/health-model.ts';

/**
 * Response schemas of the routes that used to answer `z.record(unknown)`. They describe what the
 * engine use-cases return, so the OpenAPI document describes every response, and the web client's
 * types are inferred from them (src/api/api-types.ts). Nested documents the API passes through
 * (a playbook, a backtest's metrics) are open objects with their known keys.
 */
const nullish = <T extends z.ZodType>(s: T) => s.nullable().optional();

export const accountViewSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    segment: z.string(),
    industry: nullish(z.string()),
    owner: nullish(z.string()),
    parentId: nullish(z.string()),
    lifecycleStage: nullish(z.enum(['onboarding', 'adoption', 'mature', 'renewal'])),
    createdAt: nullish(z.string()),
    traits: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
    tags: z.array(z.string()),
  })
  .openapi('Account');

export const contractViewSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    start: z.string().openapi({ description: 'First day of the term' }),
    end: z.string().nullable().openapi({
      description:
        'Last day of the term (the renewal date is the day after); null for an open-ended subscription',
    }),
    billingPeriod: nullish(z.enum(['month', 'year'])),
    autoRenew: z.boolean().optional(),
    trial: z.boolean().optional(),
    arr: z.number(),
    currency: z.string(),
    seats: nullish(z.number()),
    plan: nullish(z.string()),
    products: z.array(z.string()),
    status: z.enum(['active', 'renewed', 'expanded', 'contracted', 'churned', 'reactivated']),
    churnedAt: nullish(z.string()),
    churnReason: nullish(z.string()),
  })
  .openapi('Contract');

export const contactViewSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    email: nullish(z.string()),
    name: nullish(z.string()),
    title: nullish(z.string()),
    role: z.enum(['champion', 'executive_sponsor', 'admin', 'user']),
    joinedAt: nullish(z.string()),
    leftAt: nullish(z.string()),
  })
  .openapi('Contact');

const scoreDriverSchema = z.object({
  signalId: z.string(),
  label: z.string(),
  points: z.number(),
  detail: z.string(),
  action: z.string().optional(),
});

export const taskSchema = z
  .object({
    id: z.string(),
    accountId: z.string(),
    accountName: z.string().nullable(),
    playbookId: z.string().nullable(),
    title: z.string(),
    checklist: z.array(z.object({ text: z.string(), done: z.boolean() })),
    priority: z.string(),
    owner: z.string().nullable(),
    manager: z.string().nullable(),
    status: z.enum(['open', 'done', 'snoozed', 'dismissed']),
    reason: z.string().nullable(),
    because: z.string().nullable(),
    due: z.string().nullable(),
    snoozedUntil: z.string().nullable(),
    snapshot: z
      .object({
        score: z.number(),
        band: z.string(),
        asOf: z.string(),
        modelVersion: z.number(),
        drivers: z.object({ down: z.array(scoreDriverSchema), moved: z.array(scoreDriverSchema) }),
        previous: z.object({ score: z.number(), band: z.string() }).nullable(),
      })
      .openapi({ description: 'The score and drivers that caused the task' }),
    createdAt: z.string(),
    updatedAt: z.string(),
    closedAt: z.string().nullable(),
  })
  .openapi('Task');

export const expansionOpportunitySchema = z
  .object({
    accountId: z.string(),
    name: z.string(),
    score: z.number(),
    evidence: z.string(),
    unusedCoreFeatures: z.array(z.string()),
    seatUtilization: z.number().nullable(),
    potentialArr: z.number(),
  })
  .openapi('ExpansionOpportunity');

export const rejectSchema = z
  .object({
    id: z.number(),
    importId: z.number().nullable(),
    source: z.string(),
    line: z.number().nullable(),
    field: z.string().nullable(),
    reason: z.string(),
    raw: z.string(),
    createdAt: z.string(),
  })
  .openapi('Reject');

export const storedPlaybookSchema = z
  .object({
    playbook: z
      .looseObject({
        id: z.string(),
        name: z.string(),
        trigger: z.looseObject({ type: z.string() }),
        actions: z.array(z.looseObject({ type: z.string() })),
      })
      .openapi({ description: 'The playbook document (see docs/playbooks.md)' }),
    version: z.number(),
    enabled: z.boolean(),
    source: z.enum(['default', 'user']),
    updatedAt: z.string(),
  })
  .openapi('StoredPlaybook');

export const playbookStatsSchema = z
  .object({
    playbookId: z.string(),
    name: z.string(),
    enabled: z.boolean(),
    fired: z.number(),
    heldOut: z.number(),
    suppressed: z.record(z.string(), z.number()).openapi({ description: 'Suppressed decisions by reason' }),
    openTasks: z.number(),
  })
  .openapi('PlaybookStats');

/** Backtest metrics (src/core/learning/evaluate-backtest.ts); nested parts name their main fields. */
const backtestMetricsSchema = z
  .looseObject({
    snapshots: z.number(),
    accounts: z.number(),
    positives: z.number(),
    baseRate: z.number(),
    auc: z.number().nullable(),
    aucCi: z.looseObject({
      auc: z.number().nullable(),
      lower: z.number().nullable(),
      upper: z.number().nullable(),
    }),
    averagePrecision: z.number().nullable(),
    topDecile: z.looseObject({
      fraction: z.number(),
      flagged: z.number(),
      precision: z.number(),
      recall: z.number().nullable(),
      lift: z.number().nullable(),
    }),
    rocCurve: z.array(z.object({ fpr: z.number(), tpr: z.number() })),
    liftByDecile: z.array(
      z.looseObject({
        decile: z.number(),
        accounts: z.number(),
        churned: z.number(),
        churnRate: z.number().nullable(),
        lift: z.number().nullable(),
      }),
    ),
    bandChurnRates: z.array(
      z.object({ band: z.string(), count: z.number(), churned: z.number(), rate: z.number().nullable() }),
    ),
    bandSeparation: z
      .looseObject({ baseRate: z.number(), separates: z.boolean(), warnings: z.array(z.string()) })
      .optional(),
    calibration: z
      .looseObject({
        bins: z.array(z.looseObject({ count: z.number() })),
        expectedCalibrationError: z.number(),
        brier: z.number(),
      })
      .nullable(),
    leadTime: z.looseObject({ churnedAccounts: z.number() }),
  })
  .openapi('BacktestMetrics');

/**
 * The backtest stored with a trained model (src/engine/learning/train-model.ts): fit and held-out
 * periods, weights, proposed vs current metrics (per-account lead times stripped).
 */
const trainedBacktestSchema = z
  .looseObject({
    horizonDays: z.number(),
    label: z.enum(['horizon', 'renewal', 'lapse']).optional(),
    lapseDays: z.number().nullable().optional(),
    currentVersion: z.number(),
    fit: z.looseObject({
      from: z.string(),
      to: z.string().nullable(),
      snapshots: z.number(),
      churned: z.number(),
    }),
    heldOut: z.looseObject({ from: z.string(), to: z.string(), snapshots: z.number(), churned: z.number() }),
    weights: z.array(
      z.looseObject({
        signalId: z.string(),
        current: z.number(),
        proposed: z.number(),
        coefficient: z.number().nullable(),
        standardizedCoefficient: z.number().nullable(),
        coverage: z.number().nullable(),
      }),
    ),
    logisticAuc: z.number().nullable(),
    proposed: backtestMetricsSchema,
    current: backtestMetricsSchema,
  })
  .openapi('TrainedModelBacktest');

const modelRef = z.object({ version: z.number(), name: z.string(), status: z.string() });

export const modelListItemSchema = z
  .object({
    version: z.number(),
    name: z.string(),
    status: z.string(),
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    notes: z.string().nullable(),
    backtest: z
      .object({
        auc: z.number().nullable(),
        medianLeadDays: z.number().nullable(),
        horizonDays: z.number().nullable(),
        source: z.enum(['backtest', 'training']).openapi({
          description:
            '`backtest`: the latest recorded backtest on all history (the model page panel); `training`: held-out months at training',
        }),
      })
      .nullable(),
  })
  .openapi('ModelListItem');

export const modelDetailSchema = z
  .object({
    version: z.number(),
    name: z.string(),
    status: z.string(),
    document: healthModelSchema, // the health model document (plain zod: no .openapi() on it)
    createdAt: z.string(),
    createdBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    approvedBy: z.string().nullable(),
    notes: z.string().nullable(),
    backtest: trainedBacktestSchema.nullable(),
    calibrations: z.array(
      z.object({
        horizonDays: z.number(),
        slope: z.number(),
        intercept: z.number(),
        rows: z.number(),
        fittedFrom: z.string(),
        fittedTo: z.string(),
      }),
    ),
    weightsByCategory: z.array(
      z.object({
        category: z.string(),
        weight: z.number(),
        share: z.number(),
        signals: z.array(
          z.object({ signalId: z.string(), label: z.string(), weight: z.number(), share: z.number() }),
        ),
      }),
    ),
  })
  .openapi('ModelDetail');

export const modelDiffSchema = z
  .object({
    a: modelRef,
    b: modelRef,
    effectiveWeights: z.array(
      z.object({
        signalId: z.string(),
        category: z.string(),
        label: z.string(),
        a: z.number(),
        b: z.number(),
        delta: z.number(),
      }),
    ),
    changes: z.array(
      z
        .looseObject({ path: z.string(), delta: z.number().nullable() })
        .openapi({ description: 'One changed leaf of the model document: `a` and `b` are its values' }),
    ),
    backtests: z.object({ a: trainedBacktestSchema.nullable(), b: trainedBacktestSchema.nullable() }),
  })
  .openapi('ModelDiff');

export const backtestReportSchema = z
  .looseObject({
    model: modelRef,
    horizonDays: z.number(),
    label: z.enum(['horizon', 'renewal', 'lapse']),
    period: z.object({ from: z.string(), to: z.string(), dates: z.number() }),
    accounts: z.number(),
    excluded: z.record(z.string(), z.number()),
    // AUC, churn by band, lift, lead time, calibration
    metrics: backtestMetricsSchema,
    scoreSource: z.enum(['computed', 'stored']),
    missingScores: z.number(),
    runId: z.number().nullable(),
  })
  .openapi('BacktestReport');

export const trainReportSchema = z
  .looseObject({
    proposedVersion: z.number(),
    currentVersion: z.number(),
    horizonDays: z.number(),
    label: z.enum(['horizon', 'renewal', 'lapse']),
    weights: z.array(
      z.object({
        signalId: z.string(),
        current: z.number(),
        proposed: z.number(),
        coefficient: z.number().nullable(),
        standardizedCoefficient: z.number().nullable(),
        coverage: z.number().nullable(),
      }),
    ),
    proposed: backtestMetricsSchema,
    current: backtestMetricsSchema,
    logisticAuc: z.number().nullable(),
    beatsCurrent: z.boolean(),
  })
  .openapi('TrainReport');

export const approveReportSchema = z
  .object({
    version: z.number(),
    previous: z.number().nullable(),
    approvedBy: z.string(),
    approvedAt: z.string(),
    accountsQueued: z.number(),
  })
  .openapi('ApproveModelReport');

export const createModelReportSchema = z
  .object({
    version: z.number(),
    status: z.literal('proposed'),
    name: z.string(),
    baseVersion: z.number().nullable(),
    customSignals: z.array(z.string()),
    warnings: z.array(z.string()),
  })
  .openapi('CreateModelReport');
