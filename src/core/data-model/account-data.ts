import type { WorkspaceSources } from '../sources/data-sources.ts';
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
  /**
   * What the whole workspace has sent per data source (first/last day, rows), when the loader
   * knows it: a signal whose source was never sent is not available, a stale one is held.
   * Absent = unknown (every source treated as live).
   */
  sources?: WorkspaceSources;
};
