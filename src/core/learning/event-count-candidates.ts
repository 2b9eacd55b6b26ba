import type { HealthModel } from '../scoring/health-model.ts';

type CustomSignal = HealthModel['custom'][number];

/**
 * Event types whose count says the customer is engaged (more is healthier). Every other mapped
 * type (tickets, escalations, failed payments, disputes, competitor mentions...) is read as
 * friction: more is worse.
 */
export const ENGAGED_EVENT_TYPES = new Set([
  'invoice_issued',
  'invoice_paid',
  'email_inbound',
  'nps_response',
  'csat_response',
  'meeting',
  'value_milestone',
  'expansion_signal',
  'goal_set',
  'executive_touch',
]);

/** Types never offered: the outcome itself, or vendor bookkeeping that says nothing about the customer. */
const NEVER = new Set([
  'churn_event',
  'csm_assigned',
  'contact_change',
  'ticket_closed',
  'escalation_closed',
]);

export type EventTypeStats = {
  type: string;
  /** Per account that has the type: its count over the whole history. */
  perAccount: number[];
};

const quantile = (xs: readonly number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : (s[Math.min(s.length - 1, Math.floor(q * s.length))] as number);
};

/**
 * Candidate signals for training from every mapped event type: the count in the last 30 and 90
 * days (engagement types) or 90 days (friction types), normalised so 0 events scores 0 (engaged)
 * or 100 (friction) and a typical busy account's count (the 90th percentile, scaled to the window)
 * scores the other end. Each starts with weight 0; training decides whether it earns one.
 */
export function eventCountCandidates(
  stats: readonly EventTypeStats[],
  historyDays: number,
  existing: readonly CustomSignal[] = [],
): CustomSignal[] {
  const taken = new Set(existing.map((c) => c.id));
  const out: CustomSignal[] = [];
  for (const s of [...stats].sort((a, b) => (a.type < b.type ? -1 : 1))) {
    if (NEVER.has(s.type) || s.perAccount.length < 5) continue;
    const engaged = ENGAGED_EVENT_TYPES.has(s.type);
    for (const windowDays of engaged ? [30, 90] : [90]) {
      const id = `events-${s.type.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}-${windowDays}d`;
      if (taken.has(id)) continue;
      const busy = Math.max(
        1,
        Math.round((quantile(s.perAccount, 0.9) * windowDays) / Math.max(windowDays, historyDays)),
      );
      out.push({
        id,
        label: `${s.type} events in ${windowDays} days`,
        category: 'custom',
        weight: 0,
        source: { eventCount: { type: s.type, windowDays } },
        thresholds: engaged
          ? [
              [0, 0],
              [busy, 100],
            ]
          : [
              [0, 100],
              [busy, 0],
            ],
      });
    }
  }
  return out;
}

/**
 * Days since the customer's last own activity (usage, or an event of `activityTypes`): the recency
 * a lapse is made of. 0 days scores 100, `fadeDays` or more scores 0.
 */
export function recencyCandidate(
  activityTypes: readonly string[],
  fadeDays: number,
  existing: readonly CustomSignal[] = [],
): CustomSignal[] {
  if (existing.some((c) => c.id === 'activity-recency')) return [];
  const f = Math.max(2, Math.round(fadeDays));
  return [
    {
      id: 'activity-recency',
      label: 'Days since last activity',
      category: 'custom',
      weight: 0,
      source: { recency: { types: [...activityTypes], usage: true } },
      thresholds: [
        [0, 100],
        [Math.round(f / 6), 75],
        [Math.round(f / 2), 35],
        [f, 0],
      ],
    },
  ];
}
