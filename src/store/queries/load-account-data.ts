import type { Selectable } from 'kysely';
import type { AccountData } from '../../core/data-model/account-data.ts';
import type { Account, CatalogFeature, Contact, Contract } from '../../core/data-model/entities.ts';
import type { VigilEvent } from '../../core/data-model/events.ts';
import { DAY_MS as DAY } from '../../core/dates/day-number.ts';
import { AppError } from '../../core/errors.ts';
import type { Store } from '../database.ts';
import type { AccountsTable, ContactsTable, ContractsTable } from '../schema.ts';
import { loadUsageRollups } from './load-usage.ts';

/** Usage signals look back at most 120 days; loading more would only cost time. */
export const USAGE_LOOKBACK_DAYS = 126;
const minusDays = (iso: string, days: number) =>
  new Date(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) - days * DAY).toISOString().slice(0, 10);

export const toAccount = (r: AccountsTable): Account => ({
  id: r.id,
  name: r.name,
  segment: r.segment,
  industry: r.industry,
  owner: r.owner,
  parentId: r.parent_id,
  lifecycleStage: r.lifecycle_stage as Account['lifecycleStage'],
  createdAt: r.created_at,
  traits: JSON.parse(r.traits) as Account['traits'],
});
export const toContract = (r: Selectable<ContractsTable>): Contract => ({
  id: r.id,
  accountId: r.account_id,
  start: r.start_date,
  end: r.end_date,
  arr: Number(r.arr),
  currency: r.currency,
  seats: r.seats === null ? null : Number(r.seats),
  plan: r.plan,
  products: JSON.parse(r.products) as string[],
  status: r.status as Contract['status'],
  churnedAt: r.churned_at,
  churnReason: r.churn_reason,
  billingPeriod: r.billing_period as Contract['billingPeriod'],
  autoRenew: Number(r.auto_renew) === 1,
  trial: Number(r.trial) === 1,
});
export const toContact = (r: ContactsTable): Contact => ({
  id: r.id,
  accountId: r.account_id,
  email: r.email,
  name: r.name,
  title: r.title,
  role: r.role as Contact['role'],
  joinedAt: r.joined_at,
  leftAt: r.left_at,
});

/** The feature catalog (every account's data shares it), by key. */
export async function loadCatalog(store: Store): Promise<CatalogFeature[]> {
  const rows = await store.db.selectFrom('catalog_features').selectAll().orderBy('key').execute();
  return rows.map((c) => ({
    key: c.key,
    name: c.name,
    core: Number(c.core) === 1,
    addOn: Number(c.add_on) === 1,
    listPrice: c.list_price === null ? null : Number(c.list_price),
  }));
}

/**
 * Everything scoring needs for some accounts as of a date, bounded by a
 * look-back window: the account, all its contracts and contacts, its timeline
 * events and usage rollups from `asOf − lookbackDays` up to `asOf` (nothing
 * after `asOf`), and the catalog.
 */
export async function loadAccountsData(
  store: Store,
  accountIds: string[],
  asOf: string,
  lookbackDays = 400,
  /** Usage is loaded for fewer days than events (signals look back at most ~4 months); more when scoring a range. */
  usageLookbackDays = USAGE_LOOKBACK_DAYS,
): Promise<Map<string, AccountData>> {
  const out = new Map<string, AccountData>();
  if (accountIds.length === 0) return out;
  const from = minusDays(asOf, lookbackDays);
  const endOfDay = `${asOf}T23:59:59.999Z`;
  const catalog = await loadCatalog(store);
  for (let i = 0; i < accountIds.length; i += 500) {
    const ids = accountIds.slice(i, i + 500);
    const [accounts, contracts, contacts, events, usage] = await Promise.all([
      store.db.selectFrom('accounts').selectAll().where('id', 'in', ids).execute(),
      store.db
        .selectFrom('contracts')
        .selectAll()
        .where('account_id', 'in', ids)
        .orderBy('start_date')
        .execute(),
      store.db.selectFrom('contacts').selectAll().where('account_id', 'in', ids).orderBy('id').execute(),
      store.db
        .selectFrom('events')
        .select(['id', 'account_id', 'contact_id', 'type', 'time', 'properties'])
        .where('account_id', 'in', ids)
        .where('time', '>=', from)
        .where('time', '<=', endOfDay)
        // per account in time order (what AccountData holds): follows the (account_id, time) index,
        // so SQLite sorts only ties instead of every row of the batch
        .orderBy('account_id')
        .orderBy('time')
        .orderBy('id')
        .execute(),
      loadUsageRollups(store, ids, minusDays(asOf, Math.min(lookbackDays, usageLookbackDays)), asOf),
    ]);
    for (const a of accounts) {
      const u = usage.get(a.id)!;
      out.set(a.id, {
        account: toAccount(a),
        contracts: [],
        contacts: [],
        events: [],
        usageDaily: u.usageDaily,
        featureDaily: u.featureDaily,
        userDaily: u.userDaily,
        catalog,
      });
    }
    for (const c of contracts) out.get(c.account_id)?.contracts.push(toContract(c));
    for (const c of contacts) out.get(c.account_id)?.contacts.push(toContact(c));
    for (const e of events)
      out.get(e.account_id)?.events.push({
        id: e.id,
        accountId: e.account_id,
        contactId: e.contact_id,
        type: e.type,
        time: e.time,
        properties: JSON.parse(e.properties),
      } as VigilEvent);
  }
  return out;
}

export async function loadAccountData(
  store: Store,
  accountId: string,
  asOf: string,
  lookbackDays = 400,
): Promise<AccountData> {
  const data = (await loadAccountsData(store, [accountId], asOf, lookbackDays)).get(accountId);
  if (!data) throw new AppError('NOT_FOUND', `account ${accountId} not found`);
  return data;
}
