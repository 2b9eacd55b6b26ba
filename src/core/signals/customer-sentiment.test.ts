import { describe, expect, it } from 'vitest';
import type { AccountData } from '../data-model/account-data.ts';
import { customerSentiment } from './customer-sentiment.ts';
import { toDay } from './signal-helpers.ts';
import { ticketSentiment } from './ticket-sentiment.ts';

const asOf = '2026-03-31';
const ev = (type: string, day: string, properties: Record<string, unknown>) => ({
  id: `${type}-${day}`,
  accountId: 'a',
  type,
  time: `${day}T10:00:00Z`,
  properties,
});
const data = (events: ReturnType<typeof ev>[]) => ({ events }) as unknown as AccountData;
// a transparent scorer, so the arithmetic can be checked by hand: "bad" → −1, "ok" → 0.5
const ctx = {
  asOf,
  asOfDay: toDay(asOf),
  sentimentValidDays: 90,
  sentiment: (t: string) => (t.includes('bad') ? -1 : 0.5),
};

describe('customer-sentiment signal', () => {
  it('averages every source in the last 90 days and reports each source', () => {
    const r = customerSentiment.compute(
      data([
        ev('ticket_opened', '2026-03-01', { ticketId: 't', text: 'bad export' }),
        ev('nps_response', '2026-02-15', { score: 8, comment: 'ok overall' }),
        ev('churn_event', '2026-03-20', { reasonCode: 'pricing', feedback: 'bad value' }),
        ev('email_inbound', '2026-03-30', { threadId: 'x', text: 'ok thanks' }),
        ev('csm_note', '2025-11-01', { text: 'bad call' }), // older than 90 days
      ]),
      ctx,
    );
    // (−1 + 0.5 − 1 + 0.5) / 4 = −0.25
    expect(r?.numeric).toBeCloseTo(-0.25, 10);
    expect(r?.detail).toContain('across 4 texts');
    // sentiment in words (issue 19), never a raw number: −0.25 negative, −1 very negative, 0.5 positive
    expect(r?.detail).toContain('tone negative across 4 texts');
    expect(r?.detail).toContain('tickets very negative (1)');
    expect(r?.detail).toContain('NPS comments positive (1)');
    expect(r?.detail).toContain('churn feedback very negative (1)');
    expect(r?.detail).toContain('email replies positive (1)');
    expect(r?.detail).not.toMatch(/-?\d\.\d/);
  });

  it('is not available without text', () => {
    expect(customerSentiment.compute(data([ev('nps_response', '2026-03-01', { score: 3 })]), ctx)).toBeNull();
  });
});

describe('ticket-sentiment signal', () => {
  it('describes the tone in words, not as a raw mean', () => {
    const r = ticketSentiment.compute(
      data([
        ev('ticket_opened', '2026-03-01', { ticketId: 't1', subject: 'bad export' }),
        ev('ticket_updated', '2026-03-02', { ticketId: 't1', text: 'bad again' }),
        ev('ticket_opened', '2026-03-10', { ticketId: 't2', text: 'ok now' }),
      ]),
      ctx,
    );
    // (−1 − 1 + 0.5) / 3 = −0.5 → negative
    expect(r?.numeric).toBeCloseTo(-0.5, 10);
    expect(r?.detail).toBe('ticket tone negative (3 texts)');
  });
});
