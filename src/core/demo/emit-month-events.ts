import type { EventWriter, MonthState, Person, SignalFamily } from './account-state.ts';
import { addMonths, isoDay } from './calendar.ts';
import { ADD_ONS } from './demo-catalog.ts';
import type { Rng } from './prng.ts';
import * as V from './vocabulary.ts';

/** Per-account counters and memory that live across months. */
export type EventState = {
  seq: { thread: number; ticket: number; meeting: number; invoice: number; escalation: number };
  lastSentimentMonth: number;
  firstValueDay: number | null;
  /** Days from start to the first value milestone this account would reach when healthy. */
  ttvDays: number;
  observe: (day: number, family: SignalFamily) => void;
};

export type MonthEventsInput = {
  accountId: string;
  seg: number;
  month: MonthState;
  /** Whole months since the customer started (0 in the first month). */
  monthsIn: number;
  created: number;
  people: readonly Person[];
  champion: Person | null;
  sponsor: Person | null;
  owner: string;
  noMeetings: boolean;
  noNps: boolean;
  noSentiment: boolean;
  noEmail: boolean;
  /** The customer gave notice and is leaving: meetings and replies dry up. */
  windingDown: boolean;
  /** Strength of an ongoing support crisis (0..1). */
  crisis: number;
  /** Strength of budget pressure (0..1): late payments and disputes. */
  budget: number;
  arr: number;
  /** Invoice every N months from the term start (1, 3 or 12). */
  billingMonths: number;
  termStart: number;
  payByCard: boolean;
  products: readonly string[];
  /** Renewal date of the current term (first day of the next term). */
  renewalDay: number;
};

const clamp = (x: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, x));
const present = (p: Person | null, day: number): p is Person =>
  p !== null && p.joined <= day && (p.left === null || p.left > day);

/**
 * The non-usage events of one customer month, each drawn from the month's
 * hidden health with noise: business reviews (held or skipped, executive
 * present or not), email threads (replied or not, how fast), support tickets
 * and their tone, escalations, surveys, CSM notes and sentiment, executive
 * touches, invoices and payments, value milestones, expansion talk and
 * competitive chatter.
 */
export function emitMonthEvents(m: MonthEventsInput, st: EventState, rng: Rng, ev: EventWriter): void {
  const ms = m.month;
  const h = ms.health;
  const start = ms.start;
  const len = ms.next - ms.start;
  const someDay = () => start + Math.floor(rng.next() * len);
  const workMinute = () => 480 + Math.floor(rng.next() * 540);
  const users = m.people.filter((p) => p.joined <= start + 14 && (p.left === null || p.left > start + 14));
  const anyone = () => (users.length > 0 ? rng.pick(users) : null);
  const champ = present(m.champion, start) ? m.champion : null;
  const sponsor = present(m.sponsor, start) ? m.sponsor : null;
  const mainContact = champ ?? users.find((p) => p.role === 'admin') ?? users[0] ?? null;

  // onboarding for new customers
  if (m.monthsIn === 0) {
    const kickoff = Math.max(start, m.created + 2);
    const g = rng.pick(V.GOALS);
    ev(kickoff, 900, 'goal_set', { goal: g.goal, metric: g.metric }, champ?.id);
    ev(kickoff, 960, 'meeting', {
      meetingId: `${m.accountId}-m${++st.seq.meeting}`,
      kind: 'onboarding',
      status: 'held',
      executivePresent: sponsor !== null && rng.chance(0.6),
    });
  }
  if (m.monthsIn <= 2 && rng.chance(0.7)) {
    const d = someDay();
    ev(d, workMinute(), 'meeting', {
      meetingId: `${m.accountId}-m${++st.seq.meeting}`,
      kind: 'training',
      status: rng.chance(0.15 + 0.8 * h) ? 'held' : 'cancelled',
      executivePresent: false,
    });
  }

  // business reviews: quarterly (mid-market, enterprise), check-in calls every two months (SMB)
  const cadence = m.seg === 0 ? 2 : 3;
  if (!m.noMeetings && m.monthsIn > 0 && m.monthsIn % cadence === 0) {
    const nearRenewal = m.renewalDay - start < 100;
    const kind = m.seg === 0 ? 'call' : m.seg === 2 && nearRenewal ? 'ebr' : 'qbr';
    const d = start + 7 + Math.floor(rng.next() * (len - 8));
    const meetingId = `${m.accountId}-m${++st.seq.meeting}`;
    ev(d - 10 - rng.int(0, 10), 600, 'meeting', {
      meetingId,
      kind,
      status: 'scheduled',
      executivePresent: false,
    });
    const pHeld = m.windingDown ? 0.15 : 0.2 + 0.78 * h;
    const held = rng.chance(pHeld);
    const exec = held && kind !== 'call' && sponsor !== null && rng.chance(clamp(0.1 + 0.85 * h));
    const status = held ? 'held' : rng.chance(0.55) ? 'no_show' : 'cancelled';
    ev(d, m.seg === 2 ? 900 : 840, 'meeting', { meetingId, kind, status, executivePresent: exec });
    st.observe(d, held ? 'qbr_held' : 'skipped_qbr');
  }

  // executive touches beyond the reviews
  if (rng.chance((m.seg === 0 ? 0.03 : 0.08) + 0.22 * h * (sponsor ? 1 : 0.4)))
    ev(someDay(), 1000, 'executive_touch', {
      channel: rng.pick(['call', 'email', 'dinner', 'event']),
      executive: rng.pick(['vp-customer-success', 'cro', 'ceo']),
    });

  // email threads: replies get rarer and slower as health falls, or without a champion
  if (!m.noEmail) {
    const threads = rng.int(1, 2 + m.seg * 2);
    for (let t = 0; t < threads; t++) {
      const d = someDay();
      const threadId = `${m.accountId}-th${++st.seq.thread}`;
      const minute = workMinute();
      ev(d, minute, 'email_outbound', { threadId, subject: rng.pick(V.EMAIL_SUBJECTS) }, mainContact?.id);
      const pReply = (m.windingDown ? 0.25 : 0.12 + 0.85 * h) * (champ ? 1 : 0.65);
      if (mainContact && rng.chance(pReply)) {
        // median reply ~3 h when healthy, days when not
        const hours = Math.exp(Math.log(2) + (1 - h) * 3.6 + rng.normal(0, 0.8));
        const at = d * 1440 + minute + Math.round(hours * 60);
        st.observe(d, 'email_replied');
        ev(
          Math.floor(at / 1440),
          at % 1440,
          'email_inbound',
          { threadId, text: rng.pick(h > 0.5 ? V.REPLY_GOOD : V.REPLY_MEH) },
          mainContact.id,
        );
      } else {
        st.observe(d, 'unanswered_email');
        if (rng.chance(0.5))
          ev(
            d + rng.int(4, 9),
            minute,
            'email_outbound',
            { threadId, subject: 'Following up' },
            mainContact?.id,
          );
      }
    }
    // customer-initiated questions, answered by the CSM
    if (rng.chance(0.1 + 0.4 * h)) {
      const d = someDay();
      const threadId = `${m.accountId}-th${++st.seq.thread}`;
      const who = anyone();
      const minute = workMinute();
      ev(d, minute, 'email_inbound', { threadId, text: 'Quick question about our setup.' }, who?.id);
      ev(
        d,
        Math.min(1439, minute + 45),
        'email_outbound',
        { threadId, subject: 'Re: your question' },
        who?.id,
      );
    }
  }

  // support tickets and their tone
  const ticketRate = (0.25 + 0.6 * m.seg) * (0.35 + 1.6 * (1 - h)) + 2.5 * m.crisis;
  const tickets = rng.poisson(ticketRate);
  for (let t = 0; t < tickets; t++) {
    const d = someDay();
    const bad = rng.chance(clamp(1.05 - 1.3 * h + 0.5 * m.crisis));
    const ticketId = `${m.accountId}-tk${++st.seq.ticket}`;
    const who = anyone();
    const priority = bad
      ? rng.pick(['normal', 'high', 'high', 'urgent'] as const)
      : rng.pick(['low', 'low', 'normal'] as const);
    const body = rng.pick<{ subject: string; text: string }>(bad ? V.TICKET_BAD : V.TICKET_OK);
    const minute = workMinute();
    ev(d, minute, 'ticket_opened', { ticketId, priority, subject: body.subject, text: body.text }, who?.id);
    st.observe(d, bad ? 'negative_tickets' : 'ticket_ok');
    const closeIn = bad ? rng.int(2, 21) : rng.int(0, 4);
    if (rng.chance(bad ? 0.6 : 0.25))
      ev(
        d + Math.max(1, Math.floor(closeIn / 2)),
        workMinute(),
        'ticket_updated',
        {
          ticketId,
          ...(bad && rng.chance(0.3) ? { priority: 'urgent' } : {}),
          text: rng.pick(bad ? V.TICKET_UPDATE_BAD : V.TICKET_UPDATE_OK),
        },
        who?.id,
      );
    const csat = Math.round(clamp(rng.normal(bad ? 2.2 : 4.4, 0.8) + (h - 0.6), 1, 5));
    const surveyed = rng.chance(0.55);
    ev(
      d + closeIn,
      Math.min(1439, minute + 120),
      'ticket_closed',
      surveyed ? { ticketId, csat } : { ticketId },
    );
    if (surveyed && rng.chance(0.5))
      ev(
        d + closeIn,
        Math.min(1439, minute + 180),
        'csat_response',
        { score: csat, comment: rng.pick(csat >= 4 ? V.CSAT_GOOD : V.CSAT_BAD) },
        who?.id,
      );
    if (bad && (priority === 'urgent' || m.crisis > 0.3) && rng.chance(0.35)) {
      const escalationId = `${m.accountId}-esc${++st.seq.escalation}`;
      ev(d + 1, 600, 'escalation_opened', {
        escalationId,
        reason: rng.pick([
          'Business-critical outage raised by the customer',
          'Executive complaint about data quality',
          'Repeated sync failures',
        ]),
      });
      st.observe(d + 1, 'escalation');
      if (rng.chance(0.85)) ev(d + closeIn + rng.int(1, 10), 700, 'escalation_closed', { escalationId });
    }
  }

  // NPS survey in March and September
  const moy = new Date(start * 86_400_000).getUTCMonth();
  if (!m.noNps && (moy === 2 || moy === 8) && m.monthsIn >= 2) {
    for (const p of users) {
      if (p.role === 'executive_sponsor' || !rng.chance(m.seg === 0 ? 0.35 : 0.2)) continue;
      const score = Math.round(clamp(rng.normal(0.5 + 10 * h, 1.6), 0, 10));
      const comment = rng.chance(0.6)
        ? rng.pick(score >= 9 ? V.NPS_GOOD : score >= 7 ? V.NPS_MID : V.NPS_BAD)
        : undefined;
      const d = someDay();
      ev(d, workMinute(), 'nps_response', comment ? { score, comment } : { score }, p.id);
      st.observe(d, score <= 6 ? 'low_nps' : 'nps_ok');
    }
  }

  // the CSM's notes and qualitative read
  if (rng.chance(0.4))
    ev(someDay(), 1020, 'csm_note', {
      text: rng.pick(h > 0.62 ? V.NOTE_GOOD : h > 0.42 ? V.NOTE_MID : V.NOTE_BAD),
      author: m.owner,
    });
  if (!m.noSentiment && start - st.lastSentimentMonth >= 55 && rng.chance(0.7)) {
    st.lastSentimentMonth = start;
    const seen = h + rng.normal(0, 0.1);
    ev(someDay(), 1030, 'csm_sentiment', {
      sentiment: seen > 0.6 ? 'green' : seen > 0.42 ? 'amber' : 'red',
      validDays: 90,
      author: m.owner,
    });
  }

  // invoices, payments, disputes
  const monthsSinceTerm = Math.round((start - m.termStart) / 30.44);
  if (monthsSinceTerm >= 0 && monthsSinceTerm % m.billingMonths === 0) {
    const issued = Math.max(start, Math.min(ms.next - 1, addMonths(m.termStart, monthsSinceTerm)));
    const invoiceId = `${m.accountId}-inv${++st.seq.invoice}`;
    const amount = Math.round((m.arr * m.billingMonths) / 12);
    ev(issued, 360, 'invoice_issued', { invoiceId, amount, dueDate: isoDay(issued + 30) });
    let late = Math.max(0, Math.round(rng.normal(-28 + 60 * (1 - h) + 30 * m.budget, 7)));
    if (m.payByCard && rng.chance(0.02 + 0.6 * Math.max(0, 0.45 - h) + 0.25 * m.budget)) {
      ev(issued + 1, 400, 'payment_failed', {
        invoiceId,
        amount,
        reason: rng.pick(['card declined', 'card expired']),
      });
      late = Math.max(late, rng.int(3, 20));
      st.observe(issued + 1, 'late_payment');
    }
    if (late > 14) st.observe(issued + 30 + late, 'late_payment');
    if (rng.chance(0.01 + 0.2 * Math.max(0, 0.5 - h) + 0.1 * m.budget)) {
      const d = issued + rng.int(3, 20);
      ev(d, 700, 'billing_dispute', {
        invoiceId,
        status: 'opened',
        amount: Math.round(amount * rng.pick([0.1, 0.25, 0.5])),
        text: rng.pick([
          'We were charged for seats we no longer use.',
          'The invoice does not match the agreed discount.',
          'We dispute the price increase on this invoice.',
        ]),
      });
      if (rng.chance(0.8)) ev(d + rng.int(7, 40), 700, 'billing_dispute', { invoiceId, status: 'resolved' });
      late = Math.max(late, rng.int(10, 45));
    }
    const dueDay = m.payByCard && late === 0 ? issued : issued + 30;
    ev(dueDay + late, 480 + rng.int(0, 400), 'invoice_paid', { invoiceId, amount, daysLate: late });
  }

  // value realised: the first milestone after time-to-value, then now and then while healthy
  if (st.firstValueDay === null) {
    const due = m.created + st.ttvDays;
    if (due < ms.next && h > 0.4 && !m.windingDown) {
      st.firstValueDay = Math.max(due, start);
      const v = V.MILESTONES[0];
      ev(st.firstValueDay, 780, 'value_milestone', { milestone: v.milestone, description: v.description });
    }
  } else if (!m.windingDown && rng.chance(0.2 * h * h)) {
    const v = rng.pick(V.MILESTONES.slice(1));
    ev(someDay(), 780, 'value_milestone', { milestone: v.milestone, description: v.description });
  }

  // expansion talk from healthy customers, competitive chatter from unhappy ones
  if (!m.windingDown && h > 0.62 && rng.chance((0.35 * (h - 0.62)) / 0.38)) {
    const missing = ADD_ONS.filter((a) => !m.products.includes(a.key));
    const kind =
      missing.length > 0 && rng.chance(0.4)
        ? 'add_on_interest'
        : rng.pick(['seat_request', 'upsell_inquiry', 'cross_sell'] as const);
    const product =
      kind === 'add_on_interest' ? rng.pick(missing).key : kind === 'seat_request' ? 'platform' : undefined;
    ev(someDay(), 690, 'expansion_signal', {
      kind,
      ...(product ? { product } : {}),
      text:
        kind === 'seat_request'
          ? 'We are onboarding another team and need more seats.'
          : kind === 'add_on_interest'
            ? 'Could you send pricing for the add-on?'
            : 'Interested in what else the platform can do for us.',
    });
  }
  const pCompetitor = 0.008 + 0.25 * Math.max(0, 0.5 - h) + (ms.evaluating ? 0.5 : 0);
  if (rng.chance(pCompetitor)) {
    const competitor = rng.pick(V.COMPETITORS);
    const d = someDay();
    ev(
      d,
      660,
      'competitor_mention',
      {
        competitor,
        channel: rng.pick(['call', 'email', 'ticket', 'qbr']),
        text: rng.pick([
          `They asked how we compare with ${competitor}.`,
          `${competitor} offered them a steep discount.`,
          `Their new VP used ${competitor} at a previous company.`,
        ]),
      },
      champ?.id ?? mainContact?.id,
    );
    st.observe(d, 'competitor');
  }
  if (rng.chance(0.01 + 0.08 * Math.max(0, 0.55 - h) + (ms.evaluating ? 0.3 : 0))) {
    const feature = rng.pick(V.RIVAL_FEATURES);
    const competitor = rng.pick(V.COMPETITORS);
    const d = someDay();
    ev(d, 670, 'rival_feature_request', {
      feature,
      competitor,
      text: `Asked for ${feature}; ${competitor} has it.`,
    });
    st.observe(d, 'competitor');
  }
}
