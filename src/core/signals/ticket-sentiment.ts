import { sentimentInWords } from '../sentiment/sentiment-in-words.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { eventsIn, round1 } from './signal-helpers.ts';

/** Mean sentiment of ticket texts in the last 90 days (VADER compound, −1..1). Unit: sentiment; higher is better. */
export const ticketSentiment: SignalDefinition = {
  id: 'ticket-sentiment',
  label: 'Ticket sentiment',
  category: 'risk',
  unit: 'sentiment',
  windowDays: 90,
  direction: 'higher-is-better',
  thresholds: [
    [-0.6, 0],
    [-0.2, 35],
    [0, 60],
    [0.3, 90],
    [0.6, 100],
  ],
  compute(data, ctx) {
    const texts = eventsIn(data, ctx.asOfDay, 90, 'ticket_opened', 'ticket_updated')
      .map((e) => [e.properties.subject, e.properties.text].filter(Boolean).join('. '))
      .filter((t) => t.length > 0);
    if (texts.length === 0) return null;
    const mean = texts.reduce((s, t) => s + ctx.sentiment(t), 0) / texts.length;
    return {
      value: round1(mean * 10) / 10,
      numeric: mean,
      detail: `ticket tone ${sentimentInWords(mean)} (${texts.length} ${texts.length === 1 ? 'text' : 'texts'})`,
    };
  },
};
