import { describe, expect, it } from 'vitest';
import { renewalDateOn, termEndOn } from '../data-model/contract-term.ts';
import { mapRow, NOT_FOUND } from './map-row.ts';
import { type FileMapping, parseMapping } from './mapping.ts';
import { parseNumber, readDate, readTime } from './values.ts';

const entry = (yaml: string): FileMapping => parseMapping(`files:\n${yaml}`, 'm.yaml').files[0]!;

describe('locale numbers (issue 20 item 3)', () => {
  it('reads unambiguous plain numbers without a declaration', () => {
    expect(parseNumber('1234.5')).toBe(1234.5);
    expect(parseNumber('-3')).toBe(-3);
    expect(parseNumber('$120')).toBe(120);
    expect(parseNumber('1e3')).toBe(1000);
  });
  it.each([
    ['1.234,50', /ambiguous/],
    ['12,5', /ambiguous/],
    ['1 234,50', /ambiguous/],
    ['1,234', /ambiguous/],
    ['0x10', /not a decimal number/],
    ['Infinity', /not a number/],
  ])('rejects %s without a declared decimal separator', (raw, why) => {
    expect(() => parseNumber(raw)).toThrow(why);
  });
  it('reads them when the mapping declares the separator', () => {
    expect(parseNumber('1.234,50', ',')).toBe(1234.5);
    expect(parseNumber('12,5', ',')).toBe(12.5);
    expect(parseNumber('1 234,50', ',')).toBe(1234.5);
    expect(parseNumber('1,234.50', '.')).toBe(1234.5);
    expect(() => parseNumber('1,23,4', '.')).toThrow(/not a number/);
    expect(() => parseNumber('0x10', ',')).toThrow();
  });
  it('a mapped row names the field and the reason', () => {
    const fm = entry('  - match: x\n    kind: contracts\n');
    const r = mapRow({ id: 'c', account_id: 'a', start: '2025-01-01', arr: '1.234,50' }, 'contracts', fm);
    expect(r).toMatchObject({ ok: false, field: 'arr' });
    expect(!r.ok && !r.ignored && r.reason).toMatch(/ambiguous.*decimal: ","/);
    const ok = mapRow({ id: 'c', account_id: 'a', start: '2025-01-01', arr: '1.234,50' }, 'contracts', {
      ...fm,
      decimal: ',',
    });
    expect(ok).toMatchObject({ ok: true, value: { arr: 1234.5 } });
  });
});

describe('dates and time zones (issue 20 item 10)', () => {
  it('reads date patterns: compact, day-first, with times', () => {
    expect(readDate('20240229', { format: 'YYYYMMDD', timeZone: 'UTC' })).toBe('2024-02-29');
    expect(() => readDate('20230229', { format: 'YYYYMMDD', timeZone: 'UTC' })).toThrow(/not a valid date/);
    expect(readDate('31/12/2024', { format: 'DD/MM/YYYY', timeZone: 'UTC' })).toBe('2024-12-31');
    expect(readTime('31.12.2024 23:30', { format: 'DD.MM.YYYY HH:mm', timeZone: 'UTC' })).toBe(
      '2024-12-31T23:30:00.000Z',
    );
  });
  it('reads a timestamp without a zone in the declared zone, never the machine TZ', () => {
    // 2024-07-01 09:00 in Los Angeles (PDT, UTC-7) is 16:00 UTC; in Berlin (CEST, UTC+2) 07:00 UTC
    expect(readTime('2024-07-01 09:00:00', { format: 'iso', timeZone: 'America/Los_Angeles' })).toBe(
      '2024-07-01T16:00:00.000Z',
    );
    expect(readTime('2024-07-01T09:00', { format: 'iso', timeZone: 'Europe/Berlin' })).toBe(
      '2024-07-01T07:00:00.000Z',
    );
    // winter: PST is UTC-8
    expect(readTime('2024-01-15 09:00', { format: 'iso', timeZone: 'America/Los_Angeles' })).toBe(
      '2024-01-15T17:00:00.000Z',
    );
    // default UTC; an explicit offset wins over the declared zone
    expect(readTime('2024-07-01 09:00:00', { format: 'iso', timeZone: 'UTC' })).toBe(
      '2024-07-01T09:00:00.000Z',
    );
    expect(readTime('2024-07-01T09:00:00+02:00', { format: 'iso', timeZone: 'America/Los_Angeles' })).toBe(
      '2024-07-01T07:00:00.000Z',
    );
    // a date alone is midnight in the zone
    expect(readTime('2024-07-01', { format: 'iso', timeZone: 'Asia/Tokyo' })).toBe(
      '2024-06-30T15:00:00.000Z',
    );
  });
  it('epoch seconds and milliseconds; the day of an instant is the declared zone’s', () => {
    expect(readTime('1719824400', { format: 'epoch-s', timeZone: 'UTC' })).toBe('2024-07-01T09:00:00.000Z');
    expect(readTime('1719824400000', { format: 'epoch-ms', timeZone: 'UTC' })).toBe(
      '2024-07-01T09:00:00.000Z',
    );
    // 2024-07-01T02:00Z is still June 30 in Los Angeles
    expect(readDate('1719799200', { format: 'epoch-s', timeZone: 'America/Los_Angeles' })).toBe('2024-06-30');
  });
  it('rejects unknown zones and patterns in the mapping, with the line', () => {
    expect(() =>
      parseMapping('timeZone: Mars/Olympus\nfiles:\n  - { match: x, kind: usage }\n', 'm.yaml'),
    ).toThrow(/m.yaml:1 timeZone: is not an IANA time zone/);
    expect(() =>
      parseMapping('files:\n  - match: x\n    kind: usage\n    dateFormat: DD-MM\n', 'm.yaml'),
    ).toThrow(/m.yaml:4 files.0.dateFormat: date format "DD-MM" must contain YYYY/);
  });
});

describe('mapping language', () => {
  it('unknown target fields fail with a did-you-mean and the line', () => {
    expect(() =>
      parseMapping(
        'files:\n  - match: x\n    kind: contracts\n    columns:\n      acount_id: AccountID\n',
        'm.yaml',
      ),
    ).toThrow(
      /m.yaml:5 files.0.columns.acount_id: unknown field "acount_id" for kind contracts; did you mean "account_id"\?/,
    );
    expect(() =>
      parseMapping('files:\n  - match: x\n    kind: usage\n    columns:\n      id: { colum: x }\n', 'm.yaml'),
    ).toThrow(/m.yaml:5 files.0.columns.id.colum: unknown key "colum"; did you mean "column"\?/);
    expect(() =>
      parseMapping(
        'files:\n  - match: x\n    kind: usage\n    columns:\n      account_id: { lookup: subscriptons, by: sub }\n  - { match: y, kind: contracts, name: subscriptions }\n',
        'm.yaml',
      ),
    ).toThrow(/no files entry is named "subscriptons"; did you mean "subscriptions"\?/);
  });

  it('an alias bomb is refused with its line', () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
      'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
      'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
      'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
      'files: [*e]',
    ].join('\n');
    expect(() => parseMapping(bomb, 'bomb.yaml')).toThrow(/^bomb.yaml:2 \(aliases\): /);
  });

  it('nested typed targets with value maps; computed columns', () => {
    const fm = entry(`  - match: x
    kind: events
    columns:
      id: { concat: [ticket, kind], separator: "-" }
      account_id: { coalesce: [org, account] }
      type: { constant: ticket_closed }
      time: { column: opened, format: YYYYMMDD, addDays: 2 }
      properties.ticketId: ticket
      properties.csat: { column: score, type: number }
      properties.escalated: { column: esc, type: boolean }
      properties.priority: { column: prio, values: { P1: urgent, P2: high } }
      properties.source.system: { constant: zendesk }
`);
    const r = mapRow(
      {
        ticket: 'T1',
        kind: 'close',
        org: '',
        account: 'a1',
        opened: '20240227',
        score: '4.0',
        esc: 'Yes',
        prio: 'P1',
      },
      'events',
      fm,
    );
    expect(r).toEqual({
      ok: true,
      kind: 'event',
      value: {
        id: 'T1-close',
        accountId: 'a1',
        contactId: null,
        type: 'ticket_closed',
        time: '2024-02-29T00:00:00.000Z',
        properties: {
          ticketId: 'T1',
          csat: 4,
          escalated: true,
          priority: 'urgent',
          source: { system: 'zendesk' },
        },
      },
    });
  });

  it('lookups: a found key gives the field, a missing one is a reject naming key and entry', () => {
    const fm = entry(`  - match: x
    kind: usage
    columns:
      id: usage_id
      account_id: { lookup: subs, by: subscription_id }
      type: { constant: feature_used }
      time: day
      key: feature
  - { match: y, kind: contracts, name: subs }
`);
    const table = new Map([['S1', 'A1']]);
    const lookup = (_: unknown, key: string) => (table.has(key) ? table.get(key) : NOT_FOUND);
    const row = { usage_id: 'u1', subscription_id: 'S1', day: '2024-01-02', feature: 'reports' };
    expect(mapRow(row, 'usage', fm, { lookup })).toMatchObject({ ok: true, value: { accountId: 'A1' } });
    expect(mapRow({ ...row, subscription_id: 'S9' }, 'usage', fm, { lookup })).toEqual({
      ok: false,
      field: 'account_id',
      reason: 'no row with id "S9" in subs (looked up by column subscription_id)',
    });
  });

  it('a hashed row id is stable, and identical rows get distinct ids', () => {
    const fm = entry(`  - match: x
    kind: events
    columns:
      id: { hash: row }
      account_id: CUST
      type: { constant: invoice_paid }
      time: { column: DATE, format: YYYYMMDD }
      properties.invoiceId: { hash: [CUST, DATE] }
`);
    const rec = { CUST: 'a1', DATE: '20240105', AMOUNT: '10.00' };
    const ids = (hashes: Map<string, number>) =>
      [rec, rec, { ...rec, AMOUNT: '11.00' }].map((r) => {
        const m = mapRow(r, 'events', fm, { hashes });
        return m.ok && m.kind === 'event' ? m.value.id : null;
      });
    const first = ids(new Map());
    expect(new Set(first).size).toBe(3);
    expect(ids(new Map())).toEqual(first);
  });

  it('open-ended contracts: renewal date computed from start and billing period, never a sentinel', () => {
    const fm = entry(`  - match: x
    kind: contracts
    columns: { billing_period: freq, auto_renew: auto }
`);
    const r = mapRow(
      {
        id: 's1',
        account_id: 'a1',
        start: '2024-01-31',
        end: '',
        arr: '1200',
        freq: 'monthly',
        auto: 'True',
      },
      'contracts',
      fm,
    );
    expect(r).toMatchObject({ ok: true, value: { end: null, billingPeriod: 'month', autoRenew: true } });
    const c = { start: '2024-01-31', end: null, billingPeriod: 'month' as const };
    expect(renewalDateOn(c, '2024-02-10')).toBe('2024-02-29'); // clamped to the month's last day
    expect(renewalDateOn(c, '2024-02-29')).toBe('2024-03-31');
    expect(termEndOn(c, '2024-03-05')).toBe('2024-03-30');
    expect(renewalDateOn({ ...c, start: '2024-02-29', billingPeriod: 'year' }, '2025-06-01')).toBe(
      '2026-02-28',
    );
    expect(renewalDateOn({ start: '2024-01-01', end: '2024-12-31', billingPeriod: null }, '2024-06-01')).toBe(
      '2025-01-01',
    );
    const bad = mapRow(
      { id: 's1', account_id: 'a1', start: '2024-01-31', arr: '1', freq: 'weekly' },
      'contracts',
      fm,
    );
    expect(bad).toMatchObject({ ok: false, field: 'billing_period' });
  });

  it('where: rows that do not match are ignored, not rejected', async () => {
    const { passesWhere } = await import('./map-row.ts');
    const fm = entry('  - match: x\n    kind: events\n    where: { flag: ["True", "true"] }\n');
    expect(passesWhere({ flag: 'True' }, fm)).toBe(true);
    expect(passesWhere({ flag: 'False' }, fm)).toBe(false);
  });
});
