import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../store/database.ts';
import { openTestStore, TEST_STORE_KINDS } from '../../store/test-stores.ts';
import { contextForStore, fixedClock } from '../context.ts';
import { importFiles } from './import-files.ts';
import { listPresets, loadPreset } from './presets.ts';

const EXAMPLES = resolve(import.meta.dirname, '../../../examples/presets');

/** What each sample holds, counted by hand from the files under examples/presets/. */
const EXPECTED: Record<
  string,
  { accounts: number; contacts: number; contracts: number; events: Record<string, number>; usage: number }
> = {
  segment: { accounts: 2, contacts: 2, contracts: 0, events: {}, usage: 3 },
  stripe: {
    accounts: 3,
    contacts: 0,
    contracts: 3,
    events: { invoice_issued: 3, invoice_paid: 2 },
    usage: 0,
  },
  hubspot: { accounts: 3, contacts: 3, contracts: 2, events: {}, usage: 0 },
  salesforce: { accounts: 3, contacts: 2, contracts: 2, events: {}, usage: 0 },
  zendesk: {
    accounts: 2,
    contacts: 0,
    contracts: 0,
    events: { ticket_opened: 4, ticket_closed: 3 },
    usage: 0,
  },
  intercom: {
    accounts: 2,
    contacts: 0,
    contracts: 0,
    events: { ticket_opened: 3, ticket_closed: 2 },
    usage: 0,
  },
};

it('ships a preset for each documented export', () => {
  expect(listPresets()).toEqual(Object.keys(EXPECTED).sort());
  expect(() => loadPreset('stipe')).toThrow(/unknown preset "stipe"; did you mean "stripe"\?/);
});

describe.each(TEST_STORE_KINDS)('presets import their samples with zero rejects on %s', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await openTestStore(kind);
  });
  afterAll(async () => {
    await store?.close();
  });

  it.each(Object.keys(EXPECTED))('%s', async (name) => {
    // a fresh schema per preset keeps the counts its own
    await store.close();
    store = await openTestStore(kind);
    const ctx = contextForStore(store, { clock: fixedClock('2025-06-01T00:00:00Z') });
    const r = await importFiles(ctx, { paths: [join(EXAMPLES, name)], mapping: loadPreset(name) });
    for (const f of r.files) {
      expect(f.rejected, `${f.path} ${JSON.stringify(f.rejects)}`).toBe(0);
      expect(f.accepted + f.updated + f.duplicates + f.rejected + f.ignored).toBe(f.rows);
    }
    expect(r.warnings).toEqual([]);
    const count = async (table: 'accounts' | 'contacts' | 'contracts') =>
      Number(
        (
          await store.db
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const e = EXPECTED[name]!;
    expect([await count('accounts'), await count('contacts'), await count('contracts')]).toEqual([
      e.accounts,
      e.contacts,
      e.contracts,
    ]);
    const events = await store.db.selectFrom('events').select('type').execute();
    const byType: Record<string, number> = {};
    for (const ev of events) byType[ev.type] = (byType[ev.type] ?? 0) + 1;
    expect(byType).toEqual(e.events);
    expect(r.usageEvents).toBe(e.usage);
    if (name === 'stripe') {
      // by hand: 1,250.00/month x 12; 24,000/year; the active one open-ended, the canceled one ended
      const subs = await store.db
        .selectFrom('contracts')
        .select(['id', 'arr', 'end_date', 'status', 'billing_period', 'auto_renew', 'trial'])
        .orderBy('id')
        .execute();
      expect(
        subs.map((s) => [
          s.id,
          Number(s.arr),
          s.end_date,
          s.status,
          s.billing_period,
          Number(s.auto_renew),
          Number(s.trial),
        ]),
      ).toEqual([
        ['sub_1OaBcDeFgHiJkLmN', 15000, null, 'active', 'month', 1, 0],
        ['sub_1PbCdEfGhIjKlMnO', 24000, '2025-02-01', 'churned', 'year', 0, 0],
        ['sub_1QcDeFgHiJkLmNoP', 3000, null, 'active', 'month', 1, 1],
      ]);
    }
  });
});
