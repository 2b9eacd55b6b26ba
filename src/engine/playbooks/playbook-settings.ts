/**
 * Settings of playbooks and notifications. Read from the environment here,
 * in the engine (the only layer that reads it); every use-case also takes
 * explicit overrides so tests and embedders never touch process.env.
 */
export type PlaybookSettings = Readonly<{
  /** Alerts (tasks or notifications) per owner per day; null = unlimited. VIGIL_PLAYBOOK_DAILY_BUDGET. */
  dailyBudgetPerOwner: number | null;
  /** Share (0–50 %) of triggers deliberately not actioned, to measure plays. VIGIL_PLAYBOOK_HOLDOUT_PERCENT. */
  holdoutPercent: number;
  holdoutSalt: string;
  /** HMAC key of webhook signatures; generated and stored in the db when unset. VIGIL_WEBHOOK_SECRET. */
  webhookSecret: string | null;
  /** Where `notify: { channel: webhook, target: default }` goes. VIGIL_WEBHOOK_URL. */
  defaultWebhookUrl: string | null;
  /** Where `notify: { channel: slack, target: default }` goes (a Slack incoming webhook). VIGIL_SLACK_WEBHOOK_URL. */
  defaultSlackUrl: string | null;
  /** e.g. smtp://user:pass@host:587. VIGIL_SMTP_URL. */
  smtpUrl: string | null;
  mailFrom: string;
  /** Delivery attempts before a notification is marked dead. */
  maxAttempts: number;
  /** First retry after this many seconds, doubling each attempt. */
  backoffSeconds: number;
  /** How long a worker's claim on an outbox row lasts; after that another worker may take it. */
  leaseSeconds: number;
  /** Base URL of the web app, for links in notifications. VIGIL_PUBLIC_URL. */
  publicUrl: string | null;
  /**
   * Private, loopback or link-local webhook hosts, addresses or CIDRs an admin allows
   * (all others are refused). VIGIL_WEBHOOK_ALLOW, comma-separated.
   */
  webhookAllow: readonly string[];
}>;

const num = (v: string | undefined, fallback: number) => {
  const n = v === undefined || v === '' ? Number.NaN : Number(v);
  return Number.isFinite(n) ? n : fallback;
};

export function loadPlaybookSettings(
  overrides: Partial<PlaybookSettings> = {},
  env: NodeJS.ProcessEnv = process.env,
): PlaybookSettings {
  const budget = env.VIGIL_PLAYBOOK_DAILY_BUDGET;
  return Object.freeze({
    dailyBudgetPerOwner: budget === 'unlimited' ? null : Math.max(0, Math.floor(num(budget, 25))),
    holdoutPercent: Math.min(50, Math.max(0, num(env.VIGIL_PLAYBOOK_HOLDOUT_PERCENT, 0))),
    holdoutSalt: env.VIGIL_PLAYBOOK_HOLDOUT_SALT ?? 'vigil',
    webhookSecret: env.VIGIL_WEBHOOK_SECRET || null,
    defaultWebhookUrl: env.VIGIL_WEBHOOK_URL || null,
    defaultSlackUrl: env.VIGIL_SLACK_WEBHOOK_URL || null,
    smtpUrl: env.VIGIL_SMTP_URL || null,
    mailFrom: env.VIGIL_MAIL_FROM || 'Vigil <vigil@localhost>',
    maxAttempts: Math.max(1, Math.floor(num(env.VIGIL_OUTBOX_MAX_ATTEMPTS, 8))),
    backoffSeconds: Math.max(0, num(env.VIGIL_OUTBOX_BACKOFF_SECONDS, 30)),
    leaseSeconds: Math.max(1, num(env.VIGIL_OUTBOX_LEASE_SECONDS, 120)),
    publicUrl: env.VIGIL_PUBLIC_URL || null,
    webhookAllow: (env.VIGIL_WEBHOOK_ALLOW ?? '')
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== ''),
    ...overrides,
  });
}
