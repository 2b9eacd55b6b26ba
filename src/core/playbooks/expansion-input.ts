import type { AccountData } from '../data-model/account-data.ts';
import { dayNumber } from '../dates/day-number.ts';
import type { ExpansionInput } from './expansion.ts';

/**
 * Reads the expansion evidence out of an account's data as of a date: core
 * features used in the last 60 days (the core-feature-adoption window), active
 * contacts in the last 30 days (the active-seats window), expansion talk in the
 * last 180 days, and the seats, ARR and products of the terms in force.
 */
export function expansionInputFromData(
  data: AccountData,
  asOf: string,
  score: number,
  topQuartileScore: number,
): ExpansionInput {
  const today = dayNumber(asOf);
  const within = (day: string, days: number) => {
    const ago = today - dayNumber(day);
    return ago >= 0 && ago < days;
  };
  const terms = data.contracts.filter(
    (c) =>
      c.start.slice(0, 10) <= asOf.slice(0, 10) &&
      (c.end === null || c.end.slice(0, 10) >= asOf.slice(0, 10)) &&
      c.status !== 'churned',
  );
  const used = new Set<string>();
  for (const f of data.featureDaily) if (f.count > 0 && within(f.day, 60)) used.add(f.feature);
  const active = new Set<string>();
  for (const u of data.userDaily) if (u.events > 0 && within(u.day, 30)) active.add(u.contactId);
  const talk = data.events
    .filter((e) => e.type === 'expansion_signal' && within(e.time, 180))
    .map((e) => {
      const p = e.properties as { kind?: string; product?: string; text?: string };
      return { kind: p.kind ?? 'expansion_signal', product: p.product, text: p.text };
    });
  const seats = terms.reduce((s, c) => s + (c.seats ?? 0), 0);
  return {
    accountId: data.account.id,
    name: data.account.name,
    score,
    topQuartileScore,
    arr: terms.reduce((s, c) => s + c.arr, 0),
    seats: seats > 0 ? seats : null,
    products: [...new Set(terms.flatMap((c) => c.products))],
    catalog: data.catalog,
    usedFeatures: [...used],
    activeUsers: active.size,
    expansionSignals: talk,
  };
}
