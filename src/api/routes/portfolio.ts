import { Hono } from 'hono';
import { sql } from 'kysely';
import { type EngineContext, today } from '../../engine/context.ts';

/** /v1/portfolio: accounts and ARR per band, movement, averages. */
export function portfolioRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/summary', async (c) => {
    const asOf = today(ctx);
    const rows = await sql<{
      band: string | null;
      accounts: number;
      arr: number;
      avg: number | null;
      down: number;
      up: number;
    }>`
      select s.band as band, count(*) as accounts, coalesce(sum(t.arr), 0) as arr, avg(s.score) as avg,
        sum(case when s.trend_30 <= -5 then 1 else 0 end) as down, sum(case when s.trend_30 >= 5 then 1 else 0 end) as up
      from accounts a
      join (select account_id, sum(arr) as arr from contracts where start_date <= ${asOf} and end_date >= ${asOf} group by account_id) t
        on t.account_id = a.id
      left join current_scores s on s.account_id = a.id
      group by s.band`.execute(ctx.store.db);
    const bands: Record<string, { accounts: number; arr: number }> = {
      healthy: { accounts: 0, arr: 0 },
      'at-risk': { accounts: 0, arr: 0 },
      critical: { accounts: 0, arr: 0 },
      unscored: { accounts: 0, arr: 0 },
    };
    let accounts = 0;
    let arr = 0;
    let weighted = 0;
    let scored = 0;
    let movedDown = 0;
    let movedUp = 0;
    for (const r of rows.rows) {
      const key = r.band ?? 'unscored';
      bands[key] = { accounts: Number(r.accounts), arr: Number(r.arr) };
      accounts += Number(r.accounts);
      arr += Number(r.arr);
      if (r.avg !== null) {
        weighted += Number(r.avg) * Number(r.accounts);
        scored += Number(r.accounts);
      }
      movedDown += Number(r.down ?? 0);
      movedUp += Number(r.up ?? 0);
    }
    return c.json({
      asOf,
      accounts,
      arr,
      bands,
      averageScore: scored ? Math.round((weighted / scored) * 10) / 10 : null,
      movedDown30d: movedDown,
      movedUp30d: movedUp,
    });
  });
  return app;
}
