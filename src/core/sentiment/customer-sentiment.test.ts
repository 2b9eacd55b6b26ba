import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossValidate, naiveBayesScorer } from './cross-validate.ts';
import { SENTIMENT_SCORERS } from './customer-sentiment.ts';
import { customerTexts } from './customer-texts.ts';
import { LABELLED_SET_PATH, parseLabelledTexts, TEXT_SOURCES } from './labelled-set.ts';
import { tokenize, trainNaiveBayes } from './naive-bayes.ts';
import { SENTIMENT_MODEL } from './sentiment-model.generated.ts';

const rows = parseLabelledTexts(readFileSync(join(process.cwd(), LABELLED_SET_PATH), 'utf8'));

describe('the shipped sentiment classifier', () => {
  it('is the model the labelled set trains (re-run scripts/train-sentiment.ts after editing the set)', () => {
    const model = trainNaiveBayes(
      rows.map((r) => r.text),
      rows.map((r) => r.label),
    );
    expect(SENTIMENT_MODEL).toEqual(model);
  });

  it('covers every text source with both labels', () => {
    for (const s of TEXT_SOURCES) {
      expect(rows.some((r) => r.source === s && r.label === 1)).toBe(true);
      expect(rows.some((r) => r.source === s && r.label === 0)).toBe(true);
    }
  });

  it('reads negation: "not happy" is not "happy"', () => {
    expect(tokenize("We're not happy, but thanks.")).toEqual([
      'were',
      'not',
      'NOT_happy',
      'not NOT_happy',
      'but',
      'thanks',
      'but thanks',
    ]);
  });

  it('beats VADER + lexicon in 5-fold cross-validation (the reason it ships)', () => {
    const [nb, vader, blend] = crossValidate(rows, [naiveBayesScorer, ...SENTIMENT_SCORERS]);
    expect(vader?.name).toBe('vader+lexicon');
    expect(blend?.name).toBe('naive-bayes+vader blend');
    expect(blend?.auc as number).toBeGreaterThan(vader?.auc as number);
    expect(blend?.auc as number).toBeGreaterThanOrEqual(nb?.auc as number);
    expect(blend?.accuracy as number).toBeGreaterThan(vader?.accuracy as number);
  });

  it('rejects a malformed labelled set naming the line and field', () => {
    expect(() => parseLabelledTexts('label\tsource\ttext\n2\tticket\tfine\n', 'x.tsv')).toThrow(
      'x.tsv:2 label',
    );
    expect(() => parseLabelledTexts('label\tsource\ttext\n1\tfax\tbad\n', 'x.tsv')).toThrow('x.tsv:2 source');
  });
});

describe('customerTexts', () => {
  it('collects every customer text with its source', () => {
    const e = (type: string, properties: Record<string, unknown>, id = type) =>
      ({ id, accountId: 'a', type, time: '2026-01-01T00:00:00Z', properties }) as never;
    const texts = customerTexts([
      e('ticket_opened', { ticketId: 't', subject: 'Broken', text: 'Export fails' }),
      e('ticket_updated', { ticketId: 't', text: 'Still failing' }),
      e('nps_response', { score: 3, comment: 'Too slow' }),
      e('nps_response', { score: 9 }, 'nps-no-comment'),
      e('csat_response', { score: 2, comment: 'Unhelpful' }),
      e('csm_note', { text: 'Champion frustrated' }),
      e('csm_sentiment', { sentiment: 'red', note: 'Budget review' }),
      e('churn_event', { reasonCode: 'pricing', feedback: 'Too expensive', reasonText: 'price' }),
      e('email_inbound', { threadId: 'x', text: 'We are disappointed' }),
      e('email_outbound', { threadId: 'x', subject: 'Checking in' }),
    ]);
    expect(texts.map((t) => [t.source, t.text])).toEqual([
      ['ticket', 'Broken. Export fails'],
      ['ticket', 'Still failing'],
      ['nps', 'Too slow'],
      ['csat', 'Unhelpful'],
      ['csm_note', 'Champion frustrated'],
      ['csm_note', 'Budget review'],
      ['churn_feedback', 'Too expensive. price'],
      ['email_reply', 'We are disappointed'],
    ]);
  });
});
