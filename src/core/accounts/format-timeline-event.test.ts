import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EVENT_TYPES } from '../data-model/events.ts';
import type { AccountEvent } from './account-event.ts';
import { cutAtWord, formatTimelineEvent } from './format-timeline-event.ts';
import { humanizeId } from './last-executive-touch.ts';
import { SENTIMENT_WORDS, sentimentWord } from './sentiment-word.ts';

const ev = (
  type: string,
  properties: Record<string, unknown>,
  contactId: string | null = null,
): AccountEvent => ({
  type,
  time: '2026-05-01T10:00:00Z',
  properties,
  contactId,
});

/** One event of every built-in type, with the properties the demo generator and the presets write. */
const SAMPLES: Record<string, AccountEvent> = {
  login: ev('login', { count: 3 }),
  feature_used: ev('feature_used', { feature: 'dashboards', count: 1 }),
  integration_used: ev('integration_used', { integration: 'salesforce', count: 1 }),
  usage_custom: ev('usage_custom', { metric: 'reports_sent', count: 4 }),
  meeting: ev('meeting', { meetingId: 'm1', kind: 'qbr', status: 'cancelled', executivePresent: false }),
  email_outbound: ev('email_outbound', { threadId: 't1', subject: 'Next steps from our call' }),
  email_inbound: ev('email_inbound', { threadId: 't1', text: 'Perfect, see you Thursday.' }, 'p1'),
  ticket_opened: ev('ticket_opened', {
    ticketId: 'tk1',
    priority: 'high',
    subject: 'Dashboards broken again',
    text: 'The dashboards are broken again. This is the third time this month and it is unacceptable. We are very frustrated.',
  }),
  ticket_updated: ev('ticket_updated', {
    ticketId: 'tk1',
    priority: 'urgent',
    text: 'Still broken. Please escalate.',
  }),
  ticket_closed: ev('ticket_closed', { ticketId: 'tk1', csat: 2 }),
  escalation_opened: ev('escalation_opened', {
    escalationId: 'e1',
    reason: 'Executive complaint about data quality',
  }),
  escalation_closed: ev('escalation_closed', { escalationId: 'e1' }),
  nps_response: ev('nps_response', { score: 4, comment: 'Slow and unhelpful support.' }, 'p1'),
  csat_response: ev('csat_response', { score: 5, comment: 'Great support.' }),
  csm_note: ev('csm_note', {
    text: 'Adoption stalled, only a couple of users still active.',
    author: 'csm-9',
  }),
  csm_sentiment: ev('csm_sentiment', { sentiment: 'amber', validDays: 90, author: 'csm-10' }),
  csm_assigned: ev('csm_assigned', { csm: 'csm-3' }),
  executive_touch: ev('executive_touch', { channel: 'dinner', executive: 'vp-customer-success' }),
  contact_change: ev('contact_change', { change: 'left', role: 'champion' }, 'p1'),
  business_event: ev('business_event', {
    kind: 'layoffs',
    magnitude: 0.12,
    description: 'Cut 12% of staff.',
  }),
  invoice_issued: ev('invoice_issued', { invoiceId: 'i1', amount: 683, dueDate: '2025-01-31' }),
  invoice_paid: ev('invoice_paid', { invoiceId: 'i1', amount: 683, daysLate: 10 }),
  payment_failed: ev('payment_failed', { invoiceId: 'i2', amount: 550, reason: 'card declined' }),
  billing_dispute: ev('billing_dispute', {
    invoiceId: 'i1',
    status: 'opened',
    amount: 186,
    text: 'The invoice does not match the agreed discount.',
  }),
  expansion_signal: ev('expansion_signal', {
    kind: 'seat_request',
    product: 'platform',
    text: 'We want more seats.',
  }),
  competitor_mention: ev('competitor_mention', {
    competitor: 'Catalyst',
    channel: 'qbr',
    text: 'Their VP used Catalyst.',
  }),
  rival_feature_request: ev('rival_feature_request', {
    feature: 'usage-based billing',
    competitor: 'Catalyst',
  }),
  evaluation_noticed: ev('evaluation_noticed', {
    competitor: 'Totango',
    text: 'Their admin started a Totango trial.',
  }),
  churn_event: ev('churn_event', {
    reasonCode: 'onboarding',
    reasonText: 'low adoption',
    lostArr: 102_400,
    reactivation: false,
  }),
  goal_set: ev('goal_set', { goal: 'replace three spreadsheets with dashboards', metric: 'dashboards_live' }),
  value_milestone: ev('value_milestone', {
    milestone: 'first-automated-report',
    description: 'First report automated end to end',
  }),
};

const NAMES = new Map([
  ['p1', 'Ana Ruiz'],
  ['csm-3', 'Wei Smith'],
  ['csm-9', 'Mia Patel'],
]);

describe('timeline events in words', () => {
  it('has a sample for every event type of the data model, and a formatter of its own for each', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual([...EVENT_TYPES].sort());
    for (const type of EVENT_TYPES) {
      const f = formatTimelineEvent(SAMPLES[type]!, { names: NAMES });
      // the fallback only humanizes the type name; every built-in type says more than that
      // (but "Escalation closed", which says all there is: checked word for word below)
      if (type !== 'escalation_closed') expect(f.title, type).not.toBe(humanizeId(type));
      // no raw `key: value` from the properties, no raw numbers standing for sentiment
      for (const key of Object.keys(SAMPLES[type]!.properties))
        expect(f.title, type).not.toContain(`${key}:`);
      expect(f.title, type).not.toMatch(/undefined|null|\[object/);
    }
  });

  it('reads as a person would write it (hand-written expectations)', () => {
    const t = (type: string) => formatTimelineEvent(SAMPLES[type]!, { names: NAMES }).title;
    expect(t('invoice_paid')).toBe('Invoice paid 10 days late');
    expect(t('meeting')).toBe('QBR cancelled');
    expect(t('ticket_opened')).toBe('High-priority support ticket: Dashboards broken again');
    expect(t('ticket_updated')).toBe('Support ticket raised to urgent');
    expect(t('escalation_closed')).toBe('Escalation closed');
    expect(t('ticket_closed')).toBe('Support ticket closed, rated 2 of 5');
    expect(t('nps_response')).toBe('NPS 4 (detractor) from Ana Ruiz');
    expect(t('contact_change')).toBe('Ana Ruiz (champion) left');
    expect(t('csm_note')).toBe('Note by Mia Patel');
    expect(t('csm_assigned')).toBe('Wei Smith assigned as CSM');
    expect(t('csm_sentiment')).toBe('csm-10 rated the account amber (for 90 days)');
    expect(t('executive_touch')).toBe('Executive dinner (VP customer success)');
    expect(t('business_event')).toBe('Layoffs (12% of staff)');
    expect(t('invoice_issued')).toBe('Invoice issued for $683, due 2025-01-31');
    expect(t('billing_dispute')).toBe('Billing dispute opened over $186');
    expect(t('churn_event')).toBe('Churned: never reached value (low adoption), $102,400 ARR lost');
    expect(t('rival_feature_request')).toBe('Asked for usage-based billing, which Catalyst has');
    expect(t('competitor_mention')).toBe('Competitor mentioned: Catalyst (in a QBR)');
    expect(t('value_milestone')).toBe('Value milestone reached: first automated report');
    expect(formatTimelineEvent(ev('invoice_paid', { invoiceId: 'x', daysLate: 0 })).title).toBe(
      'Invoice paid on time',
    );
    expect(formatTimelineEvent(ev('invoice_paid', { invoiceId: 'x', daysLate: 1 })).title).toBe(
      'Invoice paid 1 day late',
    );
    expect(
      formatTimelineEvent(ev('meeting', { kind: 'ebr', status: 'held', executivePresent: true })).title,
    ).toBe('EBR held with an executive present');
    expect(formatTimelineEvent(ev('churn_event', { reasonCode: 'unknown', reactivation: true })).title).toBe(
      'Came back as a customer',
    );
  });

  it('gives sentiment as words: from the words an event carries, or from a numeric property a mapping set', () => {
    const f = (e: AccountEvent) => formatTimelineEvent(e).sentiment;
    expect(['negative', 'very negative']).toContain(f(SAMPLES.ticket_opened!));
    expect(['positive', 'very positive']).toContain(f(SAMPLES.csat_response!));
    expect(f(ev('ticket_opened', { ticketId: 'x', subject: 'Hi', sentiment: -0.578 }))).toBe('negative');
    expect(f(ev('csm_note', { text: 'x', sentiment: 0.9 }))).toBe('very positive');
    // no words, no sentiment; an email subject is our own words, not the customer's
    expect(f(SAMPLES.invoice_paid!)).toBeNull();
    expect(f(SAMPLES.email_outbound!)).toBeNull();
    // the CSM's red/amber/green is the read; its note gets no second, possibly contradicting tone
    expect(
      f(ev('csm_sentiment', { sentiment: 'red', note: 'Great people, but they are leaving.' })),
    ).toBeNull();
    expect([-1, -0.6, -0.59, -0.2, 0, 0.2, 0.59, 0.6, 1].map(sentimentWord)).toEqual([
      'very negative',
      'very negative',
      'negative',
      'negative',
      'neutral',
      'positive',
      'positive',
      'very positive',
      'very positive',
    ]);
    expect(SENTIMENT_WORDS).toHaveLength(5);
  });

  it('cuts long text at a word boundary and keeps the whole text for the expand', () => {
    const long =
      'The dashboards are broken again. This is the third time this month and it is unacceptable. ' +
      'We are very frustrated and our leadership is asking whether we should keep paying for this.';
    const f = formatTimelineEvent(ev('ticket_opened', { ticketId: 'x', subject: 'Broken', text: long }), {
      maxExcerpt: 100,
    });
    expect(f.text).toBe(long);
    expect(f.excerpt!.length).toBeLessThanOrEqual(101);
    expect(f.excerpt!.endsWith('…')).toBe(true);
    const kept = f.excerpt!.slice(0, -1);
    expect(long.startsWith(kept)).toBe(true);
    // the cut falls between words: the next character of the original is a space
    expect(long.charAt(kept.length)).toMatch(/[\s.,]/);
    expect(cutAtWord('short text', 100)).toBe('short text');
    expect(cutAtWord('a'.repeat(50), 10)).toBe(`${'a'.repeat(10)}…`);
  });

  it('names an unknown type in words rather than dumping its properties', () => {
    expect(formatTimelineEvent(ev('custom_thing', { foo: 1 })).title).toBe('Custom thing');
  });
});

describe('the documented examples (docs/data-model.md, what imports and mappings produce)', () => {
  const doc = readFileSync(new URL('../../../docs/data-model.md', import.meta.url), 'utf8');
  const examples = [...doc.matchAll(/```json event\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1]!.trim().split('\n'))
    .map((line) => JSON.parse(line) as AccountEvent & { contactId?: string });
  it('formats every documented event in words, without its property keys', () => {
    expect(new Set(examples.map((e) => e.type))).toEqual(new Set(EVENT_TYPES));
    for (const e of examples) {
      const f = formatTimelineEvent(e);
      for (const key of Object.keys(e.properties)) expect(f.title, e.type).not.toContain(`${key}:`);
      expect(f.title, e.type).not.toMatch(/undefined|null|\[object/);
      if (f.text) expect(f.excerpt!.length, e.type).toBeLessThanOrEqual(141);
    }
  });
});
