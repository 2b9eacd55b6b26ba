import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type {
  AccountDetail,
  AccountSummary,
  ExpansionOpportunity,
  Me,
  PlaybookStats,
  PortfolioSummary,
  ScoreHistory,
  StoredPlaybook,
  Task,
  TaskQueue,
  TaskQueueGroup,
  TimelineItem,
} from '../../src/api/api-types.ts';

// Response types come from the route schemas (src/api/api-types.ts, z.infer), not hand copies.
export type {
  AccountDetail,
  AccountSummary,
  Me,
  PlaybookStats,
  PortfolioSummary,
  ScoreHistory,
  StoredPlaybook,
  Task,
  TaskQueue,
  TaskQueueGroup,
  TimelineItem,
};

/** An API error: the envelope's message, code and details (e.g. playbook errors with line and field). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string | null,
    readonly details: unknown,
  ) {
    super(message);
  }
}

// the session's CSRF token (from /v1/auth/login or /v1/auth/me), echoed on every write
let csrfToken: string | null = null;
export const setCsrf = (token: string | null) => {
  csrfToken = token;
};
// called on any 401 so the shell can show the login page instead of a dead page
let onUnauthenticated: () => void = () => {};
export const setOnUnauthenticated = (fn: () => void) => {
  onUnauthenticated = fn;
};

async function toResult<T>(res: Response): Promise<T> {
  const body = (await res.json().catch(() => null)) as {
    error?: { code?: string; message: string; details?: unknown };
  } | null;
  if (!res.ok) {
    if (res.status === 401) onUnauthenticated();
    throw new ApiError(
      body?.error?.message ?? `${res.status} ${res.statusText}`,
      res.status,
      body?.error?.code ?? null,
      body?.error?.details ?? null,
    );
  }
  return body as T;
}

/** Fetches JSON from the API; an error envelope becomes an ApiError with its message. */
export async function getJson<T>(path: string): Promise<T> {
  return toResult<T>(await fetch(path, { credentials: 'same-origin' }));
}

/** The signed-in user, or null when signed out (a 401 here is an answer, not an error). */
export const useMeQuery = () =>
  useQuery({
    queryKey: ['me'],
    queryFn: async (): Promise<Me | null> => {
      const res = await fetch('/v1/auth/me', { credentials: 'same-origin' });
      if (res.status === 401) {
        setCsrf(null);
        return null;
      }
      const me = await toResult<Me>(res);
      setCsrf(me.csrf);
      return me;
    },
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });

export const usePortfolioSummaryQuery = () =>
  useQuery({
    queryKey: ['portfolio-summary'],
    queryFn: () => getJson<PortfolioSummary>('/v1/portfolio/summary'),
  });

export const useAccountsQuery = (params: Record<string, string>, enabled = true) =>
  useQuery({
    queryKey: ['accounts', params],
    enabled,
    // a new filter keeps the current rows on screen until its answer arrives (no blank flash on 10k rows)
    placeholderData: keepPreviousData,
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

export type Ratio = { value: number | null; reason?: string };
export type PeriodMetrics = {
  label: string;
  start: string;
  end: string;
  customers: {
    start: number;
    end: number;
    new: number;
    churned: number;
    reactivated: number;
    retained: number;
  };
  churnReasons: { reason: string; arr: number; logos: number }[];
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
export type ForecastBucket = {
  withinDays: number;
  renewals: number;
  arr: number;
  expectedRenewedArr: number;
  expectedChurnArr: number;
  unestimatedArr: number;
};
export type RenewalForecast = {
  asOf: string;
  probabilitySource: string;
  buckets: ForecastBucket[];
  expectedGrrNext90: number | null;
  arrToday: number;
  backtest: {
    leadDays: number;
    renewals: number;
    dueArr: number;
    predictedRenewedArr: number;
    actualRenewedArr: number;
    relativeError: number | null;
    brier: number | null;
    withoutScore: number;
    calibration: string;
  };
};
export type CohortReport = {
  by: string;
  rows: { cohort: string; customers: number; logo: (number | null)[]; revenue: (number | null)[] }[];
};

export type ExpansionItem = Pick<ExpansionOpportunity, 'accountId' | 'potentialArr' | 'evidence'>;
export const useExpansionQuery = (enabled: boolean) =>
  useQuery({
    queryKey: ['expansion'],
    queryFn: () => getJson<{ items: ExpansionItem[] }>('/v1/expansion?limit=1000'),
    enabled,
    staleTime: 60_000,
  });

export const useTaskQueueQuery = (params: Record<string, string>) =>
  useQuery({
    queryKey: ['tasks', 'queue', params],
    queryFn: () => getJson<TaskQueue>(`/v1/tasks/queue?${new URLSearchParams(params)}`),
  });

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
export const useForecastQuery = () =>
  useQuery({
    queryKey: ['metrics-forecast'],
    queryFn: () => getJson<RenewalForecast>('/v1/metrics/forecast'),
  });
export const useCohortsQuery = (by: string) =>
  useQuery({
    queryKey: ['cohorts', by],
    queryFn: () => getJson<CohortReport>(`/v1/metrics/cohorts?by=${by}`),
  });

/** Sends a request (JSON unless `contentType` says otherwise) with the CSRF token; an error envelope becomes an ApiError. */
export async function sendJson<T>(
  method: string,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<T> {
  const headers: Record<string, string> = { 'content-type': contentType };
  if (csrfToken) headers['x-vigil-csrf'] = csrfToken;
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    body: typeof body === 'string' && contentType !== 'application/json' ? body : JSON.stringify(body),
  });
  return toResult<T>(res);
}

export type PlaybookError = { line: number; column: number; field: string; message: string };

export const usePlaybooksQuery = () =>
  useQuery({ queryKey: ['playbooks'], queryFn: () => getJson<{ items: StoredPlaybook[] }>('/v1/playbooks') });
export const usePlaybookStatsQuery = () =>
  useQuery({
    queryKey: ['playbook-stats'],
    // the route returns the stats list (or an object holding it, depending on the server version)
    queryFn: async () => {
      const r = await getJson<PlaybookStats[] | { items: PlaybookStats[] }>('/v1/playbooks/stats');
      return Array.isArray(r) ? r : (r.items ?? []);
    },
  });
