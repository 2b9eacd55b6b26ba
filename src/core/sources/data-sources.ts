import type { AccountData } from '../data-model/account-data.ts';
/**
 * The data sources a workspace may send, what each is made of, and which signals each feeds.
 * A signal whose sources the workspace has never sent is *not available* (its weight moves on);
 * a source that stopped arriving (no rows for longer than its usual cadence) is *stale* and its
 * signals are held at their value on the feed's last day.
 */
export const SOURCE_IDS = [
  'logins',
  'feature-usage',
  'meetings',
  'email',
  'tickets',
  'nps',
  'csm-notes',
  'billing',
  'business-events',
  'outcomes',
  'expansion',
  'competitive',
  'contacts',
  'contracts',
] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

export type SourceDefinition = {
  id: SourceId;
  label: string;
  /** What the explanation says when the workspace never sent it: "no login data connected". */
  noun: string;
  /** Event types (non-usage timeline) that make up the source. */
  eventTypes: readonly string[];
  /** Fewest days without rows before the feed counts as stale (its cadence may make it longer). */
  minStaleDays: number | null;
};

export const SOURCES: Record<SourceId, SourceDefinition> = {
  logins: { id: 'logins', label: 'Logins', noun: 'login', eventTypes: [], minStaleDays: 7 },
  'feature-usage': {
    id: 'feature-usage',
    label: 'Feature usage',
    noun: 'feature usage',
    eventTypes: [],
    minStaleDays: 7,
  },
  meetings: {
    id: 'meetings',
    label: 'Meetings',
    noun: 'meeting',
    eventTypes: ['meeting', 'executive_touch'],
    minStaleDays: 30,
  },
  email: {
    id: 'email',
    label: 'Email',
    noun: 'email',
    eventTypes: ['email_outbound', 'email_inbound'],
    minStaleDays: 14,
  },
  tickets: {
    id: 'tickets',
    label: 'Support tickets',
    noun: 'support ticket',
    eventTypes: [
      'ticket_opened',
      'ticket_updated',
      'ticket_closed',
      'escalation_opened',
      'escalation_closed',
    ],
    minStaleDays: 21,
  },
  nps: {
    id: 'nps',
    label: 'NPS / CSAT',
    noun: 'survey',
    eventTypes: ['nps_response', 'csat_response'],
    minStaleDays: 120,
  },
  'csm-notes': {
    id: 'csm-notes',
    label: 'CSM notes',
    noun: 'CSM note',
    eventTypes: ['csm_note', 'csm_sentiment', 'csm_assigned'],
    minStaleDays: 60,
  },
  billing: {
    id: 'billing',
    label: 'Billing',
    noun: 'billing',
    eventTypes: ['invoice_issued', 'invoice_paid', 'payment_failed', 'billing_dispute'],
    minStaleDays: 45,
  },
  'business-events': {
    id: 'business-events',
    label: 'Business events',
    noun: 'business event',
    eventTypes: ['business_event'],
    minStaleDays: 180,
  },
  outcomes: {
    id: 'outcomes',
    label: 'Outcomes (goals, value milestones)',
    noun: 'value milestone',
    eventTypes: ['goal_set', 'value_milestone'],
    minStaleDays: 180,
  },
  expansion: {
    id: 'expansion',
    label: 'Expansion signals',
    noun: 'expansion signal',
    eventTypes: ['expansion_signal'],
    minStaleDays: 180,
  },
  competitive: {
    id: 'competitive',
    label: 'Competitive intelligence',
    noun: 'competitive',
    eventTypes: ['competitor_mention', 'rival_feature_request', 'evaluation_noticed'],
    minStaleDays: 180,
  },
  contacts: {
    id: 'contacts',
    label: 'Contacts',
    noun: 'contact',
    eventTypes: ['contact_change'],
    minStaleDays: null,
  },
  contracts: {
    id: 'contracts',
    label: 'Contracts',
    noun: 'contract',
    eventTypes: ['churn_event'],
    minStaleDays: null,
  },
};

/** Source of an event type (usage types map to logins / feature usage). */
export function sourceOfEventType(type: string): SourceId | null {
  if (type === 'login') return 'logins';
  if (type === 'feature_used' || type === 'integration_used' || type === 'usage_custom')
    return 'feature-usage';
  for (const s of Object.values(SOURCES)) if (s.eventTypes.includes(type)) return s.id;
  return null;
}

/**
 * The sources each built-in signal reads. A signal is available when any of its sources is
 * (e.g. engaged contacts count product users, email replies and meeting attendees).
 */
export const SIGNAL_SOURCES: Record<string, readonly SourceId[]> = {
  'login-frequency': ['logins'],
  'login-trend': ['logins'],
  stickiness: ['logins', 'feature-usage'],
  'active-seats': ['logins', 'feature-usage'],
  'cost-per-active-seat': ['logins', 'feature-usage'],
  'core-feature-adoption': ['feature-usage'],
  'workflow-integration': ['feature-usage'],
  'usage-trend': ['logins', 'feature-usage'],
  'usage-dip': ['logins', 'feature-usage'],
  'evaluation-usage-drop': ['competitive'],
  'value-milestones': ['outcomes'],
  'time-to-value': ['outcomes'],
  'days-since-value': ['outcomes'],
  'exec-touch-recency': ['meetings'],
  'qbr-attendance': ['meetings'],
  'email-response-rate': ['email'],
  'email-response-time': ['email'],
  'champion-status': ['contacts'],
  'engaged-contacts': ['logins', 'feature-usage', 'email', 'meetings'],
  'csm-sentiment': ['csm-notes'],
  'csm-tenure': ['csm-notes'],
  'open-high-priority-tickets': ['tickets'],
  'open-escalations': ['tickets'],
  'ticket-volume-trend': ['tickets'],
  'ticket-sentiment': ['tickets'],
  nps: ['nps'],
  'billing-disputes': ['billing'],
  'payment-history': ['billing'],
  layoffs: ['business-events'],
  acquisition: ['business-events'],
  funding: ['business-events'],
  'budget-cut': ['business-events'],
  'leadership-change': ['business-events'],
  hiring: ['business-events'],
  'days-to-renewal': ['contracts'],
  'expansion-activity': ['expansion'],
  'competitor-mentions': ['competitive'],
  'rival-feature-requests': ['competitive'],
};

/** What the workspace has sent of one source, workspace-wide (all accounts). */
export type SourceExtent = {
  /** First and last day with rows (YYYY-MM-DD). */
  first: string;
  last: string;
  rows: number;
  accounts: number;
  /** Distinct days with rows. */
  activeDays: number;
};
export type WorkspaceSources = Partial<Record<SourceId, SourceExtent>>;

export type SourceStatus =
  | { state: 'live' }
  | { state: 'absent' }
  /** Feed stopped: hold signals at their value on `last`. */
  | { state: 'stale'; last: string; daysSilent: number; staleAfterDays: number };

const DAY_MS = 86_400_000;
const day = (iso: string) => Math.floor(Date.parse(iso.slice(0, 10)) / DAY_MS);

/** Days without rows after which a source counts as stale, from its own cadence. */
export function staleAfterDays(id: SourceId, e: SourceExtent): number | null {
  const min = SOURCES[id].minStaleDays;
  if (min === null) return null;
  const span = day(e.last) - day(e.first) + 1;
  // the feed's usual gap between days with rows, times three
  const gap = e.activeDays > 0 ? span / e.activeDays : span;
  return Math.max(min, Math.ceil(3 * gap));
}

/**
 * Is a source live, absent (never sent, or not yet by this date) or stale on a date?
 * A declaration in the model (`true` sent / `false` never sent) wins over what was imported;
 * with no extents at all (unknown), every source is live, as before sources were tracked.
 */
export function sourceStatus(
  id: SourceId,
  asOf: string,
  extents: WorkspaceSources | undefined,
  declared: Partial<Record<SourceId, boolean>> = {},
): SourceStatus {
  if (declared[id] === false) return { state: 'absent' };
  if (!extents) return { state: 'live' };
  const e = extents[id];
  if (!e) return declared[id] === true ? { state: 'live' } : { state: 'absent' };
  const today = day(asOf);
  if (day(e.first) > today) return declared[id] === true ? { state: 'live' } : { state: 'absent' };
  const after = staleAfterDays(id, e);
  const silent = today - day(e.last);
  if (after !== null && silent > after)
    return { state: 'stale', last: e.last.slice(0, 10), daysSilent: silent, staleAfterDays: after };
  return { state: 'live' };
}

/**
 * Widens workspace extents with one account's data (rows newer than the extents were read, a
 * source seen for the first time), in place. Lets a cached summary stay true between full
 * reads: new data for an account arrives with that account's rescore.
 */
export function extendSources(
  sources: WorkspaceSources,
  data: Pick<AccountData, 'events' | 'usageDaily' | 'contacts' | 'contracts'>,
): void {
  const seen = (id: SourceId, dayIso: string) => {
    const d = dayIso.slice(0, 10);
    const e = sources[id];
    if (!e) sources[id] = { first: d, last: d, rows: 1, accounts: 1, activeDays: 1 };
    else {
      if (d > e.last) {
        e.last = d;
        e.activeDays++;
      }
      if (d < e.first) e.first = d;
    }
  };
  for (const ev of data.events) {
    const s = sourceOfEventType(ev.type);
    if (s) seen(s, ev.time);
  }
  let lastLogin: string | null = null;
  let lastFeature: string | null = null;
  for (const u of data.usageDaily) {
    if (u.logins > 0 && (!lastLogin || u.day > lastLogin)) lastLogin = u.day;
    if (u.events > u.logins && (!lastFeature || u.day > lastFeature)) lastFeature = u.day;
  }
  if (lastLogin) seen('logins', lastLogin);
  if (lastFeature) seen('feature-usage', lastFeature);
  if (data.contacts.length > 0 && !sources.contacts) seen('contacts', '1970-01-01');
  for (const c of data.contracts) seen('contracts', c.start);
}
