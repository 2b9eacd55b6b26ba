import { createRng, type Rng } from './prng.ts';
import * as V from './vocabulary.ts';

/**
 * A synthetic B2B SaaS portfolio driven by a hidden health process.
 *
 * Each account has a latent health h ∈ [0, 1] that evolves month by month
 * (mean reversion, noise, and shocks: champion leaves, layoffs, budget cuts,
 * competitor evaluations, support crises, leadership changes; funding and
 * hiring lift it). Everything observable is drawn from h with noise —
 * logins and feature breadth, email replies, QBR attendance, tickets and
 * their tone, NPS, CSM sentiment, late payments, competitor talk — and the
 * renewal decision at each term end depends on h in the preceding months, so
 * the signals lead churn by months. Some churners leave without warning
 * (their h stays healthy), some data is missing, and a few churned accounts
 * come back. Deterministic by seed: the same options give the same rows.
 */
export type DemoOptions = { accounts: number; months: number; seed: number; endDate: string };

export type DemoSink = {
  user(row: string[]): void;
  catalog(row: string[]): void;
  account(row: string[]): void;
  contract(row: string[]): void;
  contact(row: string[]): void;
  /** A CSV line (no newline) for the usage file of month `month` (YYYY-MM). */
  usage(month: string, line: string): void;
  event(month: string, event: DemoEvent): void;
  truth(record: GroundTruth): void;
};

export type DemoEvent = {
  id: string;
  accountId: string;
  contactId?: string;
  type: string;
  time: string;
  properties: Record<string, unknown>;
};

export type GroundTruth = {
  accountId: string;
  segment: string;
  createdAt: string;
  churned: boolean;
  churnDate: string | null;
  /** True when the account churned with healthy signals (no warning). */
  silent: boolean;
  /** What pushed its hidden health down in the year before churn (or ever, for survivors). */
  drivers: string[];
  renewals: { date: string; outcome: string; arrBefore: number; arrAfter: number }[];
  reactivatedAt: string | null;
  /** Hidden health at each month start (YYYY-MM → 0..1). */
  health: Record<string, number>;
};

export const USERS_HEADER = ['id', 'name', 'email', 'role', 'manager_id'];
export const CATALOG_HEADER = ['key', 'name', 'core', 'add_on', 'list_price'];
export const ACCOUNTS_HEADER = [
  'id',
  'name',
  'segment',
  'industry',
  'owner',
  'parent_id',
  'lifecycle_stage',
  'created_at',
  'trait:region',
  'trait:employees',
  'trait:plan',
  'trait:onboarding_package',
];
export const CONTRACTS_HEADER = [
  'id',
  'account_id',
  'start',
  'end',
  'arr',
  'currency',
  'seats',
  'plan',
  'products',
  'status',
  'churned_at',
  'churn_reason',
];
export const CONTACTS_HEADER = ['id', 'account_id', 'email', 'name', 'title', 'role', 'joined_at', 'left_at'];
export const USAGE_HEADER = ['id', 'account_id', 'contact_id', 'type', 'time', 'key', 'count'];

const DAY = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
const DATE_CACHE = new Map<number, string>();
const isoDate = (day: number) => {
  let s = DATE_CACHE.get(day);
  if (s === undefined) {
    s = new Date(day * DAY).toISOString().slice(0, 10);
    DATE_CACHE.set(day, s);
  }
  return s;
};
const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
const timeAt = (day: number, minuteOfDay: number) =>
  `${isoDate(day)}T${pad2(Math.floor(minuteOfDay / 60) % 24)}:${pad2(minuteOfDay % 60)}:00.000Z`;
const monthOf = (day: number) => isoDate(day).slice(0, 7);
const clamp = (x: number, lo = 0, hi = 1) => Math.min(hi, Math.max(lo, x));
const addMonths = (day: number, months: number) => {
  const d = new Date(day * DAY);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate()) / DAY);
};
const monthStart = (day: number) => {
  const d = new Date(day * DAY);
  return Math.floor(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) / DAY);
};
const csv = (v: string | number | null | undefined) => {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const csvRow = (cells: (string | number | null | undefined)[]) => cells.map(csv);

type Shock = { kind: string; month: number; size: number; halfLifeMonths: number };

type Contact = {
  id: string;
  role: string;
  name: string;
  joined: number;
  left: number | null;
  activity: number;
};

/** Generates the portfolio, pushing rows into `sink` account by account (constant memory). */
export function simulatePortfolio(
  options: DemoOptions,
  sink: DemoSink,
): { accounts: number; usageRows: number } {
  const { seed } = options;
  const endDay = dayOf(options.endDate);
  const windowStart = monthStart(addMonths(endDay, -options.months));
  const root = createRng(seed, 0);

  // people who use Vigil: admin, managers, CSMs
  const csmCount = Math.max(3, Math.min(300, Math.round(options.accounts / 35)));
  const managerCount = Math.max(1, Math.ceil(csmCount / 8));
  sink.user(csvRow(['admin', 'Vigil Admin', 'admin@vendor.example', 'admin', null]));
  const managers: string[] = [];
  for (let m = 0; m < managerCount; m++) {
    const id = `mgr-${m + 1}`;
    managers.push(id);
    const name = `${root.pick(V.FIRST)} ${root.pick(V.LAST)}`;
    sink.user(csvRow([id, name, `${id}@vendor.example`, 'manager', null]));
  }
  const csms: string[] = [];
  for (let c = 0; c < csmCount; c++) {
    const id = `csm-${c + 1}`;
    csms.push(id);
    const name = `${root.pick(V.FIRST)} ${root.pick(V.LAST)}`;
    sink.user(csvRow([id, name, `${id}@vendor.example`, 'csm', managers[c % managerCount]!]));
  }
  for (const f of V.CORE_FEATURES) sink.catalog(csvRow([f, title(f), 'true', 'false', null]));
  for (const f of V.OTHER_FEATURES) sink.catalog(csvRow([f, title(f), 'false', 'false', null]));
  for (const a of V.ADD_ONS) sink.catalog(csvRow([a.key, a.name, 'false', 'true', a.listPrice]));

  let usageRows = 0;
  for (let i = 0; i < options.accounts; i++) {
    usageRows += simulateAccount(i, createRng(seed, i + 1), { windowStart, endDay, csms }, sink);
  }
  return { accounts: options.accounts, usageRows };
}

const title = (k: string) => k.replace(/-/g, ' ').replace(/^\w/, (c) => c.toUpperCase());

type World = { windowStart: number; endDay: number; csms: string[] };

function simulateAccount(i: number, rng: Rng, world: World, sink: DemoSink): number {
  const { windowStart, endDay } = world;
  const id = `acc-${String(i + 1).padStart(5, '0')}`;
  const r = rng.next();
  const segment = r < 0.55 ? 'smb' : r < 0.85 ? 'mid-market' : 'enterprise';
  const seg = segment === 'smb' ? 0 : segment === 'mid-market' ? 1 : 2;
  const name = `${rng.pick(V.NAME_A)} ${rng.pick(V.NAME_B)} ${rng.pick(V.NAME_C)}`.trim();
  const industry = rng.pick(V.INDUSTRIES);
  const owner = world.csms[Math.floor(rng.next() * world.csms.length)]!;
  const isNew = rng.chance(0.22);
  const windowDays = endDay - windowStart;
  const created = isNew
    ? windowStart + rng.int(0, Math.max(1, windowDays - 45))
    : windowStart - rng.int(40, 36 * 30);
  const employees = Math.round(
    [rng.logUniform(20, 300), rng.logUniform(300, 3000), rng.logUniform(3000, 60000)][seg]!,
  );
  const plan = ['starter', 'growth', 'premium'][Math.min(2, seg + (rng.chance(0.3) ? 1 : 0))]!;
  const onboarding = rng.chance(0.5 + 0.2 * seg);
  const silentChurner = rng.chance(0.03);
  const noSentiment = rng.chance(0.15);
  const noNps = rng.chance(0.3);
  const noMeetings = seg === 0 && rng.chance(0.4);
  const tracked = [rng.int(3, 6), rng.int(6, 12), rng.int(12, 24)][seg]!;
  let seats = Math.round(tracked * (1.1 + rng.next() * 0.7));
  let arr =
    Math.round(
      [rng.logUniform(5000, 25000), rng.logUniform(25000, 120000), rng.logUniform(120000, 600000)][seg]! /
        100,
    ) * 100;
  const termMonths =
    seg === 0 ? 12 : seg === 1 ? (rng.chance(0.2) ? 24 : 12) : rng.pick([12, 12, 12, 24, 36]);
  const hasAddOn = seg > 0 && rng.chance(0.35);
  let addOnArr = hasAddOn ? Math.round((V.ADD_ONS[0].listPrice * (0.8 + rng.next() * 0.4)) / 100) * 100 : 0;
  const integrations = V.INTEGRATIONS.filter(() => rng.chance(0.25 + 0.15 * seg));
  let h = clamp(rng.normal(0.7 + 0.03 * seg, 0.12), 0.2, 0.95);
  const base = h;
  const lifecycle = isNew ? 'onboarding' : 'mature';
  sink.account(
    csvRow([
      id,
      name,
      segment,
      industry,
      owner,
      null,
      lifecycle,
      isoDate(created),
      rng.pick(V.REGIONS),
      employees,
      plan,
      onboarding ? 'true' : 'false',
    ]),
  );

  // contacts
  const contacts: Contact[] = [];
  const addContact = (role: string, joined: number): Contact => {
    const n = contacts.length + 1;
    const first = rng.pick(V.FIRST);
    const last = rng.pick(V.LAST);
    const c: Contact = {
      id: `${id}-c${n}`,
      role,
      name: `${first} ${last}`,
      joined,
      left: null,
      activity: clamp(
        rng.normal(role === 'user' ? 0.6 : role === 'executive_sponsor' ? 0.15 : 0.9, 0.15),
        0.05,
        1,
      ),
    };
    contacts.push(c);
    return c;
  };
  let champion: Contact | null = addContact('champion', created);
  const sponsor = seg > 0 || rng.chance(0.5) ? addContact('executive_sponsor', created) : null;
  addContact('admin', created);
  while (contacts.length < tracked) addContact('user', created + rng.int(0, 60));

  // renewals: terms from creation, decided by recent health
  const truth: GroundTruth = {
    accountId: id,
    segment,
    createdAt: isoDate(created),
    churned: false,
    churnDate: null,
    silent: false,
    drivers: [],
    renewals: [],
    reactivatedAt: null,
    health: {},
  };
  let eventSeq = 0;
  const ev = (
    day: number,
    minute: number,
    type: string,
    properties: Record<string, unknown>,
    contactId?: string,
    history = false,
  ) => {
    // outside the window only a few historical facts are kept (assignment, goals, first value)
    if ((day < windowStart && !history) || day > endDay) return;
    eventSeq++;
    sink.event(monthOf(day), {
      id: `${id}-e${eventSeq}`,
      accountId: id,
      ...(contactId ? { contactId } : {}),
      type,
      time: timeAt(day, minute),
      properties,
    });
  };

  const shocks: Shock[] = [];
  const healthAt = new Map<number, number>(); // month start day → h
  let termStart = created;
  let termIndex = 0;
  let churnDay: number | null = null;
  let reactivateDay: number | null = null;
  let usageRows = 0;
  let valueDay: number | null = null;
  const ttv = Math.round(rng.logUniform(14, 120) * (1.6 - base));
  let lastCsmSentiment = -999;

  ev(created, 600, 'csm_assigned', { csm: owner }, undefined, true);
  ev(
    created + 3,
    660,
    'goal_set',
    {
      goal: rng.pick(['cut reporting time by 50%', 'one source of truth for ops', 'reduce late deliveries']),
      metric: 'hours_saved',
    },
    undefined,
    true,
  );
  if (created + ttv < windowStart) {
    valueDay = created + ttv;
    ev(
      valueDay,
      720,
      'value_milestone',
      { milestone: 'first-automated-report', description: 'First report automated end to end' },
      undefined,
      true,
    );
  }

  // month loop from the first month we simulate (12 months before the window, for renewal history)
  const simStart = monthStart(Math.max(created, windowStart - 400));
  let month = simStart;
  let contractArr = arr;
  let contractSeats = seats;
  const contractRows: {
    id: string;
    start: number;
    end: number;
    arr: number;
    seats: number;
    plan: string;
    products: string;
    status: string;
    churnedAt: number | null;
    reason: string | null;
  }[] = [];
  let termEnd = addMonths(termStart, termMonths) - 1;
  contractRows.push({
    id: `${id}-t1`,
    start: termStart,
    end: termEnd,
    arr: contractArr,
    seats: contractSeats,
    plan,
    products: 'core',
    status: 'active',
    churnedAt: null,
    reason: null,
  });
  if (hasAddOn)
    contractRows.push({
      id: `${id}-addon-t1`,
      start: termStart,
      end: termEnd,
      arr: addOnArr,
      seats: 0,
      plan: 'add-on',
      products: 'forecasting',
      status: 'active',
      churnedAt: null,
      reason: null,
    });

  // terms that ended before the simulation starts were renewed (the account is still a customer then)
  while (termEnd < simStart) {
    for (const c of contractRows) if (c.end === termEnd) c.status = 'renewed';
    const start = termEnd + 1;
    termEnd = addMonths(start, termMonths) - 1;
    termIndex++;
    contractArr = Math.round((contractArr * 1.03) / 100) * 100;
    contractRows.push({
      id: `${id}-t${termIndex + 1}`,
      start,
      end: termEnd,
      arr: contractArr,
      seats: contractSeats,
      plan,
      products: 'core',
      status: 'active',
      churnedAt: null,
      reason: null,
    });
    if (hasAddOn)
      contractRows.push({
        id: `${id}-addon-t${termIndex + 1}`,
        start,
        end: termEnd,
        arr: addOnArr,
        seats: 0,
        plan: 'add-on',
        products: 'forecasting',
        status: 'active',
        churnedAt: null,
        reason: null,
      });
  }

  let active = true;
  while (month <= endDay) {
    const next = addMonths(month, 1);
    const inWindow = next > windowStart;
    const customer = active && month >= monthStart(created);
    if (customer) {
      // hidden health: mean reversion + noise + shocks
      const monthIdx = Math.round((month - simStart) / 30.4);
      const shockChance = (p: number) => rng.chance(p);
      if (champion && shockChance(0.018)) {
        shocks.push({ kind: 'champion left', month: monthIdx, size: 0.22, halfLifeMonths: 8 });
        champion.left = month + rng.int(0, 27);
        ev(champion.left, 540, 'contact_change', { change: 'left', role: 'champion' }, champion.id);
        const replaced = rng.chance(0.5);
        champion = null;
        if (replaced) {
          const c = addContact('champion', addMonths(month, rng.int(2, 6)));
          champion = c;
          ev(c.joined, 540, 'contact_change', { change: 'joined', role: 'champion' }, c.id);
        }
      }
      const business: [string, string, number, number, number][] = [
        ['layoffs', 'layoffs', 0.008, -0.16, 6],
        ['budget cut', 'budget_cut', 0.01, -0.14, 6],
        ['leadership change', 'leadership_change', 0.008, -0.08, 5],
        ['acquisition', 'acquisition', 0.004, -0.12, 8],
        ['funding', 'funding', 0.008, 0.08, 6],
        ['hiring', 'hiring', 0.012, 0.06, 6],
      ];
      for (const [label, kind, p, size, hl] of business) {
        if (shockChance(p)) {
          shocks.push({ kind: label, month: monthIdx, size: Math.abs(size), halfLifeMonths: hl });
          if (size > 0) shocks[shocks.length - 1]!.size = -size;
          ev(month + rng.int(0, 27), 480, 'business_event', {
            kind,
            magnitude: kind === 'layoffs' ? Math.round(rng.next() * 30) / 100 : undefined,
            description: `${label} reported`,
          });
        }
      }
      if (h < 0.55 && shockChance(0.05)) {
        shocks.push({ kind: 'competitor evaluation', month: monthIdx, size: 0.15, halfLifeMonths: 6 });
        const comp = rng.pick(V.COMPETITORS);
        ev(month + rng.int(0, 27), 700, 'evaluation_noticed', {
          competitor: comp,
          text: `Their admin started a ${comp} trial.`,
        });
      }
      if (shockChance(0.02 + 0.04 * (1 - h)))
        shocks.push({ kind: 'support crisis', month: monthIdx, size: 0.08, halfLifeMonths: 3 });
      let shockSum = 0;
      for (const s of shocks) {
        const age = monthIdx - s.month;
        if (age >= 0) shockSum += s.size * 0.5 ** (age / s.halfLifeMonths);
      }
      const target = silentChurner ? Math.max(base, 0.75) : base;
      h = clamp(h + 0.15 * (target - h) + rng.normal(0, 0.035));
      const hEff = silentChurner ? clamp(h) : clamp(h - shockSum);
      healthAt.set(month, hEff);
      if (inWindow) truth.health[monthOf(Math.max(month, windowStart))] = Math.round(hEff * 1000) / 1000;

      if (inWindow)
        usageRows += simulateMonth(rng, sink, {
          id,
          seg,
          month,
          next,
          windowStart,
          endDay,
          created,
          hEff,
          contacts,
          integrations,
          onboarding,
          noMeetings,
          noNps,
          ev,
          churnDay: null,
        });
      if (inWindow) {
        monthlyEvents(rng, {
          id,
          seg,
          month,
          hEff,
          contacts,
          champion,
          sponsor,
          noMeetings,
          noNps,
          noSentiment,
          created,
          ev,
          owner,
        });
        if (!noSentiment && month - lastCsmSentiment >= 55 && rng.chance(0.6)) {
          lastCsmSentiment = month;
          const perceived = hEff + rng.normal(0, 0.12);
          ev(month + rng.int(0, 27), 1000, 'csm_sentiment', {
            sentiment: perceived > 0.68 ? 'green' : perceived > 0.45 ? 'amber' : 'red',
            validDays: 90,
            author: owner,
          });
        }
        if (valueDay === null && month + 30 >= created + ttv && hEff > 0.35) {
          valueDay = Math.max(created + ttv, month);
          ev(valueDay, 720, 'value_milestone', {
            milestone: 'first-automated-report',
            description: 'First report automated end to end',
          });
        } else if (valueDay !== null && rng.chance(0.12 * hEff)) {
          ev(month + rng.int(0, 27), 720, 'value_milestone', {
            milestone: rng.pick([
              'team-rollout',
              'exec-dashboard-live',
              'integration-live',
              'hours-saved-target',
            ]),
          });
        }
        // invoices quarterly
        if (Math.round((month - monthStart(termStart)) / 30.4) % 3 === 0) {
          const invDay = month + rng.int(0, 5);
          const invoiceId = `${id}-inv-${isoDate(invDay).slice(0, 7)}`;
          const amount = Math.round((contractArr + (hasAddOn ? addOnArr : 0)) / 4);
          ev(invDay, 300, 'invoice_issued', { invoiceId, amount, dueDate: isoDate(invDay + 30) });
          const late = Math.max(0, Math.round(rng.normal((1 - hEff) * 55 - 15, 10)));
          if (hEff < 0.4 && rng.chance(0.35))
            ev(invDay + 30, 300, 'payment_failed', { invoiceId, amount, reason: 'card declined' });
          if (rng.chance(0.03 + 0.12 * (1 - hEff)))
            ev(invDay + rng.int(5, 25), 400, 'billing_dispute', {
              invoiceId,
              status: 'opened',
              amount: Math.round(amount * 0.2),
              text: 'We were charged for seats we no longer use.',
            });
          if (invDay + 30 + late <= endDay)
            ev(invDay + 30 + late, 300, 'invoice_paid', { invoiceId, amount, daysLate: late });
        }
      }
      // renewal at term end within this month
      while (active && termEnd < next && termEnd >= month) {
        const recent = [0, 1, 2].map((k) => healthAt.get(addMonths(month, -k)) ?? hEff);
        const hRecent = (recent[0]! + recent[1]! + recent[2]!) / 3;
        const pChurn = silentChurner ? 0.85 : 0.03 + 0.9 / (1 + Math.exp(14 * (hRecent - 0.42)));
        const term = contractRows.filter((c) => c.end === termEnd);
        const arrBefore = contractArr + (hasAddOn ? addOnArr : 0);
        if (rng.chance(pChurn)) {
          const reason = silentChurner
            ? rng.pick(['acquired; tools consolidated', 'strategy change'])
            : reasonFrom(shocks, rng);
          for (const c of term) {
            c.status = 'churned';
            c.churnedAt = termEnd;
            c.reason = reason;
          }
          churnDay = termEnd;
          active = false;
          truth.churned = true;
          truth.churnDate = isoDate(termEnd);
          truth.silent = silentChurner || hRecent > 0.6;
          truth.renewals.push({ date: isoDate(termEnd + 1), outcome: 'churned', arrBefore, arrAfter: 0 });
          if (rng.chance(0.06) && termEnd + 150 < endDay) reactivateDay = termEnd + rng.int(120, 300);
          break;
        }
        termIndex++;
        let outcome = 'renewed';
        let newArr = Math.round((contractArr * 1.03) / 100) * 100;
        if (hRecent > 0.74 && rng.chance(0.45)) {
          outcome = 'expanded';
          newArr = Math.round((contractArr * (1.15 + rng.next() * 0.4)) / 100) * 100;
          contractSeats = Math.round(contractSeats * 1.25) + 1;
        } else if (hRecent < 0.58 && rng.chance(0.4)) {
          outcome = 'contracted';
          newArr = Math.round((contractArr * (0.6 + rng.next() * 0.3)) / 100) * 100;
          contractSeats = Math.max(1, Math.round(contractSeats * 0.8));
        }
        const core = term.find((c) => c.products === 'core');
        if (core) core.status = outcome;
        let addOnContinues = hasAddOn && addOnArr > 0;
        const addOn = term.find((c) => c.products === 'forecasting');
        if (addOn) {
          if (hRecent < 0.6 && rng.chance(0.5)) {
            addOn.status = 'churned';
            addOn.churnedAt = termEnd;
            addOn.reason = 'add-on not used';
            addOnContinues = false;
            addOnArr = 0;
          } else addOn.status = 'renewed';
        }
        const start = termEnd + 1;
        const len = termMonths;
        termEnd = addMonths(start, len) - 1;
        contractArr = newArr;
        contractRows.push({
          id: `${id}-t${termIndex + 1}`,
          start,
          end: termEnd,
          arr: contractArr,
          seats: contractSeats,
          plan,
          products: 'core',
          status: 'active',
          churnedAt: null,
          reason: null,
        });
        if (addOnContinues)
          contractRows.push({
            id: `${id}-addon-t${termIndex + 1}`,
            start,
            end: termEnd,
            arr: addOnArr,
            seats: 0,
            plan: 'add-on',
            products: 'forecasting',
            status: 'active',
            churnedAt: null,
            reason: null,
          });
        truth.renewals.push({
          date: isoDate(start),
          outcome,
          arrBefore,
          arrAfter: contractArr + (addOnContinues ? addOnArr : 0),
        });
        if (outcome === 'expanded' && rng.chance(0.5))
          ev(start - rng.int(20, 60), 800, 'expansion_signal', {
            kind: 'seat_request',
            product: 'core',
            text: 'We need more seats for a new team.',
          });
      }
    } else if (!active && reactivateDay !== null && reactivateDay < next && reactivateDay >= month) {
      active = true;
      h = clamp(base + 0.05);
      shocks.length = 0;
      termIndex++;
      termStart = reactivateDay;
      termEnd = addMonths(termStart, 12) - 1;
      contractArr = Math.round((arr * 0.8) / 100) * 100;
      contractRows.push({
        id: `${id}-t${termIndex + 1}`,
        start: termStart,
        end: termEnd,
        arr: contractArr,
        seats: contractSeats,
        plan,
        products: 'core',
        status: 'reactivated',
        churnedAt: null,
        reason: null,
      });
      truth.reactivatedAt = isoDate(reactivateDay);
      truth.churned = false;
      reactivateDay = null;
    }
    month = next;
  }
  void churnDay;
  seats = contractSeats;
  arr = contractArr;

  for (const c of contractRows)
    sink.contract(
      csvRow([
        c.id,
        id,
        isoDate(c.start),
        isoDate(c.end),
        c.arr,
        'USD',
        c.seats || null,
        c.plan,
        c.products,
        c.status,
        c.churnedAt === null ? null : isoDate(c.churnedAt),
        c.reason,
      ]),
    );
  for (const c of contacts) {
    const email = `${c.name.toLowerCase().replace(/[^a-z]+/g, '.')}@${id}.example`;
    sink.contact(
      csvRow([
        c.id,
        id,
        email,
        c.name,
        rng.pick(V.TITLES[c.role]!),
        c.role,
        isoDate(c.joined),
        c.left === null ? null : isoDate(c.left),
      ]),
    );
  }
  const drivers = new Set<string>();
  const horizon = truth.churnDate ? dayOf(truth.churnDate) : endDay;
  for (const s of shocks) if (s.size > 0) drivers.add(s.kind);
  truth.drivers = [...drivers];
  void horizon;
  sink.truth(truth);
  return usageRows;
}

function reasonFrom(shocks: Shock[], rng: Rng): string {
  const neg = shocks.filter((s) => s.size > 0);
  if (neg.length === 0) return rng.pick(['low adoption', 'price', 'no perceived value']);
  const s = neg[neg.length - 1]!;
  return (
    {
      'champion left': 'champion left; no internal owner',
      layoffs: 'layoffs; budget cut',
      'budget cut': 'budget cut',
      'leadership change': 'new leadership chose another tool',
      acquisition: 'acquired; tools consolidated',
      'competitor evaluation': 'moved to a competitor',
      'support crisis': 'reliability and support problems',
    }[s.kind] ?? 'low adoption'
  );
}

type MonthCtx = {
  id: string;
  seg: number;
  month: number;
  next: number;
  windowStart: number;
  endDay: number;
  created: number;
  hEff: number;
  contacts: Contact[];
  integrations: readonly string[];
  onboarding: boolean;
  noMeetings: boolean;
  noNps: boolean;
  churnDay: number | null;
  ev: (
    day: number,
    minute: number,
    type: string,
    properties: Record<string, unknown>,
    contactId?: string,
  ) => void;
};

/** Daily usage rows of one month: logins, core-feature breadth growing with health, integrations. */
function simulateMonth(rng: Rng, sink: DemoSink, m: MonthCtx): number {
  let rows = 0;
  const from = Math.max(m.month, m.windowStart, m.created);
  const to = Math.min(m.next - 1, m.endDay);
  const breadth = Math.max(
    1,
    Math.min(V.CORE_FEATURES.length, Math.round(1 + m.hEff * 5.5 + rng.normal(0, 0.5))),
  );
  const features = V.CORE_FEATURES.slice(0, breadth);
  let seq = 0;
  for (let day = from; day <= to; day++) {
    const dow = (day + 4) % 7; // 0 = Sunday
    const weekend = dow === 0 || dow === 6;
    const d = new Date(day * 86_400_000);
    const mon = d.getUTCMonth();
    const seasonal = mon === 11 ? 0.7 : mon === 7 ? 0.85 : 1;
    const ramp = Math.min(1, 0.35 + (day - m.created) / 90);
    const p = clamp(0.05 + 0.62 * m.hEff) * (weekend ? 0.1 : 1) * seasonal * ramp;
    const month = monthOf(day);
    const date = isoDate(day);
    for (const c of m.contacts) {
      if (c.joined > day || (c.left !== null && c.left <= day)) continue;
      if (rng.next() >= p * c.activity) continue;
      const minute = 480 + Math.floor(rng.next() * 600);
      const t = `${date}T${pad2(Math.floor(minute / 60))}:${pad2(minute % 60)}:00.000Z`;
      seq++;
      sink.usage(month, `${m.id}-${date}-${seq},${m.id},${c.id},login,${t},,1`);
      rows++;
      if (rng.next() < 0.75) {
        const f = features[Math.floor(rng.next() * features.length)]!;
        seq++;
        sink.usage(
          month,
          `${m.id}-${date}-${seq},${m.id},${c.id},feature_used,${t},${f},${1 + Math.floor(rng.next() * 6)}`,
        );
        rows++;
      }
      if (m.hEff > 0.8 && rng.next() < 0.05) {
        seq++;
        sink.usage(month, `${m.id}-${date}-${seq},${m.id},${c.id},feature_used,${t},mobile-app,1`);
        rows++;
      }
    }
    if (!weekend && m.integrations.length > 0 && rng.next() < 0.3 + 0.6 * m.hEff) {
      const key = m.integrations[Math.floor(rng.next() * m.integrations.length)]!;
      seq++;
      sink.usage(
        month,
        `${m.id}-${date}-${seq},${m.id},,integration_used,${date}T02:00:00.000Z,${key},${5 + Math.floor(rng.next() * 60 * m.hEff)}`,
      );
      rows++;
    }
  }
  return rows;
}

type EventsCtx = {
  id: string;
  seg: number;
  month: number;
  hEff: number;
  contacts: Contact[];
  champion: Contact | null;
  sponsor: Contact | null;
  noMeetings: boolean;
  noNps: boolean;
  noSentiment: boolean;
  created: number;
  owner: string;
  ev: MonthCtx['ev'];
};

/** Meetings, email, tickets, surveys, notes, executive touches and competitive talk for one month. */
function monthlyEvents(rng: Rng, e: EventsCtx): void {
  const { hEff: h, month, ev } = e;
  const day = () => month + rng.int(0, 27);
  const monthsIn = Math.round((month - e.created) / 30.4);
  // QBRs: quarterly for mid-market and enterprise, twice a year for SMB
  if (!e.noMeetings && monthsIn > 0 && monthsIn % (e.seg === 0 ? 6 : 3) === 0) {
    const d = day();
    const meetingId = `${e.id}-qbr-${isoDate(d).slice(0, 7)}`;
    ev(d - 14, 600, 'meeting', {
      meetingId,
      kind: e.seg === 0 ? 'call' : 'qbr',
      status: 'scheduled',
      executivePresent: false,
    });
    const held = rng.chance(0.2 + 0.75 * h);
    const exec = held && e.sponsor !== null && e.sponsor.left === null && rng.chance(h * 0.9);
    ev(d, 900, 'meeting', {
      meetingId,
      kind: e.seg === 0 ? 'call' : 'qbr',
      status: held ? 'held' : rng.chance(0.5) ? 'no_show' : 'cancelled',
      executivePresent: exec,
    });
    if (exec) ev(d, 960, 'executive_touch', { channel: 'qbr', executive: 'vp-customer-success' });
  }
  if (rng.chance((e.seg === 0 ? 0.04 : 0.12) + 0.25 * h))
    ev(day(), 840, 'executive_touch', { channel: rng.pick(['call', 'email', 'dinner']) });
  // email threads: replies get rarer and slower as health falls
  const threads = rng.int(1, 3 + e.seg);
  const to = e.champion && e.champion.left === null ? e.champion : e.contacts[0];
  for (let t = 0; t < threads; t++) {
    const d = day();
    const threadId = `${e.id}-th-${isoDate(d)}-${t}`;
    ev(d, 600 + t, 'email_outbound', {
      threadId,
      subject: rng.pick(['Checking in', 'Next steps', 'QBR agenda', 'New feature for your team']),
    });
    if (rng.chance(0.15 + 0.8 * h) && to) {
      const delayMinutes = Math.round(rng.logUniform(30, 60 * 24 * 6) * (1.4 - h));
      ev(
        d + Math.floor((600 + delayMinutes) / 1440),
        (600 + delayMinutes) % 1440,
        'email_inbound',
        { threadId, text: h > 0.5 ? 'Thanks, sounds good.' : 'We are busy right now, will get back to you.' },
        to.id,
      );
    }
  }
  // support tickets
  const ticketCount = Math.round(rng.next() * (0.4 + 2.6 * (1 - h)) * (1 + 0.5 * e.seg));
  for (let t = 0; t < ticketCount; t++) {
    const d = day();
    const bad = rng.chance(clamp(1.15 - h * 1.3));
    const ticketId = `${e.id}-tk-${isoDate(d)}-${t}`;
    const priority = bad ? rng.pick(['high', 'urgent', 'normal']) : rng.pick(['low', 'normal', 'normal']);
    const contact = e.contacts[rng.int(0, e.contacts.length - 1)]!;
    ev(
      d,
      500 + t * 7,
      'ticket_opened',
      {
        ticketId,
        priority,
        subject: rng.pick(bad ? V.TICKET_SUBJECTS_BAD : V.TICKET_SUBJECTS_OK),
        text: rng.pick(bad ? V.TICKET_TEXT_BAD : V.TICKET_TEXT_OK),
      },
      contact.id,
    );
    if (bad && rng.chance(0.4))
      ev(d + 2, 700, 'ticket_updated', { ticketId, text: rng.pick(V.TICKET_TEXT_BAD) }, contact.id);
    const closeIn = rng.int(1, bad ? 20 : 6);
    const csat = Math.max(1, Math.min(5, Math.round(rng.normal(1.5 + 3.5 * h, 0.8))));
    ev(d + closeIn, 800, 'ticket_closed', { ticketId, csat });
    if (rng.chance(0.3))
      ev(
        d + closeIn,
        830,
        'csat_response',
        { score: csat, comment: csat >= 4 ? 'Quick and helpful.' : 'Took far too long.' },
        contact.id,
      );
    if (bad && priority === 'urgent' && rng.chance(0.3)) {
      const escalationId = `${e.id}-esc-${isoDate(d)}`;
      ev(d + 1, 600, 'escalation_opened', {
        escalationId,
        reason: 'Business-critical outage raised by the customer',
      });
      ev(d + closeIn, 900, 'escalation_closed', { escalationId });
    }
  }
  // NPS twice a year
  if (!e.noNps && monthsIn > 0 && monthsIn % 6 === 3 && rng.chance(0.6)) {
    const score = Math.max(0, Math.min(10, Math.round(rng.normal(1.5 + 9 * h, 1.4))));
    const c = e.contacts[rng.int(0, e.contacts.length - 1)]!;
    ev(
      day(),
      720,
      'nps_response',
      {
        score,
        comment: rng.pick(
          score >= 9 ? V.NPS_COMMENT_GOOD : score >= 7 ? V.NPS_COMMENT_MID : V.NPS_COMMENT_BAD,
        ),
      },
      c.id,
    );
  }
  if (rng.chance(0.45))
    ev(day(), 1020, 'csm_note', {
      text: rng.pick(h > 0.68 ? V.NOTE_GOOD : h > 0.45 ? V.NOTE_MID : V.NOTE_BAD),
      author: e.owner,
    });
  // competitive talk and expansion interest
  if (h < 0.6 && rng.chance((0.3 * (0.6 - h)) / 0.6 + 0.02)) {
    const competitor = rng.pick(V.COMPETITORS);
    ev(day(), 660, 'competitor_mention', {
      competitor,
      channel: rng.pick(['call', 'email', 'ticket']),
      text: `They mentioned ${competitor} offered a discount.`,
    });
  }
  if (rng.chance(0.02 + 0.06 * (1 - h))) {
    const feature = rng.pick(V.RIVAL_FEATURES);
    ev(day(), 670, 'rival_feature_request', {
      feature,
      competitor: rng.pick(V.COMPETITORS),
      text: `Asked for ${feature}, which a competitor has.`,
    });
  }
  if (h > 0.72 && rng.chance((0.3 * (h - 0.72)) / 0.28)) {
    ev(day(), 690, 'expansion_signal', {
      kind: rng.pick(['upsell_inquiry', 'add_on_interest', 'seat_request', 'cross_sell']),
      product: rng.pick(['forecasting', 'sso', 'core']),
      text: 'Asked about pricing for more of the product.',
    });
  }
}
