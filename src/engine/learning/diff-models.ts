import { AppError } from '../../core/errors.ts';
import { type DocumentChange, diffDocuments } from '../../core/learning/diff-documents.ts';
import { findModelRow, type ModelRow } from '../../store/queries/learning/model-rows.ts';
import type { EngineContext } from '../context.ts';
import { SCORING } from './scoring-port.ts';
import { effectiveSignalWeights, roundWeight, signalInfoOf } from './signal-weights.ts';
import type { StoredTrainingBacktest } from './train-model.ts';

export type ModelDiff = {
  a: { version: number; name: string; status: string };
  b: { version: number; name: string; status: string };
  /** Each signal's share of the score when every signal has data, side by side (weights are stored per category, so raw settings are not comparable). */
  effectiveWeights: {
    signalId: string;
    category: string;
    label: string;
    a: number;
    b: number;
    delta: number;
  }[];
  changes: DocumentChange[];
  /** Backtests stored with each model (a trained model stores proposed vs the model it challenged). */
  backtests: { a: StoredTrainingBacktest | null; b: StoredTrainingBacktest | null };
};

/** Version 0 is the built-in default model, which a fresh install scores with before any version is stored. */
async function findModelOrDefault(ctx: EngineContext, version: number): Promise<ModelRow | null> {
  if (version !== 0) return findModelRow(ctx.store, version);
  return {
    version: 0,
    name: 'built-in default',
    status: 'built-in',
    document: JSON.stringify(SCORING.defaultModel()),
    created_at: '',
    created_by: null,
    approved_at: null,
    approved_by: null,
    notes: null,
    backtest: null,
  };
}

/** Proposed vs current, side by side: every changed setting (weights first) and both backtests. */
export async function diffModels(ctx: EngineContext, a: number, b: number): Promise<ModelDiff> {
  const [ra, rb] = await Promise.all([findModelOrDefault(ctx, a), findModelOrDefault(ctx, b)]);
  if (!ra) throw new AppError('NOT_FOUND', `model version ${a} does not exist`);
  if (!rb) throw new AppError('NOT_FOUND', `model version ${b} does not exist`);
  const docA = JSON.parse(ra.document);
  const docB = JSON.parse(rb.document);
  const changes = diffDocuments(docA, docB);
  // Documents that are not valid health models (hand-edited, older shapes) still diff leaf by leaf.
  const wa = effectiveSignalWeights(docA);
  const wb = effectiveSignalWeights(docB);
  const info = new Map([...signalInfoOf(docA), ...signalInfoOf(docB)]);
  const effectiveWeights = [...new Set([...Object.keys(wa), ...Object.keys(wb)])]
    .map((signalId) => {
      const a = roundWeight(wa[signalId] ?? 0);
      const b = roundWeight(wb[signalId] ?? 0);
      const i = info.get(signalId);
      return {
        signalId,
        category: i?.category ?? 'custom',
        label: i?.label ?? signalId,
        a,
        b,
        delta: roundWeight(b - a),
      };
    })
    .filter((w) => w.a !== 0 || w.b !== 0)
    .sort((x, y) => y.b - x.b || y.a - x.a);
  const isWeight = (c: DocumentChange) => /weight/i.test(c.path);
  changes.sort((x, y) => Number(isWeight(y)) - Number(isWeight(x)) || (x.path < y.path ? -1 : 1));
  return {
    a: { version: ra.version, name: ra.name, status: ra.status },
    b: { version: rb.version, name: rb.name, status: rb.status },
    effectiveWeights,
    changes,
    backtests: {
      a: ra.backtest ? JSON.parse(ra.backtest) : null,
      b: rb.backtest ? JSON.parse(rb.backtest) : null,
    },
  };
}
