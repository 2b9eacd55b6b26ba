import { describe, expect, it } from 'vitest';
import type { BacktestMetrics } from '../core/learning/evaluate-backtest.ts';
import type { ScoreResult } from '../core/scoring/score-result.ts';
import type { ScorePortfolioResult } from '../engine/accounts/score-portfolio.ts';
import type { ImportReport } from '../engine/import/import-files.ts';
import type { BacktestReport } from '../engine/learning/backtest-model.ts';
import type { LearnFromTableReport } from '../engine/learning/learn-from-table.ts';
import type { TrainReport } from '../engine/learning/train-model.ts';
import type { RunPlaybooksReport } from '../engine/playbooks/run-playbooks.ts';
import { formatBacktest } from './commands/backtest.ts';
import { formatExplanation } from './commands/explain.ts';
import { formatImportReport } from './commands/import.ts';
import { formatLearnReport } from './commands/learn-table.ts';
import { formatRun } from './commands/playbooks.ts';
import { formatScoreReport } from './commands/score.ts';
import { formatTrainReport } from './commands/train.ts';

// issue 19 item 6 (leftovers): the report commands print through print-table — a header row,
// aligned columns, numbers rounded for people. The render functions are called directly with
// hand-made reports (no spawn); `--json` prints the report object itself and is not touched here.

/** The table whose header row is `head` (after its indent), with its next `rows` lines. */
function tableAt(text: string, head: RegExp, rows: number) {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => head.test(l.trim()) && /^\s*[A-Z]/.test(l));
  expect(at, `header ${head} in:\n${text}`).toBeGreaterThanOrEqual(0);
  const body = lines.slice(at + 1, at + 1 + rows);
  expect(body.every((l) => l.trim() !== '')).toBe(true);
  return { head: lines[at]!, rows: body };
}

/** Where the column `header` starts in the header row (a whole header, not part of another). */
function headerAt(head: string, header: string) {
  const at = ` ${head} `.indexOf(` ${header} `);
  expect(at, `${header} in ${head}`).toBeGreaterThanOrEqual(0);
  return at;
}

/** Every row's cell under `header` ends where the header ends (right-aligned). */
function rightAligned(t: { head: string; rows: string[] }, header: string) {
  const end = headerAt(t.head, header) + header.length;
  for (const row of t.rows) {
    expect(row[end - 1], `${header} cell ends at the header's end: ${row}`).toMatch(/\S/);
    expect(row[end] ?? ' ', `${header} cell: ${row}`).toBe(' ');
  }
  return t.rows.map((r) =>
    r
      .slice(0, end)
      .split(/\s{2,}/)
      .at(-1)!
      .trim(),
  );
}

/** Every row's cell under `header` starts where the header starts (left-aligned). */
function leftCells(t: { head: string; rows: string[] }, header: string) {
  const start = headerAt(t.head, header);
  return t.rows.map((row) => {
    expect(row[start - 1] ?? ' ', row).toBe(' ');
    return row.slice(start).split(/\s{2,}/)[0]!;
  });
}

const noFloatNoise = (text: string) => expect(text).not.toMatch(/\d\.\d{5,}/);

describe('vigil import report', () => {
  const file = (p: Partial<ImportReport['files'][number]>) => ({
    path: '/data/x.csv',
    kind: null,
    status: 'imported' as const,
    importId: 1,
    rows: 0,
    accepted: 0,
    updated: 0,
    duplicates: 0,
    rejected: 0,
    ignored: 0,
    bytes: 0,
    ms: 1,
    rejects: [],
    ...p,
  });
  const report: ImportReport = {
    files: [
      file({
        path: '/data/events.csv',
        kind: 'events',
        rows: 1_234_567,
        accepted: 1_234_500,
        duplicates: 64,
        rejected: 3,
        rejects: [{ line: 7, field: 'time', reason: 'not a date', raw: '' } as never],
      }),
      file({
        path: '/data/accounts.csv',
        kind: 'accounts',
        importId: 2,
        rows: 21,
        accepted: 18,
        rejected: 2,
        ignored: 1,
      }),
      file({ path: '/data/readme.txt', status: 'skipped', importId: null, note: 'not an import file' }),
    ],
    rows: 1_234_588,
    accepted: 1_234_518,
    updated: 0,
    duplicates: 64,
    rejected: 5,
    ignored: 1,
    bytes: 9e7,
    usageEvents: 0,
    ms: 12_345.6,
    rowsPerSecond: 100_007.42,
    mbPerSecond: 7.2900000001,
    warnings: ['mapping entry "tickets" matched no file'],
  };

  it('one row per file with counts right-aligned and separated, rejects and totals below', () => {
    const text = formatImportReport(report, '/data');
    const t = tableAt(
      text,
      /^KIND\s+FILE\s+ROWS\s+ACCEPTED\s+UPDATED\s+DUPLICATES\s+REJECTED\s+IGNORED\s+NOTE$/,
      3,
    );
    expect(leftCells(t, 'KIND')).toEqual(['events', 'accounts', 'skipped']);
    expect(leftCells(t, 'FILE')).toEqual(['events.csv', 'accounts.csv', 'readme.txt']);
    expect(rightAligned(t, 'ROWS')).toEqual(['1,234,567', '21', '–']);
    expect(rightAligned(t, 'ACCEPTED')).toEqual(['1,234,500', '18', '–']);
    expect(t.rows[2]).toMatch(/not an import file$/);
    expect(text).toContain('  events.csv:7 time: not a date\n');
    expect(text).toContain(
      '  ... and 2 more: vigil rejects list --import 1\n  ... and 2 more: vigil rejects list --import 2\n',
    );
    expect(text).toContain('warning: mapping entry "tickets" matched no file\n');
    expect(text).toContain(
      'Imported 2 file(s): 1,234,588 rows, 1,234,518 accepted, 0 updated, 64 duplicates, 5 rejected, 1 ignored in 12.3 s (100,007 rows/s, 7.3 MB/s)\n',
    );
    noFloatNoise(text);
  });
});

describe('vigil score report', () => {
  it('the portfolio by band as a table, average score to one decimal', () => {
    const r = {
      backfill: { rows: 12_345, dates: Array(52).fill('2026-01-01'), ms: 4321 },
      run: {
        scored: 1500,
        changes: Array(12).fill({}),
        tasksClosed: 0,
        ms: 2500,
        asOf: '2026-06-30',
        modelVersion: 3,
      },
      bands: [
        { band: 'healthy', accounts: 1000, avgScore: 81.23333333333, movedIn: 4 },
        {
          band: 'at-risk',
          accounts: 420,
          avgScore: (0.1 + 0.2) * 200, // 60.00000000000001
          movedIn: 6,
        },
        { band: 'critical', accounts: 80, avgScore: null, movedIn: 2 },
      ],
    } as unknown as ScorePortfolioResult;
    const text = formatScoreReport(r);
    expect(text.split('\n')[0]).toBe('history: 12,345 scores at 52 dates in 4.3 s');
    expect(text).toContain(
      'scored 1,500 account(s) as of 2026-06-30 with model v3 in 2.5 s (600 accounts/s); 12 changed',
    );
    const t = tableAt(text, /^BAND\s+ACCOUNTS\s+AVG SCORE\s+MOVED IN$/, 3);
    expect(leftCells(t, 'BAND')).toEqual(['healthy', 'at-risk', 'critical']);
    expect(rightAligned(t, 'ACCOUNTS')).toEqual(['1,000', '420', '80']);
    expect(rightAligned(t, 'AVG SCORE')).toEqual(['81.2', '60.0', '–']);
    expect(rightAligned(t, 'MOVED IN')).toEqual(['4', '6', '2']);
    noFloatNoise(text);
  });
});

describe('vigil explain', () => {
  const sig = (p: Partial<ScoreResult['signals'][number]>) => ({
    signalId: 's',
    category: 'engagement' as const,
    label: 'Signal',
    unit: 'x',
    value: 1,
    subScore: 50,
    weight: 0.1,
    points: 5,
    gap: 5,
    freshness: 1,
    detail: '',
    ...p,
  });
  const r: ScoreResult = {
    accountId: 'a1',
    asOf: '2026-06-30',
    modelVersion: 2,
    score: 47.300000000000004,
    band: 'critical',
    coverage: 0.93,
    categories: [
      { category: 'engagement', score: 38.66666, weight: 0.45, coverage: 1 },
      { category: 'relationship', score: null, weight: 0.2, coverage: 0 },
    ],
    signals: [
      sig({
        signalId: 'champion-status',
        category: 'relationship',
        label: 'Champion',
        subScore: null,
        weight: 0.125,
        points: 0,
        detail: 'no champion identified',
      }),
      sig({
        signalId: 'login-trend',
        label: 'Login trend',
        subScore: 12.4,
        weight: 0.1520000000000001,
        points: 1.8848,
        freshness: 0.5,
        detail: 'logins down 42%',
      }),
      sig({
        signalId: 'active-seats',
        label: 'Active seats',
        subScore: 80,
        weight: 0.3,
        points: 24,
        detail: '80% of seats active',
      }),
    ],
    drivers: {
      down: [{ signalId: 'login-trend', label: 'Login trend', points: 13.3152, detail: 'logins down 42%' }],
      up: [],
      warnings: [{ signalId: 'login-trend', label: 'Login trend', points: 13.3, detail: 'logins down 42%' }],
      moved: [],
      lift: {
        targetBand: 'at-risk',
        pointsNeeded: 2.7000000000000028,
        suggestions: [
          {
            signalId: 'login-trend',
            label: 'Login trend',
            points: 6.600000000000001,
            detail: 'logins down 42%',
          },
        ],
      },
    },
    trend: { d7: null, d30: null, d90: null },
    override: null,
    churnProbability: { probability: 0.41235, horizonDays: 180 },
  };

  it('categories and signals as tables, levers signed, numbers rounded', () => {
    const text = formatExplanation('Acme', r);
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Acme (a1) as of 2026-06-30, model v2',
      "score 47.3 — critical; coverage 93% of the model's weight backed by data",
      'churn probability within 180 days: 41.2%',
    ]);
    const cats = tableAt(text, /^CATEGORY\s+SCORE\s+WEIGHT\s+COVERAGE$/, 2);
    expect(rightAligned(cats, 'SCORE')).toEqual(['39', 'n/a']);
    expect(rightAligned(cats, 'WEIGHT')).toEqual(['45%', '20%']);
    const sigs = tableAt(text, /^CATEGORY\s+SIGNAL\s+SUB-SCORE\s+WEIGHT\s+POINTS\s+DETAIL$/, 3);
    // signals grouped in the order of the categories
    expect(leftCells(sigs, 'SIGNAL')).toEqual(['Login trend', 'Active seats', 'Champion']);
    expect(rightAligned(sigs, 'SUB-SCORE')).toEqual(['12', '80', 'n/a']);
    expect(rightAligned(sigs, 'WEIGHT')).toEqual(['15.2%', '30.0%', '12.5%']);
    expect(rightAligned(sigs, 'POINTS')).toEqual(['1.9', '24.0', '0.0']);
    expect(leftCells(sigs, 'DETAIL')[0]).toBe('(fading, 50% weight) logins down 42%');
    expect(text).toContain('Warning signs (sub-score in the critical range):\n');
    const down = tableAt(text.slice(text.indexOf('Pulling it down')), /^POINTS\s+SIGNAL\s+DETAIL$/, 1);
    expect(rightAligned(down, 'POINTS')).toEqual(['−13.3']);
    expect(text).toContain('To reach at-risk it needs 2.7 points; biggest levers:\n');
    const lift = tableAt(text.slice(text.indexOf('To reach')), /^POINTS\s+SIGNAL\s+DETAIL$/, 1);
    expect(rightAligned(lift, 'POINTS')).toEqual(['+6.6']);
    noFloatNoise(text);
  });

  it('says so when no lever would add points (no empty table)', () => {
    const text = formatExplanation('Acme', {
      ...r,
      drivers: { ...r.drivers, lift: { targetBand: 'at-risk', pointsNeeded: 2.7, suggestions: [] } },
    });
    expect(
      text.endsWith('To reach at-risk it needs 2.7 points; no lever in the data would add points.\n'),
    ).toBe(true);
  });
});

describe('vigil playbooks run', () => {
  const d = (playbookId: string, outcome: 'fired' | 'held-out' | 'suppressed', task = true) => ({
    playbookId,
    playbookName: playbookId === 'p1' ? 'Renewal at risk' : 'Competitor mentioned',
    accountId: `acc-${playbookId}`,
    outcome,
    reason: null,
    dedupeKey: '',
    because: 'renewal in 60 days and score 41',
    enrolledBy: null,
    score: 41,
    band: 'critical' as const,
    alertOwner: null,
    task: task ? { title: 'Call the sponsor' } : null,
    notifications: [],
    addTags: [],
    cooldownUntil: null,
  });
  const r = {
    runId: null,
    dryRun: true,
    subjects: 1200,
    fired: 3,
    heldOut: 1,
    suppressed: { cooldown: 2, budget: 0 },
    suppressedTotal: 2,
    tasksCreated: 2,
    taskIds: [],
    notificationsQueued: 0,
    notificationsSkipped: [{ channel: 'slack', playbookId: 'p1', accountId: 'acc-p1', reason: 'no webhook' }],
    decisions: [
      d('p2', 'suppressed'),
      d('p1', 'fired'),
      d('p1', 'fired'),
      d('p2', 'fired', false),
      d('p1', 'held-out'),
      d('p2', 'suppressed'),
    ],
    ms: 1234.5678,
  } as unknown as RunPlaybooksReport;

  it('totals, one row per playbook, the plays a dry run would fire', () => {
    const text = formatRun(r);
    expect(text.split('\n')[0]).toBe(
      '[dry run] 1,200 account(s): 3 play(s) fired, 1 held out, 2 suppressed (cooldown 2); up to 2 task(s) would be created, 0 notification(s) queued in 1.2 s',
    );
    const t = tableAt(text, /^PLAYBOOK\s+FIRED\s+HELD OUT\s+SUPPRESSED\s+WITH TASK$/, 2);
    expect(leftCells(t, 'PLAYBOOK')).toEqual(['Renewal at risk', 'Competitor mentioned']);
    expect(rightAligned(t, 'FIRED')).toEqual(['2', '1']);
    expect(rightAligned(t, 'HELD OUT')).toEqual(['1', '0']);
    expect(rightAligned(t, 'SUPPRESSED')).toEqual(['0', '2']);
    expect(rightAligned(t, 'WITH TASK')).toEqual(['2', '0']);
    const fired = tableAt(text, /^PLAYBOOK\s+ACCOUNT\s+TASK\s+BECAUSE$/, 3);
    expect(leftCells(fired, 'TASK')).toEqual(['Call the sponsor', 'Call the sponsor', '(no task)']);
    const skipped = tableAt(text, /^CHANNEL\s+PLAYBOOK\s+ACCOUNT\s+REASON$/, 1);
    expect(leftCells(skipped, 'REASON')).toEqual(['no webhook']);
  });
});

describe('vigil learn-table', () => {
  const r = {
    table: 'customers.csv',
    rows: { used: 1200, train: 900, test: 300, rejected: [{ row: 14, reason: 'churned: expected yes/no' }] },
    baseRate: 0.2133333,
    featureCount: 7,
    evaluation: {
      auc: 0.81234,
      aucCi: { lower: 0.7712, upper: 0.85123 },
      averagePrecision: 0.5,
      brier: 0.1234567,
      topDecile: { precision: 0.6, recall: 0.28125, lift: 2.8125 },
    },
    importance: [
      {
        trait: 'seats',
        permutationImportance: 0.0812345,
        features: [{ feature: 'seats', standardizedCoefficient: -0.734 }],
      },
      {
        trait: 'plan',
        permutationImportance: 0.0012,
        features: [
          { feature: 'plan=basic', standardizedCoefficient: 0.4 },
          { feature: 'plan=pro', standardizedCoefficient: -0.1 },
        ],
      },
    ],
    scored: [
      { id: 'C-2', churnProbability: 0.1, drivers: [] },
      { id: 'C-1', churnProbability: 0.87654, drivers: [{ trait: 'seats' }, { trait: 'plan' }] },
    ],
    savedTo: null,
  } as unknown as LearnFromTableReport;

  it('quality, traits and scored rows as tables', () => {
    const text = formatLearnReport(r, 20);
    expect(text.split('\n')[0]).toBe('Learned from customers.csv: 1,200 rows (1 rejected), churn rate 21.3%');
    const q = tableAt(text, /^METRIC\s+VALUE\s+NOTE$/, 4);
    expect(rightAligned(q, 'VALUE')).toEqual(['0.812', '0.500', '0.1235', '2.81×']);
    const traits = tableAt(text, /^TRAIT\s+IMPORTANCE\s+STRONGEST EFFECT$/, 2);
    expect(rightAligned(traits, 'IMPORTANCE')).toEqual(['0.0812', '0.0012']);
    expect(leftCells(traits, 'STRONGEST EFFECT')).toEqual([
      'seats lowers churn (-0.73/sd)',
      'plan=basic raises churn (0.40/sd)',
    ]);
    const scored = tableAt(text, /^ID\s+CHURN\s+DRIVERS$/, 2);
    expect(leftCells(scored, 'ID')).toEqual(['C-1', 'C-2']); // riskiest first
    expect(rightAligned(scored, 'CHURN')).toEqual(['87.7%', '10.0%']);
    noFloatNoise(text);
  });
});

const dist = (median: number | null) => ({
  detected: 40,
  missed: 1234,
  median,
  p25: 12.5,
  p75: 300.25,
  shareAtLeast90Days: 0.4567,
  histogram: [
    { fromDays: 0, toDays: 30, count: 3 },
    { fromDays: 30, toDays: 365, count: 1500 },
    { fromDays: 365, toDays: null, count: 7 },
  ],
});
const metrics = {
  snapshots: 12_345,
  accounts: 300,
  positives: 987,
  baseRate: 0.0799513,
  auc: 0.80512,
  aucCi: { lower: 0.78, upper: 0.8312345, iterations: 200 },
  averagePrecision: 0.31,
  topDecile: { precision: 0.3, recall: 0.37, lift: 3.7520000000000002 },
  bandChurnRates: [
    { band: 'critical', rate: 0.25, churned: 1250, count: 5000 },
    { band: 'at-risk', rate: 0.101, churned: 101, count: 1000 },
    { band: 'healthy', rate: 0.02, churned: 20, count: 1000 },
  ],
  bandSeparation: {
    bands: [
      { band: 'critical', share: 0.2, ciLow: 0.2412, ciHigh: 0.2611, ratio: 3.1 },
      { band: 'at-risk', share: 0.3, ciLow: 0.09, ciHigh: 0.11, ratio: null },
      { band: 'healthy', share: 0.5, ciLow: 0.01, ciHigh: 0.03, ratio: 0.25 },
    ],
    warnings: ['at-risk churns no more than healthy'],
  },
  calibration: {
    brier: 0.0712345,
    expectedCalibrationError: 0.01,
    bins: [
      { bin: 1, count: 1234, meanPredicted: 0.01, observedRate: 0.02 },
      { bin: 10, count: 5, meanPredicted: 0.5, observedRate: 0.4 },
    ],
  },
  leadTime: { churnedAccounts: 41, atRisk: dist(120), critical: dist(null) },
} as unknown as BacktestMetrics;

describe('vigil backtest', () => {
  it('ranking, churn per band, calibration and lead time as tables', () => {
    const r = {
      model: { version: 2, name: 'default', status: 'active' },
      label: 'horizon',
      horizonDays: 180,
      lapseDays: null,
      period: { from: '2025-01-01', to: '2026-06-30', toSource: 'data-end', dates: 18 },
      scoreSource: 'compute',
      missingScores: 0,
      excluded: { churned: 1200 },
      metrics,
      calibrationSource: 'stored',
      timings: { scoreMs: 12_345, metricsMs: 456, totalMs: 12_801 },
    } as unknown as BacktestReport;
    const text = formatBacktest(r);
    expect(text.split('\n')[0]).toBe('Backtest of model 2 (default, active), horizon 180 days');
    expect(text).toContain('  12,345 account-snapshots of 300 accounts; 987 churned within 180 days (8.0%)');
    const ranking = tableAt(text, /^METRIC\s+VALUE\s+NOTE$/, 3);
    expect(rightAligned(ranking, 'VALUE')).toEqual(['0.805', '0.310', '3.75×']);
    expect(ranking.rows[0]).toMatch(/95% CI 0\.780–0\.831, 200 bootstrap resamples$/);
    const bands = tableAt(text, /^BAND\s+CHURN\s+CHURNED\s+OF\s+SHARE\s+95% CI\s+VS BASE$/, 3);
    expect(leftCells(bands, 'BAND')).toEqual(['critical', 'at-risk', 'healthy']);
    expect(rightAligned(bands, 'CHURN')).toEqual(['25.0%', '10.1%', '2.0%']);
    expect(rightAligned(bands, 'CHURNED')).toEqual(['1,250', '101', '20']);
    expect(rightAligned(bands, 'OF')).toEqual(['5,000', '1,000', '1,000']);
    expect(rightAligned(bands, 'VS BASE')).toEqual(['3.10×', '–', '0.25×']);
    expect(text).toContain('    ! at-risk churns no more than healthy\n');
    const cal = tableAt(text, /^BIN\s+N\s+PREDICTED\s+OBSERVED$/, 2);
    expect(rightAligned(cal, 'N')).toEqual(['1,234', '5']);
    expect(rightAligned(cal, 'OBSERVED')).toEqual(['2.0%', '40.0%']);
    const lead = tableAt(text, /^FIRST\s+MEDIAN\s+QUARTILES\s+FLAGGED\s+MISSED\s+≥90 D AHEAD$/, 2);
    expect(rightAligned(lead, 'MEDIAN')).toEqual(['120 d', '–']);
    expect(rightAligned(lead, 'MISSED')).toEqual(['1,234', '1,234']);
    expect(rightAligned(lead, '≥90 D AHEAD')).toEqual(['45.7%', '45.7%']);
    const buckets = tableAt(text, /^FIRST\s+0–30 d\s+30–365 d\s+≥365 d$/, 2);
    expect(rightAligned(buckets, '30–365 d')).toEqual(['1,500', '1,500']);
    expect(text).toContain('  time: snapshots 12.3 s, metrics 0.46 s, total 12.8 s\n');
    noFloatNoise(text);
  });
});

describe('vigil train', () => {
  it('weights and the held-out comparison as tables', () => {
    const r = {
      proposedVersion: 3,
      currentVersion: 2,
      label: 'horizon',
      horizonDays: 180,
      lapseDays: null,
      to: '2026-06-30',
      toSource: 'option',
      fit: { snapshots: 10_000, from: '2024-01-01', to: '2025-06-01', churned: 400 },
      heldOut: { snapshots: 2345, from: '2025-07-01', to: '2025-12-01', churned: 99 },
      embargoed: 600,
      excluded: {},
      weights: [
        {
          signalId: 'login-trend',
          current: 0.1,
          proposed: 0.1520000000000001,
          standardizedCoefficient: -0.41234,
          coverage: 0.99,
        },
        {
          signalId: 'champion-status',
          current: 0.05,
          proposed: 0,
          standardizedCoefficient: -0.0012, // rounds to 0.00, not "-0.00"
          coverage: 0.5,
        },
      ],
      dropped: [{ signalId: 'nps', reason: 'too little data' }],
      current: metrics,
      proposed: { ...metrics, auc: 0.9 },
      logisticAuc: 0.88,
      l2: 0.30000000000000004,
      l2Validation: 'time',
      renewalTiming: false,
      bands: {
        current: { healthy: 62, atRisk: 45 },
        proposed: { healthy: 63.3333333, atRisk: 44 + 0.1 + 0.2 },
        method: 'separation',
        fit: null,
        heldOut: null,
      },
      calibration: { slope: -0.0712345, intercept: 1.2345678 },
      beatsCurrent: true,
    } as unknown as TrainReport;
    const text = formatTrainReport(r);
    const w = tableAt(text, /^SIGNAL\s+CURRENT\s+PROPOSED\s+EFFECT\/SD\s+COVERAGE$/, 2);
    expect(leftCells(w, 'SIGNAL')).toEqual(['login-trend', 'champion-status']);
    expect(rightAligned(w, 'PROPOSED')).toEqual(['15.2%', '0.0%']);
    expect(rightAligned(w, 'EFFECT/SD')).toEqual(['-0.41', '0.00']);
    const cmp = tableAt(text, /^HELD-OUT BACKTEST\s+MODEL 2\s+MODEL 3$/, 10);
    expect(rightAligned(cmp, 'MODEL 2')[0]).toBe('0.805');
    expect(rightAligned(cmp, 'MODEL 3')[0]).toBe('0.900');
    expect(text).toContain('L2 penalty 0.3 (');
    expect(text).toContain('healthy ≥ 62 → 63.33, at-risk ≥ 45 → 44.3');
    expect(text).toContain('vigil model approve 3');
    noFloatNoise(text);
  });
});
