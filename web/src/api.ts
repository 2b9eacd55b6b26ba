import { useQuery } from '@tanstack/react-query';
import type { ScoreResult } from '../../src/core/scoring/score-result.ts';

export type AccountSummary = {
  id: string;
  name: string;
  segment: string;
  industry: string | null;
  owner: string | null;
  arr: number;
  seats: number;
  renewalDate: string | null;
  score: number | null;
  band: 'healthy' | 'at-risk' | 'critical' | null;
  coverage: number | null;
  trend30: number | null;
  topDriver: string | null;
};
export type PortfolioSummary = {
  asOf: string;
  accounts: number;
  arr: number;
  bands: Record<string, { accounts: number; arr: number }>;
  averageScore: number | null;
  movedDown30d: number;
  movedUp30d: number;
};
export type AccountDetail = {
  account: { id: string; name: string; segment: string; industry: string | null; owner: string | null };
  contracts: {
    id: string;
    start: string;
    end: string;
    arr: number;
    seats: number | null;
    status: string;
    products: string[];
  }[];
  contacts: { id: string; name: string | null; title: string | null; role: string; leftAt: string | null }[];
  score: ScoreResult | null;
};
export type ScoreHistory = {
  items: { asOf: string; score: number; band: string; modelVersion: number }[];
  modelChanges: { asOf: string; fromVersion: number; toVersion: number }[];
};
export type TimelineItem = {
  id: string;
  type: string;
  time: string;
  contactId: string | null;
  properties: Record<string, unknown>;
};

/** Fetches JSON from the API; an error envelope becomes an Error with its message. */
export async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(path, { credentials: 'same-origin' });
  const body = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
  if (!res.ok) throw new Error(body?.error?.message ?? `${res.status} ${res.statusText}`);
  return body as T;
}

export const usePortfolioSummaryQuery = () =>
  useQuery({
    queryKey: ['portfolio-summary'],
    queryFn: () => getJson<PortfolioSummary>('/v1/portfolio/summary'),
  });

export const useAccountsQuery = (params: Record<string, string>) =>
  useQuery({
    queryKey: ['accounts', params],
    queryFn: () =>
      getJson<{ total: number; items: AccountSummary[] }>(`/v1/accounts?${new URLSearchParams(params)}`),
  });

export const useAccountQuery = (id: string) =>
  useQuery({
    queryKey: ['account', id],
    queryFn: () => getJson<AccountDetail>(`/v1/accounts/${encodeURIComponent(id)}`),
  });

export const useScoreHistoryQuery = (id: string) =>
  useQuery({
    queryKey: ['scores', id],
    queryFn: () => getJson<ScoreHistory>(`/v1/accounts/${encodeURIComponent(id)}/scores`),
  });

export const useTimelineQuery = (id: string) =>
  useQuery({
    queryKey: ['timeline', id],
    queryFn: () =>
      getJson<{ items: TimelineItem[] }>(`/v1/accounts/${encodeURIComponent(id)}/timeline?limit=60`),
  });

export type Task = {
  id: string;
  accountId: string;
  accountName: string | null;
  playbookId: string | null;
  title: string;
  checklist: { text: string; done: boolean }[];
  priority: string;
  owner: string | null;
  status: 'open' | 'done' | 'snoozed' | 'dismissed';
  because: string | null;
  due: string | null;
};
export type Ratio = { value: number | null; reason?: string };
export type PeriodMetrics = {
  label: string;
  startArr: number;
  endArr: number;
  movements: { new: number; expansion: number; contraction: number; churn: number; reactivation: number };
  grr: Ratio;
  nrr: Ratio;
  logoRetention: Ratio;
  byBand: { band: string; customers: number; grr: Ratio; nrr: Ratio; logoRetention: Ratio }[];
};
export type MetricsReport = {
  conventions: Record<string, unknown>;
  periods: PeriodMetrics[];
  timeToValue: {
    medianDays: number | null;
    reached: number;
    customers: number;
    buckets: { label: string; customers: number }[];
  };
  projection: {
    years: number;
    gapPoints: number;
    relativeGap: number;
    scenarios: { label: string; annualRetention: number; retainedByYear: number[] }[];
  } | null;
};
export type CohortReport = {
  by: string;
  rows: { cohort: string; customers: number; logo: (number | null)[]; revenue: (number | null)[] }[];
};

export const useTasksQuery = (params: Record<string, string>) =>
  useQuery({
    queryKey: ['tasks', params],
    queryFn: () => getJson<{ items: Task[]; total: number }>(`/v1/tasks?${new URLSearchParams(params)}`),
  });
export const useMetricsQuery = (period: string) =>
  useQuery({
    queryKey: ['metrics', period],
    queryFn: () => getJson<MetricsReport>(`/v1/metrics?period=${period}`),
  });
export const useCohortsQuery = (by: string) =>
  useQuery({
    queryKey: ['cohorts', by],
    queryFn: () => getJson<CohortReport>(`/v1/metrics/cohorts?by=${by}`),
  });

/** Sends a JSON request; an error envelope becomes an Error with its message. */
export async function sendJson<T>(method: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const json = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
  if (!res.ok) throw new Error(json?.error?.message ?? `${res.status} ${res.statusText}`);
  return json as T;
}
