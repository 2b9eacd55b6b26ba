import { createRoute, z } from '@hono/zod-openapi';
import { SIGNAL_CATEGORIES } from '../../core/signals/signal-category.ts';
import { SIGNAL_LIBRARY } from '../../core/signals/signal-library.ts';
import type { EngineContext } from '../../engine/context.ts';
import { approveModel } from '../../engine/learning/approve-model.ts';
import { backtestModel } from '../../engine/learning/backtest-model.ts';
import { diffModels } from '../../engine/learning/diff-models.ts';
import { getModel } from '../../engine/learning/get-model.ts';
import { listModels } from '../../engine/learning/list-models.ts';
import { SCORING } from '../../engine/learning/scoring-port.ts';
import { trainModel } from '../../engine/learning/train-model.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, isoDateSchema, jsonBody, ok } from './common.schemas.ts';

const tags = ['models'];
const anyObject = z.record(z.string(), z.unknown());
const versionParam = z.object({
  version: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ param: { name: 'version', in: 'path' } }),
});
const asRecord = (v: unknown) => v as Record<string, unknown>;

type SignalInfo = { category: string; label: string };

/** Category and label of every signal a model document names (library signals, then its custom ones). */
function signalInfoOf(document: unknown): Map<string, SignalInfo> {
  const doc = (document ?? {}) as { signals?: Record<string, unknown>; custom?: unknown[] };
  const out = new Map<string, SignalInfo>();
  for (const id of Object.keys(doc.signals ?? {})) {
    const def = SIGNAL_LIBRARY[id];
    out.set(id, { category: def?.category ?? 'custom', label: def?.label ?? id });
  }
  for (const c of (doc.custom ?? []) as { id?: unknown; category?: unknown; label?: unknown }[])
    if (typeof c.id === 'string')
      out.set(c.id, {
        category: typeof c.category === 'string' ? c.category : 'custom',
        label: typeof c.label === 'string' ? c.label : c.id,
      });
  return out;
}

/**
 * A model's weights as the dashboard shows them: per category its setting and its share of the
 * score, and per signal its setting and its share (when every signal has data). Categories in
 * their canonical order, signals by share.
 */
function weightsByCategory(document: unknown) {
  const info = signalInfoOf(document);
  let shares: Record<string, number> = {};
  try {
    shares = SCORING.signalWeights(SCORING.parseModel(document));
  } catch {
    // a document that is not a valid health model still lists its settings, without shares
  }
  const doc = document as {
    categories?: Record<string, { weight?: number }>;
    signals?: Record<string, { weight?: number }>;
    custom?: { id: string; weight?: number }[];
  };
  const settingOf = (id: string) =>
    doc.signals?.[id]?.weight ?? doc.custom?.find((c) => c.id === id)?.weight ?? 0;
  const categories = [...new Set([...SIGNAL_CATEGORIES, ...[...info.values()].map((i) => i.category)])];
  const round = (x: number) => Math.round(x * 10_000) / 10_000;
  return categories
    .map((category) => {
      const signals = [...info]
        .filter(([, i]) => i.category === category)
        .map(([signalId, i]) => ({
          signalId,
          label: i.label,
          weight: settingOf(signalId),
          share: round(shares[signalId] ?? 0),
        }))
        .sort((a, b) => b.share - a.share || b.weight - a.weight || (a.signalId < b.signalId ? -1 : 1));
      return {
        category,
        weight: doc.categories?.[category]?.weight ?? 0,
        share: round(signals.reduce((t, x) => t + x.share, 0)),
        signals,
      };
    })
    .filter((c) => c.signals.length > 0);
}

/** /v1/models: versions, backtests, training a proposal, diffing, approving (admins). */
export function modelRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'Model versions with their status and headline backtest',
      responses: { ...ok(z.object({ items: z.array(anyObject) })), ...errorResponses() },
    }),
    async (c) => {
      return c.json({ items: (await listModels(ctx)).map(asRecord) }, 200);
    },
  );
  // before /{version}: "diff" is not a version
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/diff',
      tags,
      summary: 'Two model versions side by side (effective weights, document changes, backtests)',
      request: {
        query: z.object({
          a: z.coerce.number().int().min(1),
          b: z.coerce.number().int().min(1),
        }),
      },
      responses: { ...ok(anyObject), ...errorResponses(404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const diff = await diffModels(ctx, q.a, q.b);
      // diffModels has checked that both exist; their documents name the signals' categories
      const [ra, rb] = await Promise.all([getModel(ctx, q.a), getModel(ctx, q.b)]);
      const info = new Map([...signalInfoOf(ra.document), ...signalInfoOf(rb.document)]);
      const effectiveWeights = diff.effectiveWeights.map((w) => ({
        ...w,
        category: info.get(w.signalId)?.category ?? 'custom',
        label: info.get(w.signalId)?.label ?? w.signalId,
      }));
      return c.json(asRecord({ ...diff, effectiveWeights }), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/train',
      tags,
      summary:
        'Learn weights from history and store them as a proposed version (nothing changes until approved)',
      request: {
        body: jsonBody(
          z
            .object({
              horizonDays: z.number().int().min(30).max(730).optional(),
              testMonths: z.number().int().min(1).max(60).optional(),
              from: isoDateSchema.optional(),
              to: isoDateSchema.optional(),
              /** What counts as churn: within the horizon (default) or at the next renewal. */
              label: z.enum(['horizon', 'renewal']).optional(),
              /** Let the proposal use renewal timing as a signal (default true for the horizon label). */
              renewalTiming: z.boolean().optional(),
            })
            .strict(),
        ),
      },
      responses: { ...ok(anyObject), ...errorResponses(412) },
    }),
    async (c) => {
      const p = principalOf(c);
      const body = c.req.valid('json');
      return c.json(asRecord(await trainModel(ctx, { ...body, by: actorOf(p) })), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{version}',
      tags,
      summary: 'One model version: document, calibration, stored backtest',
      request: { params: versionParam },
      responses: { ...ok(anyObject), ...errorResponses(404) },
    }),
    async (c) => {
      const model = await getModel(ctx, c.req.valid('param').version);
      return c.json(asRecord({ ...model, weightsByCategory: weightsByCategory(model.document) }), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/{version}/backtest',
      tags,
      summary: 'Backtest a version on history (AUC, lift, lead time, calibration)',
      request: {
        params: versionParam,
        query: z.object({
          horizonDays: z.coerce.number().int().min(30).max(730).optional(),
          from: isoDateSchema.optional(),
          to: isoDateSchema.optional(),
          label: z.enum(['horizon', 'renewal']).optional(),
        }),
      },
      responses: { ...ok(anyObject), ...errorResponses(404) },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const r = await backtestModel(ctx, { ...q, version: c.req.valid('param').version, record: false });
      return c.json(asRecord(r), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/{version}/approve',
      tags,
      summary: 'Approve a proposed version: it becomes active and every account is rescored (audited)',
      request: { params: versionParam },
      responses: { ...ok(anyObject), ...errorResponses(404, 409) },
    }),
    async (c) => {
      const p = principalOf(c);
      const version = c.req.valid('param').version;
      const r = await approveModel(ctx, version, actorOf(p));
      ctx.bus.emit('accounts-dirty', { accountIds: [] });
      return c.json(asRecord(r), 200);
    },
  );
  return app;
}
