import { accountTermsOn, isLive } from '../contracts/contract-terms.ts';
import type { Contact, Contract } from '../data-model/entities.ts';
import { daysBetween } from '../dates/day-number.ts';
import type { AccountEvent } from './account-event.ts';
import { type ChampionFact, findChampion } from './current-champion.ts';
import { type ExecutiveTouch, findLastExecutiveTouch } from './last-executive-touch.ts';
import { findLatestNps, type NpsFact } from './latest-nps.ts';

export type ContractFact = {
  id: string;
  plan: string | null;
  products: string[];
  start: string;
  /** Last day of the term, or null for an open-ended subscription. */
  end: string | null;
  billingPeriod: 'month' | 'year' | null;
  autoRenew: boolean;
  trial: boolean;
  seats: number | null;
  arr: number;
  currency: string;
};

export type AccountHeaderFacts = {
  asOf: string;
  /** ARR and seats of the contracts live on `asOf` (the one contract rule). */
  arr: number;
  seats: number;
  /** The earliest renewal of a live contract and the whole days left to it (0 = renews today). */
  renewal: { date: string; daysLeft: number } | null;
  /** The live contract with the most ARR (the one a CSM talks about), and how many are live. */
  contract: ContractFact | null;
  liveContracts: number;
  lastExecutiveTouch: ExecutiveTouch | null;
  champion: ChampionFact;
  latestNps: NpsFact | null;
};

/**
 * The facts a CSM needs first on the account page, as of a date, from the account's contracts,
 * contacts and timeline events. ARR and the renewal date come from the one contract rule
 * (`accountTermsOn`); the executive touch, champion and NPS rules are the signals' own.
 */
export function computeAccountHeaderFacts(
  input: {
    contracts: readonly Contract[];
    contacts: readonly Contact[];
    events: readonly AccountEvent[];
  },
  asOf: string,
): AccountHeaderFacts {
  const day = asOf.slice(0, 10);
  const terms = accountTermsOn(input.contracts, day);
  const live = input.contracts.filter((c) => isLive(c, day));
  const main = [...live].sort(
    (a, b) => b.arr - a.arr || a.start.localeCompare(b.start) || a.id.localeCompare(b.id),
  )[0];
  return {
    asOf: day,
    arr: terms.arr,
    seats: terms.seats,
    renewal: terms.renewalDate
      ? { date: terms.renewalDate, daysLeft: daysBetween(day, terms.renewalDate) }
      : null,
    contract: main
      ? {
          id: main.id,
          plan: main.plan ?? null,
          products: [...main.products],
          start: main.start,
          end: main.end,
          billingPeriod: main.billingPeriod ?? null,
          autoRenew: main.autoRenew === true,
          trial: main.trial === true,
          seats: main.seats ?? null,
          arr: main.arr,
          currency: main.currency,
        }
      : null,
    liveContracts: live.length,
    lastExecutiveTouch: findLastExecutiveTouch(input.events, day),
    champion: findChampion(input.contacts, day, input.events),
    latestNps: findLatestNps(input.events, day),
  };
}
