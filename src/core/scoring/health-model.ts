import { z } from 'zod';
import { SIGNAL_CATEGORIES } from '../signals/signal-category.ts';

const thresholdsSchema = z
  .array(z.tuple([z.number(), z.number().min(0).max(100)]))
  .min(1)
  .refine((t) => t.every((p, i) => i === 0 || p[0] >= t[i - 1]![0]), 'threshold values must be ascending');

const signalSettingSchema = z.object({
  weight: z.number().min(0),
  /** Override of the signal's default normalisation. */
  thresholds: thresholdsSchema.optional(),
});

/** A signal declared by the model: a numeric or categorical trait, or a count of an event type. */
const customSignalSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'kebab-case id'),
  label: z.string(),
  category: z.enum(SIGNAL_CATEGORIES).default('custom'),
  weight: z.number().min(0),
  source: z.union([
    z.object({ trait: z.string() }),
    z.object({ eventCount: z.object({ type: z.string(), windowDays: z.number().int().positive() }) }),
    /** Days since the last event of these types (and, with `usage`, the last day with product usage). */
    z.object({
      recency: z.object({ types: z.array(z.string()).default([]), usage: z.boolean().default(false) }),
    }),
  ]),
  /** For numeric values: piecewise-linear points. */
  thresholds: thresholdsSchema.optional(),
  /** For categorical traits: value → sub-score. */
  categories: z.record(z.string(), z.number().min(0).max(100)).optional(),
});

const weightsOverrideSchema = z.object({
  categories: z.record(z.string(), z.number().min(0)).optional(),
  signals: z.record(z.string(), z.number().min(0)).optional(),
});

export const healthModelSchema = z.object({
  name: z.string().default('Vigil default'),
  description: z.string().optional(),
  /** Lower bounds of the bands: score ≥ healthy → healthy, ≥ atRisk → at-risk, else critical. */
  bands: z
    .object({ healthy: z.number().min(0).max(100), atRisk: z.number().min(0).max(100) })
    .refine((b) => b.healthy > b.atRisk, 'bands.healthy must be above bands.atRisk')
    .default({ healthy: 80, atRisk: 50 }),
  categories: z.partialRecord(z.enum(SIGNAL_CATEGORIES), z.object({ weight: z.number().min(0) })),
  signals: z.record(z.string(), signalSettingSchema),
  custom: z.array(customSignalSchema).default([]),
  /** Different weights per segment or lifecycle stage (e.g. onboarding accounts lean on time to value). */
  segments: z.record(z.string(), weightsOverrideSchema).default({}),
  lifecycleStages: z.record(z.string(), weightsOverrideSchema).default({}),
  /** Days a CSM sentiment stays valid before it starts to fade. */
  sentimentValidDays: z.number().int().positive().default(90),
  /** How far back the engine loads data for scoring. */
  lookbackDays: z.number().int().positive().default(400),
  /** Churn probability calibration (set by training): p = 1 / (1 + exp(−(a + b·score))). */
  churnCalibration: z.object({ a: z.number(), b: z.number(), horizonDays: z.number().int() }).optional(),
});
export type HealthModel = z.infer<typeof healthModelSchema>;
export type HealthModelInput = z.input<typeof healthModelSchema>;

/**
 * The default model: the seeds' categories and signals with weights that
 * encode common practice (product engagement and relationship first).
 * Version 1 of every database; training proposes better weights from the
 * company's own history.
 */
export const DEFAULT_HEALTH_MODEL: HealthModel = healthModelSchema.parse({
  name: 'Vigil default',
  description: 'Expert weights from the seeds; replace with learned weights after `vigil train`.',
  categories: {
    engagement: { weight: 0.3 },
    outcomes: { weight: 0.1 },
    relationship: { weight: 0.22 },
    risk: { weight: 0.16 },
    business: { weight: 0.06 },
    commercial: { weight: 0.08 },
    competitive: { weight: 0.08 },
    custom: { weight: 0 },
  },
  signals: {
    'login-frequency': { weight: 2 },
    'login-trend': { weight: 2 },
    stickiness: { weight: 1 },
    'active-seats': { weight: 2 },
    'core-feature-adoption': { weight: 2 },
    'usage-trend': { weight: 1.5 },
    'workflow-integration': { weight: 1 },
    'usage-dip': { weight: 1 },
    'value-milestones': { weight: 1 },
    'time-to-value': { weight: 1 },
    'days-since-value': { weight: 1 },
    'exec-touch-recency': { weight: 1.5 },
    'qbr-attendance': { weight: 1.5 },
    'email-response-rate': { weight: 1.5 },
    'email-response-time': { weight: 0.5 },
    'champion-status': { weight: 2 },
    'csm-sentiment': { weight: 1.5 },
    'csm-tenure': { weight: 0.5 },
    'engaged-contacts': { weight: 1 },
    'open-high-priority-tickets': { weight: 1.5 },
    'open-escalations': { weight: 1.5 },
    'ticket-volume-trend': { weight: 1 },
    'ticket-sentiment': { weight: 1 },
    nps: { weight: 1.5 },
    'billing-disputes': { weight: 1 },
    layoffs: { weight: 1 },
    acquisition: { weight: 1 },
    funding: { weight: 0.5 },
    'budget-cut': { weight: 1 },
    'leadership-change': { weight: 0.7 },
    hiring: { weight: 0.5 },
    'days-to-renewal': { weight: 0 },
    'cost-per-active-seat': { weight: 1 },
    'payment-history': { weight: 1.5 },
    'expansion-activity': { weight: 0.7 },
    'competitor-mentions': { weight: 1 },
    'rival-feature-requests': { weight: 0.7 },
    'evaluation-usage-drop': { weight: 1.5 },
  },
  lifecycleStages: {
    onboarding: { signals: { 'time-to-value': 3, 'login-trend': 0.5, 'usage-trend': 0.5 } },
  },
});
