import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/errors.ts';
import { errorResponse } from './errors.ts';

// issue 20 item 8: a write that cannot get the lock in time (UNAVAILABLE, see
// src/engine/ingest/sqlite-busy.test.ts) answers 503 with Retry-After.
describe('UNAVAILABLE over HTTP', () => {
  it('is a 503 with Retry-After and the envelope', async () => {
    const app = new Hono();
    app.get('/', (c) => errorResponse(c, new AppError('UNAVAILABLE', 'busy', { retryAfterSeconds: 2 })));
    const res = await app.request('/');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ error: { code: 'UNAVAILABLE', message: 'busy' } });
  });
});
