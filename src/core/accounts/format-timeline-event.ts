import { textSentiment } from '../scoring/sentiment.ts';
import { type AccountEvent, num, str } from './account-event.ts';
import { humanizeId, MEETING_KINDS } from './last-executive-touch.ts';
import { npsCategory } from './latest-nps.ts';
import { type SentimentWord, sentimentWord } from './sentiment-word.ts';

/** Cuts `text` to at most `max` characters at a word boundary, with an ellipsis; unchanged when short. */
export function cutAtWord(text: string, max: number): string {
  const t = text.replace(/\s+/g, ' ').trim();
  if (t.length <= max) return t;
  const head = t.slice(0, max);
  const space = head.lastIndexOf(' ');
  // a single word longer than the limit is cut where it must be
  const cut = space > max * 0.4 ? head.slice(0, space) : head;
  return `${cut.replace(/[\s,;:.–—-]+$/, '')}…`;
}

export type FormattedEvent = {
  /** One line in words: "Invoice paid 10 days late", "QBR cancelled". */
  title: string;
  /** The event's free text (ticket text, note, comment), whole; null when it has none. */
  text: string | null;
  /** `text` cut at a word boundary for the list; equals `text` when short enough. */
  excerpt: string | null;
  /** The tone of the customer's or CSM's words, when the event carries any. */
  sentiment: SentimentWord | null;
};

export type FormatOptions = {
  /** Names for ids (users, contacts), e.g. "csm-3" → "Wei Smith". */
  names?: ReadonlyMap<string, string>;
  /** Currency of amounts (ISO code); default USD. */
  currency?: string;
  /** Longest excerpt, in characters; default 140. */
  maxExcerpt?: number;
};

const MEETING_STATUS: Record<string, string> = {
  scheduled: 'scheduled',
  held: 'held',
  no_show: 'missed (no-show)',
  cancelled: 'cancelled',
};
const ROLES: Record<string, string> = {
  champion: 'Champion',
  executive_sponsor: 'Executive sponsor',
  admin: 'Admin',
  user: 'User',
};
const BUSINESS: Record<string, string> = {
  layoffs: 'Layoffs',
  hiring: 'Hiring',
  funding: 'Funding',
  acquisition: 'Acquisition',
  budget_cut: 'Budget cut',
  leadership_change: 'Leadership change',
};
const EXPANSION: Record<string, string> = {
  upsell_inquiry: 'upsell inquiry',
  seat_request: 'request for more seats',
  add_on_interest: 'interest in an add-on',
  cross_sell: 'cross-sell opportunity',
};
const CHURN_REASONS: Record<string, string> = {
  pricing: 'price too high for the value',
  budget: 'budget cut',
  competitor: 'moved to a competitor',
  features: 'missing capabilities',
  support: 'service quality',
  onboarding: 'never reached value',
  champion_left: 'sponsor or champion left',
  business_change: 'acquired, closed or restructured',
  payment: 'failed payment',
  other: 'other reason',
  unknown: 'reason not recorded',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

// building an Intl.NumberFormat costs more than formatting with one: one per currency and precision
const MONEY_FORMATS = new Map<string, Intl.NumberFormat>();
function moneyFormat(currency: string, whole: boolean): Intl.NumberFormat {
  const key = `${currency}:${whole}`;
  let f = MONEY_FORMATS.get(key);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: whole ? 0 : 2 });
    if (MONEY_FORMATS.size > 64) MONEY_FORMATS.clear();
    MONEY_FORMATS.set(key, f);
  }
  return f;
}

/**
 * An event in words for the account timeline — one formatter per event type of the data model
 * (src/core/data-model/events.ts), so no raw `key: value` ever reaches a person. Sentiment is read
 * from the words the event carries (ticket, reply, survey comment, note, churn feedback) or from a
 * numeric `sentiment` property a mapping supplied, and given as a word. Pure.
 */
export function formatTimelineEvent(e: AccountEvent, options: FormatOptions = {}): FormattedEvent {
  const p = e.properties;
  const name = (id: string | null) => (id ? (options.names?.get(id) ?? id) : null);
  const money = (n: number) =>
    moneyFormat(options.currency ?? 'USD', n >= 1000 || Number.isInteger(n)).format(n);
  const who = name(e.contactId ?? null);
  let title: string;
  let text: string | null = null;
  let tone = true; // whether the text is the customer's or CSM's words worth a sentiment
  switch (e.type) {
    case 'login': {
      const n = num(p, 'count') ?? 1;
      title = n > 1 ? `${plural(n, 'login')}` : 'Logged in';
      break;
    }
    case 'feature_used':
      title = `Used ${str(p, 'feature') ?? 'a feature'}`;
      break;
    case 'integration_used': {
      const integration = str(p, 'integration');
      title = integration ? `Used the ${integration} integration` : 'Used an integration';
      break;
    }
    case 'usage_custom':
      title = `Product usage (${str(p, 'metric') ?? 'custom'})`;
      break;
    case 'meeting': {
      const kind = MEETING_KINDS[str(p, 'kind') ?? ''] ?? 'Meeting';
      const status = MEETING_STATUS[str(p, 'status') ?? ''] ?? 'recorded';
      title = `${kind} ${status}${p.executivePresent === true && p.status === 'held' ? ' with an executive present' : ''}`;
      break;
    }
    case 'email_outbound': {
      const subject = str(p, 'subject');
      title = subject ? `Email sent: “${cutAtWord(subject, 80)}”` : 'Email sent';
      tone = false;
      break;
    }
    case 'email_inbound':
      title = who ? `Reply from ${who}` : 'Reply received';
      text = str(p, 'text');
      break;
    case 'ticket_opened': {
      const prio = str(p, 'priority');
      const label =
        prio === 'urgent'
          ? 'Urgent support ticket'
          : prio === 'high'
            ? 'High-priority support ticket'
            : 'Support ticket';
      const subject = str(p, 'subject');
      title = subject ? `${label}: ${cutAtWord(subject, 90)}` : `${label} opened`;
      text = str(p, 'text');
      break;
    }
    case 'ticket_updated': {
      const prio = str(p, 'priority');
      title =
        prio === 'urgent' || prio === 'high' ? `Support ticket raised to ${prio}` : 'Support ticket updated';
      text = str(p, 'text');
      break;
    }
    case 'ticket_closed': {
      const csat = num(p, 'csat');
      title = csat === null ? 'Support ticket closed' : `Support ticket closed, rated ${csat} of 5`;
      break;
    }
    case 'escalation_opened': {
      const reason = str(p, 'reason');
      title = reason ? `Escalation opened: ${cutAtWord(reason, 90)}` : 'Escalation opened';
      tone = false;
      break;
    }
    case 'escalation_closed':
      title = 'Escalation closed';
      break;
    case 'nps_response': {
      const score = num(p, 'score');
      title =
        score === null ? 'NPS answer' : `NPS ${score} (${npsCategory(score)})${who ? ` from ${who}` : ''}`;
      text = str(p, 'comment');
      break;
    }
    case 'csat_response': {
      const score = num(p, 'score');
      title = score === null ? 'CSAT answer' : `CSAT ${score} of 5${who ? ` from ${who}` : ''}`;
      text = str(p, 'comment');
      break;
    }
    case 'csm_note': {
      const author = name(str(p, 'author'));
      title = author ? `Note by ${author}` : 'CSM note';
      text = str(p, 'text');
      break;
    }
    case 'csm_sentiment': {
      const s = str(p, 'sentiment');
      const author = name(str(p, 'author'));
      const days = num(p, 'validDays');
      title = `${author ?? 'The CSM'} rated the account ${s ?? 'unknown'}${days ? ` (for ${days} days)` : ''}`;
      text = str(p, 'note');
      tone = false; // the rating is the CSM's read; a second tone from the note would contradict it
      break;
    }
    case 'csm_assigned':
      title = `${name(str(p, 'csm')) ?? 'A CSM'} assigned as CSM`;
      break;
    case 'executive_touch': {
      const channel = str(p, 'channel');
      const exec = str(p, 'executive');
      title = `${channel ? `Executive ${channel.toLowerCase()}` : 'Executive touch'}${exec ? ` (${humanizeId(exec)})` : ''}`;
      break;
    }
    case 'contact_change': {
      const role = ROLES[str(p, 'role') ?? ''];
      const change = str(p, 'change');
      const subject = who ?? role ?? 'A contact';
      const suffix = who && role ? ` (${role.toLowerCase()})` : '';
      title =
        change === 'joined'
          ? `${subject}${suffix} joined`
          : change === 'left'
            ? `${subject}${suffix} left`
            : `${who ?? 'A contact'} changed role${role ? ` to ${role.toLowerCase()}` : ''}`;
      break;
    }
    case 'business_event': {
      const kind = str(p, 'kind') ?? '';
      const m = num(p, 'magnitude');
      const size =
        m === null
          ? ''
          : kind === 'layoffs' && m > 0 && m <= 1
            ? ` (${Math.round(m * 100)}% of staff)`
            : kind === 'funding' && m > 1
              ? ` (${money(m)})`
              : '';
      title = `${BUSINESS[kind] ?? 'Business event'}${size}`;
      text = str(p, 'description');
      tone = false;
      break;
    }
    case 'invoice_issued': {
      const amount = num(p, 'amount');
      const due = str(p, 'dueDate');
      title = `Invoice issued${amount !== null ? ` for ${money(amount)}` : ''}${due ? `, due ${due}` : ''}`;
      break;
    }
    case 'invoice_paid': {
      const late = num(p, 'daysLate') ?? 0;
      title = late > 0 ? `Invoice paid ${plural(late, 'day')} late` : 'Invoice paid on time';
      break;
    }
    case 'payment_failed': {
      const amount = num(p, 'amount');
      const reason = str(p, 'reason');
      title = `Payment failed${amount !== null ? ` (${money(amount)})` : ''}${reason ? `: ${reason}` : ''}`;
      break;
    }
    case 'billing_dispute': {
      const amount = num(p, 'amount');
      title =
        str(p, 'status') === 'resolved'
          ? 'Billing dispute resolved'
          : `Billing dispute opened${amount !== null ? ` over ${money(amount)}` : ''}`;
      text = str(p, 'text');
      break;
    }
    case 'expansion_signal': {
      const kind = EXPANSION[str(p, 'kind') ?? ''] ?? 'expansion interest';
      const product = str(p, 'product');
      title = `Expansion: ${kind}${product ? ` (${product})` : ''}`;
      text = str(p, 'text');
      break;
    }
    case 'competitor_mention': {
      const channel = str(p, 'channel');
      title = `Competitor mentioned: ${str(p, 'competitor') ?? 'unnamed'}${channel ? ` (in a ${channel === 'qbr' ? 'QBR' : channel})` : ''}`;
      text = str(p, 'text');
      break;
    }
    case 'rival_feature_request': {
      const rival = str(p, 'competitor');
      title = `Asked for ${str(p, 'feature') ?? 'a feature'}${rival ? `, which ${rival} has` : ''}`;
      text = str(p, 'text');
      break;
    }
    case 'evaluation_noticed': {
      const rival = str(p, 'competitor');
      title = rival ? `Evaluating ${rival}` : 'Competitive evaluation noticed';
      text = str(p, 'text');
      break;
    }
    case 'churn_event': {
      const lost = num(p, 'lostArr');
      if (p.reactivation === true) title = 'Came back as a customer';
      else {
        const reason = CHURN_REASONS[str(p, 'reasonCode') ?? 'unknown'] ?? 'reason not recorded';
        const detail = str(p, 'reasonText');
        title = `Churned: ${reason}${detail && detail !== reason ? ` (${detail})` : ''}${lost ? `, ${money(lost)} ARR lost` : ''}`;
      }
      text = str(p, 'feedback');
      break;
    }
    case 'goal_set':
      title = `Goal set: ${str(p, 'goal') ?? 'unnamed'}`;
      break;
    case 'value_milestone':
      title = `Value milestone reached: ${humanizeId(str(p, 'milestone') ?? 'unnamed').toLowerCase()}`;
      text = str(p, 'description');
      tone = false;
      break;
    default:
      title = humanizeId(e.type);
  }
  const given = num(p, 'sentiment');
  const sentiment =
    given !== null && given >= -1 && given <= 1
      ? sentimentWord(given)
      : text && tone
        ? sentimentWord(textSentiment(text))
        : null;
  const max = options.maxExcerpt ?? 140;
  return { title, text, excerpt: text === null ? null : cutAtWord(text, max), sentiment };
}
