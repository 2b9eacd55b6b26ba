import type { SignalDefinition } from './signal-definition.ts';
import { daysAgo, decay, latest } from './signal-helpers.ts';

/** The CSM's latest red/amber/green read, fading after its validity period. Unit: score 0..1; higher is better. */
export const csmSentiment: SignalDefinition = {
  id: 'csm-sentiment',
  label: 'CSM sentiment',
  category: 'relationship',
  unit: 'rag',
  windowDays: 365,
  direction: 'higher-is-better',
  thresholds: [
    [0, 10],
    [0.5, 55],
    [1, 100],
  ],
  compute(data, ctx) {
    const last = latest(data, ctx.asOfDay, 'csm_sentiment');
    if (!last) return null;
    const age = daysAgo(last.time, ctx.asOfDay);
    const valid = last.properties.validDays ?? ctx.sentimentValidDays;
    const freshness = age <= valid ? 1 : decay(age - valid, Math.max(7, valid / 2));
    if (freshness < 0.05) return null;
    const s = last.properties.sentiment;
    return {
      value: s,
      numeric: s === 'green' ? 1 : s === 'amber' ? 0.5 : 0,
      freshness,
      detail: `CSM says ${s} (${age} days ago${freshness < 1 ? ', fading' : ''})`,
    };
  },
};
