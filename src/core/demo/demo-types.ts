/** What the demo generator takes and what it hands to its sink. */
export type DemoOptions = {
  accounts: number;
  months: number;
  seed: number;
  /** Last day of history, YYYY-MM-DD; the window is the `months` whole months ending there. */
  endDate: string;
};

/** One non-usage event as written to events-YYYY-MM.ndjson (the envelope of parseEvent). */
export type DemoEvent = {
  id: string;
  accountId: string;
  contactId?: string;
  type: string;
  time: string;
  properties: Record<string, unknown>;
};

export type DemoRenewal = {
  /** First day of the next term (the day after the term end). */
  date: string;
  outcome: 'renewed' | 'expanded' | 'contracted' | 'churned';
  arrBefore: number;
  arrAfter: number;
};

/** The hidden truth about one account: what the simulation decided and why. */
export type DemoTruth = {
  accountId: string;
  segment: string;
  createdAt: string;
  /** Created inside the window (a new logo of a cohort). */
  newLogo: boolean;
  churned: boolean;
  /** Last day as a customer (the churned contract's churned_at). */
  churnDate: string | null;
  /** The day the customer told us (renewal churn) or stopped paying (mid-term churn); also set for `leavingOn`. */
  noticeDate: string | null;
  /** Gave notice before the end date but still a customer then: the last day it will be one. */
  leavingOn: string | null;
  /** Set for churned and leaving customers. */
  churnReason: string | null;
  /** Churns (or will) with healthy signals: the model cannot see it coming. */
  silent: boolean;
  /** Hidden shocks that pushed health down in the 12 months before churn (or in the window, for customers). */
  drivers: string[];
  /** Observable families the process pushed in the 6 months before churn (or the window's end). */
  signals: string[];
  renewals: DemoRenewal[];
  expanded: boolean;
  contracted: boolean;
  /** Mean hidden health over the 3 months before each renewal decision, latest last. */
  healthAtDecision: number | null;
  /** Hidden health at each month of the window while a customer (YYYY-MM → 0..1). */
  health: Record<string, number>;
};

/**
 * Receives the generated rows. CSV rows come as cells (the writer quotes
 * them); usage comes as ready CSV text, a month's worth of one account at a
 * time, so 20 million rows cost a few thousand calls.
 */
export type DemoSink = {
  user(row: CsvCell[]): void;
  catalog(row: CsvCell[]): void;
  account(row: CsvCell[]): void;
  contract(row: CsvCell[]): void;
  contact(row: CsvCell[]): void;
  /** `lines`: newline-terminated CSV rows of usage-`month`.csv; `rows`: how many. */
  usage(month: string, lines: string, rows: number): void;
  event(month: string, event: DemoEvent): void;
  truth(record: DemoTruth): void;
};

export type CsvCell = string | number | boolean | null | undefined;
