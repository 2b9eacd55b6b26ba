import { z } from '@hono/zod-openapi';
import { SENTIMENT_WORDS } from '../../core/accounts/sentiment-word.ts';
import { ACCOUNT_SORTS } from '../../engine/accounts/list-accounts.ts';
import { isoDateSchema } from './common.schemas.ts';
import {
  accountViewSchema,
  contactViewSchema,
  contractViewSchema,
  expansionOpportunitySchema,
  taskSchema,
} from './response.schemas.ts';

const bandSchema = z.enum(['healthy', 'at-risk', 'critical']);

export const listAccountsQuerySchema = z.object({
  band: z.enum(['healthy', 'at-risk', 'critical', 'unscored']).optional(),
  owner: z.string().max(200).optional(),
  segment: z.string().max(100).optional(),
  q: z.string().max(200).optional().openapi({ description: 'Search in account name and id' }),
  renewalWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
  minScore: z.coerce.number().min(0).max(100).optional(),
  maxScore: z.coerce.number().min(0).max(100).optional(),
  sort: z.enum(ACCOUNT_SORTS).default('score'),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  includeFormer: z.enum(['true', 'false']).default('false'),
  lifecycle: z
    .enum(['churned'])
    .optional()
    .openapi({ description: 'churned: only churned accounts (left out of the list by default)' }),
});

export const accountSummarySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    segment: z.string(),
    industry: z.string().nullable(),
    owner: z.string().nullable(),
    ownerName: z.string().nullable(),
    arr: z.number(),
    seats: z.number(),
    renewalDate: z.string().nullable(),
    score: z.number().nullable(),
    band: z.string().nullable(),
    coverage: z.number().nullable(),
    trend30: z.number().nullable().openapi({ description: 'Points moved in 30 days (signed)' }),
    previousBand: z.string().nullable(),
    modelVersion: z.number().nullable(),
    topDriver: z.string().nullable().openapi({ description: 'Label and detail of the biggest gap' }),
    tags: z.array(z.string()),
    lifecycleStage: z
      .string()
      .nullable()
      .openapi({ description: 'core/lifecycle stage of the current score' }),
    churnedOn: z.string().nullable(),
  })
  .openapi('AccountSummary');

export const accountListSchema = z.object({
  asOf: z.string(),
  total: z.number().int(),
  items: z.array(accountSummarySchema),
});

const driverSchema = z.object({
  signalId: z.string(),
  label: z.string(),
  points: z.number(),
  detail: z.string(),
  action: z
    .string()
    .optional()
    .openapi({ description: 'Levers: the improvement as an action with its points' }),
});

export const scoreResultSchema = z
  .object({
    accountId: z.string(),
    asOf: z.string(),
    modelVersion: z.number(),
    score: z.number(),
    band: bandSchema,
    coverage: z.number(),
    categories: z.array(
      z.object({
        category: z.string(),
        score: z.number().nullable(),
        weight: z.number(),
        coverage: z.number(),
      }),
    ),
    signals: z.array(
      z.object({
        signalId: z.string(),
        category: z.string(),
        label: z.string(),
        unit: z.string(),
        value: z.union([z.number(), z.string()]).nullable(),
        subScore: z.number().nullable(),
        weight: z.number(),
        points: z.number(),
        gap: z.number(),
        freshness: z.number(),
        detail: z.string(),
      }),
    ),
    drivers: z.object({
      down: z.array(driverSchema),
      up: z.array(driverSchema),
      warnings: z.array(driverSchema).optional(),
      moved: z.array(driverSchema),
      lift: z
        .object({ targetBand: bandSchema, pointsNeeded: z.number(), suggestions: z.array(driverSchema) })
        .nullable(),
    }),
    trend: z.object({ d7: z.number().nullable(), d30: z.number().nullable(), d90: z.number().nullable() }),
    override: z
      .object({
        score: z.number(),
        band: bandSchema,
        reason: z.string(),
        by: z.string(),
        expiresAt: z.string(),
      })
      .nullable(),
    churnProbability: z.object({ probability: z.number(), horizonDays: z.number() }).nullable().optional(),
    lifecycle: z
      .object({
        stage: z.enum(['onboarding', 'active', 'renewal', 'churned', 'reactivated']),
        since: z.string().nullable(),
        churnedOn: z.string().optional(),
        reason: z.string().nullable().optional(),
        label: z.string().nullable(),
        tooEarly: z.boolean(),
      })
      .optional(),
    sources: z
      .object({
        absent: z.array(z.string()),
        stale: z.array(z.object({ source: z.string(), last: z.string(), daysSilent: z.number() })),
      })
      .optional(),
  })
  .openapi('ScoreResult');

const personSchema = z.object({ id: z.string(), name: z.string().nullable() });

/** The account page's first screen (src/core/accounts/account-header-facts.ts). */
export const accountFactsSchema = z
  .object({
    asOf: z.string(),
    arr: z.number(),
    seats: z.number(),
    renewal: z
      .object({ date: z.string(), daysLeft: z.number().int() })
      .nullable()
      .openapi({ description: 'Earliest renewal of a live contract; daysLeft 0 = renews today' }),
    contract: z
      .object({
        id: z.string(),
        plan: z.string().nullable(),
        products: z.array(z.string()),
        start: z.string(),
        end: z.string().nullable(),
        billingPeriod: z.enum(['month', 'year']).nullable(),
        autoRenew: z.boolean(),
        trial: z.boolean(),
        seats: z.number().nullable(),
        arr: z.number(),
        currency: z.string(),
      })
      .nullable()
      .openapi({ description: 'The live contract with the most ARR' }),
    liveContracts: z.number().int(),
    lastExecutiveTouch: z
      .object({ date: z.string(), daysAgo: z.number().int(), kind: z.string() })
      .nullable(),
    champion: z.discriminatedUnion('status', [
      z.object({
        status: z.literal('present'),
        name: z.string(),
        title: z.string().nullable(),
        since: z.string().nullable(),
        others: z.number().int(),
      }),
      z.object({
        status: z.literal('left'),
        name: z.string(),
        title: z.string().nullable(),
        leftOn: z.string(),
      }),
      z.object({ status: z.literal('none') }),
    ]),
    latestNps: z
      .object({
        score: z.number(),
        date: z.string(),
        category: z.enum(['promoter', 'passive', 'detractor']),
        comment: z.string().nullable(),
      })
      .nullable(),
    csm: personSchema.nullable(),
    manager: personSchema.nullable(),
    score: z.number().nullable().openapi({ description: 'Effective score (an override in force wins)' }),
    band: bandSchema.nullable(),
    trend30: z.number().nullable(),
    bands: z
      .object({ healthy: z.number(), atRisk: z.number() })
      .openapi({ description: 'Lower bounds of the bands of the model that made the score' }),
  })
  .openapi('AccountFacts');

/** Recommended next actions with their points and whether they are enough (src/core/accounts/next-actions.ts). */
export const nextActionsSchema = z
  .object({
    actions: z.array(
      z.object({
        source: z.enum(['task', 'lever']),
        text: z.string(),
        points: z.number().nullable(),
        signalIds: z.array(z.string()),
        alreadyCounted: z.boolean(),
        taskId: z.string().nullable(),
        priority: z.string().nullable(),
        due: z.string().nullable(),
      }),
    ),
    sufficiency: z
      .object({
        targetBand: bandSchema,
        pointsNeeded: z.number(),
        pointsTotal: z.number(),
        enough: z.boolean(),
        reaches: bandSchema.nullable(),
        line: z.string(),
      })
      .nullable(),
  })
  .openapi('NextActions');

export const accountDetailSchema = z
  .object({
    account: accountViewSchema,
    contracts: z.array(contractViewSchema),
    /** ARR, seats and renewal on `asOf` by the one contract rule (src/core/contracts). */
    terms: z.object({
      asOf: z.string(),
      arr: z.number(),
      seats: z.number(),
      renewalDate: z.string().nullable(),
    }),
    contacts: z.array(contactViewSchema),
    facts: accountFactsSchema,
    nextActions: nextActionsSchema,
    score: scoreResultSchema.nullable(),
    tasks: z.array(taskSchema),
    expansion: expansionOpportunitySchema.nullable(),
  })
  .openapi('AccountDetail');

export const scoreHistoryQuerySchema = z.object({
  from: isoDateSchema.optional(),
  to: isoDateSchema.optional(),
});
export const scoreHistorySchema = z.object({
  items: z.array(
    z.object({
      asOf: z.string(),
      score: z.number(),
      band: z.string(),
      coverage: z.number(),
      modelVersion: z.number(),
    }),
  ),
  modelChanges: z.array(z.object({ asOf: z.string(), fromVersion: z.number(), toVersion: z.number() })),
});

export const timelineQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(200),
  before: z
    .string()
    .max(40)
    .regex(
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})?)?$/,
      'expected an ISO date or time',
    )
    .optional()
    .openapi({ description: 'ISO time: events strictly before' }),
});
export const timelineSchema = z.object({
  items: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      time: z.string(),
      contactId: z.string().nullable(),
      properties: z
        .record(z.string(), z.unknown())
        .openapi({ description: 'The event properties (by type)' }),
      display: z
        .object({
          title: z.string(),
          text: z.string().nullable(),
          excerpt: z.string().nullable(),
          sentiment: z.enum(SENTIMENT_WORDS).nullable(),
        })
        .openapi({ description: 'The event in words (src/core/accounts/format-timeline-event.ts)' }),
    }),
  ),
});

export const explainQuerySchema = z.object({ asOf: isoDateSchema.optional() });

export const noteBodySchema = z
  .object({
    text: z.string().min(1).max(20_000),
    sentiment: z.enum(['green', 'amber', 'red']).optional(),
    validDays: z.number().int().positive().max(730).optional(),
  })
  .strict();

export const overrideBodySchema = z
  .object({
    score: z.number().min(0).max(100),
    reason: z.string().min(3).max(2000),
    expiresAt: z.string().max(40).openapi({ description: 'ISO date or time, within a year' }),
  })
  .strict();

export const overrideSchema = z.object({
  id: z.number(),
  accountId: z.string(),
  score: z.number(),
  band: bandSchema,
  reason: z.string(),
  by: z.string(),
  expiresAt: z.string(),
});
