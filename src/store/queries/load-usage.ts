import { expandMonthlyInRange } from '../../core/data-model/expand-monthly.ts';
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
        // per account by day, the primary key's order (no sort of the whole batch)
        .orderBy('account_id')
        .orderBy('day')
        .execute(),
      store.db
        .selectFrom('feature_monthly')
        .selectAll()
        .where('account_id', 'in', ids)
        .where('month', '>=', fromMonth)
        .where('month', '<=', toMonth)
        .orderBy('account_id')
        .orderBy('feature')
        .orderBy('month')
        .execute(),
      store.db
        .selectFrom('user_monthly')
        .selectAll()
        .where('account_id', 'in', ids)
        .where('month', '>=', fromMonth)
        .where('month', '<=', toMonth)
        .orderBy('account_id')
        .orderBy('contact_id')
        .orderBy('month')
        .execute(),
    ]);
    // group the monthly rows by account, then expand each account's rows within [from, to]
    const featuresBy = groupBy(features);
    const usersBy = groupBy(users);
    for (const u of usage) {
      const r = result.get(u.account_id)!;
      r.usageDaily.push({
        accountId: u.account_id,
        day: u.day,
        logins: Number(u.logins),
        events: Number(u.events),
        integrationEvents: Number(u.integration_events),
        activeUsers: 0,
      });
    }
    for (const [accountId, rows] of featuresBy)
      result.get(accountId)!.featureDaily = expandMonthlyInRange(
        rows,
        from,
        to,
        (f) => ({ month: f.month, days: Number(f.days), count: Number(f.count) }),
        (f, day, count, dayNumber) => ({ accountId, feature: f.feature, day, count, dayNumber }),
      );
    for (const [accountId, rows] of usersBy) {
      const r = result.get(accountId)!;
      r.userDaily = expandMonthlyInRange(
        rows,
        from,
        to,
        (u) => ({ month: u.month, days: Number(u.days), count: Number(u.events) }),
        (u, day, count, dayNumber) => ({ accountId, contactId: u.contact_id, day, events: count, dayNumber }),
      );
      // distinct active contacts per day, from the expanded user activity (both lists are day-ordered)
      let j = 0;
      for (const d of r.usageDaily) {
        while (j < r.userDaily.length && r.userDaily[j]!.day < d.day) j++;
        let k = j;
        while (k < r.userDaily.length && r.userDaily[k]!.day === d.day) k++;
        d.activeUsers = k - j;
        j = k;
      }
    }
  }
  return result;
}

function groupBy<R extends { account_id: string }>(rows: R[]): Map<string, R[]> {
  const out = new Map<string, R[]>();
  for (const r of rows) {
    const list = out.get(r.account_id);
    if (list) list.push(r);
    else out.set(r.account_id, [r]);
  }
  return out;
}
