import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startMemorySampler } from './memory-sampler.ts';

describe('memory sampler (VIGIL_MEMORY_SAMPLE_FILE)', () => {
  it('appends RSS and V8 heap samples as NDJSON, one at start and one at stop', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'vigil-mem-')), 'm.ndjson');
    const stop = startMemorySampler({ VIGIL_MEMORY_SAMPLE_FILE: file, VIGIL_MEMORY_SAMPLE_SECONDS: '60' });
    stop();
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    for (const l of lines) {
      expect(l.heapUsed).toBeGreaterThan(1e6);
      expect(l.heapTotal).toBeGreaterThanOrEqual(l.heapUsed);
      expect(l.rss).toBeGreaterThan(l.heapUsed);
      expect(Number.isNaN(Date.parse(l.at))).toBe(false);
    }
  });
});
