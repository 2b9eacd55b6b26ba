import { Hono } from 'hono';
import { sql } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { computeScore } from '../../core/scoring/compute-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { type EngineContext, today } from '../../engine/context.ts';
import { getActiveModel } from '../../engine/scoring/get-active-model.ts';
import { loadAccountData, toAccount, toContact, toContract } from '../../store/queries/load-account-data.ts';

const date = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const listQuery = z.object({
  band: z.enum(['healthy', 'at-risk', 'critical', 'unscored']).optional(),
  owner: z.string().max(200).optional(),
  segment: z.string().max(100).optional(),
  q: z.string().max(200).optional(),
  renewalWithinDays: z.coerce.number().int().min(0).max(3650).optional(),
  minScore: z.coerce.number().min(0).max(100).optional(),
  maxScore: z.coerce.number().min(0).max(100).optional(),
  sort: z.enum(['score', '-score', 'arr', '-arr', 'renewal', 'name', 'trend', '-trend']).default('score'),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
  offset: z.coerce.number().int().min(0).default(0),
  includeFormer: z.enum(['true', 'false']).default('false'),
});

const SORTS = {
  score: sql`coalesce(s.score, 1000) asc, a.name asc`,
  '-score': sql`coalesce(s.score, -1) desc, a.name asc`,
  arr: sql`arr asc, a.name asc`,
  '-arr': sql`arr desc, a.name asc`,
  renewal: sql`case when term_end is null then 1 else 0 end, term_end asc, a.name asc`,
  name: sql`a.name asc`,
  trend: sql`coalesce(s.trend_30, 1000) asc, a.name asc`,
  '-trend': sql`coalesce(s.trend_30, -1000) desc, a.name asc`,
} as const;

/** /v1/accounts: the portfolio list with filters, sort and pagination, and the account 360. */
export function accountRoutes(ctx: EngineContext) {
  const app = new Hono();
  app.get('/', async (c) => {
    const q = listQuery.parse(c.req.query());
    const asOf = today(ctx);
    const { db } = ctx.store;
    let base = db
      .selectFrom('accounts as a')
      .leftJoin('current_scores as s', 's.account_id', 'a.id')
      .select((eb) => [
        'a.id',
        'a.name',
        'a.segment',
        'a.industry',
        'a.owner',
        'a.tags',
        's.score',
        's.band',
        's.coverage',
        's.trend_30',
        's.previous_band',
        's.model_version',
        's.top_driver',
        eb
          .selectFrom('contracts as c')
          .select(sql<number>`coalesce(sum(c.arr), 0)`.as('v'))
          .whereRef('c.account_id', '=', 'a.id')
          .where('c.start_date', '<=', asOf)
          .where('c.end_date', '>=', asOf)
          .as('arr'),
        eb
          .selectFrom('contracts as c')
          .select(sql<number>`coalesce(sum(c.seats), 0)`.as('v'))
          .whereRef('c.account_id', '=', 'a.id')
          .where('c.start_date', '<=', asOf)
          .where('c.end_date', '>=', asOf)
          .as('seats'),
        eb
          .selectFrom('contracts as c')
          .select(sql<string | null>`min(c.end_date)`.as('v'))
          .whereRef('c.account_id', '=', 'a.id')
          .where('c.start_date', '<=', asOf)
          .where('c.end_date', '>=', asOf)
          .as('term_end'),
      ]);
    if (q.includeFormer !== 'true')
      base = base.where((eb) =>
        eb.or([
          eb.not(
            eb.exists(
              eb.selectFrom('contracts as c0').select('c0.id').whereRef('c0.account_id', '=', 'a.id'),
            ),
          ),
          eb.exists(
            eb
              .selectFrom('contracts as c1')
              .select('c1.id')
              .whereRef('c1.account_id', '=', 'a.id')
              .where('c1.start_date', '<=', asOf)
              .where('c1.end_date', '>=', asOf),
          ),
        ]),
      );
    if (q.band === 'unscored') base = base.where('s.score', 'is', null);
    else if (q.band) base = base.where('s.band', '=', q.band);
    if (q.owner) base = base.where('a.owner', '=', q.owner);
    if (q.segment) base = base.where('a.segment', '=', q.segment);
    if (q.minScore !== undefined) base = base.where('s.score', '>=', q.minScore);
    if (q.maxScore !== undefined) base = base.where('s.score', '<=', q.maxScore);
    if (q.q) {
      const like = `%${q.q.replace(/[%_\\]/g, (m) => `\\${m}`).toLowerCase()}%`;
      base = base.where((eb) =>
        eb.or([eb(sql`lower(a.name)`, 'like', like), eb(sql`lower(a.id)`, 'like', like)]),
      );
    }
    const wrapped = db.selectFrom(base.as('x')).selectAll();
    let filtered = wrapped;
    if (q.renewalWithinDays !== undefined) {
      const until = new Date(Date.parse(asOf) + q.renewalWithinDays * 86_400_000).toISOString().slice(0, 10);
      filtered = filtered.where('term_end', '<=', until).where('term_end', 'is not', null);
    }
    const total = await db
      .selectFrom(filtered.as('f'))
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const orderBy = SORTS[q.sort];
    const rows = await db
      .selectFrom(filtered.as('a'))
      .leftJoin('current_scores as s', 's.account_id', 'a.id')
      .selectAll('a')
      .orderBy(orderBy as never)
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    return c.json({
      asOf,
      total: Number(total.n),
      items: rows.map((r) => ({
        id: r.id,
        name: r.name,
        segment: r.segment,
        industry: r.industry,
        owner: r.owner,
        arr: Number(r.arr ?? 0),
        seats: Number(r.seats ?? 0),
        renewalDate: r.term_end
          ? new Date(Date.parse(r.term_end) + 86_400_000).toISOString().slice(0, 10)
          : null,
        score: r.score === null ? null : Number(r.score),
        band: r.band ?? null,
        coverage: r.coverage === null ? null : Number(r.coverage),
        trend30: r.trend_30 === null ? null : Number(r.trend_30),
        previousBand: r.previous_band,
        modelVersion: r.model_version === null ? null : Number(r.model_version),
        topDriver: r.top_driver,
        tags: JSON.parse(r.tags) as string[],
      })),
    });
  });

  app.get('/:id', async (c) => {
    const id = c.req.param('id');
    const { db } = ctx.store;
    const account = await db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!account) throw new AppError('NOT_FOUND', `account ${id} not found`);
    const [contracts, contacts, current] = await Promise.all([
      db.selectFrom('contracts').selectAll().where('account_id', '=', id).orderBy('start_date').execute(),
      db.selectFrom('contacts').selectAll().where('account_id', '=', id).orderBy('id').execute(),
      db.selectFrom('current_scores').selectAll().where('account_id', '=', id).executeTakeFirst(),
    ]);
    return c.json({
      account: { ...toAccount(account), tags: JSON.parse(account.tags) as string[] },
      contracts: contracts.map(toContract),
      contacts: contacts.map(toContact),
      score: current ? (JSON.parse(current.detail) as ScoreResult) : null,
    });
  });

  app.get('/:id/scores', async (c) => {
    const id = c.req.param('id');
    const q = z.object({ from: date.optional(), to: date.optional() }).parse(c.req.query());
    let query = ctx.store.db
      .selectFrom('scores')
      .select(['as_of', 'score', 'band', 'coverage', 'model_version'])
      .where('account_id', '=', id)
      .orderBy('as_of')
      .orderBy('model_version');
    if (q.from) query = query.where('as_of', '>=', q.from);
    if (q.to) query = query.where('as_of', '<=', q.to);
    const rows = await query.execute();
    const items = rows.map((r) => ({
      asOf: r.as_of,
      score: Number(r.score),
      band: r.band,
      coverage: Number(r.coverage),
      modelVersion: Number(r.model_version),
    }));
    const modelChanges: { asOf: string; fromVersion: number; toVersion: number }[] = [];
    for (let i = 1; i < items.length; i++)
      if (items[i]!.modelVersion !== items[i - 1]!.modelVersion)
        modelChanges.push({
          asOf: items[i]!.asOf,
          fromVersion: items[i - 1]!.modelVersion,
          toVersion: items[i]!.modelVersion,
        });
    return c.json({ items, modelChanges });
  });

  app.get('/:id/timeline', async (c) => {
    const id = c.req.param('id');
    const q = z
      .object({ limit: z.coerce.number().int().min(1).max(1000).default(200), before: z.string().optional() })
      .parse(c.req.query());
    let query = ctx.store.db
      .selectFrom('events')
      .select(['id', 'type', 'time', 'contact_id', 'properties'])
      .where('account_id', '=', id)
      .orderBy('time', 'desc')
      .limit(q.limit);
    if (q.before) query = query.where('time', '<', q.before);
    const rows = await query.execute();
    return c.json({
      items: rows.map((r) => ({
        id: r.id,
        type: r.type,
        time: r.time,
        contactId: r.contact_id,
        properties: JSON.parse(r.properties),
      })),
    });
  });

  app.get('/:id/explain', async (c) => {
    const id = c.req.param('id');
    const q = z.object({ asOf: date.optional() }).parse(c.req.query());
    const asOf = q.asOf ?? today(ctx);
    const active = await getActiveModel(ctx.store);
    const data = await loadAccountData(ctx.store, id, asOf, active.model.lookbackDays);
    return c.json(computeScore(data, active.model, asOf, { modelVersion: active.version }));
  });
  return app;
}
