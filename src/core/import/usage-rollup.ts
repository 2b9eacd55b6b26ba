import type { UsageRow } from './map-row.ts';

/** Feature keys of non-feature usage in `feature_daily`. */
export const featureKeyOf = (row: Pick<UsageRow, 'type' | 'key'>): string | null => {
  switch (row.type) {
    case 'feature_used':
      return row.key;
    case 'integration_used':
      return `integration:${row.key}`;
    case 'usage_custom':
      return `custom:${row.key}`;
    default:
      return null;
  }
};

export type UsageDailyDelta = {
  accountId: string;
  day: string;
  logins: number;
  events: number;
  integrationEvents: number;
};
export type FeatureDailyDelta = { accountId: string; feature: string; day: string; count: number };
export type UserDailyDelta = { accountId: string; contactId: string; day: string; events: number };

const SEP = '\u0001';

/**
 * Aggregates raw usage events into additive daily deltas (per account, per
 * feature, per user). Deltas are added onto the stored rollups, so events may
 * arrive in any order and in any number of batches.
 */
export class UsageRollup {
  private readonly usage = new Map<string, [number, number, number]>();
  private readonly feature = new Map<string, number>();
  private readonly user = new Map<string, number>();
  private rowsSinceDrain = 0;

  get pendingRows(): number {
    return this.rowsSinceDrain;
  }

  get size(): number {
    return this.usage.size + this.feature.size + this.user.size;
  }

  add(row: UsageRow): void {
    const day = row.time.slice(0, 10);
    const n = row.count;
    const uk = row.accountId + SEP + day;
    let u = this.usage.get(uk);
    if (!u) {
      u = [0, 0, 0];
      this.usage.set(uk, u);
    }
    if (row.type === 'login') u[0] += n;
    else if (row.type === 'integration_used') u[2] += n;
    u[1] += n;
    const fk = featureKeyOf(row);
    if (fk !== null) {
      const k = row.accountId + SEP + fk + SEP + day;
      this.feature.set(k, (this.feature.get(k) ?? 0) + n);
    }
    if (row.contactId) {
      const k = row.accountId + SEP + row.contactId + SEP + day;
      this.user.set(k, (this.user.get(k) ?? 0) + n);
    }
    this.rowsSinceDrain++;
  }

  /** Returns the accumulated deltas and empties the rollup. */
  drain(): { usage: UsageDailyDelta[]; feature: FeatureDailyDelta[]; user: UserDailyDelta[] } {
    const usage: UsageDailyDelta[] = [];
    for (const [k, [logins, events, integrationEvents]] of this.usage) {
      const [accountId, day] = k.split(SEP) as [string, string];
      usage.push({ accountId, day, logins, events, integrationEvents });
    }
    const feature: FeatureDailyDelta[] = [];
    for (const [k, count] of this.feature) {
      const [accountId, f, day] = k.split(SEP) as [string, string, string];
      feature.push({ accountId, feature: f, day, count });
    }
    const user: UserDailyDelta[] = [];
    for (const [k, events] of this.user) {
      const [accountId, contactId, day] = k.split(SEP) as [string, string, string];
      user.push({ accountId, contactId, day, events });
    }
    this.usage.clear();
    this.feature.clear();
    this.user.clear();
    this.rowsSinceDrain = 0;
    return { usage, feature, user };
  }
}
