import type { Kysely } from 'kysely';
import type { Account, Contact, Contract } from '../../core/data-model/entities.ts';
import type { Store } from '../database.ts';
import {
  type AccountSummary,
  type ListAccountSummariesOptions,
  listAccountSummaries,
} from '../queries/api/list-account-summaries.ts';
import {
  loadAccountData,
  loadAccountsData,
  toAccount,
  toContact,
  toContract,
} from '../queries/load-account-data.ts';
import { filterVisibleAccountIds, isAccountVisible, type Viewer } from '../queries/visible-accounts.ts';
import type { Database } from '../schema.ts';

export type AccountRecord = {
  account: Account & { tags: string[] };
  contracts: Contract[];
  contacts: Contact[];
};

export type AccountsResource = {
  exists(id: string): Promise<boolean>;
  /** True when the store holds no account at all (first start). */
  isEmpty(): Promise<boolean>;
  /** Every account id, in id order (full rescores and backfills walk them in batches). */
  listIds(): Promise<string[]>;
  /** What a viewer may see (see `visibleAccountFilter`). */
  isVisible(viewer: Viewer, id: string): Promise<boolean>;
  filterVisible(viewer: Viewer, ids: string[]): Promise<Set<string>>;
  /** The portfolio list (filters, sort, page) as a viewer sees it. */
  listSummaries(
    viewer: Viewer,
    options: ListAccountSummariesOptions,
  ): Promise<{ total: number; items: AccountSummary[] }>;
  /** An account with its contracts (by start) and contacts (by id), or null. */
  get(id: string): Promise<AccountRecord | null>;
  /** Everything the scoring core needs about one account as of a date. */
  loadData: (id: string, asOf: string, lookbackDays: number) => ReturnType<typeof loadAccountData>;
  /** The same for many accounts at once (keyed by id; unknown ids are absent). */
  loadManyData: (ids: string[], asOf: string, lookbackDays: number) => ReturnType<typeof loadAccountsData>;
};

export function accountsResource(store: Store, db: Kysely<Database>): AccountsResource {
  return {
    async exists(id) {
      return !!(await db.selectFrom('accounts').select('id').where('id', '=', id).executeTakeFirst());
    },
    async isEmpty() {
      return (await db.selectFrom('accounts').select('id').limit(1).execute()).length === 0;
    },
    async listIds() {
      return (await db.selectFrom('accounts').select('id').orderBy('id').execute()).map((r) => r.id);
    },
    isVisible: (viewer, id) => isAccountVisible(store, viewer, id),
    filterVisible: (viewer, ids) => filterVisibleAccountIds(store, viewer, ids),
    listSummaries: (viewer, options) => listAccountSummaries(store, viewer, options),
    async get(id) {
      const [account, contracts, contacts] = await Promise.all([
        db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst(),
        db.selectFrom('contracts').selectAll().where('account_id', '=', id).orderBy('start_date').execute(),
        db.selectFrom('contacts').selectAll().where('account_id', '=', id).orderBy('id').execute(),
      ]);
      if (!account) return null;
      return {
        account: { ...toAccount(account), tags: JSON.parse(account.tags) as string[] },
        contracts: contracts.map(toContract),
        contacts: contacts.map(toContact),
      };
    },
    loadData: (id, asOf, lookbackDays) => loadAccountData(store, id, asOf, lookbackDays),
    loadManyData: (ids, asOf, lookbackDays) => loadAccountsData(store, ids, asOf, lookbackDays),
  };
}
