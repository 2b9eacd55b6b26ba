import type { ChurnReasonCode } from '../data-model/events.ts';
import {
  type EventWriter,
  type MonthState,
  type Person,
  type Shock,
  type ShockKind,
  type SignalFamily,
  shockEffect,
} from './account-state.ts';
import { addMonths, isoDay, isoTime, monthKey, monthStart } from './calendar.ts';
import { ADD_ONS, BASE_PRODUCT, CORE_FEATURES, DEMO_CATALOG, INTEGRATIONS } from './demo-catalog.ts';
import type { DemoRenewal, DemoSink } from './demo-types.ts';
import { emitAccountUsage } from './emit-account-usage.ts';
import { type EventState, emitMonthEvents } from './emit-month-events.ts';
import { createRng, type Rng } from './prng.ts';
import * as V from './vocabulary.ts';

export type AccountWorld = {
  seed: number;
  /** First day of the window (a month start). */
  windowStart: number;
  endDay: number;
  csms: readonly string[];
  /** Usage activity scale (see emitAccountUsage). */
  usageScale: number;
};

export type AccountResult = {
  usageRows: number;
  events: number;
  contracts: number;
  contacts: number;
  churned: boolean;
};

type Term = {
  id: string;
  start: number;
  end: number;
  arr: number;
  seats: number;
  products: string[];
  status: 'active' | 'renewed' | 'expanded' | 'contracted' | 'churned';
  churnedAt: number | null;
  reason: string | null;
};

type Decision =
  | { kind: 'churn'; notice: number; end: number; reason: string; silent: boolean; health: number }
  | { kind: 'renew'; notice: number; outcome: 'renewed' | 'expanded' | 'contracted'; health: number };

const clamp = (x: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, x));
const round100 = (x: number) => Math.max(100, Math.round(x / 100) * 100);
const lerpLog = (lo: number, hi: number, t: number) =>
  Math.exp(Math.log(lo) + clamp(t) * (Math.log(hi) - Math.log(lo)));

const SEGMENTS = [
  { key: 'smb', seats: [3, 12], arr: [5_000, 25_000], plans: ['starter', 'growth'], terms: [12] },
  {
    key: 'mid-market',
    seats: [10, 40],
    arr: [25_000, 120_000],
    plans: ['growth', 'business'],
    terms: [12, 12, 12, 12, 24],
  },
  {
    key: 'enterprise',
    seats: [30, 110],
    arr: [120_000, 1_000_000],
    plans: ['enterprise'],
    terms: [12, 12, 24, 24, 36],
  },
] as const;

/** Reasons a customer gives when the hidden process pushed it out, by the shock that mattered most. */
const REASONS: Record<string, string> = {
  champion_left: 'champion left; no internal owner',
  sponsor_left: 'executive sponsor left',
  layoffs: 'layoffs; team downsized',
  budget_cut: 'budget cut',
  leadership_change: 'new leadership chose another tool',
  acquisition: 'acquired; tools consolidated',
  competitor_evaluation: 'switched to a competitor',
  support_crisis: 'reliability and support problems',
  csm_change: 'relationship lost after CSM change',
};
/** The churn taxonomy code (CHURN_REASON_CODES) a CSM records for each reason the customer gives. */
const REASON_CODES: Record<string, ChurnReasonCode> = {
  'champion left; no internal owner': 'champion_left',
  'executive sponsor left': 'champion_left',
  'layoffs; team downsized': 'budget',
  'budget cut': 'budget',
  'new leadership chose another tool': 'business_change',
  'acquired; tools consolidated': 'business_change',
  'switched to a competitor': 'competitor',
  'reliability and support problems': 'support',
  'relationship lost after CSM change': 'support',
  'low adoption': 'onboarding',
  'no perceived value': 'features',
  'too expensive for the value': 'pricing',
  'stopped paying; cancelled mid-term': 'payment',
};
const LOW_VALUE_REASONS = ['low adoption', 'no perceived value', 'too expensive for the value'] as const;
const SILENT_REASONS = [
  'parent company standardised on another vendor',
  'project cancelled in a strategy change',
  'budget moved to another department',
] as const;

const NAME_SPACE = V.NAME_A.length * V.NAME_B.length * V.NAME_C.length;
/** A distinct company name for each index below NAME_SPACE (a bijection shuffled by seed). */
function companyName(index: number, seed: number): string {
  const k = ((((index % NAME_SPACE) * 7919 + (seed >>> 0) * 104_729) % NAME_SPACE) + NAME_SPACE) % NAME_SPACE;
  const a = V.NAME_A[k % V.NAME_A.length]!;
  const b = V.NAME_B[Math.floor(k / V.NAME_A.length) % V.NAME_B.length]!;
  const c = V.NAME_C[Math.floor(k / (V.NAME_A.length * V.NAME_B.length))]!;
  const round = Math.floor(index / NAME_SPACE);
  return `${a} ${b} ${c}${round > 0 ? ` ${round + 1}` : ''}`;
}

const ascii = (s: string) =>
  s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();

/**
 * One account's whole life: profile, contacts, contracts and renewals, the
 * hidden monthly health process with its shocks, and every observable row
 * (usage, events) drawn from it, pushed into `sink`. Pure and deterministic:
 * the account draws only from its own seeded streams.
 */
export function simulateAccount(index: number, world: AccountWorld, sink: DemoSink): AccountResult {
  const { windowStart, endDay } = world;
  const rng = createRng(world.seed, index, 1); // profile and the hidden process
  const erng = createRng(world.seed, index, 2); // event details
  const urng = createRng(world.seed, index, 3); // daily usage
  const id = `acc-${String(index + 1).padStart(5, '0')}`;

  // ---- profile
  const r = rng.next();
  const seg = r < 0.55 ? 0 : r < 0.85 ? 1 : 2;
  const S = SEGMENTS[seg]!;
  const name = companyName(index, world.seed);
  const domain = `${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/-+$/, '')}.example`;
  const industry = rng.pick(V.INDUSTRIES);
  const rr = rng.next();
  const region = rr < V.REGIONS[0].weight ? V.REGIONS[0] : rr < 0.85 ? V.REGIONS[1] : V.REGIONS[2];
  const newLogo = rng.chance(0.25);
  const windowDays = endDay - windowStart;
  const created = newLogo
    ? windowStart + Math.floor(rng.next() * Math.max(1, windowDays - 20))
    : windowStart - rng.int(20, 4 * 365);
  const size = rng.next();
  let seats = Math.round(lerpLog(S.seats[0], S.seats[1], size + rng.normal(0, 0.1)));
  let arr = round100(lerpLog(S.arr[0], S.arr[1], size + rng.normal(0, 0.15)));
  const employees = Math.round(seats * lerpLog(8, 60, rng.next()) + rng.int(0, 50));
  const plan = rng.pick(S.plans);
  const termMonths = rng.pick(S.terms);
  const onboardingPackage = rng.chance(0.35 + 0.25 * seg);
  const products: string[] = [BASE_PRODUCT];
  if (seg > 0 && rng.chance(0.3)) products.push(ADD_ONS[0]!.key);
  if (seg === 2 && rng.chance(0.25)) products.push(ADD_ONS[1]!.key);
  const addOnArr = () =>
    products.reduce(
      (s, p) => s + (ADD_ONS.find((a) => a.key === p)?.listPrice ?? 0) * (seg === 2 ? 1.5 : 1),
      0,
    );
  const integrations = INTEGRATIONS.filter(() => rng.chance(0.15 + 0.15 * seg));
  const hasCustomMetric = rng.chance(0.4);
  const adoptionOrder = [...CORE_FEATURES]
    .map((f) => ({ f, k: f.popularity * (0.5 + rng.next()) }))
    .sort((a, b) => b.k - a.k)
    .map((x) => x.f.key);
  // missing data: some customers never answer surveys, never meet, never get a sentiment logged
  const noNps = rng.chance(0.25);
  const noMeetings = rng.chance([0.4, 0.1, 0.03][seg]!);
  const noSentiment = rng.chance(0.15);
  const noEmail = rng.chance(0.08);
  const billingMonths = seg === 0 ? rng.pick([1, 12, 12]) : rng.pick([3, 12, 12]);
  const payByCard = seg === 0 && billingMonths === 1;
  const base = clamp(rng.normal(0.64 + 0.025 * seg + (onboardingPackage ? 0.03 : 0), 0.08), 0.15, 0.93);
  let owner = rng.pick(world.csms);

  // ---- events
  let eventSeq = 0;
  let customerEnd = Number.POSITIVE_INFINITY;
  // events wait until the account's end is known: nothing may happen after a customer has gone
  const pending: {
    day: number;
    minute: number;
    type: string;
    properties: Record<string, unknown>;
    contactId?: string | null;
  }[] = [];
  const ev: EventWriter = (day, minute, type, properties, contactId) => {
    if (day >= windowStart && day <= endDay) pending.push({ day, minute, type, properties, contactId });
  };
  const observed: { day: number; family: SignalFamily }[] = [];
  const st: EventState = {
    seq: { thread: 0, ticket: 0, meeting: 0, invoice: 0, escalation: 0 },
    lastSentimentMonth: -1e9,
    firstValueDay: created < windowStart - 400 ? created : null,
    ttvDays: Math.round(lerpLog(10, 150, 1.15 - base + rng.normal(0, 0.15)) * (onboardingPackage ? 0.7 : 1)),
    observe: (day, family) => observed.push({ day, family }),
  };

  // ---- people
  const people: Person[] = [];
  const emails = new Set<string>();
  const addPerson = (role: Person['role'], joined: number): Person => {
    const first = rng.pick(V.FIRST);
    const last = rng.pick(V.LAST);
    let email = `${ascii(first)}.${ascii(last)}@${domain}`;
    for (let n = 2; emails.has(email); n++) email = `${ascii(first)}.${ascii(last)}${n}@${domain}`;
    emails.add(email);
    const tier = rng.next();
    const activity =
      role === 'executive_sponsor'
        ? 0.05
        : role === 'champion'
          ? clamp(rng.normal(0.75, 0.1), 0.3, 1)
          : role === 'admin'
            ? clamp(rng.normal(0.55, 0.12), 0.1, 1)
            : clamp((tier < 0.25 ? 0.7 : tier < 0.75 ? 0.35 : 0.1) * rng.normal(1, 0.2), 0.02, 1);
    const p: Person = {
      id: `${id}-c${people.length + 1}`,
      role,
      name: `${first} ${last}`,
      email,
      title: rng.pick(V.TITLES[role]!),
      joined,
      left: null,
      activity,
      mobile: rng.chance(0.25),
    };
    people.push(p);
    return p;
  };
  let champion: Person | null = addPerson('champion', created);
  let sponsor: Person | null = seg > 0 || rng.chance(0.5) ? addPerson('executive_sponsor', created) : null;
  addPerson('admin', created);
  if (seg === 2) addPerson('admin', created + rng.int(0, 30));
  const initialUsers = Math.max(1, Math.round(seats * (0.7 + 0.25 * rng.next())) - people.length + 1);
  for (let i = 0; i < initialUsers; i++) addPerson('user', created + rng.int(0, 45));
  const isPresent = (p: Person, day: number) => p.joined <= day && (p.left === null || p.left > day);
  const activeUsers = (day: number) =>
    people.filter((p) => p.role === 'user' && p.joined <= day && (p.left === null || p.left > day));

  // ---- contracts: terms from the start; those before the simulated span renewed
  const terms: Term[] = [];
  let termSeq = 0;
  const newTerm = (start: number, months: number): Term => {
    const t: Term = {
      id: `${id}-k${++termSeq}`,
      start,
      end: addMonths(start, months) - 1,
      arr: arr + round100(addOnArr()),
      seats,
      products: [...products],
      status: 'active',
      churnedAt: null,
      reason: null,
    };
    terms.push(t);
    return t;
  };
  const simStart = monthStart(Math.max(created, windowStart - 365));
  let term = newTerm(created, termMonths);
  while (term.end < simStart + 90) {
    const x = rng.next();
    const outcome = x < 0.7 ? 'renewed' : x < 0.92 ? 'expanded' : 'contracted';
    term.status = outcome;
    if (outcome === 'expanded') seats = Math.round(seats * (1.1 + 0.3 * rng.next())) + 1;
    if (outcome === 'contracted') seats = Math.max(2, Math.round(seats * (0.7 + 0.2 * rng.next())));
    arr = round100(arr * (outcome === 'expanded' ? 1.2 : outcome === 'contracted' ? 0.8 : 1.04));
    term = newTerm(term.end + 1, termMonths);
  }

  // ---- the hidden process, month by month
  const shocks: Shock[] = [];
  const months: MonthState[] = [];
  const renewals: DemoRenewal[] = [];
  const truthHealth: Record<string, number> = {};
  let h = clamp(base + rng.normal(0, 0.05));
  let engagement = h;
  let breadth = created < simStart - 180 ? Math.max(1, Math.round(1 + 5 * clamp((base - 0.2) / 0.65))) : 1;
  let decision: Decision | null = null;
  let lastDecisionHealth: number | null = null;
  let evaluatingUntil = -1;
  let crisisUntil = -1;
  let budgetUntil = -1;
  let windDownFrom: number | null = null;
  let churnReason: string | null = null;
  let silent = false;
  let noticeDay: number | null = null;
  // how long before the term end this customer decides (and, when leaving, gives notice)
  let termLead = rng.int(30, 80);

  const shock = (kind: ShockKind, day: number, size: number, rampMonths: number, halfLifeMonths: number) =>
    shocks.push({ kind, day, size, rampMonths, halfLifeMonths });
  const businessEvent = (kind: string, day: number, extra: Record<string, unknown>, text: string) => {
    if (rng.chance(0.85)) ev(day, 500, 'business_event', { kind, ...extra, description: text });
  };
  const note = (day: number, text: string) => ev(day, 1020, 'csm_note', { text, author: owner });

  /** The customer decided to leave: record it, tell the CSM, start winding down. */
  const startLeaving = (d: Extract<Decision, { kind: 'churn' }>, text: string) => {
    noticeDay = d.notice;
    churnReason = d.reason;
    silent = d.silent;
    lastDecisionHealth = Math.round(d.health * 1000) / 1000;
    windDownFrom = d.silent ? d.end - 14 : d.notice;
    const who = [champion, sponsor, ...people].find((p) => p && isPresent(p, d.notice));
    ev(d.notice, 690, 'email_inbound', { threadId: `${id}-th-notice`, text }, who?.id);
    note(d.notice + 1, `Customer gave notice: ${d.reason}.`);
    if (!noSentiment)
      ev(d.notice + 1, 1030, 'csm_sentiment', {
        sentiment: 'red',
        validDays: 90,
        author: owner,
        note: 'gave notice',
      });
  };

  for (let m = simStart; m <= endDay; m = addMonths(m, 1)) {
    const next = addMonths(m, 1);
    const mid = m + 15;
    const inDay = () => m + Math.floor(rng.next() * (next - m));
    const leaving = decision?.kind === 'churn';

    // shocks: things that happen to customers, more often to struggling ones
    if (!leaving) {
      if (champion && champion.left === null && rng.chance(0.01 + 0.015 * (1 - h))) {
        const d = Math.max(inDay(), champion.joined + 30);
        champion.left = d;
        shock('champion_left', d, -0.22, 3, 7);
        ev(d, 540, 'contact_change', { change: 'left', role: 'champion' }, champion.id);
        note(d + rng.int(1, 10), `${champion.name} (our champion) has left the company.`);
        if (rng.chance(0.5)) {
          const c = addPerson('champion', d + rng.int(30, 150));
          shock('new_champion', c.joined, 0.12, 2, 6);
          ev(c.joined, 540, 'contact_change', { change: 'joined', role: 'champion' }, c.id);
          champion = c;
        } else champion = null;
      }
      if (sponsor && sponsor.left === null && rng.chance(0.007)) {
        const d = Math.max(inDay(), sponsor.joined + 30);
        sponsor.left = d;
        shock('sponsor_left', d, -0.08, 2, 6);
        ev(d, 540, 'contact_change', { change: 'left', role: 'executive_sponsor' }, sponsor.id);
        if (rng.chance(0.4)) {
          const c = addPerson('executive_sponsor', d + rng.int(45, 180));
          ev(c.joined, 540, 'contact_change', { change: 'joined', role: 'executive_sponsor' }, c.id);
          sponsor = c;
        } else sponsor = null;
      }
      if (rng.chance(0.005)) {
        const d = inDay();
        const share = Math.round((0.05 + 0.25 * rng.next()) * 100) / 100;
        shock('layoffs', d, -0.14, 1, 7);
        businessEvent(
          'layoffs',
          d,
          { magnitude: share },
          `Announced layoffs of ${Math.round(share * 100)}% of staff.`,
        );
        for (const p of activeUsers(d)) if (rng.chance(share * 1.2)) p.left = d + rng.int(0, 20);
        budgetUntil = Math.max(budgetUntil, d + 120);
      }
      if (rng.chance(0.007)) {
        const d = inDay();
        shock('budget_cut', d, -0.12, 1, 6);
        businessEvent('budget_cut', d, {}, 'Company-wide budget cuts for software spend.');
        budgetUntil = Math.max(budgetUntil, d + 180);
      }
      if (rng.chance(0.006)) {
        const d = inDay();
        shock('leadership_change', d, rng.normal(-0.07, 0.06), 2, 6);
        businessEvent(
          'leadership_change',
          d,
          {},
          `New ${rng.pick(['CEO', 'COO', 'CIO', 'VP Operations'])} appointed.`,
        );
      }
      if (rng.chance(0.003)) {
        const d = inDay();
        shock('acquisition', d, -0.13, 3, 9);
        businessEvent('acquisition', d, {}, 'Acquired by a larger competitor.');
      }
      if (rng.chance(0.006)) {
        const d = inDay();
        shock('funding', d, 0.07, 2, 8);
        const amount = Math.round(lerpLog(2e6, 8e7, rng.next()) / 1e5) * 1e5;
        businessEvent('funding', d, { magnitude: amount }, `Raised a $${(amount / 1e6).toFixed(1)}M round.`);
      }
      if (rng.chance(0.01)) {
        const d = inDay();
        shock('hiring', d, 0.05, 2, 6);
        businessEvent('hiring', d, {}, 'Hiring across operations and sales.');
        for (let i = rng.int(1, 2 + seg * 2); i > 0; i--) addPerson('user', d + rng.int(14, 90));
      }
      if (rng.chance(0.004 + 0.06 * Math.max(0, 0.55 - h))) {
        const d = inDay();
        const competitor = rng.pick(V.COMPETITORS);
        shock('competitor_evaluation', d, -0.14, 1.5, 4);
        evaluatingUntil = Math.max(evaluatingUntil, d + rng.int(45, 100));
        if (rng.chance(0.7))
          ev(d + rng.int(5, 30), 700, 'evaluation_noticed', {
            competitor,
            text: rng.pick([
              `Their admin started a ${competitor} trial.`,
              `Saw a ${competitor} pilot mentioned on their status page.`,
              `Champion asked for a data export "for a comparison with ${competitor}".`,
            ]),
          });
      }
      if (rng.chance(0.01 + 0.02 * (1 - h))) {
        const d = inDay();
        shock('support_crisis', d, -0.09, 0.5, 3);
        crisisUntil = Math.max(crisisUntil, d + rng.int(30, 75));
      }
      if (rng.chance(0.018)) shock('value_erosion', inDay(), -(0.15 + 0.2 * rng.next()), rng.int(4, 9), 10);
      if (rng.chance(0.012)) {
        const d = inDay();
        const before = owner;
        owner = rng.pick(
          world.csms.filter((c) => c !== before).length ? world.csms.filter((c) => c !== before) : world.csms,
        );
        shock('csm_change', d, -0.04, 1, 4);
        ev(d, 600, 'csm_assigned', { csm: owner });
      }
      // everyday turnover among users, mostly replaced
      for (const p of activeUsers(mid))
        if (rng.chance(0.005 + 0.008 * (1 - h))) {
          p.left = Math.max(p.joined + 1, inDay());
          if (rng.chance(0.75)) addPerson('user', p.left + rng.int(14, 60));
        }
    }

    // latent health: mean reversion to the account's base, noise, and the fading shocks
    h = clamp(h + 0.07 * (base - h) + rng.normal(0, 0.025), 0.02, 0.98);
    let hEff = h;
    for (const s of shocks) hEff += shockEffect(s, mid);
    if (leaving && decision?.kind === 'churn' && !decision.silent) hEff -= 0.12;
    hEff = clamp(hEff, 0.02, 0.98);
    engagement = 0.55 * engagement + 0.45 * hEff;
    const tenureMonths = (m - created) / 30.4;
    const target = Math.max(1, Math.round(1 + 5 * clamp((hEff - 0.2) / 0.6)));
    const cap = Math.max(1, Math.floor(1 + tenureMonths * 1.5));
    breadth = Math.min(cap, breadth < target ? breadth + 1 : breadth > target ? breadth - 1 : breadth);
    const features = [
      ...adoptionOrder.slice(0, breadth),
      ...ADD_ONS.filter((a) => products.includes(a.key) && hEff > 0.35).map((a) => a.key),
    ];
    let cum = 0;
    const featureWeights = features.map((k) => {
      cum += DEMO_CATALOG.find((f) => f.key === k)!.popularity;
      return cum;
    });
    const connected = integrations.slice(0, Math.max(0, Math.floor(tenureMonths)));
    const state: MonthState = {
      start: m,
      next,
      health: hEff,
      engagement,
      features,
      featureWeights,
      integrations: engagement < 0.3 ? connected.slice(0, Math.ceil(connected.length / 2)) : connected,
      evaluating: evaluatingUntil >= mid,
    };
    months.push(state);
    if (next > windowStart) truthHealth[monthKey(Math.max(m, windowStart))] = Math.round(hEff * 1000) / 1000;

    if (next > windowStart) {
      emitMonthEvents(
        {
          accountId: id,
          seg,
          month: state,
          monthsIn: Math.max(0, Math.floor(tenureMonths)),
          created,
          people,
          champion,
          sponsor,
          owner,
          noMeetings,
          noNps,
          noSentiment,
          noEmail,
          windingDown:
            noticeDay !== null && noticeDay <= mid && decision?.kind === 'churn' && !decision.silent,
          crisis: crisisUntil >= m ? 1 : 0,
          budget: budgetUntil >= m ? 1 : 0,
          arr: term.arr,
          billingMonths,
          termStart: term.start,
          payByCard,
          products,
          renewalDay: term.end + 1,
        },
        st,
        erng,
        ev,
      );
      if (m <= created && created >= windowStart) ev(created, 600, 'csm_assigned', { csm: owner });
    }

    // mid-term churn: small customers in deep trouble stop paying
    if (!decision && m >= windowStart && seg === 0 && hEff < 0.3 && rng.chance(0.04)) {
      const notice = inDay();
      const end = notice + 30;
      if (end < term.end) {
        decision = {
          kind: 'churn',
          notice,
          end,
          reason: 'stopped paying; cancelled mid-term',
          silent: false,
          health: hEff,
        };
        startLeaving(decision, 'We need to cancel our subscription, we cannot continue paying for it.');
      }
    }

    // renewal decision, made when the customer would give notice
    if (!decision) {
      const notice = term.end - termLead;
      if (notice < next) {
        const recent = months.slice(-3);
        const hD = recent.reduce((s, x) => s + x.health, 0) / recent.length;
        lastDecisionHealth = Math.round(hD * 1000) / 1000;
        const pChurn = 0.01 + 0.9 / (1 + Math.exp(13 * (hD - 0.35)));
        // churn before the window would leave a customer with no observable history: it renewed then
        const canLeave = notice >= windowStart;
        if (canLeave && rng.chance(pChurn)) {
          decision = {
            kind: 'churn',
            notice: Math.max(notice, m),
            end: term.end,
            reason: reasonFrom(shocks, notice, rng),
            silent: false,
            health: hD,
          };
        } else if (canLeave && rng.chance(0.025)) {
          decision = {
            kind: 'churn',
            notice: Math.max(term.end - rng.int(20, 40), m),
            end: term.end,
            reason: rng.pick(SILENT_REASONS),
            silent: true,
            health: hD,
          };
        } else {
          const growth = shocks.some(
            (s) => (s.kind === 'hiring' || s.kind === 'funding') && shockEffect(s, notice) > 0.02,
          );
          const outcome =
            hD > 0.66 && rng.chance(0.3 + (growth ? 0.3 : 0))
              ? 'expanded'
              : (hD < 0.5 && rng.chance(0.45)) || (budgetUntil >= notice && rng.chance(0.4))
                ? 'contracted'
                : 'renewed';
          decision = { kind: 'renew', notice, outcome, health: hD };
          if (outcome === 'expanded' && rng.chance(0.7)) {
            const missing = ADD_ONS.filter((a) => !products.includes(a.key));
            ev(notice - rng.int(10, 60), 690, 'expansion_signal', {
              kind: missing.length && rng.chance(0.4) ? 'add_on_interest' : 'seat_request',
              product: missing.length && rng.chance(0.4) ? missing[0]!.key : BASE_PRODUCT,
              text: 'Ahead of the renewal we want to grow: more seats and maybe the add-on.',
            });
          }
        }
        if (decision.kind === 'churn')
          startLeaving(decision, 'We have decided not to renew our subscription at the end of the term.');
      }
    }

    // the end of a churning customer's life
    if (decision?.kind === 'churn' && decision.end < next && decision.end <= endDay) {
      customerEnd = decision.end;
      term.status = 'churned';
      term.churnedAt = decision.end;
      term.reason = decision.reason;
      // the exit is recorded as a churn event: a silent churner gave no reason
      ev(decision.end, 1040, 'churn_event', {
        reasonCode: decision.silent ? 'unknown' : (REASON_CODES[decision.reason] ?? 'other'),
        ...(decision.silent ? {} : { reasonText: decision.reason }),
        lostArr: term.arr,
        reactivation: false,
      });
      renewals.push({ date: isoDay(decision.end + 1), outcome: 'churned', arrBefore: term.arr, arrAfter: 0 });
      break;
    }
    // renewal at term end
    if (decision?.kind === 'renew' && term.end < next) {
      const before = term.arr;
      const oldSeats = seats;
      if (decision.outcome === 'expanded') {
        seats = Math.min(400, Math.round(seats * (1.15 + 0.45 * rng.next())) + 1);
        arr = round100((arr * seats) / oldSeats);
        const missing = ADD_ONS.filter((a) => !products.includes(a.key));
        if (missing.length > 0 && rng.chance(0.35)) products.push(missing[0]!.key);
        for (let i = Math.round((seats - oldSeats) * (0.6 + 0.3 * rng.next())); i > 0; i--)
          addPerson('user', term.end + 1 + rng.int(0, 90));
      } else if (decision.outcome === 'contracted') {
        const factor = 0.55 + 0.3 * rng.next();
        seats = Math.max(1, Math.round(seats * factor));
        arr = round100(arr * factor);
        if (products.length > 1 && rng.chance(0.5)) products.pop();
        const users = activeUsers(term.end);
        for (let i = 0; i < users.length && i < oldSeats - seats; i++)
          if (rng.chance(0.7)) {
            const u = users[users.length - 1 - i]!;
            u.left = Math.max(u.joined + 1, term.end - rng.int(0, 20));
          }
      } else arr = round100(arr * (1 + 0.07 * rng.next()));
      term.status = decision.outcome;
      const nextMonths = termMonths > 12 && rng.chance(0.3) ? 12 : termMonths;
      term = newTerm(term.end + 1, nextMonths);
      renewals.push({
        date: isoDay(term.start),
        outcome: decision.outcome,
        arrBefore: before,
        arrAfter: term.arr,
      });
      const g = rng.pick(V.GOALS);
      const goalDay = term.start + rng.int(3, 20);
      ev(
        goalDay,
        900,
        'goal_set',
        { goal: g.goal, metric: g.metric },
        champion && isPresent(champion, goalDay) ? champion.id : null,
      );
      decision = null;
      termLead = rng.int(30, 80);
    }
  }

  const lastCustomerDay = Math.min(endDay, customerEnd);
  for (const e of pending) {
    if (e.day > lastCustomerDay) continue;
    sink.event(monthKey(e.day), {
      id: `${id}-e${++eventSeq}`,
      accountId: id,
      ...(e.contactId ? { contactId: e.contactId } : {}),
      type: e.type,
      time: isoTime(e.day, e.minute),
      properties: e.properties,
    });
  }

  // ---- usage
  const usageRows = emitAccountUsage(
    {
      accountId: id,
      months,
      people,
      from: Math.max(windowStart, created),
      to: Math.min(endDay, customerEnd),
      created,
      workStart: region.workStartUtc,
      windDownFrom,
      hasCustomMetric,
      scale: world.usageScale,
    },
    urng,
    sink,
  );

  // ---- rows
  for (const t of terms)
    sink.contract([
      t.id,
      id,
      isoDay(t.start),
      isoDay(t.end),
      t.arr,
      'USD',
      t.seats,
      plan,
      t.products.join(';'),
      t.status,
      t.churnedAt === null ? null : isoDay(t.churnedAt),
      t.reason,
    ]);
  for (const p of people) {
    if (p.joined > Math.min(endDay, customerEnd)) continue;
    const left = p.left !== null && p.left <= Math.min(endDay, customerEnd) ? isoDay(p.left) : null;
    sink.contact([p.id, id, p.email, p.name, p.title, p.role, isoDay(p.joined), left]);
  }
  const churned = customerEnd <= endDay;
  const lastDay = Math.min(endDay, customerEnd);
  const stage = churned
    ? 'mature'
    : endDay - created < 90
      ? 'onboarding'
      : endDay - created < 365
        ? 'adoption'
        : term.end - endDay < 90
          ? 'renewal'
          : 'mature';
  sink.account([
    id,
    name,
    S.key,
    industry,
    owner,
    null,
    stage,
    isoDay(created),
    region.key,
    employees,
    plan,
    onboardingPackage,
  ]);

  // ---- ground truth
  const horizon = noticeDay ?? lastDay;
  const drivers = [
    ...new Set(
      shocks
        .filter(
          (s) => s.size < 0 && s.day <= horizon && horizon - s.day <= 365 && shockEffect(s, horizon) < -0.02,
        )
        .map((s) => s.kind),
    ),
  ];
  const families = new Map<SignalFamily, number>();
  for (const o of observed)
    if (o.day <= horizon && horizon - o.day <= 183) families.set(o.family, (families.get(o.family) ?? 0) + 1);
  const signals = new Set<string>();
  const n = (f: SignalFamily) => families.get(f) ?? 0;
  // a family counts when the bad outweighs the good in the 6 months before notice (or the end)
  const mostly = (bad: SignalFamily, good: SignalFamily, min: number) => n(bad) >= min && n(bad) >= n(good);
  if (mostly('unanswered_email', 'email_replied', 3)) signals.add('unanswered_email');
  if (mostly('skipped_qbr', 'qbr_held', 1)) signals.add('skipped_qbr');
  if (mostly('negative_tickets', 'ticket_ok', 2)) signals.add('negative_tickets');
  if (mostly('low_nps', 'nps_ok', 1)) signals.add('low_nps');
  for (const f of ['late_payment', 'competitor', 'escalation'] as const) if (n(f) > 0) signals.add(f);
  const at = months.findIndex((x) => x.next > horizon);
  const now = months[at === -1 ? months.length - 1 : at];
  const before = months[Math.max(0, (at === -1 ? months.length - 1 : at) - 6)];
  if (now && before && now.engagement < 0.75 * before.engagement) signals.add('usage_decline');
  if (drivers.includes('champion_left')) signals.add('champion_left');
  if (drivers.includes('layoffs')) signals.add('layoffs');
  if (drivers.includes('budget_cut')) signals.add('budget_cut');
  sink.truth({
    accountId: id,
    segment: S.key,
    createdAt: isoDay(created),
    newLogo,
    churned,
    churnDate: churned ? isoDay(customerEnd) : null,
    noticeDate: noticeDay !== null ? isoDay(noticeDay) : null,
    leavingOn: !churned && decision?.kind === 'churn' ? isoDay(decision.end) : null,
    churnReason,
    silent,
    drivers: silent ? [] : drivers,
    signals: [...signals].sort(),
    renewals: renewals.filter((x) => x.date >= isoDay(windowStart)),
    expanded: renewals.some((x) => x.outcome === 'expanded' && x.date >= isoDay(windowStart)),
    contracted: renewals.some((x) => x.outcome === 'contracted' && x.date >= isoDay(windowStart)),
    healthAtDecision: lastDecisionHealth,
    health: truthHealth,
  });
  return {
    usageRows,
    events: eventSeq,
    contracts: terms.length,
    contacts: people.filter((p) => p.joined <= lastDay).length,
    churned,
  };
}

/** The customer's stated reason: the shock hurting most at notice, else low value. */
function reasonFrom(shocks: readonly Shock[], day: number, rng: Rng): string {
  let worst: Shock | null = null;
  let worstEffect = -0.03;
  for (const s of shocks) {
    const e = shockEffect(s, day);
    if (e < worstEffect) {
      worst = s;
      worstEffect = e;
    }
  }
  return worst ? (REASONS[worst.kind] ?? rng.pick(LOW_VALUE_REASONS)) : rng.pick(LOW_VALUE_REASONS);
}
