import { addMonths, isoDay, isoTime, minuteSuffix, monthKey, monthStart, weekday } from './calendar.ts';
import type { DemoEvent, DemoSink } from './demo-types.ts';
import { createRng } from './prng.ts';
import type { AccountResult, AccountWorld } from './simulate-account.ts';
import * as V from './vocabulary.ts';

const clamp = (x: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, x));
const WEEKDAY_FACTOR = [0.35, 1, 1.05, 1.05, 1, 0.9, 0.4] as const;
const FEEDBACK_BAD = [
  { code: 'pricing', text: 'Too expensive for what we get, we cannot justify it any more.' },
  { code: 'support', text: 'Support was slow and unhelpful when we needed it most.' },
  { code: 'features', text: 'It kept crashing and the bugs were never fixed. Frustrating.' },
  { code: 'competitor', text: 'We moved to another vendor that fits us better.' },
  { code: 'other', text: 'We simply stopped using it; nobody on the team needed it.' },
] as const;
const FEEDBACK_OK = [
  {
    code: 'business_change',
    text: 'Nothing wrong with the product, our project ended. Thanks for everything!',
  },
  { code: 'budget', text: 'Good service, but our budget was cut this year.' },
] as const;

/**
 * One customer of a business without contracts (self-serve product, shop, usage-based service):
 * it signs up, uses the product and buys now and then, and may lapse — stop using and buying
 * without telling anyone — and sometimes come back. A hidden engagement level drives everything:
 * how often it logs in and orders, the tone of its tickets and survey answers, and the monthly
 * chance that it lapses. Before a lapse engagement has usually sagged, so usage, orders, tickets
 * and NPS carry warning signs — some of which recency and frequency alone do not show.
 *
 * Writes: an account row (no contract), usage (logins, features), and events: orders as
 * `invoice_issued` + `invoice_paid`, tickets, NPS responses, and for some lapses a `churn_event`
 * with the customer's feedback. Ground truth marks who had lapsed at the end and when.
 */
export function simulateNoncontractualAccount(
  index: number,
  world: AccountWorld,
  sink: DemoSink,
): AccountResult {
  const rng = createRng(world.seed, 9_100_000 + index);
  const id = `cust-${String(index + 1).padStart(6, '0')}`;
  const { windowStart, endDay } = world;
  const windowDays = endDay - windowStart;
  // a third started before the window, the rest sign up during it (at least 60 days before its end)
  const created = rng.chance(0.35)
    ? windowStart - rng.int(30, 540)
    : windowStart + rng.int(0, Math.max(0, windowDays - 60));
  const segment = rng.chance(0.8) ? 'smb' : 'mid-market';
  const size = segment === 'smb' ? 1 : 2.5;
  const base = clamp(rng.normal(0.62, 0.17), 0.12, 0.95);
  // some customers only buy (a shop, a reseller): no product usage reaches the data
  const usesProduct = rng.chance(0.6);
  const people = Array.from({ length: segment === 'smb' ? rng.int(1, 3) : rng.int(3, 6) }, (_, k) => ({
    id: `${id}-p${k + 1}`,
    name: `${rng.pick(V.FIRST)} ${rng.pick(V.LAST)}`,
    activity: 0.5 + rng.next() * 0.7,
  }));
  const name = `${rng.pick(V.NAME_A)} ${rng.pick(V.NAME_B)}`;
  const owner = rng.pick(world.csms);

  // ---- monthly engagement and lapses, from sign-up to the end date
  type Month = { start: number; next: number; h: number; shock: boolean };
  const months: Month[] = [];
  const lapses: { last: number; back: number | null }[] = [];
  let h = clamp(base + rng.normal(0, 0.05), 0.05, 1);
  let away: number | null = null; // lapsed on this day, not yet back
  let backOn: number | null = null;
  for (let m = monthStart(created); m <= endDay; m = addMonths(m, 1)) {
    const next = addMonths(m, 1);
    const shock = rng.chance(0.05);
    h = clamp(h + 0.12 * (base - h) + rng.normal(0, 0.07) - (shock ? 0.18 + 0.2 * rng.next() : 0), 0.03, 1);
    months.push({ start: m, next, h, shock });
    if (away !== null) {
      if (backOn !== null && backOn < next) {
        away = null;
        backOn = null;
        h = clamp(base - 0.1, 0.1, 1);
      }
      continue;
    }
    if (m < created + 45) continue;
    const hazard = 0.006 + 0.42 * (1 - h) ** 3;
    if (rng.chance(hazard)) {
      const last = Math.max(created + 1, m + rng.int(0, next - m - 1));
      away = last;
      backOn = rng.chance(0.12) ? last + rng.int(120, 330) : null;
      lapses.push({ last, back: backOn });
    }
  }
  const activeOn = (day: number) =>
    day >= created && !lapses.some((l) => day > l.last && (l.back === null || day < l.back));
  // engagement sags over the 45 days before a lapse: usage, orders and tone show it
  const sag = (day: number) => {
    for (const l of lapses) {
      const d = l.last - day;
      if (d >= 0 && d < 45) return 0.55 + (0.45 * d) / 45;
    }
    return 1;
  };

  let usageRows = 0;
  let events = 0;
  let seq = 0;
  const emit = (
    day: number,
    minute: number,
    type: string,
    properties: Record<string, unknown>,
    contactId?: string,
  ) => {
    if (day < windowStart || day > endDay) return;
    const e: DemoEvent = {
      id: `${id}-e${++seq}`,
      accountId: id,
      type,
      time: isoTime(day, minute),
      properties,
    };
    if (contactId) e.contactId = contactId;
    sink.event(monthKey(day), e);
    events++;
  };
  const truthHealth: Record<string, number> = {};
  for (const ms of months) {
    const from = Math.max(ms.start, created, windowStart);
    const to = Math.min(ms.next - 1, endDay);
    if (from > to) continue;
    if (activeOn(from) || activeOn(to)) truthHealth[monthKey(ms.start)] = Math.round(ms.h * 1000) / 1000;
    // usage
    let buf = '';
    let rows = 0;
    for (let day = from; day <= to && usesProduct; day++) {
      if (!activeOn(day)) continue;
      const f = WEEKDAY_FACTOR[weekday(day)]! * (0.03 + 0.5 * (ms.h * sag(day)) ** 1.5);
      const date = isoDay(day);
      for (const p of people) {
        if (rng.next() >= f * p.activity) continue;
        const minute = 480 + Math.floor(rng.next() * 600);
        buf += `${id}-u${++seq},${id},${p.id},login,${date}${minuteSuffix(minute)},,1\n`;
        rows++;
        if (rng.chance(0.3 + 0.5 * ms.h)) {
          buf += `${id}-u${++seq},${id},${p.id},feature_used,${date}${minuteSuffix(minute + 5)},${rng.pick(['dashboards', 'reports', 'alerts'])},${1 + rng.int(0, 4)}\n`;
          rows++;
        }
      }
    }
    if (rows > 0) sink.usage(monthKey(from), buf, rows);
    usageRows += rows;
    // orders
    const orders = rng.poisson((0.25 + 2.2 * ms.h * ms.h) * size * sag(from) * (usesProduct ? 1 : 1.5));
    for (let k = 0; k < orders; k++) {
      const day = rng.int(from, to);
      if (!activeOn(day)) continue;
      const amount = Math.round(rng.logUniform(20, 400) * size * (0.6 + ms.h));
      const invoiceId = `${id}-o${++seq}`;
      emit(day, 600, 'invoice_issued', { invoiceId, amount, dueDate: isoDay(day + 14) });
      const late = rng.chance(0.05 + 0.3 * (1 - ms.h)) ? rng.int(3, 40) : 0;
      emit(day + Math.min(14 + late, 60), 660, 'invoice_paid', { invoiceId, amount, daysLate: late });
    }
    // tickets: more, and angrier, when engagement is low or something went wrong
    const tickets = rng.poisson(0.04 + 0.5 * (1 - ms.h) ** 2 + (ms.shock ? 0.9 : 0));
    for (let k = 0; k < tickets; k++) {
      const day = rng.int(from, to);
      if (!activeOn(day)) continue;
      const bad = rng.chance(clamp(1.15 - ms.h + (ms.shock ? 0.3 : 0)));
      const t = bad ? rng.pick(V.TICKET_BAD) : rng.pick(V.TICKET_OK);
      const ticketId = `${id}-t${++seq}`;
      const contact = rng.pick(people).id;
      emit(
        day,
        700,
        'ticket_opened',
        { ticketId, priority: bad ? 'high' : 'normal', subject: t.subject, text: t.text },
        contact,
      );
      emit(day + rng.int(0, 6), 900, 'ticket_closed', {
        ticketId,
        csat: bad ? rng.int(1, 3) : rng.int(4, 5),
      });
    }
    // NPS now and then
    if (rng.chance(0.1) && activeOn(from)) {
      const score = Math.round(clamp(rng.normal(1 + 9.5 * ms.h, 1.6), 0, 10));
      const comment = rng.chance(0.6)
        ? rng.pick(score >= 9 ? V.NPS_GOOD : score >= 7 ? V.NPS_MID : V.NPS_BAD)
        : undefined;
      emit(
        from + rng.int(0, Math.max(0, to - from)),
        720,
        'nps_response',
        comment ? { score, comment } : { score },
        people[0]!.id,
      );
    }
  }
  // a quarter of lapsed customers say why (cancellation form)
  for (const l of lapses)
    if (rng.chance(0.25)) {
      const f = rng.chance(0.8) ? rng.pick(FEEDBACK_BAD) : rng.pick(FEEDBACK_OK);
      emit(l.last + rng.int(3, 40), 800, 'churn_event', { reasonCode: f.code, feedback: f.text });
    }

  for (const p of people)
    sink.contact([p.id, id, `${p.id}@${id}.example`, p.name, null, 'user', isoDay(created), null]);
  sink.account([
    id,
    name,
    segment,
    rng.pick(V.INDUSTRIES),
    owner,
    null,
    endDay - created < 90 ? 'onboarding' : 'mature',
    isoDay(created),
    rng.pick(V.REGIONS).key,
    segment === 'smb' ? rng.int(2, 40) : rng.int(40, 400),
    'self-serve',
    'none',
  ]);
  const open = lapses.at(-1);
  const lapsed = open !== undefined && open.back === null && open.last < endDay;
  sink.truth({
    accountId: id,
    segment,
    createdAt: isoDay(created),
    newLogo: created >= windowStart,
    churned: lapsed,
    // the last day of activity before the lapse that lasted to the end date
    churnDate: lapsed ? isoDay(open.last) : null,
    noticeDate: null,
    leavingOn: null,
    churnReason: lapsed ? 'lapsed' : null,
    silent: false,
    drivers: [],
    signals: [],
    renewals: [],
    expanded: false,
    contracted: false,
    healthAtDecision: null,
    health: truthHealth,
  });
  return { usageRows, events, contracts: 0, contacts: people.length, churned: lapsed };
}
