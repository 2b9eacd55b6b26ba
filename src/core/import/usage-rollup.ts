import type { UsageEventType } from '../data-model/events.ts';
import { dayNumber } from '../dates/day-number.ts';
import { AppError } from '../errors.ts';
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
/** `days`: bitmask of active days in the month (bit d-1 = day d); merged with OR, counts added. */
export type FeatureMonthlyDelta = {
  accountId: string;
  feature: string;
  month: string;
  days: number;
  count: number;
};
export type UserMonthlyDelta = {
  accountId: string;
  contactId: string;
  month: string;
  days: number;
  events: number;
};
export type UsageDeltas = {
  usage: UsageDailyDelta[];
  feature: FeatureMonthlyDelta[];
  user: UserMonthlyDelta[];
  /** Accounts the deltas touch. */
  accounts: string[];
};

const FEATURE_BITS = 4_096;
/** Days since 1970 (and months since year 0) fit in 16 bits. */
const DAY_BITS = 65_536;

/** Months since year 0 of an ISO string (year × 12 + month − 1), without allocating. */
function monthNumber(iso: string): number {
  const y =
    (iso.charCodeAt(0) - 48) * 1000 +
    (iso.charCodeAt(1) - 48) * 100 +
    (iso.charCodeAt(2) - 48) * 10 +
    (iso.charCodeAt(3) - 48);
  return y * 12 + (iso.charCodeAt(5) - 48) * 10 + (iso.charCodeAt(6) - 49);
}

const monthString = (m: number) => `${Math.floor(m / 12)}-${String((m % 12) + 1).padStart(2, '0')}`;

/** Day numbers are defined once, in core/dates (re-exported for the import's callers). */
export { dayNumber };

/**
 * A copy of a string that does not keep the text it was cut from alive. A cell read from a file
 * is a slice of the whole chunk of text it came from; kept as a key for the rest of the file, it
 * would keep every such chunk in memory (a file's worth, for a file that keeps naming new
 * contacts). Concatenating and cutting again makes V8 copy just the characters.
 */
const detached = (s: string): string => ` ${s}`.slice(1);

/** Per account (or per contact) index → Map of small-integer key → slot in a counts array. */
type SlotIndex = (Map<number, number> | undefined)[];

/**
 * Aggregates raw usage events into additive daily deltas (per account, per
 * feature and month, per user and month with active-day bitmasks). Deltas are added onto the stored rollups, so events may
 * arrive in any order and in any number of batches.
 *
 * This is most of an import's CPU time, so the hot path allocates nothing:
 * ids are interned to small integers, counts live in flat arrays, and each
 * account (and contact) has its own small map keyed by day or feature×day —
 * small integers V8 keeps unboxed, where one big map keyed by
 * account×feature×day would box every key.
 */
export class UsageRollup {
  private readonly accountIds: string[] = [];
  private readonly accountIndex = new Map<string, number>();
  private readonly features: string[] = [];
  private readonly featureIndex = new Map<string, number>();
  private readonly featureKeys = new Map<string, number>();
  private readonly integrationKeys = new Map<string, number>();
  private readonly customKeys = new Map<string, number>();
  private readonly contactIndex = new Map<number, Map<string, number>>();
  private readonly contacts: [number, string][] = [];
  private usage: SlotIndex = [];
  private feature: SlotIndex = [];
  private user: SlotIndex = [];
  private readonly logins: number[] = [];
  private readonly events: number[] = [];
  private readonly integrations: number[] = [];
  private readonly featureCounts: number[] = [];
  private readonly featureDays: number[] = [];
  private readonly userCounts: number[] = [];
  private readonly userDays: number[] = [];
  private rows = 0;
  private lastDate = '';
  private lastDay = 0;
  private lastMonth = 0;
  private lastDayBit = 0;

  get pendingRows(): number {
    return this.rows;
  }

  add(row: UsageRow): void {
    this.addEvent(row.accountId, row.contactId, row.type, row.time, row.key, row.count);
  }

  /**
   * The slot of a known account, or -1. Seed the rollup with the accounts that
   * exist (`knowAccounts`) so one lookup both validates and interns the id.
   */
  accountSlot(accountId: string): number {
    return this.accountIndex.get(accountId) ?? -1;
  }

  knowAccounts(ids: Iterable<string>): void {
    for (const id of ids) this.intern(id);
  }

  private intern(accountId: string): number {
    let acc = this.accountIndex.get(accountId);
    if (acc === undefined) {
      acc = this.accountIds.length;
      const id = detached(accountId);
      this.accountIds.push(id);
      this.accountIndex.set(id, acc);
    }
    return acc;
  }

  addEvent(
    accountId: string,
    contactId: string | null,
    type: UsageEventType,
    time: string,
    key: string | null,
    count: number,
  ): void {
    this.addAt(this.intern(accountId), contactId, type, time, key, count);
  }

  /** `acc` from `accountSlot`. */
  addAt(
    acc: number,
    contactId: string | null,
    type: UsageEventType,
    time: string,
    key: string | null,
    count: number,
  ): void {
    if (this.lastDate === '' || !time.startsWith(this.lastDate)) {
      this.lastDate = time.slice(0, 10);
      this.lastDay = dayNumber(time);
      this.lastMonth = monthNumber(time);
      this.lastDayBit = 1 << ((time.charCodeAt(8) - 48) * 10 + (time.charCodeAt(9) - 48) - 1);
    }
    const day = this.lastDay;
    const month = this.lastMonth;
    const bit = this.lastDayBit;
    let usage = this.usage[acc];
    if (usage === undefined) {
      usage = new Map();
      this.usage[acc] = usage;
    }
    let slot = usage.get(day);
    if (slot === undefined) {
      slot = this.events.length;
      usage.set(day, slot);
      this.logins.push(0);
      this.events.push(0);
      this.integrations.push(0);
    }
    this.events[slot]! += count;
    if (type === 'login') this.logins[slot]! += count;
    else {
      if (type === 'integration_used') this.integrations[slot]! += count;
      const f = this.featureOf(type, key!);
      const fk = f * DAY_BITS + month;
      let feature = this.feature[acc];
      if (feature === undefined) {
        feature = new Map();
        this.feature[acc] = feature;
      }
      const fs = feature.get(fk);
      if (fs === undefined) {
        feature.set(fk, this.featureCounts.length);
        this.featureCounts.push(count);
        this.featureDays.push(bit);
      } else {
        this.featureCounts[fs]! += count;
        this.featureDays[fs]! |= bit;
      }
    }
    if (contactId !== null) {
      let perAccount = this.contactIndex.get(acc);
      if (perAccount === undefined) {
        perAccount = new Map();
        this.contactIndex.set(acc, perAccount);
      }
      let c = perAccount.get(contactId);
      if (c === undefined) {
        c = this.contacts.length;
        const id = detached(contactId);
        this.contacts.push([acc, id]);
        perAccount.set(id, c);
      }
      let user = this.user[c];
      if (user === undefined) {
        user = new Map();
        this.user[c] = user;
      }
      const us = user.get(month);
      if (us === undefined) {
        user.set(month, this.userCounts.length);
        this.userCounts.push(count);
        this.userDays.push(bit);
      } else {
        this.userCounts[us]! += count;
        this.userDays[us]! |= bit;
      }
    }
    this.rows++;
  }

  private featureOf(type: UsageEventType, key: string): number {
    const names =
      type === 'feature_used'
        ? this.featureKeys
        : type === 'integration_used'
          ? this.integrationKeys
          : this.customKeys;
    let f = names.get(key);
    if (f !== undefined) return f;
    const name =
      type === 'feature_used' ? key : type === 'integration_used' ? `integration:${key}` : `custom:${key}`;
    f = this.featureIndex.get(name);
    if (f === undefined) {
      f = this.features.length;
      if (f >= FEATURE_BITS)
        throw new AppError(
          'BAD_INPUT',
          `more than ${FEATURE_BITS} distinct feature keys; map rare ones to fewer keys`,
        );
      this.features.push(detached(name));
      this.featureIndex.set(name, f);
    }
    names.set(detached(key), f);
    return f;
  }

  /** Returns the accumulated deltas and empties the rollup. */
  drain(): UsageDeltas {
    const usage: UsageDailyDelta[] = [];
    const feature: FeatureMonthlyDelta[] = [];
    const user: UserMonthlyDelta[] = [];
    const touched = new Set<number>();
    this.usage.forEach((m, acc) => {
      if (!m) return;
      touched.add(acc);
      for (const [d, slot] of m)
        usage.push({
          accountId: this.accountIds[acc]!,
          day: dayString(d),
          logins: this.logins[slot]!,
          events: this.events[slot]!,
          integrationEvents: this.integrations[slot]!,
        });
    });
    this.feature.forEach((m, acc) => {
      if (!m) return;
      for (const [fk, slot] of m)
        feature.push({
          accountId: this.accountIds[acc]!,
          feature: this.features[Math.floor(fk / DAY_BITS)]!,
          month: monthString(fk % DAY_BITS),
          days: this.featureDays[slot]!,
          count: this.featureCounts[slot]!,
        });
    });
    this.user.forEach((m, c) => {
      if (!m) return;
      const [acc, contactId] = this.contacts[c]!;
      for (const [mo, slot] of m)
        user.push({
          accountId: this.accountIds[acc]!,
          contactId,
          month: monthString(mo),
          days: this.userDays[slot]!,
          events: this.userCounts[slot]!,
        });
    });
    const accounts = [...touched].map((a) => this.accountIds[a]!);
    this.usage = [];
    this.feature = [];
    this.user = [];
    // contacts are interned afresh after each drain: what is kept between drains stays bounded
    // by the accounts, not by every contact a long file names
    this.contactIndex.clear();
    this.contacts.length = 0;
    for (const arr of [
      this.logins,
      this.events,
      this.integrations,
      this.featureCounts,
      this.featureDays,
      this.userCounts,
      this.userDays,
    ])
      arr.length = 0;
    this.lastDate = '';
    this.rows = 0;
    return { usage, feature, user, accounts };
  }
}

const DAY_STRINGS = new Map<number, string>();
function dayString(day: number): string {
  let s = DAY_STRINGS.get(day);
  if (s === undefined) {
    s = new Date(day * 86_400_000).toISOString().slice(0, 10);
    DAY_STRINGS.set(day, s);
  }
  return s;
}
