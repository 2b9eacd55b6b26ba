import { z } from 'zod';

/** The kinds of connection Vigil knows. */
export const CONNECTION_KINDS = ['hubspot', 'salesforce', 'slack', 'segment', 'stripe'] as const;
export type ConnectionKind = (typeof CONNECTION_KINDS)[number];

/** What Vigil writes into a CRM record, one value per field (names are mapped per connection). */
export const PUSH_FIELDS = [
  'score',
  'band',
  'trend30',
  'coverage',
  'topWarning',
  'churnProbability',
  'url',
] as const;
export type PushField = (typeof PUSH_FIELDS)[number];

/** Per-field direction, as in the mapping language: read from the CRM, write to it, or leave it. */
export const FIELD_DIRECTIONS = ['read', 'write', 'none'] as const;

const id = z
  .string()
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be a kebab-case id (a-z, 0-9, dashes)')
  .max(80);
const url = z.string().regex(/^https?:\/\/\S+$/, 'must be an http(s) URL');
const fieldName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a field API name')
  .max(100);

/** Rules for matching a Vigil account to a CRM record: in order, first hit wins; never guessed. */
const matchSchema = z.strictObject({
  /** Account trait holding the CRM record id (Salesforce 15/18-char id, HubSpot company id). */
  idTrait: z.string().min(1).max(100),
  /** Account trait holding the web domain; matched against `domainField` in the CRM. */
  domainTrait: z.string().min(1).max(100).default('domain'),
  /** Order of rules; `id` then `domain` by default. */
  order: z
    .array(z.enum(['id', 'domain']))
    .min(1)
    .default(['id', 'domain']),
});

/** What a CRM read brings into Vigil (each has a direction `read` or `none`). */
export const READ_FIELDS = ['owner', 'contacts', 'deals'] as const;
export type ReadField = (typeof READ_FIELDS)[number];

/**
 * Per-field direction, as in the mapping language: a pushed field is `write` or `none`; a read
 * field (`owner`, `contacts`, `deals`) is `read` or `none`. Left out: pushed fields write, read
 * fields read.
 */
const directionsSchema = z
  .record(z.string(), z.enum(FIELD_DIRECTIONS))
  .default({})
  .superRefine((d, ctx) => {
    for (const [k, v] of Object.entries(d)) {
      const push = (PUSH_FIELDS as readonly string[]).includes(k);
      const read = (READ_FIELDS as readonly string[]).includes(k);
      if (!push && !read)
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `unknown field "${k}" (pushed: ${PUSH_FIELDS.join(', ')}; read: ${READ_FIELDS.join(', ')})`,
        });
      else if (push && v === 'read')
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `${k} is a Vigil value: write or none, not read`,
        });
      else if (read && v === 'write')
        ctx.addIssue({
          code: 'custom',
          path: [k],
          message: `${k} is read from the CRM: read or none, not write`,
        });
    }
  });

/** How a CRM read maps deals / opportunities to contracts (see docs/integrations.md, "CRM read"). */
const readSchema = z.strictObject({
  /** Length of the term a closed-won deal starts on its close date; ARR = amount × 12 ÷ months. */
  termMonths: z.number().int().min(1).max(120).default(12),
  currency: z.string().length(3).default('USD'),
  /** Deal / opportunity types (case-insensitive) that are renewals: an open one gives the next renewal date. */
  renewalTypes: z.array(z.string().min(1).max(200)).default(['Renewal', 'existingbusiness']),
  /** HubSpot deal stages that count as won / lost (Salesforce uses IsWon / IsClosed). */
  wonStages: z.array(z.string().min(1).max(200)).default(['closedwon']),
  lostStages: z.array(z.string().min(1).max(200)).default(['closedlost']),
  /** Contact field holding the buying role (HubSpot `hs_buying_role`; Salesforce has none by default). */
  roleField: fieldName.nullable().optional(),
  /** Records per page (HubSpot search: at most 100; Salesforce: the query batch size, 200–2000). */
  pageSize: z.number().int().min(1).max(2000).optional(),
  /**
   * Minutes between scheduled reads by the worker (incremental, from the stored cursors); null = read
   * only on demand (`vigil sync crm --read`, `POST /v1/connections/{id}/read`).
   */
  intervalMinutes: z.number().int().min(5).max(10_080).nullable().default(null),
});
export type CrmReadSettings = z.infer<typeof readSchema>;

const crmCommon = {
  directions: directionsSchema,
  read: readSchema.default(readSchema.parse({})),
  /** Minutes a changed score waits before it is pushed (changes are collected, then pushed once). */
  pushDelayMinutes: z.number().min(0).max(1440).default(5),
  /** API calls this connection may spend per UTC day; null = no limit of Vigil's own. */
  dailyCallBudget: z.number().int().positive().nullable().default(null),
  /** Longest single wait honoured for a 429 Retry-After before the push stops and resumes next run. */
  maxRetryAfterSeconds: z.number().min(0).max(600).default(60),
  /** Base URL of the dashboard (for the link field). */
  publicUrl: url.nullable().default(null),
};

export const hubspotSettingsSchema = z.strictObject({
  baseUrl: url.default('https://api.hubapi.com'),
  fields: z.record(z.enum(PUSH_FIELDS), fieldName).default({
    score: 'vigil_health_score',
    band: 'vigil_health_band',
    trend30: 'vigil_trend_30d',
    coverage: 'vigil_coverage',
    topWarning: 'vigil_top_warning',
    churnProbability: 'vigil_churn_probability',
    url: 'vigil_account_url',
  }),
  /** Create the custom company properties that are missing (in the group below). */
  createProperties: z.boolean().default(true),
  propertyGroup: z.string().min(1).max(100).default('companyinformation'),
  domainField: fieldName.default('domain'),
  match: matchSchema.default({ idTrait: 'hubspotId', domainTrait: 'domain', order: ['id', 'domain'] }),
  ...crmCommon,
});

export const salesforceSettingsSchema = z.strictObject({
  instanceUrl: url,
  /** OAuth: where a refresh token is exchanged (`<loginUrl>/services/oauth2/token`); test.salesforce.com for sandboxes. */
  loginUrl: url.default('https://login.salesforce.com'),
  /** OAuth: the connected app's consumer key (with secrets refreshToken and clientSecret, an expired access token is renewed). */
  clientId: z.string().min(1).max(300).nullable().default(null),
  apiVersion: z
    .string()
    .regex(/^\d+\.\d$/)
    .default('62.0'),
  object: fieldName.default('Account'),
  fields: z.record(z.enum(PUSH_FIELDS), fieldName).default({
    score: 'Vigil_Health_Score__c',
    band: 'Vigil_Health_Band__c',
    trend30: 'Vigil_Trend_30d__c',
    coverage: 'Vigil_Coverage__c',
    topWarning: 'Vigil_Top_Warning__c',
    churnProbability: 'Vigil_Churn_Probability__c',
    url: 'Vigil_Account_URL__c',
  }),
  /** Pushes of more records than this go through one Bulk API 2.0 ingest job; smaller ones through sObject Collections. */
  bulkThreshold: z.number().int().min(1).max(100_000).default(200),
  /** How often a Bulk API job's state is checked. */
  bulkPollMs: z.number().int().min(10).max(60_000).default(2000),
  /** Longest wait for a Bulk API job before the push stops (the job's results are read on the next run). */
  bulkTimeoutSeconds: z.number().int().min(1).max(3600).default(600),
  domainField: fieldName.default('Website'),
  match: matchSchema.default({ idTrait: 'salesforceId', domainTrait: 'domain', order: ['id', 'domain'] }),
  ...crmCommon,
});

const isTimeZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

const digestSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** Local hour (0–23, workspace time zone) from which the day's digest is sent, once per CSM per day. */
  hour: z.number().int().min(0).max(23).default(8),
  /** The Slack workspace's time zone (IANA name). */
  timeZone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin').default('UTC'),
  /** Score points that count as "moved" (a band change always does). */
  minChange: z.number().min(0).max(100).default(5),
});

export const slackSettingsSchema = z.strictObject({
  /** Slack Web API base (tests point it at a local server). */
  apiUrl: url.default('https://slack.com/api/'),
  /** Where alerts go when the owner has no Slack account (a channel id); null = report it. */
  fallbackChannel: z.string().max(100).nullable().default(null),
  publicUrl: url.nullable().default(null),
  /** Accepted age of a signed request (Slack recommends 5 minutes). */
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
  /** The daily digest per CSM ("your accounts that moved, your tasks due"). */
  digest: digestSchema.default(digestSchema.parse({})),
});

export const segmentSettingsSchema = z.strictObject({
  /** Where the Vigil account id is found in a call: the group id, or this trait / property. */
  accountFrom: z.enum(['groupId', 'traits.accountId', 'properties.accountId']).default('groupId'),
  /** Segment event name → Vigil usage event; unmapped track events count as `usage_custom`. */
  events: z
    .record(
      z.string().min(1).max(200),
      z.union([
        z.strictObject({ type: z.literal('feature_used'), feature: z.string().min(1).max(200) }),
        z.strictObject({ type: z.literal('integration_used'), integration: z.string().min(1).max(200) }),
        z.strictObject({ type: z.literal('login') }),
        z.strictObject({ type: z.literal('ignore') }),
      ]),
    )
    .default({}),
});

export const stripeSettingsSchema = z.strictObject({
  /** Where the Vigil account id is on a Stripe object: its metadata key, else the customer id is looked up in this account trait. */
  accountMetadataKey: z.string().min(1).max(100).default('vigil_account_id'),
  customerTrait: z.string().min(1).max(100).default('stripeCustomerId'),
  toleranceSeconds: z.number().int().min(1).max(3600).default(300),
});

export const SECRET_NAMES = {
  hubspot: ['accessToken'],
  salesforce: ['accessToken', 'refreshToken', 'clientSecret'],
  slack: ['botToken', 'signingSecret'],
  segment: ['writeKey'],
  stripe: ['apiKey', 'webhookSecret'],
} as const satisfies Record<ConnectionKind, readonly string[]>;

const secrets = (names: readonly string[]) =>
  z.strictObject(Object.fromEntries(names.map((n) => [n, z.string().min(1).max(4000).optional()])));

const base = { id, name: z.string().min(1).max(200).optional(), enabled: z.boolean().default(true) };

/** A connection as configured (YAML file or API): settings in clear, secrets to be encrypted. */
export const connectionInputSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    ...base,
    kind: z.literal('hubspot'),
    settings: hubspotSettingsSchema.default(hubspotSettingsSchema.parse({})),
    secrets: secrets(SECRET_NAMES.hubspot).default({}),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('salesforce'),
    settings: salesforceSettingsSchema,
    secrets: secrets(SECRET_NAMES.salesforce).default({}),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('slack'),
    settings: slackSettingsSchema.default(slackSettingsSchema.parse({})),
    secrets: secrets(SECRET_NAMES.slack).default({}),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('segment'),
    settings: segmentSettingsSchema.default(segmentSettingsSchema.parse({})),
    secrets: secrets(SECRET_NAMES.segment).default({}),
  }),
  z.strictObject({
    ...base,
    kind: z.literal('stripe'),
    settings: stripeSettingsSchema.default(stripeSettingsSchema.parse({})),
    secrets: secrets(SECRET_NAMES.stripe).default({}),
  }),
]);
export type ConnectionInput = z.infer<typeof connectionInputSchema>;
export type HubspotSettings = z.infer<typeof hubspotSettingsSchema>;
export type SalesforceSettings = z.infer<typeof salesforceSettingsSchema>;
export type SlackSettings = z.infer<typeof slackSettingsSchema>;
export type SegmentSettings = z.infer<typeof segmentSettingsSchema>;
export type StripeSettings = z.infer<typeof stripeSettingsSchema>;

/** The YAML file: `connections: [ ... ]`. Secrets may be written as `${ENV_NAME}` and are resolved by the engine. */
export const connectionsFileSchema = z.strictObject({ connections: z.array(z.unknown()).max(100) });
