import { createRoute, z } from '@hono/zod-openapi';
import { requireVisibleAccount } from '../../engine/accounts/account-access.ts';
import { getAccountDetail } from '../../engine/accounts/account-detail.ts';
import { getScoreHistory, getTimeline } from '../../engine/accounts/account-history.ts';
import { addNote } from '../../engine/accounts/add-note.ts';
import { explainAccount } from '../../engine/accounts/explain-account.ts';
import { exportAccountsCsv } from '../../engine/accounts/export-accounts.ts';
import { listAccounts } from '../../engine/accounts/list-accounts.ts';
import type { EngineContext } from '../../engine/context.ts';
import { createOverride } from '../../engine/scoring/overrides.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
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
      return c.json(
        await listAccounts(ctx, p.viewer, { ...q, includeFormer: q.includeFormer === 'true' }),
        200,
      );
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
      const r = await exportAccountsCsv(
        ctx,
        p.viewer,
        { ...q, includeFormer: q.includeFormer === 'true' },
        { actor: actorOf(p), filters: q },
      );
      return c.body(r.csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="vigil-accounts-${r.asOf}.csv"`,
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
      return c.json(await getAccountDetail(ctx, p.viewer, id), 200);
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
      return c.json(await getScoreHistory(ctx, p.viewer, id, { from: q.from, to: q.to }), 200);
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
      return c.json(await getTimeline(ctx, p.viewer, id, { limit: q.limit, before: q.before }), 200);
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
      const { result } = await explainAccount(ctx, { accountId: id, asOf: q.asOf, viewer: p.viewer });
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
      return c.json(await addNote(ctx, p.viewer, id, c.req.valid('json')), 201);
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
      await requireVisibleAccount(ctx, p.viewer, id);
      const o = await createOverride(ctx, { accountId: id, ...body, by: actorOf(p) });
      return c.json(
        {
          id: o.id,
          accountId: o.accountId,
          score: o.score,
          band: o.band,
          reason: o.reason,
          by: o.by,
          expiresAt: o.expiresAt,
        },
        201,
      );
    },
  );
  return app;
}
