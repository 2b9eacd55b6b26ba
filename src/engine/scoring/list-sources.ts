import {
  SIGNAL_SOURCES,
  SOURCE_IDS,
  SOURCES,
  type SourceId,
  sourceStatus,
  staleAfterDays,
} from '../../core/sources/data-sources.ts';
import { type EngineContext, today } from '../context.ts';
import { getActiveModel } from './get-active-model.ts';
import { getWorkspaceSources } from './workspace-sources.ts';

export type ListSourcesOptions = { asOf?: string };

export type SourceReport = {
  id: SourceId;
  label: string;
  /** live: arriving; stale: stopped for longer than its cadence (signals held); absent: never sent. */
  status: 'live' | 'stale' | 'absent';
  /** Declared in the model (`sources`), when it is. */
  declared: boolean | null;
  firstEvent: string | null;
  lastEvent: string | null;
  /** Accounts with at least one row. */
  accountsCovered: number;
  rows: number;
  /** Rows per calendar day between the first and the last event. */
  rowsPerDay: number | null;
  /** Days since the last event (as of the date). */
  daysSinceLast: number | null;
  /** Silent days after which the feed counts as stale (its own cadence; null = never stale). */
  staleAfterDays: number | null;
  /** Signals of the active model this source feeds, with their weight. */
  signals: { id: string; weight: number }[];
};

export type SourcesReport = {
  asOf: string;
  modelVersion: number;
  accounts: number;
  sources: SourceReport[];
  /** Data-health warnings for the dashboard: stale feeds, and sources the model weighs that never arrived. */
  warnings: string[];
};

const DAY = 86_400_000;
const days = (a: string, b: string) => Math.round((Date.parse(b) - Date.parse(a)) / DAY);

/** Which data sources the workspace sends, how fresh each is and which signals each feeds. */
export async function listSources(
  ctx: EngineContext,
  options: ListSourcesOptions = {},
): Promise<SourcesReport> {
  const asOf = options.asOf ?? today(ctx);
  const [extents, active] = await Promise.all([
    getWorkspaceSources(ctx.store, { fresh: true }),
    getActiveModel(ctx.store),
  ]);
  const model = active.model;
  const accounts = extents.contracts?.accounts ?? 0;
  const sources: SourceReport[] = [];
  const warnings: string[] = [];
  for (const id of SOURCE_IDS) {
    const e = extents[id];
    const st = sourceStatus(id, asOf, extents, model.sources);
    const signals = Object.entries(SIGNAL_SOURCES)
      .filter(([sig, srcs]) => srcs.includes(id) && model.signals[sig])
      .map(([sig]) => ({ id: sig, weight: model.signals[sig]!.weight }));
    const span = e ? days(e.first, e.last) + 1 : 0;
    sources.push({
      id,
      label: SOURCES[id].label,
      status: st.state,
      declared: model.sources[id] ?? null,
      firstEvent: e?.first ?? null,
      lastEvent: e?.last ?? null,
      accountsCovered: e?.accounts ?? 0,
      rows: e?.rows ?? 0,
      rowsPerDay: e && span > 0 ? Math.round((e.rows / span) * 10) / 10 : null,
      daysSinceLast: e ? days(e.last, asOf) : null,
      staleAfterDays: e ? staleAfterDays(id, e) : SOURCES[id].minStaleDays,
      signals,
    });
    const weighted = signals.some((s) => s.weight > 0);
    if (st.state === 'stale')
      warnings.push(
        `${SOURCES[id].label}: no data for ${st.daysSilent} days (usually every ${st.staleAfterDays} days or less); its signals are held at ${st.last}`,
      );
    else if (st.state === 'absent' && weighted && e === undefined && model.sources[id] !== false)
      warnings.push(`${SOURCES[id].label}: never sent; ${signals.length} signal(s) not available`);
  }
  return { asOf, modelVersion: active.version, accounts, sources, warnings };
}
