import { z } from 'zod';
import { SIGNAL_CATEGORIES } from '../signals/signal-category.ts';
import { SOURCE_IDS } from '../sources/data-sources.ts';

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
  /** Lifecycle rule settings (see core/lifecycle): onboarding length, renewal window, lapse grace. */
  lifecycle: z
    .object({
      onboardingDays: z.number().int().min(0).default(90),
      renewalWindowDays: z.number().int().min(0).default(90),
      lapseGraceDays: z.number().int().min(0).default(30),
    })
    .default({ onboardingDays: 90, renewalWindowDays: 90, lapseGraceDays: 30 }),
  /**
   * Which data sources the workspace sends, declared: `true` = sent (absence of rows is
   * information), `false` = never sent (its signals are not available). Undeclared sources are
   * judged from what was imported.
   */
  sources: z.partialRecord(z.enum(SOURCE_IDS), z.boolean()).default({}),
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
  // retuned on the 1,000-account demo (seed 7) backtest: see docs/adr/0013 and the scoring closing note
  bands: { healthy: 62, atRisk: 45 },
  categories: {
    engagement: { weight: 0.45 },
    outcomes: { weight: 0.05 },
    relationship: { weight: 0.27 },
    risk: { weight: 0.1 },
    business: { weight: 0.04 },
    commercial: { weight: 0.06 },
    competitive: { weight: 0.03 },
    custom: { weight: 0 },
  },
  signals: {
    'login-frequency': { weight: 3 },
    'login-trend': { weight: 1 },
    stickiness: { weight: 2.5 },
    'active-seats': { weight: 1.5 },
    'core-feature-adoption': { weight: 3 },
    'usage-trend': { weight: 1 },
    'workflow-integration': { weight: 0.5 },
    'usage-dip': { weight: 1 },
    // value milestones and days since value read the same events: one weight, carried by the count
    'value-milestones': { weight: 1.5 },
    'time-to-value': { weight: 1 },
    'days-since-value': { weight: 0 },
    'exec-touch-recency': { weight: 1 },
    'qbr-attendance': { weight: 1.5 },
    'email-response-rate': { weight: 1.5 },
    'email-response-time': { weight: 1.5 },
    'champion-status': { weight: 1 },
    'csm-sentiment': { weight: 3 },
    'csm-tenure': { weight: 0.5 },
    'engaged-contacts': { weight: 1 },
    'open-high-priority-tickets': { weight: 1 },
    'open-escalations': { weight: 1 },
    'ticket-volume-trend': { weight: 0.5 },
    'ticket-sentiment': { weight: 1.5 },
    nps: { weight: 1.5 },
    'billing-disputes': { weight: 1 },
    layoffs: { weight: 1 },
    acquisition: { weight: 1 },
    funding: { weight: 0.5 },
    'budget-cut': { weight: 1 },
    'leadership-change': { weight: 0.7 },
    hiring: { weight: 0.5 },
    'days-to-renewal': { weight: 0 },
    // ARR per active seat is active seats again (r = 0.99 on the demo): shown, not counted
    'cost-per-active-seat': { weight: 0 },
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
