import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { openStore, type Store } from '../../store/database.ts';
import { openTestStore, TEST_PG_URL } from '../../store/test-stores.ts';
import type { BusEvents } from '../bus.ts';
import { contextForStore, type EngineContext } from '../context.ts';
import { type BusBridge, startBusBridge } from './bus-bridge.ts';

// Two processes' worth of contexts on one PostgreSQL schema: a change on one bus reaches the other.
describe.skipIf(!TEST_PG_URL && process.env.CI !== 'true')('bus bridge over PostgreSQL NOTIFY', () => {
  let a: Store;
  let b: Store;
  let ctxA: EngineContext;
  let ctxB: EngineContext;
  let bridges: BusBridge[] = [];
  beforeAll(async () => {
    a = await openTestStore('postgres');
    const schema = (await a.pool!.query<{ s: string }>('select current_schema() as s')).rows[0]!.s;
    b = await openStore({ url: TEST_PG_URL!, pgSchema: schema, poolSize: 2 });
    ctxA = contextForStore(a);
    ctxB = contextForStore(b);
    const at = '2026-06-30T00:00:00.000Z';
    await a.db
      .insertInto('accounts')
      .values({
        id: 'acc',
        name: 'Acc',
        segment: 'smb',
        owner: 'c1',
        traits: '{}',
        tags: '[]',
        updated_at: at,
      })
      .execute();
    const detail = { accountId: 'acc', score: 41, band: 'critical', asOf: '2026-06-30', modelVersion: 1 };
    await a.db
      .insertInto('current_scores')
      .values({
        account_id: 'acc',
        as_of: '2026-06-30',
        model_version: 1,
        score: 41,
        band: 'critical',
        coverage: 1,
        detail: JSON.stringify(detail),
        computed_at: at,
        previous_score: null,
        previous_band: null,
        override_score: null,
        trend_30: null,
        top_driver: null,
      })
      .execute();
    bridges = [await startBusBridge(ctxA, { flushMs: 5 }), await startBusBridge(ctxB, { flushMs: 5 })];
  });
  afterAll(async () => {
    for (const x of bridges) await x.stop();
    await b?.close();
    await a?.close();
  });

  it('re-emits score and task changes from another process once, with the full stored score', async () => {
    const gotB: BusEvents['score-changed'][0][] = [];
    const gotA: BusEvents['score-changed'][0][] = [];
    const tasksB: unknown[] = [];
    ctxB.bus.on('score-changed', (e) => gotB.push(e));
    ctxA.bus.on('score-changed', (e) => gotA.push(e));
    ctxB.bus.on('task-changed', (e) => tasksB.push(e));
    ctxA.bus.emit('score-changed', {
      accountId: 'acc',
      owner: 'c1',
      previous: { score: 62, band: 'at-risk' },
      current: { score: 41 } as ScoreResult,
    });
    ctxA.bus.emit('task-changed', {
      taskId: 't1',
      accountId: 'acc',
      owner: 'c1',
      status: 'open',
      title: 'Call',
    });
    for (let i = 0; i < 100 && (gotB.length === 0 || tasksB.length === 0); i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(gotB.length).toBe(1);
    expect(gotB[0]).toMatchObject({
      accountId: 'acc',
      owner: 'c1',
      previous: { score: 62, band: 'at-risk' },
      current: { band: 'critical', modelVersion: 1 },
    });
    expect(tasksB).toEqual([{ taskId: 't1', accountId: 'acc', owner: 'c1', status: 'open', title: 'Call' }]);
    await new Promise((r) => setTimeout(r, 100));
    // no echo back to the sender, no loop
    expect(gotA.length).toBe(1);
    expect(gotB.length).toBe(1);
  });
});
