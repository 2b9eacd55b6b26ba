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
  /** Headline backtest figures stored with the model, when it was trained. */
  backtest: { auc: number | null; medianLeadDays: number | null; horizonDays: number | null } | null;
};

type StoredBacktest = {
  horizonDays?: number;
  proposed?: { auc?: number | null; leadTime?: { atRisk?: { median?: number | null } } };
};

export async function listModels(ctx: EngineContext): Promise<ModelListItem[]> {
  const rows = await listModelRows(ctx.store);
  return rows.map((r) => {
    const bt = r.backtest ? (JSON.parse(r.backtest) as StoredBacktest) : null;
    return {
      version: r.version,
      name: r.name,
      status: r.status,
      createdAt: r.created_at,
      createdBy: r.created_by,
      approvedAt: r.approved_at,
      approvedBy: r.approved_by,
      notes: r.notes,
      backtest: bt
        ? {
            auc: bt.proposed?.auc ?? null,
            medianLeadDays: bt.proposed?.leadTime?.atRisk?.median ?? null,
            horizonDays: bt.horizonDays ?? null,
          }
        : null,
    };
  });
}
