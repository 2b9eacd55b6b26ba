import { z } from 'zod';
import { BANDS } from '../scoring/score-result.ts';

const band = z.enum(BANDS);
const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case id (a-z, 0-9, dashes)')
  .max(80);
const positiveDays = z.number().int().min(1).max(3650);

export const SIGNAL_OPS = ['lt', 'lte', 'gt', 'gte', 'eq', 'neq'] as const;
export type SignalOp = (typeof SIGNAL_OPS)[number];

/** What makes a playbook fire for an account after a rescore (or on demand). */
export const triggerSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('band_entered'), band }),
  z.strictObject({ type: z.literal('band_left'), band }),
  z.strictObject({
    type: z.literal('score_dropped'),
    points: z.number().positive().max(100),
    withinDays: positiveDays,
  }),
  z.strictObject({
    type: z.literal('signal'),
    signalId: id,
    op: z.enum(SIGNAL_OPS),
    value: z.union([z.number(), z.string()]),
  }),
  z.strictObject({
    type: z.literal('renewal_within'),
    days: positiveDays,
    bands: z.array(band).min(1).default(['at-risk', 'critical']),
  }),
  z.strictObject({ type: z.literal('expansion_ready') }),
  /** Never fires on its own: only when another playbook enrolls the account. */
  z.strictObject({ type: z.literal('enrolled') }),
]);
export type PlaybookTrigger = z.infer<typeof triggerSchema>;

/** Filters on the account; all given ones must hold. */
export const conditionsSchema = z.strictObject({
  segments: z.array(z.string().min(1)).min(1).optional(),
  owners: z.array(z.string().min(1)).min(1).optional(),
  arrMin: z.number().min(0).optional(),
  arrMax: z.number().min(0).optional(),
  /** The account must carry all of these tags. */
  tagsAll: z.array(z.string().min(1)).min(1).optional(),
  /** The account must carry none of these tags. */
  tagsNone: z.array(z.string().min(1)).min(1).optional(),
});
export type PlaybookConditions = z.infer<typeof conditionsSchema>;

export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const CHANNELS = ['webhook', 'email', 'slack'] as const;
export type Channel = (typeof CHANNELS)[number];

export const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('create_task'),
    title: z.string().min(1).max(200),
    dueInDays: z.number().int().min(0).max(365),
    checklist: z.array(z.string().min(1).max(300)).max(30).default([]),
    priority: z.enum(PRIORITIES).default('medium'),
  }),
  /** The task goes to the owner's manager instead of the owner. */
  z.strictObject({ type: z.literal('route_to_manager') }),
  z.strictObject({
    type: z.literal('notify'),
    channel: z.enum(CHANNELS),
    /**
     * A URL (webhook, slack), an e-mail address, or a symbolic target resolved at run time:
     * `owner` / `manager` (their e-mail; for `slack`, a direct message to the Slack user with that
     * e-mail through the Slack connection, with claim / snooze / done buttons) or `default`
     * (the configured webhook / Slack incoming-webhook URL).
     */
    target: z.string().min(1).max(500),
  }),
  z.strictObject({ type: z.literal('add_tag'), tag: z.string().min(1).max(60) }),
  z.strictObject({ type: z.literal('enroll'), playbookId: id }),
]);
export type PlaybookAction = z.infer<typeof actionSchema>;

export const playbookSchema = z
  .strictObject({
    id,
    name: z.string().min(1).max(120),
    description: z.string().max(2000).optional(),
    enabled: z.boolean().default(true),
    trigger: triggerSchema,
    conditions: conditionsSchema.default({}),
    actions: z.array(actionSchema).min(1),
    cooldownDays: z.number().int().min(0).max(3650).default(14),
    /** Share of triggers deliberately not actioned (recorded) to measure the play; overrides the global setting. */
    holdoutPercent: z.number().min(0).max(50).optional(),
  })
  .superRefine((p, c) => {
    const { arrMin, arrMax } = p.conditions;
    if (arrMin !== undefined && arrMax !== undefined && arrMin > arrMax)
      c.addIssue({ code: 'custom', path: ['conditions', 'arrMax'], message: 'arrMax is below arrMin' });
    if (
      p.actions.some((a) => a.type === 'route_to_manager') &&
      !p.actions.some((a) => a.type === 'create_task')
    )
      c.addIssue({
        code: 'custom',
        path: ['actions'],
        message: 'route_to_manager needs a create_task action to route',
      });
    if (p.actions.some((a) => a.type === 'enroll' && a.playbookId === p.id))
      c.addIssue({ code: 'custom', path: ['actions'], message: 'a playbook cannot enroll into itself' });
  });
export type Playbook = z.infer<typeof playbookSchema>;
/** A playbook as written (defaults not yet applied). */
export type PlaybookInput = z.input<typeof playbookSchema>;
