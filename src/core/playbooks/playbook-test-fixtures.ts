import type { Band, ScoreResult, SignalContribution } from '../scoring/score-result.ts';
import type { PlaybookAccount, PlaybookSubject } from './evaluate-playbooks.ts';

/** Test fixtures: a ScoreResult and a playbook subject with just the parts playbooks read. */
export function makeScoreResult(
  accountId: string,
  score: number,
  band: Band,
  signals: Partial<SignalContribution>[] = [],
  asOf = '2025-06-01',
): ScoreResult {
  return {
    accountId,
    asOf,
    modelVersion: 1,
    score,
    band,
    coverage: 1,
    categories: [],
    signals: signals.map((s) => ({
      signalId: 'x',
      category: 'engagement',
      label: s.signalId ?? 'x',
      unit: '',
      value: null,
      subScore: 50,
      weight: 0.1,
      points: 5,
      gap: 5,
      freshness: 1,
      detail: `${s.signalId} detail`,
      ...s,
    })),
    drivers: {
      down: [{ signalId: 'login-trend', label: 'Login trend', points: -8, detail: 'logins down 42%' }],
      up: [],
      moved: [],
      lift: null,
    },
    trend: { d7: null, d30: null, d90: null },
    override: null,
  };
}

export function makeSubject(
  accountId: string,
  current: ScoreResult,
  previous: { score: number; band: Band } | null,
  account: Partial<PlaybookAccount> = {},
  extra: Partial<Omit<PlaybookSubject, 'change' | 'account'>> = {},
): PlaybookSubject {
  const acc: PlaybookAccount = {
    id: accountId,
    name: `Account ${accountId}`,
    segment: 'mid-market',
    owner: 'csm-1',
    manager: 'mgr-1',
    arr: 60_000,
    tags: [],
    renewalDate: null,
    ...account,
  };
  return {
    change: { accountId, owner: acc.owner, previous, current },
    account: acc,
    history: [],
    expansion: null,
    ...extra,
  };
}
