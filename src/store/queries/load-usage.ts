import { expandFeatureMonthly, expandUserMonthly } from '../../core/data-model/expand-monthly.ts';
import type { FeatureDaily, UsageDaily, UserDaily } from '../../core/data-model/rollups.ts';
import type { Store } from '../database.ts';

export type UsageRollups = { usageDaily: UsageDaily[]; featureDaily: FeatureDaily[]; userDaily: UserDaily[] };

/**
 * The usage rollups of some accounts for days in [from, to], in the daily
 * shape AccountData uses. Per-feature and per-user activity are stored per
 * month with active-day masks; they are expanded here (exact days, counts
 * spread evenly within the month) and `activeUsers` is counted from them.
 */
export async function loadUsageRollups(
  store: Store,
  accountIds: string[],
  from: string,
  to: string,
): Promise<Map<string, UsageRollups>> {
  const result = new Map<string, UsageRollups>();
  for (const id of accountIds) result.set(id, { usageDaily: [], featureDaily: [], userDaily: [] });
  if (accountIds.length === 0) return result;
  const fromMonth = from.slice(0, 7);
  const toMonth = to.slice(0, 7);
  for (let i = 0; i < accountIds.length; i += 500) {
    const ids = accountIds.slice(i, i + 500);
    const [usage, features, users] = await Promise.all([
      store.db
        .selectFrom('usage_daily')
        .selectAll()
        .where('account_id', 'in', ids)
        .where('day', '>=', from)
        .where('day', '<=', to)
        .orderBy('day')
        .execute(),
      store.db
        .selectFrom('feature_monthly')
        .selectAll()
        .where('account_id', 'in', ids)
        .where('month', '>=', fromMonth)
        .where('month', '<=', toMonth)
        .execute(),
      store.db
        .selectFrom('user_monthly')
        .selectAll()
        .where('account_id', 'in', ids)
        .where('month', '>=', fromMonth)
        .where('month', '<=', toMonth)
        .execute(),
    ]);
    const inRange = (d: { day: string }) => d.day >= from && d.day <= to;
    const featureDaily = expandFeatureMonthly(
      features.map((f) => ({
        accountId: f.account_id,
        feature: f.feature,
        month: f.month,
        days: Number(f.days),
        count: Number(f.count),
      })),
    ).filter(inRange);
    const userDaily = expandUserMonthly(
      users.map((u) => ({
        accountId: u.account_id,
        contactId: u.contact_id,
        month: u.month,
        days: Number(u.days),
        events: Number(u.events),
      })),
    ).filter(inRange);
    const activeUsers = new Map<string, number>();
    for (const u of userDaily) {
      const k = `${u.accountId}|${u.day}`;
      activeUsers.set(k, (activeUsers.get(k) ?? 0) + 1);
    }
    for (const u of usage)
      result.get(u.account_id)!.usageDaily.push({
        accountId: u.account_id,
        day: u.day,
        logins: Number(u.logins),
        events: Number(u.events),
        integrationEvents: Number(u.integration_events),
        activeUsers: activeUsers.get(`${u.account_id}|${u.day}`) ?? 0,
      });
    for (const f of featureDaily) result.get(f.accountId)!.featureDaily.push(f);
    for (const u of userDaily) result.get(u.accountId)!.userDaily.push(u);
  }
  return result;
}
