import { addMonths, monthStart, toDayNumber } from './calendar.ts';
import { DEMO_CATALOG } from './demo-catalog.ts';
import type { DemoOptions, DemoSink } from './demo-types.ts';
import { createRng } from './prng.ts';
import { type AccountWorld, simulateAccount } from './simulate-account.ts';
import * as V from './vocabulary.ts';

/**
 * Usage activity scale: with it, 10,000 accounts × 24 months give about 20
 * million usage rows (measured; see the demo generator's report).
 */
export const DEMO_USAGE_SCALE = 0.6;

export type DemoTotals = {
  accounts: number;
  usageRows: number;
  events: number;
  contracts: number;
  contacts: number;
  churned: number;
};

/**
 * The portfolio-wide part: the vendor's people (admin, managers, CSMs), the
 * catalog, and the world every account is simulated in. Accounts are then
 * simulated one by one with `simulateAccount(i, world, sink)`, which lets a
 * caller pace the work; `simulatePortfolio` does it all in one go.
 */
export function createDemoWorld(
  options: DemoOptions,
  sink: Pick<DemoSink, 'user' | 'catalog'>,
): AccountWorld {
  const endDay = toDayNumber(options.endDate);
  // the window: `months` whole months ending with the end date's month
  const windowStart = addMonths(monthStart(endDay), -(options.months - 1));
  const rng = createRng(options.seed, -1);
  const csmCount = Math.max(8, Math.min(15, Math.round(options.accounts / 25)));
  const managerCount = csmCount > 10 ? 3 : 2;
  const person = () => `${rng.pick(V.FIRST)} ${rng.pick(V.LAST)}`;
  sink.user(['admin', 'Vigil Admin', 'admin@vendor.example', 'admin', null]);
  const managers: string[] = [];
  for (let i = 1; i <= managerCount; i++) {
    const id = `mgr-${i}`;
    managers.push(id);
    sink.user([id, person(), `${id}@vendor.example`, 'manager', null]);
  }
  const csms: string[] = [];
  for (let i = 1; i <= csmCount; i++) {
    const id = `csm-${i}`;
    csms.push(id);
    sink.user([id, person(), `${id}@vendor.example`, 'csm', managers[(i - 1) % managerCount]!]);
  }
  for (const f of DEMO_CATALOG) sink.catalog([f.key, f.name, f.core, f.addOn, f.listPrice]);
  return { seed: options.seed, windowStart, endDay, csms, usageScale: DEMO_USAGE_SCALE };
}

/** Generates the whole portfolio into `sink`, account by account (memory stays flat). */
export function simulatePortfolio(options: DemoOptions, sink: DemoSink): DemoTotals {
  const world = createDemoWorld(options, sink);
  const totals: DemoTotals = { accounts: 0, usageRows: 0, events: 0, contracts: 0, contacts: 0, churned: 0 };
  for (let i = 0; i < options.accounts; i++) {
    const r = simulateAccount(i, world, sink);
    totals.accounts++;
    totals.usageRows += r.usageRows;
    totals.events += r.events;
    totals.contracts += r.contracts;
    totals.contacts += r.contacts;
    if (r.churned) totals.churned++;
  }
  return totals;
}
