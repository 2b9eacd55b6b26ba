import { describe, expect, it } from 'vitest';
import { findChampion } from '../accounts/current-champion.ts';
import { findLastExecutiveTouch } from '../accounts/last-executive-touch.ts';
import type { AccountData } from '../data-model/account-data.ts';
import type { Contact } from '../data-model/entities.ts';
import type { VigilEvent } from '../data-model/events.ts';
import { textSentiment } from '../scoring/sentiment.ts';
import { championStatus } from './champion-status.ts';
import { execTouchRecency } from './exec-touch-recency.ts';
import type { SignalContext } from './signal-definition.ts';
import { toDay } from './signal-helpers.ts';

// Issue 19: "last executive touch" and "current champion" are one rule each (src/core/accounts),
// read by the account header and by the exec-touch-recency / champion-status signals. Hand-made
// cases: the signal and the header must tell the same story on each.
const AS_OF = '2026-06-30';
const D = toDay(AS_OF);
const day = (ago: number) => new Date((D - ago) * 86_400_000).toISOString().slice(0, 10);
const ctx: SignalContext = { asOf: AS_OF, asOfDay: D, sentiment: textSentiment, sentimentValidDays: 90 };
let n = 0;
const ev = (
  ago: number,
  type: string,
  properties: Record<string, unknown>,
  contactId: string | null = null,
) =>
  ({
    id: `e${++n}`,
    accountId: 'a',
    contactId,
    type,
    time: `${day(ago)}T10:00:00.000Z`,
    properties,
  }) as VigilEvent;
const champion = (id: string, joined: number, left?: number): Contact => ({
  id,
  accountId: 'a',
  name: `Person ${id}`,
  role: 'champion',
  joinedAt: day(joined),
  ...(left === undefined ? {} : { leftAt: day(left) }),
});
const data = (contacts: Contact[], events: VigilEvent[]) =>
  ({
    account: { id: 'a', name: 'A', segment: 'smb', traits: {}, owner: 'csm' },
    contracts: [],
    contacts,
    events,
    usageDaily: [],
    featureDaily: [],
    userDaily: [],
    catalog: [],
  }) as unknown as AccountData;

describe('champion: the signal and the account header read one rule', () => {
  const cases: [string, Contact[], VigilEvent[], 'present' | 'left' | 'none', number][] = [
    ['in place', [champion('c1', 300)], [], 'present', 1],
    ['never had one', [], [], 'none', 0.4],
    ['joins in the future', [champion('c1', -5)], [], 'none', 0.4],
    // left 100 days ago: 0.05 + 0.3 × 100/365 = 0.132… → 0.13
    ['left (leave date)', [champion('c1', 300, 100)], [], 'left', 0.13],
    ['leaves in the future', [champion('c1', 300, -10)], [], 'present', 1],
    // only a "left" event, no leave date on the contact: gone on both (the header's rule)
    [
      'left (event only)',
      [champion('c1', 300)],
      [ev(100, 'contact_change', { change: 'left', role: 'champion' }, 'c1')],
      'left',
      0.13,
    ],
    ['replaced', [champion('c1', 300, 100), champion('c2', 50)], [], 'present', 1],
  ];
  for (const [name, contacts, events, status, value] of cases)
    it(name, () => {
      const fact = findChampion(contacts, AS_OF, events);
      const signal = championStatus.compute(data(contacts, events), ctx);
      expect(fact.status).toBe(status);
      expect(signal?.value).toBe(value);
      if (fact.status === 'left') {
        expect(fact.leftOn).toBe(day(100));
        expect(signal?.detail).toBe('champion left 100 days ago, no replacement');
      }
      if (fact.status === 'present') expect(signal?.detail).toContain(fact.name);
    });
});

describe('last executive touch: the signal and the account header read one rule', () => {
  it('the latest executive touch or held meeting with an executive, nothing after as-of', () => {
    const events = [
      ev(200, 'executive_touch', { channel: 'dinner' }),
      ev(40, 'meeting', { kind: 'qbr', status: 'held', executivePresent: true }),
      ev(10, 'meeting', { kind: 'qbr', status: 'cancelled', executivePresent: true }),
      ev(5, 'meeting', { kind: 'call', status: 'held', executivePresent: false }),
      ev(-3, 'executive_touch', { channel: 'call' }), // after as-of
    ];
    expect(findLastExecutiveTouch(events, AS_OF)?.daysAgo).toBe(40);
    expect(execTouchRecency.compute(data([], events), ctx)).toEqual({
      value: 40,
      detail: 'executive touch 40 days ago',
    });
  });

  it('none on record', () => {
    expect(findLastExecutiveTouch([], AS_OF)).toBeNull();
    // without tenure (no contract) the signal is not available
    expect(execTouchRecency.compute(data([], []), ctx)).toBeNull();
  });
});
