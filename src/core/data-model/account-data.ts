import type { Account, CatalogFeature, Contact, Contract } from './entities.ts';
import type { VigilEvent } from './events.ts';
import type { FeatureDaily, UsageDaily, UserDaily } from './rollups.ts';

/**
 * Everything the pure core needs to compute one account's signals as of a date.
 * The store loads it (bounded by a look-back window); core functions never see I/O.
 * Arrays are sorted by time/day ascending.
 */
export type AccountData = {
  account: Account;
  contracts: Contract[];
  contacts: Contact[];
  /** Non-usage timeline events. */
  events: VigilEvent[];
  usageDaily: UsageDaily[];
  featureDaily: FeatureDaily[];
  userDaily: UserDaily[];
  catalog: CatalogFeature[];
};
