import { describe, expect, it } from 'vitest';
import type { Contact, Contract } from '../data-model/entities.ts';
import type { AccountEvent } from './account-event.ts';
import { computeAccountHeaderFacts } from './account-header-facts.ts';
import { findChampion } from './current-champion.ts';
import { findLastExecutiveTouch } from './last-executive-touch.ts';
import { findLatestNps } from './latest-nps.ts';

const contract = (c: Partial<Contract> & Pick<Contract, 'id' | 'start' | 'end' | 'arr'>): Contract => ({
  accountId: 'a1',
  currency: 'USD',
  products: [],
  status: 'active',
  ...c,
});
const contact = (c: Partial<Contact> & Pick<Contact, 'id' | 'role'>): Contact => ({ accountId: 'a1', ...c });
const ev = (
  type: string,
  time: string,
  properties: Record<string, unknown>,
  contactId?: string,
): AccountEvent => ({
  type,
  time,
  properties,
  contactId: contactId ?? null,
});

describe('account header facts (hand-made fixtures)', () => {
  it('renews on a leap day: a term ending 2028-02-28 renews 2028-02-29, 28 days after 2028-02-01', () => {
    const f = computeAccountHeaderFacts(
      {
        contracts: [
          contract({ id: 'c-old', start: '2026-03-01', end: '2027-02-28', arr: 9000, status: 'renewed' }),
          contract({
            id: 'c1',
            start: '2027-03-01',
            end: '2028-02-28',
            arr: 12_000,
            seats: 20,
            plan: 'growth',
          }),
        ],
        contacts: [],
        events: [],
      },
      '2028-02-01',
    );
    expect(f.arr).toBe(12_000);
    expect(f.seats).toBe(20);
    expect(f.renewal).toEqual({ date: '2028-02-29', daysLeft: 28 });
    expect(f.contract).toMatchObject({ id: 'c1', plan: 'growth', start: '2027-03-01', end: '2028-02-28' });
    expect(f.liveContracts).toBe(1);
  });

  it('an open-ended monthly subscription started on Jan 31 renews on Feb 28 (month end clamped)', () => {
    const f = computeAccountHeaderFacts(
      {
        contracts: [
          contract({
            id: 'sub',
            start: '2026-01-31',
            end: null,
            billingPeriod: 'month',
            arr: 2400,
            autoRenew: true,
          }),
        ],
        contacts: [],
        events: [],
      },
      '2026-02-10',
    );
    expect(f.renewal).toEqual({ date: '2026-02-28', daysLeft: 18 });
    expect(f.contract).toMatchObject({ end: null, billingPeriod: 'month', autoRenew: true });
  });

  it('names the largest live contract, counts the live ones, and ignores a churned one', () => {
    const f = computeAccountHeaderFacts(
      {
        contracts: [
          contract({ id: 'small', start: '2026-01-01', end: '2026-12-31', arr: 1000, plan: 'add-on' }),
          contract({ id: 'big', start: '2026-02-01', end: '2027-01-31', arr: 50_000, plan: 'enterprise' }),
          contract({
            id: 'gone',
            start: '2025-06-01',
            end: '2026-12-31',
            arr: 99_000,
            status: 'churned',
            churnedAt: '2026-03-01',
          }),
        ],
        contacts: [],
        events: [],
      },
      '2026-04-01',
    );
    expect(f.arr).toBe(51_000);
    expect(f.contract?.id).toBe('big');
    expect(f.liveContracts).toBe(2);
    // the earliest renewal among the live terms
    expect(f.renewal).toEqual({ date: '2027-01-01', daysLeft: 275 });
  });

  it('has no renewal and no contract when nothing is live', () => {
    const f = computeAccountHeaderFacts({ contracts: [], contacts: [], events: [] }, '2026-04-01');
    expect(f).toMatchObject({ arr: 0, renewal: null, contract: null, liveContracts: 0, latestNps: null });
    expect(f.champion).toEqual({ status: 'none' });
    expect(f.lastExecutiveTouch).toBeNull();
  });
});

describe('champion', () => {
  const asOf = '2026-05-01';
  it('names the champion in place, earliest first, and counts the others', () => {
    const c = findChampion(
      [
        contact({ id: 'p2', role: 'champion', name: 'Bo Lin', joinedAt: '2025-06-01' }),
        contact({
          id: 'p1',
          role: 'champion',
          name: 'Ana Ruiz',
          title: 'Head of Ops',
          joinedAt: '2024-01-10',
        }),
        contact({ id: 'p3', role: 'user', name: 'Not A Champion' }),
      ],
      asOf,
    );
    expect(c).toEqual({
      status: 'present',
      name: 'Ana Ruiz',
      title: 'Head of Ops',
      since: '2024-01-10',
      others: 1,
    });
  });

  it('a departed champion: "left on" the latest leave date; a leave date after asOf still counts as present', () => {
    expect(
      findChampion(
        [
          contact({
            id: 'p1',
            role: 'champion',
            name: 'Ana Ruiz',
            title: 'Head of Ops',
            leftAt: '2026-02-14',
          }),
          contact({ id: 'p0', role: 'champion', name: 'Old One', leftAt: '2025-01-01' }),
        ],
        asOf,
      ),
    ).toEqual({ status: 'left', name: 'Ana Ruiz', title: 'Head of Ops', leftOn: '2026-02-14' });
    expect(
      findChampion([contact({ id: 'p1', role: 'champion', name: 'Ana', leftAt: '2026-06-01' })], asOf),
    ).toMatchObject({ status: 'present', name: 'Ana' });
  });

  it('a "left" contact_change event stands for a missing leave date; a champion who joins later does not count yet', () => {
    const contacts = [
      contact({ id: 'p1', role: 'champion', name: 'Ana Ruiz' }),
      contact({ id: 'p2', role: 'champion', name: 'Future Fan', joinedAt: '2026-09-01' }),
    ];
    const events = [
      ev('contact_change', '2026-03-03T10:00:00Z', { change: 'left', role: 'champion' }, 'p1'),
      ev('contact_change', '2026-09-01T10:00:00Z', { change: 'joined', role: 'champion' }, 'p2'),
    ];
    expect(findChampion(contacts, asOf, events)).toEqual({
      status: 'left',
      name: 'Ana Ruiz',
      title: null,
      leftOn: '2026-03-03',
    });
  });

  it('no champion ever', () => {
    expect(findChampion([contact({ id: 'u', role: 'user' })], asOf)).toEqual({ status: 'none' });
  });
});

describe('last executive touch and latest NPS', () => {
  const events = [
    ev('executive_touch', '2026-01-10T09:00:00Z', { channel: 'dinner', executive: 'vp-customer-success' }),
    ev('meeting', '2026-03-02T15:00:00Z', { kind: 'qbr', status: 'held', executivePresent: true }),
    ev('meeting', '2026-04-20T15:00:00Z', { kind: 'qbr', status: 'scheduled', executivePresent: true }),
    ev('meeting', '2026-04-21T15:00:00Z', { kind: 'call', status: 'held', executivePresent: false }),
    ev('executive_touch', '2026-06-01T09:00:00Z', { channel: 'call', executive: 'ceo' }),
    ev('nps_response', '2026-02-01T09:00:00Z', { score: 9 }),
    ev('nps_response', '2026-03-15T09:00:00Z', { score: 4, comment: 'Too slow lately.' }),
    ev('nps_response', '2026-07-01T09:00:00Z', { score: 10 }),
  ];
  it('the latest touch on or before asOf: a held QBR with an executive, not a scheduled one or a later touch', () => {
    expect(findLastExecutiveTouch(events, '2026-05-01')).toEqual({
      date: '2026-03-02',
      daysAgo: 60,
      kind: 'QBR with an executive present',
    });
    expect(findLastExecutiveTouch(events, '2026-02-01')).toEqual({
      date: '2026-01-10',
      daysAgo: 22,
      kind: 'Executive dinner (VP customer success)',
    });
    expect(findLastExecutiveTouch(events.slice(2, 4), '2026-05-01')).toBeNull();
  });

  it('the latest NPS answer on or before asOf, with its category; none without answers', () => {
    expect(findLatestNps(events, '2026-05-01')).toEqual({
      score: 4,
      date: '2026-03-15',
      category: 'detractor',
      comment: 'Too slow lately.',
    });
    expect(findLatestNps(events, '2026-08-01')).toMatchObject({ score: 10, category: 'promoter' });
    expect(findLatestNps(events.slice(0, 5), '2026-05-01')).toBeNull();
  });
});
