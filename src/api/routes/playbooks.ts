import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../core/errors.ts';
import { maskTargets, unmaskTargets } from '../../core/playbooks/mask-targets.ts';
import { visibleAccountIds } from '../../engine/accounts/account-access.ts';
import type { EngineContext } from '../../engine/context.ts';
import { runHeavy } from '../../engine/jobs/worker-pool.ts';
import { getPlaybookStats } from '../../engine/playbooks/get-playbook-stats.ts';
import { importPlaybooks } from '../../engine/playbooks/import-playbooks.ts';
import { loadPlaybooks } from '../../engine/playbooks/load-playbooks.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { targetAudienceOf } from '../auth/target-audience.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, ok } from './common.schemas.ts';
import { expansionOpportunitySchema, playbookStatsSchema, storedPlaybookSchema } from './response.schemas.ts';

const playbookDocumentSchema = z
  .looseObject({ id: z.string().optional(), name: z.string().optional() })
  .openapi({ description: 'A playbook document (JSON); YAML is sent as text' });

/** /v1/playbooks (list, stats, edit) and /v1/expansion. */
export function playbookRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/playbooks',
      tags: ['playbooks'],
      summary: 'The playbooks, with version and source',
      responses: { ...ok(z.object({ items: z.array(storedPlaybookSchema) })), ...errorResponses() },
    }),
    async (c) => {
      // notification targets (Slack webhook URLs, tokens, e-mail addresses) never leave whole
      const audience = targetAudienceOf(principalOf(c));
      const items = (await loadPlaybooks(ctx)).map((i) => ({
        ...i,
        playbook: maskTargets(i.playbook, audience),
      }));
      return c.json({ items }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/playbooks/stats',
      tags: ['playbooks'],
      summary: 'How often each playbook fired, was suppressed, and what followed',
      responses: { ...ok(z.array(playbookStatsSchema)), ...errorResponses() },
    }),
    async (c) => {
      return c.json(await getPlaybookStats(ctx), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'put',
      path: '/playbooks/{id}',
      tags: ['playbooks'],
      summary: 'Create or replace a playbook (YAML or JSON document, validated; errors name the place)',
      request: {
        params: z.object({
          id: z
            .string()
            .regex(/^[a-z0-9][a-z0-9-]{0,99}$/, 'kebab-case id')
            .openapi({ param: { name: 'id', in: 'path' } }),
        }),
        body: {
          required: true,
          content: {
            'application/yaml': { schema: z.string() },
            'application/json': { schema: playbookDocumentSchema },
            'text/plain': { schema: z.string() },
          },
        },
      },
      responses: {
        ...ok(
          z.object({
            created: z.array(z.string()),
            updated: z.array(z.string()),
            unchanged: z.array(z.string()),
          }),
        ),
        ...errorResponses(413),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const { id } = c.req.valid('param');
      // an admin who read the targets masked sends them back masked: put the stored ones back
      const stored = (await loadPlaybooks(ctx)).filter((s) => s.playbook.id === id).map((s) => s.playbook);
      const text = unmaskTargets(await c.req.text(), stored);
      if (!text.trim())
        throw new AppError('BAD_INPUT', 'the body must be a playbook document (YAML or JSON)');
      const r = await importPlaybooks(ctx, text, {
        id,
        actor: actorOf(p),
        source: 'request',
      });
      return c.json(r, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('read')] as const,
      method: 'get',
      path: '/expansion',
      tags: ['expansion'],
      summary:
        'Expansion opportunities (healthy top-quartile accounts with evidence), largest potential first',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }) },
      responses: {
        ...ok(
          z.object({
            items: z.array(expansionOpportunitySchema),
            topQuartileScore: z.number().nullable(),
            asOf: z.string(),
          }),
        ),
        ...errorResponses(),
      },
    }),
    async (c) => {
      const p = principalOf(c);
      const { limit } = c.req.valid('query');
      const r = await runHeavy(ctx, 'listExpansionOpportunities', {});
      const visible = await visibleAccountIds(
        ctx,
        p.viewer,
        r.items.map((i) => i.accountId),
      );
      return c.json({ ...r, items: r.items.filter((i) => visible.has(i.accountId)).slice(0, limit) }, 200);
    },
  );
  return app;
}
