import { customerTexts } from '../sentiment/customer-texts.ts';
import { sentimentInWords } from '../sentiment/sentiment-in-words.ts';
import type { SignalDefinition } from './signal-definition.ts';
import { round1, toDay } from './signal-helpers.ts';

const SOURCE_LABEL = {
  ticket: 'tickets',
  nps: 'NPS comments',
  csat: 'CSAT comments',
  csm_note: 'CSM notes',
  churn_feedback: 'churn feedback',
  email_reply: 'email replies',
} as const;

/**
 * Mean sentiment of every customer text in the last 90 days — tickets, NPS and CSAT comments, CSM
 * notes, churn feedback, email replies — each source's mean in the detail. Unit: sentiment (−1..1);
 * higher is better. Not available without any text.
 */
export const customerSentiment: SignalDefinition = {
  id: 'customer-sentiment',
  label: 'Customer sentiment (all text)',
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
    const texts = customerTexts(data.events).filter((t) => {
      const ago = ctx.asOfDay - toDay(t.time);
      return ago >= 0 && ago < 90;
    });
    if (texts.length === 0) return null;
    const by = new Map<string, number[]>();
    let sum = 0;
    for (const t of texts) {
      const s = ctx.sentiment(t.text);
      sum += s;
      const list = by.get(t.source) ?? [];
      list.push(s);
      by.set(t.source, list);
    }
    const mean = sum / texts.length;
    const parts = [...by]
      .sort((a, b) => b[1].length - a[1].length)
      .map(
        ([src, xs]) =>
          `${SOURCE_LABEL[src as keyof typeof SOURCE_LABEL]} ${sentimentInWords(xs.reduce((a, b) => a + b, 0) / xs.length)} (${xs.length})`,
      );
    return {
      value: round1(mean * 10) / 10,
      numeric: mean,
      detail: `tone ${sentimentInWords(mean)} across ${texts.length} texts: ${parts.join(', ')}`,
    };
  },
};
