import type { PushField } from './connection-schema.ts';

/** What Vigil knows of an account's current score, as pushed to a CRM. */
export type ScoreState = {
  accountId: string;
  score: number;
  band: string;
  coverage: number;
  trend30: number | null;
  /** The worst warning sign (label), if any. */
  topWarning: string | null;
  /** Probability of churn before renewal (0..1) when the model is calibrated; null otherwise. */
  churnProbability: number | null;
};

export type PushValues = Record<PushField, string | number | null>;

/** The values one account pushes (numbers rounded so a change in the 4th decimal is not a change). */
export function computePushValues(s: ScoreState, publicUrl: string | null): PushValues {
  return {
    score: Math.round(s.score),
    band: s.band,
    trend30: s.trend30 === null ? null : Math.round(s.trend30 * 10) / 10,
    coverage: Math.round(s.coverage * 100) / 100,
    topWarning: s.topWarning,
    churnProbability: s.churnProbability === null ? null : Math.round(s.churnProbability * 1000) / 1000,
    url: publicUrl ? `${publicUrl.replace(/\/$/, '')}/accounts/${encodeURIComponent(s.accountId)}` : null,
  };
}

/** A stable text of the values (keys sorted), compared with what was last pushed. */
export const pushValuesKey = (v: PushValues) =>
  JSON.stringify(
    Object.keys(v)
      .sort()
      .map((k) => [k, v[k as PushField]]),
  );

/**
 * The CRM record's properties: mapped field names only, null sent as an empty
 * value (HubSpot clears a property with "", Salesforce with `#N/A` in Bulk CSV
 * and null in JSON) so a value that disappears in Vigil is cleared in the CRM too.
 */
export function toCrmProperties(
  v: PushValues,
  fields: Partial<Record<PushField, string>>,
  nullAs: '' | null,
): Record<string, string | number | null> {
  const out: Record<string, string | number | null> = {};
  for (const [k, name] of Object.entries(fields) as [PushField, string][]) out[name] = v[k] ?? nullAs;
  return out;
}

/** A stored current score (its explanation as JSON) as the state a CRM receives; an override wins. */
export function scoreStateOf(row: {
  accountId: string;
  score: number;
  overrideScore: number | null;
  band: string;
  coverage: number;
  trend30: number | null;
  detail: string;
}): ScoreState {
  let topWarning: string | null = null;
  let churnProbability: number | null = null;
  let overrideBand: string | null = null;
  try {
    const d = JSON.parse(row.detail) as {
      drivers?: { warnings?: { label?: string; detail?: string }[] };
      churnProbability?: { probability?: number } | null;
      override?: { band?: string } | null;
    };
    const w = d.drivers?.warnings?.[0];
    if (w?.label) topWarning = w.detail ? `${w.label}: ${w.detail}` : w.label;
    if (typeof d.churnProbability?.probability === 'number')
      churnProbability = d.churnProbability.probability;
    overrideBand = d.override?.band ?? null;
  } catch {
    // an unreadable explanation pushes no warning rather than failing the account
  }
  return {
    accountId: row.accountId,
    score: row.overrideScore ?? row.score,
    band: row.overrideScore !== null && overrideBand ? overrideBand : row.band,
    coverage: row.coverage,
    trend30: row.trend30,
    topWarning: topWarning ? topWarning.slice(0, 250) : null,
    churnProbability,
  };
}
