import type { VigilEvent } from '../data-model/events.ts';
import type { TextSource } from './labelled-set.ts';

export type CustomerText = { source: TextSource; eventId: string; time: string; text: string };

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
const join = (...xs: unknown[]) =>
  xs
    .map(str)
    .filter((x): x is string => x !== null)
    .join('. ');

/**
 * Every piece of customer text on an account's timeline, with where it came from: ticket subjects
 * and bodies (opened and updated), NPS and CSAT comments, CSM notes (and the note on a CSM
 * sentiment), churn feedback (`churn_event` feedback and reason text), and email replies.
 */
export function customerTexts(events: readonly VigilEvent[]): CustomerText[] {
  const out: CustomerText[] = [];
  for (const e of events) {
    const p = e.properties as Record<string, unknown>;
    let source: TextSource | null = null;
    let text = '';
    switch (e.type) {
      case 'ticket_opened':
        source = 'ticket';
        text = join(p.subject, p.text);
        break;
      case 'ticket_updated':
        source = 'ticket';
        text = join(p.text);
        break;
      case 'nps_response':
        source = 'nps';
        text = join(p.comment);
        break;
      case 'csat_response':
        source = 'csat';
        text = join(p.comment);
        break;
      case 'csm_note':
        source = 'csm_note';
        text = join(p.text);
        break;
      case 'csm_sentiment':
        source = 'csm_note';
        text = join(p.note);
        break;
      case 'churn_event':
        source = 'churn_feedback';
        text = join(p.feedback, p.reasonText);
        break;
      case 'email_inbound':
        source = 'email_reply';
        text = join(p.text);
        break;
    }
    if (source !== null && text) out.push({ source, eventId: e.id, time: e.time, text });
  }
  return out;
}
