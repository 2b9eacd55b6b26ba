import type { EngineContext } from '../context.ts';
import type { backtestModel } from '../learning/backtest-model.ts';
import type { previewBandMigration } from '../learning/preview-band-migration.ts';
import type { trainModel } from '../learning/train-model.ts';
import type { computeCohortReport, computeMetricsReport } from '../metrics/metrics-report.ts';
import type { listExpansionOpportunities } from '../playbooks/list-expansion-opportunities.ts';
import type { backfillScores } from '../scoring/backfill-scores.ts';

/**
 * The use-cases that may run for seconds to minutes and therefore run in a worker thread, by
 * name. Each is the existing use-case, unchanged: the thread opens its own context on the same
 * database and calls it with the same (structured-clone-able) options.
 */
export type HeavyTasks = {
  backtestModel: typeof backtestModel;
  trainModel: typeof trainModel;
  backfillScores: typeof backfillScores;
  computeCohortReport: typeof computeCohortReport;
  computeMetricsReport: typeof computeMetricsReport;
  listExpansionOpportunities: typeof listExpansionOpportunities;
  previewBandMigration: typeof previewBandMigration;
};
export type HeavyTaskName = keyof HeavyTasks;
export type HeavyOptions<K extends HeavyTaskName> = Parameters<HeavyTasks[K]>[1];
export type HeavyResult<K extends HeavyTaskName> = Awaited<ReturnType<HeavyTasks[K]>>;

type AnyTask = (ctx: EngineContext, options: never) => Promise<unknown>;

/** Loaded on first use (the thread that runs one task does not load the others' code). */
export const HEAVY_TASKS: Record<HeavyTaskName, () => Promise<AnyTask>> = {
  backtestModel: async () => (await import('../learning/backtest-model.ts')).backtestModel as AnyTask,
  trainModel: async () => (await import('../learning/train-model.ts')).trainModel as AnyTask,
  backfillScores: async () => (await import('../scoring/backfill-scores.ts')).backfillScores as AnyTask,
  computeCohortReport: async () =>
    (await import('../metrics/metrics-report.ts')).computeCohortReport as AnyTask,
  computeMetricsReport: async () =>
    (await import('../metrics/metrics-report.ts')).computeMetricsReport as AnyTask,
  listExpansionOpportunities: async () =>
    (await import('../playbooks/list-expansion-opportunities.ts')).listExpansionOpportunities as AnyTask,
  previewBandMigration: async () =>
    (await import('../learning/preview-band-migration.ts')).previewBandMigration as AnyTask,
};

export const isHeavyTaskName = (s: string): s is HeavyTaskName => Object.hasOwn(HEAVY_TASKS, s);
