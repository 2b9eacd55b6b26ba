import { describe, expect, it } from 'vitest';
import { contractRenewalDate, isLive } from '../contracts/contract-terms.ts';
import { hubspotSettingsSchema } from './connection-schema.ts';
import {
  advanceCursor,
  applyRenewalDates,
  type CrmDeal,
  contactRoleOf,
  fieldDirection,
  isAfterCursor,
  mapDeal,
  mapOwnersToUsers,
} from './crm-read-mapping.ts';

const read = hubspotSettingsSchema.parse({}).read;
const deal = (over: Partial<CrmDeal>): CrmDeal => ({
  id: 'd1',
  modifiedAt: '2026-01-01T00:00:00.000Z',
  companyId: 'c1',
  name: 'Deal',
  amount: 12000,
  closeDate: '2026-02-28',
  stage: 'won',
  type: null,
  ...over,
});

describe('CRM read mapping', () => {
  it('owners map to users by e-mail, case-insensitively; the rest are unknown', () => {
    const m = mapOwnersToUsers(
      [
        { id: '1', email: ' Ann@X.io ', name: 'Ann' },
        { id: '2', email: 'zed@x.io', name: 'Zed' },
        { id: '3', email: null, name: 'Nobody' },
      ],
      [
        { id: 'ann', email: 'ann@x.io' },
        { id: 'bo', email: null },
      ],
    );
    expect([...m.byOwnerId]).toEqual([['1', 'ann']]);
    expect(m.unknown.map((o) => o.id)).toEqual(['2', '3']);
  });

  it('buying roles: the strongest of several wins; unknown values keep the stored role (null)', () => {
    expect(contactRoleOf('CHAMPION')).toBe('champion');
    expect(contactRoleOf('END_USER;DECISION_MAKER')).toBe('executive_sponsor');
    expect(contactRoleOf('Economic Buyer')).toBe('executive_sponsor');
    expect(contactRoleOf('Technical Buyer')).toBe('admin');
    expect(contactRoleOf('Business User')).toBe('user');
    expect(contactRoleOf('Astronaut')).toBeNull();
    expect(contactRoleOf('')).toBeNull();
  });

  it('a won deal is a contract of termMonths from its close date, seen by the contract rule', () => {
    const m = mapDeal('hs', deal({ closeDate: '2026-01-31', amount: 6000 }), 'acme', {
      ...read,
      termMonths: 6,
    });
    expect(m).toMatchObject({
      kind: 'contract',
      contract: { id: 'hs:d1', start: '2026-01-31', end: '2026-07-30', arr: 12000 },
    });
    if (m.kind !== 'contract') throw new Error('not a contract');
    // hand-computed: 6 months from 31 Jan is 31 Jul; the last live day is 30 Jul
    expect(isLive(m.contract, '2026-07-30')).toBe(true);
    expect(isLive(m.contract, '2026-07-31')).toBe(false);
    expect(contractRenewalDate(m.contract, '2026-03-01')).toBe('2026-07-31');
  });

  it('open renewals give the renewal date; lost and open new business are ignored', () => {
    expect(mapDeal('hs', deal({ stage: 'open', type: 'EXISTINGBUSINESS' }), 'a', read)).toEqual({
      kind: 'renewal',
      accountId: 'a',
      renewalDate: '2026-02-28',
      amount: 12000,
    });
    expect(mapDeal('hs', deal({ stage: 'open', type: 'newbusiness' }), 'a', read).kind).toBe('ignored');
    expect(mapDeal('hs', deal({ stage: 'lost' }), 'a', read).kind).toBe('ignored');
    expect(mapDeal('hs', deal({ amount: null }), 'a', read).kind).toBe('ignored');
    expect(mapDeal('hs', deal({ closeDate: null }), 'a', read).kind).toBe('ignored');
    const won = mapDeal('hs', deal({ closeDate: '2025-03-01' }), 'a', read);
    if (won.kind !== 'contract') throw new Error('not a contract');
    const changed = applyRenewalDates([won.contract], [{ accountId: 'a', renewalDate: '2026-03-15' }]);
    expect(changed.map((c) => c.end)).toEqual(['2026-03-14']);
    expect(applyRenewalDates([won.contract], [{ accountId: 'b', renewalDate: '2026-03-15' }])).toEqual([]);
  });

  it('the cursor: >= its instant, skipping only the ids applied at exactly that instant', () => {
    const c = advanceCursor(null, [
      { id: 'a', modifiedAt: '2026-01-01T00:00:00.000Z' },
      { id: 'b', modifiedAt: '2026-01-02T00:00:00.000Z' },
      { id: 'c', modifiedAt: '2026-01-02T00:00:00.000Z' },
    ]);
    expect(c).toEqual({ at: '2026-01-02T00:00:00.000Z', ids: ['b', 'c'] });
    expect(isAfterCursor({ id: 'a', modifiedAt: '2026-01-01T00:00:00.000Z' }, c)).toBe(false);
    expect(isAfterCursor({ id: 'b', modifiedAt: '2026-01-02T00:00:00.000Z' }, c)).toBe(false);
    expect(isAfterCursor({ id: 'd', modifiedAt: '2026-01-02T00:00:00.000Z' }, c)).toBe(true);
    expect(isAfterCursor({ id: 'b', modifiedAt: '2026-01-02T00:00:00.001Z' }, c)).toBe(true);
    expect(advanceCursor(c, [])).toBe(c);
  });

  it('directions: pushed fields write and read fields read unless set to none', () => {
    expect(fieldDirection({}, 'score')).toBe('write');
    expect(fieldDirection({}, 'owner')).toBe('read');
    expect(fieldDirection({ owner: 'none', score: 'none' }, 'owner')).toBe('none');
    expect(() => hubspotSettingsSchema.parse({ directions: { owner: 'write' } })).toThrow(/read or none/);
    expect(() => hubspotSettingsSchema.parse({ directions: { colour: 'read' } })).toThrow(
      /unknown field ..?colour/,
    );
  });
});
