import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalise } from '../scoring/compute-score.ts';
import { renewalTimingSubScore, renewalWithinHorizonThresholds } from './renewal-timing.ts';

describe('renewal timing', () => {
  it('scores 0 when the renewal falls within the horizon and 100 beyond it', () => {
    expect(renewalTimingSubScore(1, 180)).toBe(0);
    expect(renewalTimingSubScore(180, 180)).toBe(0);
    expect(renewalTimingSubScore(181, 180)).toBe(100);
    expect(renewalTimingSubScore(null, 180)).toBeNull();
  });

  it('is what the scoring engine computes from the thresholds the proposal stores', () => {
    // Training sees the feature through renewalTimingSubScore; the proposed model is scored
    // through its thresholds. They must agree, or the weights would be learned on another feature.
    fc.assert(
      fc.property(fc.integer({ min: -30, max: 1200 }), fc.integer({ min: 1, max: 1095 }), (days, h) => {
        expect(normalise(days, renewalWithinHorizonThresholds(h))).toBe(renewalTimingSubScore(days, h));
      }),
    );
  });
});
