/**
 * Daily usage rollups, built on the way in so any as-of date can be scored
 * without rescanning raw usage events. `day` is `YYYY-MM-DD` (UTC).
 */
export type UsageDaily = {
  accountId: string;
  day: string;
  logins: number;
  /** Sum of all usage events' counts (logins, features, integrations, custom). */
  events: number;
  /** Distinct contacts active that day. */
  activeUsers: number;
  integrationEvents: number;
};

/** Per account, per feature (or integration / custom metric key), per day. */
export type FeatureDaily = {
  accountId: string;
  /** Feature key; integrations are `integration:<key>`, custom metrics `custom:<metric>`. */
  feature: string;
  day: string;
  count: number;
  /** `day` as days since 1970, when the loader already knows it (saves parsing the string per score). */
  dayNumber?: number;
};

/** Per account, per contact, per day: who was active. */
export type UserDaily = {
  accountId: string;
  contactId: string;
  day: string;
  events: number;
  /** `day` as days since 1970, when the loader already knows it. */
  dayNumber?: number;
};
