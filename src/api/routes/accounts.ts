import { randomUUID } from 'node:crypto';
import { createRoute, z } from '@hono/zod-openapi';
import { type AccountTerms, accountTermsOn } from '../../core/contracts/contract-terms.ts';
import { AppError } from '../../core/errors.ts';
import { computeExpansionOpportunity } from '../../core/playbooks/expansion.ts';
import { expansionInputFromData } from '../../core/playbooks/expansion-input.ts';
import { bandOf, computeScore } from '../../core/scoring/compute-score.ts';
import type { ScoreResult } from '../../core/scoring/score-result.ts';
import { type EngineContext, today } from '../../engine/context.ts';
import { ingestEvents } from '../../engine/ingest/ingest-events.ts';
import { toTask } from '../../engine/playbooks/task-view.ts';
import { findTopQuartileScore } from '../../engine/playbooks/top-quartile-score.ts';
import { getActiveModel } from '../../engine/scoring/get-active-model.ts';
import { listAccountSummaries } from '../../store/queries/api/list-account-summaries.ts';
import { listVisibleTasks } from '../../store/queries/api/list-visible-tasks.ts';
import { loadAccountData, toAccount, toContact, toContract } from '../../store/queries/load-account-data.ts';
import { DIRTY_PRIORITY, markDirty } from '../../store/queries/mark-dirty.ts';
import { isAccountVisible, type Viewer } from '../../store/queries/visible-accounts.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { csvCell } from '../csv-cell.ts';
import {
  accountDetailSchema,
  accountListSchema,
  explainQuerySchema,
  listAccountsQuerySchema,
  noteBodySchema,
  overrideBodySchema,
  overrideSchema,
  scoreHistoryQuerySchema,
  scoreHistorySchema,
  scoreResultSchema,
  timelineQuerySchema,
  timelineSchema,
} from './accounts.schemas.ts';
import { accountIdParamSchema, errorResponses, jsonBody, ok } from './common.schemas.ts';

const tags = ['accounts'];

/** An account the caller may not see answers exactly like one that does not exist. */
async function requireVisible(ctx: EngineContext, viewer: Viewer, id: string) {
  if (!(await isAccountVisible(ctx.store, viewer, id)))
    throw new AppError('NOT_FOUND', `account ${id} not found`);
}

/** /v1/accounts: the portfolio (list, search, export) and the account 360 (detail, history, timeline, notes, overrides). */
export function accountRoutes(ctx: EngineContext) {
  const app = createRouter();

  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'List accounts with filters, sort and pagination',
      request: { query: listAccountsQuerySchema },
      responses: { ...ok(accountListSchema), ...errorResponses() },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const asOf = today(ctx);
      const r = await listAccountSummaries(ctx.store, p.viewer, {
        ...q,
        asOf,
        includeFormer: q.includeFormer === 'true',
      });
      return c.json({ asOf, ...r }, 200);
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/export',
      tags,
      summary: 'Export the (filtered) account list as CSV; audited',
      request: { query: listAccountsQuerySchema.omit({ limit: true, offset: true }) },
      responses: {
        200: { description: 'CSV', content: { 'text/csv': { schema: z.string() } } },
        ...errorResponses(),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const q = c.req.valid('query');
      const asOf = today(ctx);
      const r = await listAccountSummaries(ctx.store, p.viewer, {
        ...q,
        asOf,
        limit: 1_000_000,
        offset: 0,
        includeFormer: q.includeFormer === 'true',
      });
      const cols = [
        'id',
        'name',
        'segment',
        'industry',
        'owner',
        'arr',
        'seats',
        'renewalDate',
        'score',
        'band',
        'coverage',
        'trend30',
        'topDriver',
        'tags',
      ] as const;
      const lines = [cols.join(','), ...r.items.map((i) => cols.map((k) => csvCell(i[k])).join(','))];
      await ctx.store.db
        .insertInto('audit_log')
        .values({
          at: ctx.clock.now().toISOString(),
          actor: actorOf(p),
          action: 'accounts.export',
          target: null,
          details: JSON.stringify({ rows: r.items.length, filters: q }),
        })
        .execute();
      return c.body(`${lines.join('\n')}\n`, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="vigil-accounts-${asOf}.csv"`,
      });
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{id}',
      tags,
      summary: 'The account 360: account, contracts, contacts, current score, tasks, expansion',
      request: { params: accountIdParamSchema },
      responses: { ...ok(accountDetailSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      await requireVisible(ctx, p.viewer, id);
      const { db } = ctx.store;
      const asOf = today(ctx);
      const [account, contracts, contacts, current, tasks, override] = await Promise.all([
        db.selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirstOrThrow(),
        db.selectFrom('contracts').selectAll().where('account_id', '=', id).orderBy('start_date').execute(),
        db.selectFrom('contacts').selectAll().where('account_id', '=', id).orderBy('id').execute(),
        db.selectFrom('current_scores').selectAll().where('account_id', '=', id).executeTakeFirst(),
        listVisibleTasks(ctx.store, p.viewer, { accountId: id, limit: 100, offset: 0 }),
        activeOverride(ctx, id),
      ]);
      const score = current ? (JSON.parse(current.detail) as ScoreResult) : null;
      if (score && override) score.override = override;
      let expansion = null;
      if (score) {
        const cutoff = await findTopQuartileScore(ctx.store);
        if (cutoff !== null && (override?.score ?? score.score) >= cutoff) {
          const data = await loadAccountData(ctx.store, id, asOf, 200);
          expansion = computeExpansionOpportunity(
            expansionInputFromData(data, asOf, override?.score ?? score.score, cutoff),
          );
        }
      }
      return c.json(
        {
          account: { ...toAccount(account), tags: JSON.parse(account.tags) as string[] },
          contracts: contracts.map(toContract),
          terms: { asOf, ...pickTerms(accountTermsOn(contracts.map(toContract), asOf)) },
          contacts: contacts.map(toContact),
          score,
          tasks: tasks.rows.map(toTask),
          expansion,
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{id}/scores',
      tags,
      summary: 'Score history with model-change markers',
      request: { params: accountIdParamSchema, query: scoreHistoryQuerySchema },
      responses: { ...ok(scoreHistorySchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      await requireVisible(ctx, p.viewer, id);
      let query = ctx.store.db
        .selectFrom('scores')
        .select(['as_of', 'score', 'band', 'coverage', 'model_version'])
        .where('account_id', '=', id)
        .orderBy('as_of')
        .orderBy('model_version');
      if (q.from) query = query.where('as_of', '>=', q.from);
      if (q.to) query = query.where('as_of', '<=', q.to);
      const items = (await query.execute()).map((r) => ({
        asOf: r.as_of,
        score: Number(r.score),
        band: r.band,
        coverage: Number(r.coverage),
        modelVersion: Number(r.model_version),
      }));
      const modelChanges: { asOf: string; fromVersion: number; toVersion: number }[] = [];
      for (let i = 1; i < items.length; i++) {
        const [a, b] = [items[i - 1], items[i]];
        if (a && b && a.modelVersion !== b.modelVersion)
          modelChanges.push({ asOf: b.asOf, fromVersion: a.modelVersion, toVersion: b.modelVersion });
      }
      return c.json({ items, modelChanges }, 200);
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{id}/timeline',
      tags,
      summary: 'Timeline events, newest first',
      request: { params: accountIdParamSchema, query: timelineQuerySchema },
      responses: { ...ok(timelineSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      await requireVisible(ctx, p.viewer, id);
      let query = ctx.store.db
        .selectFrom('events')
        .select(['id', 'type', 'time', 'contact_id', 'properties'])
        .where('account_id', '=', id)
        .orderBy('time', 'desc')
        .orderBy('id', 'desc')
        .limit(q.limit);
      if (q.before) query = query.where('time', '<', q.before);
      const rows = await query.execute();
      return c.json(
        {
          items: rows.map((r) => ({
            id: r.id,
            type: r.type,
            time: r.time,
            contactId: r.contact_id,
            properties: JSON.parse(r.properties) as unknown,
          })),
        },
        200,
      );
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{id}/explain',
      tags,
      summary: 'The score explained (signals, categories, drivers), as of any date',
      request: { params: accountIdParamSchema, query: explainQuerySchema },
      responses: { ...ok(scoreResultSchema), ...errorResponses(404) },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      const q = c.req.valid('query');
      await requireVisible(ctx, p.viewer, id);
      const asOf = q.asOf ?? today(ctx);
      const active = await getActiveModel(ctx.store);
      const data = await loadAccountData(ctx.store, id, asOf, active.model.lookbackDays);
      const result = computeScore(data, active.model, asOf, { modelVersion: active.version });
      if (!q.asOf || q.asOf === today(ctx)) result.override = await activeOverride(ctx, id);
      return c.json(result, 200);
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('write')] as const,
      method: 'post',
      path: '/{id}/notes',
      tags,
      summary: "A CSM note, optionally with the CSM's red/amber/green read (rescored within seconds)",
      request: { params: accountIdParamSchema, body: jsonBody(noteBodySchema) },
      responses: {
        201: {
          description: 'Stored',
          content: { 'application/json': { schema: z.object({ accepted: z.number() }) } },
        },
        ...errorResponses(404, 413),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await requireVisible(ctx, p.viewer, id);
      const time = ctx.clock.now().toISOString();
      const author = p.viewer.userId;
      const events: unknown[] = [
        {
          id: `note-${randomUUID()}`,
          accountId: id,
          type: 'csm_note',
          time,
          properties: { text: body.text, author },
        },
      ];
      if (body.sentiment)
        events.push({
          id: `sentiment-${randomUUID()}`,
          accountId: id,
          type: 'csm_sentiment',
          time,
          properties: {
            sentiment: body.sentiment,
            validDays: body.validDays,
            note: body.text.slice(0, 500),
            author,
          },
        });
      const r = await ingestEvents(ctx, events, { source: 'api:notes' });
      const first = r.rejected[0];
      if (first) throw new AppError('BAD_INPUT', `${first.field ?? 'note'}: ${first.reason}`);
      return c.json({ accepted: r.accepted }, 201);
    },
  );

  app.openapi(
    createRoute({
      middleware: [access('write')] as const,
      method: 'post',
      path: '/{id}/overrides',
      tags,
      summary: 'Override the score until a date, with a reason (audited; shown next to the computed score)',
      request: { params: accountIdParamSchema, body: jsonBody(overrideBodySchema) },
      responses: {
        201: { description: 'Override active', content: { 'application/json': { schema: overrideSchema } } },
        ...errorResponses(404, 413),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      await requireVisible(ctx, p.viewer, id);
      const now = ctx.clock.now();
      const expires = Date.parse(body.expiresAt);
      if (!Number.isFinite(expires))
        throw new AppError('BAD_INPUT', `expiresAt: "${body.expiresAt}" is not a date`);
      if (expires <= now.getTime()) throw new AppError('BAD_INPUT', 'expiresAt: must be in the future');
      if (expires > now.getTime() + 366 * 86_400_000)
        throw new AppError(
          'BAD_INPUT',
          'expiresAt: at most a year ahead (an override is a temporary judgement)',
        );
      const expiresAt = new Date(expires).toISOString();
      const active = await getActiveModel(ctx.store);
      const by = actorOf(p);
      const at = now.toISOString();
      const overrideId = await ctx.store.db.transaction().execute(async (trx) => {
        // one active override per account: a new one replaces the last
        await trx
          .updateTable('overrides')
          .set({ revoked_at: at })
          .where('account_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        const row = await trx
          .insertInto('overrides')
          .values({
            account_id: id,
            score: body.score,
            reason: body.reason,
            created_by: by,
            created_at: at,
            expires_at: expiresAt,
            revoked_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await trx
          .updateTable('current_scores')
          .set({ override_score: body.score })
          .where('account_id', '=', id)
          .execute();
        await trx
          .insertInto('audit_log')
          .values({
            at,
            actor: by,
            action: 'score.override',
            target: `account:${id}`,
            details: JSON.stringify({ score: body.score, reason: body.reason, expiresAt }),
          })
          .execute();
        return Number(row.id);
      });
      await markDirty(ctx.store, [id], at, DIRTY_PRIORITY.person);
      ctx.bus.emit('accounts-dirty', { accountIds: [id] });
      return c.json(
        {
          id: overrideId,
          accountId: id,
          score: body.score,
          band: bandOf(body.score, active.model),
          reason: body.reason,
          by,
          expiresAt,
        },
        201,
      );
    },
  );
  return app;
}

/** The override in force now, in ScoreResult's shape, or null. */
async function activeOverride(ctx: EngineContext, accountId: string): Promise<ScoreResult['override']> {
  const now = ctx.clock.now().toISOString();
  const row = await ctx.store.db
    .selectFrom('overrides')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('revoked_at', 'is', null)
    .where('expires_at', '>', now)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  if (!row) return null;
  const active = await getActiveModel(ctx.store);
  return {
    score: Number(row.score),
    band: bandOf(Number(row.score), active.model),
    reason: row.reason,
    by: row.created_by,
    expiresAt: row.expires_at,
  };
}

const pickTerms = ({ arr, seats, renewalDate }: AccountTerms) => ({ arr, seats, renewalDate });
