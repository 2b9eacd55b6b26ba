import { describe, expect, it } from 'vitest';
import { diffDocuments } from './diff-documents.ts';

describe('diffDocuments', () => {
  it('lists changed, added and removed leaves, matching id-keyed arrays by id', () => {
    const a = {
      name: 'm',
      signals: [
        { id: 'logins', weight: 0.5 },
        { id: 'nps', weight: 0.5 },
      ],
      bands: { atRisk: 60 },
    };
    const b = {
      name: 'm',
      signals: [
        { id: 'logins', weight: 0.7 },
        { id: 'tickets', weight: 0.3 },
      ],
      bands: { atRisk: 60 },
    };
    const d = diffDocuments(a, b);
    expect(d.map((c) => c.path)).toEqual([
      'signals[logins].weight',
      'signals[nps].id',
      'signals[nps].weight',
      'signals[tickets].id',
      'signals[tickets].weight',
    ]);
    expect(d[0]?.delta).toBeCloseTo(0.2, 12);
    expect(d[1]).toEqual({ path: 'signals[nps].id', a: 'nps', b: undefined, delta: null });
  });

  it('is empty for equal documents', () => {
    expect(diffDocuments({ x: [1, 2], y: { z: null } }, { x: [1, 2], y: { z: null } })).toEqual([]);
  });
});
