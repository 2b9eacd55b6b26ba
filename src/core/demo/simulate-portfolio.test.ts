import { createHash } from 'node:crypto';
import Papa from 'papaparse';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  accountSchema,
  catalogFeatureSchema,
  contactSchema,
  contractSchema,
  userSchema,
} from '../data-model/entities.ts';
import { EVENT_TYPES, isUsageEventType, parseEvent } from '../data-model/events.ts';
import { mapRow } from '../import/map-row.ts';
import type { ImportKind } from '../import/mapping.ts';
import { csvLine } from './csv-line.ts';
import { DEMO_HEADERS } from './demo-headers.ts';
import type { CsvCell, DemoEvent, DemoOptions, DemoSink, DemoTruth } from './demo-types.ts';
import { type DemoTotals, simulatePortfolio } from './simulate-portfolio.ts';

type Portfolio = {
  users: Record<string, string>[];
  catalog: Record<string, string>[];
  accounts: Record<string, string>[];
  contracts: Record<string, string>[];
  contacts: Record<string, string>[];
  /** Usage text per month, as the writer would append it. */
  usage: Map<string, string[]>;
  events: DemoEvent[];
  eventMonths: string[];
  truth: DemoTruth[];
  totals: DemoTotals;
  /** Everything the sink received, serialised in order: for determinism checks. */
  digest: string;
};

/** Runs the generator into memory, reading CSV rows back through a real CSV parser. */
function generate(options: DemoOptions): Portfolio {
  const lines: Record<string, string[]> = {
    users: [],
    catalog: [],
    accounts: [],
    contracts: [],
    contacts: [],
  };
  const usage = new Map<string, string[]>();
  const events: DemoEvent[] = [];
  const eventMonths: string[] = [];
  const truth: DemoTruth[] = [];
  const hash = createHash('sha256');
  const csv = (kind: string) => (row: CsvCell[]) => {
    const l = csvLine(row);
    lines[kind]!.push(l);
    hash.update(`${kind}:${l}\n`);
  };
  const sink: DemoSink = {
    user: csv('users'),
    catalog: csv('catalog'),
    account: csv('accounts'),
    contract: csv('contracts'),
    contact: csv('contacts'),
    usage: (month, text) => {
      usage.set(month, [...(usage.get(month) ?? []), text]);
      hash.update(`usage ${month}:${text}`);
    },
    event: (month, e) => {
      events.push(e);
      eventMonths.push(month);
      hash.update(`event ${month}:${JSON.stringify(e)}\n`);
    },
    truth: (t) => {
      truth.push(t);
      hash.update(`truth:${JSON.stringify(t)}\n`);
    },
  };
  const totals = simulatePortfolio(options, sink);
  const read = (kind: keyof typeof DEMO_HEADERS) =>
    Papa.parse<Record<string, string>>(`${DEMO_HEADERS[kind].join(',')}\n${lines[kind]!.join('\n')}`, {
      header: true,
      skipEmptyLines: true,
    }).data;
  return {
    users: read('users'),
    catalog: read('catalog'),
    accounts: read('accounts'),
    contracts: read('contracts'),
    contacts: read('contacts'),
    usage,
    events,
    eventMonths,
    truth,
    totals,
    digest: hash.digest('hex'),
  };
}

const DAY = 86_400_000;
const dayOf = (iso: string) => Math.floor(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) / DAY);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

describe('simulatePortfolio (300 accounts × 24 months, seed 42)', () => {
  let p: Portfolio;
  /** Logins per account per day number. */
  const logins = new Map<string, Map<number, number>>();
  const loginSum = (acc: string, from: number, to: number) => {
    const m = logins.get(acc);
    let s = 0;
    if (m) for (let d = from; d < to; d++) s += m.get(d) ?? 0;
    return s;
  };

  beforeAll(() => {
    p = generate({ accounts: 300, months: 24, seed: 42, endDate: '2026-11-15' });
    for (const texts of p.usage.values())
      for (const text of texts)
        for (const line of text.split('\n')) {
          if (!line) continue;
          const c = line.split(',');
          if (c[3] !== 'login') continue;
          let m = logins.get(c[1]!);
          if (!m) {
            m = new Map();
            logins.set(c[1]!, m);
          }
          const d = dayOf(c[4]!);
          m.set(d, (m.get(d) ?? 0) + Number(c[6]));
        }
  });

  it('writes entity rows that the importer and the zod schemas accept', () => {
    const check = (
      kind: ImportKind,
      rows: Record<string, string>[],
      schema: { parse: (v: unknown) => unknown },
    ) => {
      expect(rows.length).toBeGreaterThan(0);
      for (const [i, row] of rows.entries()) {
        const r = mapRow(row, kind, null);
        if (!r.ok)
          throw new Error(`${kind} row ${i + 1} rejected: ${JSON.stringify(r)} ${JSON.stringify(row)}`);
        expect(r.kind).toBe('entity');
        if (r.kind === 'entity') schema.parse(r.value);
      }
    };
    check('users', p.users, userSchema);
    check('catalog', p.catalog, catalogFeatureSchema);
    check('accounts', p.accounts, accountSchema);
    check('contracts', p.contracts, contractSchema);
    check('contacts', p.contacts, contactSchema);
    expect(p.accounts).toHaveLength(300);
    expect(new Set(p.accounts.map((a) => a.id)).size).toBe(300);
    expect(new Set(p.accounts.map((a) => a.name)).size).toBe(300);
    expect(new Set(p.contacts.map((c) => c.id)).size).toBe(p.contacts.length);
    expect(p.contacts.filter((c) => c.left_at && c.left_at <= c.joined_at!)).toEqual([]);
    expect(new Set(p.contracts.map((c) => c.id)).size).toBe(p.contracts.length);
  });

  it('writes events that all pass parseEvent, in their month file, covering every non-usage event type', () => {
    const ids = new Set<string>();
    const accounts = new Set(p.accounts.map((a) => a.id));
    const contactsOf = new Map(p.contacts.map((c) => [c.id, c.account_id]));
    const problems: string[] = [];
    for (const [i, e] of p.events.entries()) {
      const r = parseEvent(e);
      if (!r.ok) problems.push(`${e.id} (${e.type}): ${JSON.stringify(r.issues)}`);
      if (isUsageEventType(e.type)) problems.push(`${e.id}: usage type ${e.type} in events`);
      if (e.time.slice(0, 7) !== p.eventMonths[i]) problems.push(`${e.id}: ${e.time} in ${p.eventMonths[i]}`);
      if (!accounts.has(e.accountId)) problems.push(`${e.id}: unknown account`);
      if (e.contactId && contactsOf.get(e.contactId) !== e.accountId)
        problems.push(`${e.id} (${e.type}): contact ${e.contactId} not of ${e.accountId}`);
      ids.add(e.id);
    }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(ids.size).toBe(p.events.length);
    const seen = new Set(p.events.map((e) => e.type));
    const missing = EVENT_TYPES.filter((t) => !isUsageEventType(t) && !seen.has(t));
    expect(missing).toEqual([]);
    // the shapes signals read: QBRs with executives, threads with replies, priorities, days late
    const meetings = p.events.filter((e) => e.type === 'meeting');
    expect(new Set(meetings.map((m) => m.properties.status))).toEqual(
      new Set(['scheduled', 'held', 'no_show', 'cancelled']),
    );
    expect(meetings.some((m) => m.properties.kind === 'qbr' && m.properties.executivePresent === true)).toBe(
      true,
    );
    const outbound = new Set(
      p.events.filter((e) => e.type === 'email_outbound').map((e) => e.properties.threadId),
    );
    const replies = p.events.filter((e) => e.type === 'email_inbound' && outbound.has(e.properties.threadId));
    expect(replies.length).toBeGreaterThan(outbound.size * 0.3);
    expect(replies.length).toBeLessThan(outbound.size);
    const paid = p.events
      .filter((e) => e.type === 'invoice_paid')
      .map((e) => e.properties.daysLate as number);
    expect(paid.filter((d) => d === 0).length).toBeGreaterThan(paid.length / 2);
    expect(paid.some((d) => d > 30)).toBe(true);
    const priorities = new Set(
      p.events.filter((e) => e.type === 'ticket_opened').map((e) => e.properties.priority),
    );
    expect(priorities).toEqual(new Set(['low', 'normal', 'high', 'urgent']));
  });

  it('writes usage rows the importer accepts, of known accounts, contacts and catalog features', () => {
    const accounts = new Set(p.accounts.map((a) => a.id));
    const contactsOf = new Map(p.contacts.map((c) => [c.id, c.account_id]));
    const features = new Set(p.catalog.map((c) => c.key));
    const types = new Map<string, number>();
    let rows = 0;
    const ids = new Set<string>();
    const problems: string[] = [];
    for (const [month, texts] of p.usage)
      for (const text of texts)
        for (const line of text.split('\n')) {
          if (!line) continue;
          rows++;
          const [id, accountId, contactId, type, time, key, count] = line.split(',');
          types.set(type!, (types.get(type!) ?? 0) + 1);
          ids.add(id!);
          // the importer's full mapping on a sample (it is the slow path), cheap checks on all
          if (rows % 97 === 0) {
            const r = mapRow(
              { id, account_id: accountId, contact_id: contactId, type, time, key, count },
              'usage',
              null,
            );
            if (!r.ok || r.kind !== 'usage') problems.push(`rejected: ${JSON.stringify(r)} ${line}`);
          }
          if (time!.slice(0, 7) !== month || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00\.000Z$/.test(time!))
            problems.push(`time ${time} in ${month}`);
          if (!accounts.has(accountId!)) problems.push(`unknown account: ${line}`);
          if (contactId && contactsOf.get(contactId) !== accountId) problems.push(`foreign contact: ${line}`);
          if (type === 'feature_used' && !features.has(key!)) problems.push(`unknown feature: ${line}`);
          if (!(Number(count) >= 1)) problems.push(`count: ${line}`);
        }
    expect(problems.slice(0, 5)).toEqual([]);
    expect(rows).toBe(p.totals.usageRows);
    expect(ids.size).toBe(rows);
    expect([...types.keys()].sort()).toEqual(['feature_used', 'integration_used', 'login', 'usage_custom']);
  });

  it('has the vendor team: one admin, 2-3 managers, 8-15 CSMs with managers; owners are CSMs', () => {
    const by = (role: string) => p.users.filter((u) => u.role === role);
    expect(by('admin').map((u) => u.id)).toEqual(['admin']);
    expect(by('manager').length).toBeGreaterThanOrEqual(2);
    expect(by('manager').length).toBeLessThanOrEqual(3);
    expect(by('csm').length).toBeGreaterThanOrEqual(8);
    expect(by('csm').length).toBeLessThanOrEqual(15);
    const managers = new Set(by('manager').map((u) => u.id));
    for (const c of by('csm')) expect(managers.has(c.manager_id!)).toBe(true);
    const csms = new Set(by('csm').map((u) => u.id));
    for (const a of p.accounts) expect(csms.has(a.owner!)).toBe(true);
  });

  it('has a catalog of core features and priced add-ons', () => {
    expect(p.catalog.length).toBeGreaterThanOrEqual(8);
    expect(p.catalog.length).toBeLessThanOrEqual(10);
    expect(p.catalog.filter((c) => c.core === 'true')).toHaveLength(6);
    const addOns = p.catalog.filter((c) => c.add_on === 'true');
    expect(addOns).toHaveLength(2);
    for (const a of addOns) expect(Number(a.list_price)).toBeGreaterThan(0);
  });

  it('prices segments differently, with annual and multi-year terms chained by renewals', () => {
    const segOf = new Map(p.accounts.map((a) => [a.id, a.segment!]));
    const firstArr = new Map<string, number[]>();
    const terms = new Map<string, Record<string, string>[]>();
    for (const c of p.contracts) terms.set(c.account_id!, [...(terms.get(c.account_id!) ?? []), c]);
    for (const [acc, list] of terms) {
      list.sort((a, b) => a.start!.localeCompare(b.start!));
      const seg = segOf.get(acc)!;
      firstArr.set(seg, [...(firstArr.get(seg) ?? []), Number(list[0]!.arr)]);
      for (let i = 1; i < list.length; i++) {
        // each renewal is a new contract starting the day after the previous term
        expect(dayOf(list[i]!.start!)).toBe(dayOf(list[i - 1]!.end!) + 1);
        expect(['renewed', 'expanded', 'contracted']).toContain(list[i - 1]!.status);
      }
      const last = list[list.length - 1]!;
      expect(['active', 'churned']).toContain(last.status);
      if (last.status === 'churned') {
        expect(last.churned_at).toBeTruthy();
        expect(last.churn_reason).toBeTruthy();
        expect(last.churned_at! <= last.end!).toBe(true);
      }
    }
    const med = (s: string) => median(firstArr.get(s)!);
    expect(med('smb')).toBeGreaterThan(5_000);
    expect(med('smb')).toBeLessThan(25_000);
    expect(med('mid-market')).toBeGreaterThan(25_000);
    expect(med('mid-market')).toBeLessThan(120_000);
    expect(med('enterprise')).toBeGreaterThan(120_000);
    const months = new Set(p.contracts.map((c) => Math.round((dayOf(c.end!) - dayOf(c.start!)) / 30.4)));
    expect(months.has(12)).toBe(true);
    expect(months.has(24) || months.has(36)).toBe(true);
    expect(new Set(p.contracts.map((c) => c.status))).toEqual(
      new Set(['active', 'renewed', 'expanded', 'contracted', 'churned']),
    );
    expect(p.contracts.some((c) => c.products!.includes(';'))).toBe(true);
  });

  it('has contacts in every role; a champion who leaves has left_at and a contact_change event', () => {
    expect(new Set(p.contacts.map((c) => c.role))).toEqual(
      new Set(['champion', 'executive_sponsor', 'admin', 'user']),
    );
    const leftChampions = p.contacts.filter((c) => c.role === 'champion' && c.left_at);
    expect(leftChampions.length).toBeGreaterThan(10);
    const changes = new Map(
      p.events
        .filter((e) => e.type === 'contact_change' && e.properties.change === 'left')
        .map((e) => [e.contactId, e.time.slice(0, 10)]),
    );
    const windowStart = '2024-12-01';
    for (const c of leftChampions) if (c.left_at! >= windowStart) expect(changes.get(c.id)).toBe(c.left_at);
  });

  it('keeps a ground truth that agrees with the contracts', () => {
    expect(p.truth.map((t) => t.accountId)).toEqual(p.accounts.map((a) => a.id));
    const last = new Map<string, Record<string, string>>();
    for (const c of p.contracts) {
      const prev = last.get(c.account_id!);
      if (!prev || c.start! > prev.start!) last.set(c.account_id!, c);
    }
    for (const t of p.truth) {
      const c = last.get(t.accountId)!;
      if (t.churned) {
        expect(c.status).toBe('churned');
        expect(c.churned_at).toBe(t.churnDate);
        expect(c.churn_reason).toBe(t.churnReason);
        expect(t.noticeDate! <= t.churnDate!).toBe(true);
        expect(t.renewals.at(-1)?.outcome).toBe('churned');
      } else {
        expect(c.status).toBe('active');
        expect(t.churnDate).toBeNull();
      }
      for (const r of t.renewals.filter((x) => x.outcome !== 'churned'))
        expect(p.contracts.find((k) => k.account_id === t.accountId && k.start === r.date)).toBeTruthy();
      if (t.expanded)
        expect(t.renewals.some((r) => r.outcome === 'expanded' && r.arrAfter > r.arrBefore)).toBe(true);
      if (t.contracted)
        expect(t.renewals.some((r) => r.outcome === 'contracted' && r.arrAfter < r.arrBefore)).toBe(true);
      for (const h of Object.values(t.health)) expect(h >= 0 && h <= 1).toBe(true);
    }
    expect(p.totals.churned).toBe(p.truth.filter((t) => t.churned).length);
  });

  it('has realistic outcomes: 10-20% annual logo churn, some silent churners, expansions, contractions, new logos', () => {
    const end = dayOf('2026-11-15');
    const rates = [1, 2].map((year) => {
      const from = end - 365 * year;
      const to = from + 365;
      const alive = p.truth.filter(
        (t) => dayOf(t.createdAt) <= from && (!t.churned || dayOf(t.churnDate!) >= from),
      );
      return alive.filter((t) => t.churned && dayOf(t.churnDate!) < to).length / alive.length;
    });
    for (const r of rates) {
      expect(r).toBeGreaterThan(0.08);
      expect(r).toBeLessThan(0.25);
    }
    const churners = p.truth.filter((t) => t.churned);
    const silent = churners.filter((t) => t.silent).length / churners.length;
    expect(silent).toBeGreaterThan(0.03);
    expect(silent).toBeLessThan(0.25);
    expect(p.truth.filter((t) => t.expanded).length).toBeGreaterThan(15);
    expect(p.truth.filter((t) => t.contracted).length).toBeGreaterThan(10);
    expect(p.truth.filter((t) => t.newLogo).length).toBeGreaterThan(40);
    // churners that warned us carry drivers and observable signals
    const warned = churners.filter((t) => !t.silent);
    expect(warned.filter((t) => t.signals.length > 0).length / warned.length).toBeGreaterThan(0.8);
  });

  it('shows the leading signals: churners’ logins fall before churn far more than renewers’', () => {
    // logins in the 90 days before the end vs the monthly rate of the 180 days before that
    const ratio = (acc: string, day: number) => {
      const before = loginSum(acc, day - 270, day - 90) / 2;
      return before === 0 ? null : loginSum(acc, day - 90, day) / before;
    };
    const churn: number[] = [];
    const renew: number[] = [];
    for (const t of p.truth) {
      if (t.churned && !t.silent) {
        const r = ratio(t.accountId, dayOf(t.churnDate!) + 1);
        if (r !== null) churn.push(r);
      }
      for (const x of t.renewals)
        if (x.outcome !== 'churned') {
          const r = ratio(t.accountId, dayOf(x.date));
          if (r !== null) renew.push(r);
        }
    }
    expect(churn.length).toBeGreaterThan(30);
    expect(renew.length).toBeGreaterThan(100);
    expect(median(churn)).toBeLessThan(0.75);
    expect(median(renew)).toBeGreaterThan(0.9);
    expect(median(renew) - median(churn)).toBeGreaterThan(0.3);

    // months ahead, before any notice: the last 3 months before notice vs 9-12 months before it
    const lead = (acc: string, day: number) => {
      const before = loginSum(acc, day - 365, day - 273);
      return before === 0 ? null : loginSum(acc, day - 92, day) / before;
    };
    const churnLead = p.truth
      .filter((t) => t.churned && !t.silent && t.noticeDate)
      .map((t) => lead(t.accountId, dayOf(t.noticeDate!)))
      .filter((x): x is number => x !== null);
    const renewLead = p.truth
      .flatMap((t) =>
        t.renewals.filter((x) => x.outcome !== 'churned').map((x) => lead(t.accountId, dayOf(x.date) - 60)),
      )
      .filter((x): x is number => x !== null);
    expect(churnLead.length).toBeGreaterThan(20);
    expect(median(churnLead)).toBeLessThan(median(renewLead) - 0.2);

    // silent churners give no warning: their usage holds up until notice
    const silentLead = p.truth
      .filter((t) => t.silent && t.noticeDate)
      .map((t) => lead(t.accountId, dayOf(t.noticeDate!)))
      .filter((x): x is number => x !== null);
    if (silentLead.length >= 3) expect(median(silentLead)).toBeGreaterThan(median(churnLead));
  });

  it('has a weekly rhythm and gaps in the data', () => {
    let weekday = 0;
    let weekend = 0;
    for (const m of logins.values())
      for (const [d, n] of m) {
        const dow = (d + 4) % 7;
        if (dow === 0 || dow === 6) weekend += n;
        else weekday += n;
      }
    expect(weekday / 5 / (weekend / 2)).toBeGreaterThan(5);
    const withNps = new Set(p.events.filter((e) => e.type === 'nps_response').map((e) => e.accountId));
    const withMeetings = new Set(p.events.filter((e) => e.type === 'meeting').map((e) => e.accountId));
    expect(withNps.size).toBeLessThan(p.accounts.length * 0.9);
    expect(withMeetings.size).toBeLessThan(p.accounts.length);
  });
});

describe('simulatePortfolio determinism', () => {
  const opts: DemoOptions = { accounts: 12, months: 6, seed: 5, endDate: '2026-03-31' };

  it('gives identical output for the same options and different output for another seed', () => {
    const a = generate(opts);
    const b = generate(opts);
    expect(b.digest).toBe(a.digest);
    expect(generate({ ...opts, seed: 6 }).digest).not.toBe(a.digest);
  });

  it("keeps an account's rows independent of how many accounts follow it", () => {
    const small = generate(opts);
    const large = generate({ ...opts, accounts: 30 });
    expect(large.accounts.slice(0, 12)).toEqual(small.accounts);
    expect(large.events.filter((e) => small.accounts.some((a) => a.id === e.accountId))).toEqual(
      small.events,
    );
  });

  it('starts the window on the first day of the month `months - 1` before the end date', () => {
    const p = generate(opts);
    expect([...p.usage.keys()].sort()).toEqual([
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ]);
    const times = p.events.map((e) => e.time).sort();
    expect(times[0]! >= '2025-10-01').toBe(true);
    expect(times.at(-1)! <= '2026-03-31T23:59:59.999Z').toBe(true);
  });
});
