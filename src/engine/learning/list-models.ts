import { listLatestBacktestRuns } from '../../store/queries/learning/latest-backtest-runs.ts';
import { listModelRows } from '../../store/queries/learning/model-rows.ts';
import type { EngineContext } from '../context.ts';

export type ModelListItem = {
  version: number;
  name: string;
  status: string;
  createdAt: string;
  createdBy: string | null;
  approvedAt: string | null;
  approvedBy: string | null;
  notes: string | null;
  /**
   * Headline backtest figures: the latest recorded backtest of this version on all history at the
   * default horizon (what the model page's backtest panel shows), else those stored with the model
   * when it was trained (held-out months only). `source` says which.
   */
  backtest: {
    auc: number | null;
    medianLeadDays: number | null;
    horizonDays: number | null;
    source: 'backtest' | 'training';
  } | null;
};

/** The horizon of a backtest run with no options (the model page's panel). */
const PANEL_HORIZON_DAYS = 180;

type StoredBacktest = {
  horizonDays?: number;
  proposed?: { auc?: number | null; leadTime?: { atRisk?: { median?: number | null } } };
};

export async function listModels(ctx: EngineContext): Promise<ModelListItem[]> {
  const rows = await listModelRows(ctx.store);
  const runs = await listLatestBacktestRuns(ctx.store, PANEL_HORIZON_DAYS);
  return rows.map((r) => {
    const bt = r.backtest ? (JSON.parse(r.backtest) as StoredBacktest) : null;
    const run = runs.get(r.version);
    return {
      version: r.version,
      name: r.name,
      status: r.status,
      createdAt: r.created_at,
      createdBy: r.created_by,
      approvedAt: r.approved_at,
      approvedBy: r.approved_by,
      notes: r.notes,
      backtest: run
        ? {
            auc: run.auc,
            medianLeadDays: run.medianLeadDays,
            horizonDays: run.horizonDays,
            source: 'backtest',
          }
        : bt
          ? {
              auc: bt.proposed?.auc ?? null,
              medianLeadDays: bt.proposed?.leadTime?.atRisk?.median ?? null,
              horizonDays: bt.horizonDays ?? null,
              source: 'training',
            }
          : null,
    };
  });
}
