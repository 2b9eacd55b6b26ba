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
