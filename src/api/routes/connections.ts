import { createRoute, z } from '@hono/zod-openapi';
import { contractSchema } from '../../core/data-model/entities.ts';
import {
  CONNECTION_KINDS,
  hubspotSettingsSchema,
  salesforceSettingsSchema,
  segmentSettingsSchema,
  slackSettingsSchema,
  stripeSettingsSchema,
} from '../../core/integrations/connection-schema.ts';
import type { EngineContext } from '../../engine/context.ts';
import { deleteConnection, listConnections, saveConnection } from '../../engine/integrations/connections.ts';
import { pushCrm } from '../../engine/integrations/push-crm.ts';
import { readCrm } from '../../engine/integrations/read-crm.ts';
import type { SyncDetails } from '../../engine/integrations/record-sync.ts';
import { listSyncLogView } from '../../engine/integrations/sync-status.ts';
import { access, actorOf, principalOf } from '../auth/access.ts';
import { createRouter } from '../create-router.ts';
import { errorResponses, jsonBody, ok } from './common.schemas.ts';

const tags = ['connections'];

const crmObject = z.enum(['companies', 'contacts', 'deals']);
const readCounts = z.object({
  fetched: z.number(),
  applied: z.number(),
  skipped: z.number(),
  pages: z.number(),
});
const readCursor = z.object({ at: z.string(), ids: z.array(z.string()) });

/** What each operation keeps beyond its counts (src/engine/integrations/record-sync.ts); others keep `{}`. */
const filledSyncDetails = z.union([
  z.object({
    failures: z.array(z.object({ accountId: z.string(), crmId: z.string(), error: z.string() })),
    unmatched: z.array(z.object({ accountId: z.string(), reason: z.string() })),
    createdFields: z.array(z.string()),
  }),
  z.object({
    objects: z.object({ companies: readCounts, contacts: readCounts, deals: readCounts }),
    unknownOwners: z.array(
      z.object({
        ownerId: z.string(),
        email: z.string().nullable(),
        name: z.string().nullable(),
        records: z.array(z.string()),
      }),
    ),
    unmatched: z.array(z.object({ object: crmObject, crmId: z.string(), reason: z.string() })),
    cursors: z.object({
      companies: readCursor.optional(),
      contacts: readCursor.optional(),
      deals: readCursor.optional(),
    }),
  }),
  z.object({
    rejected: z.array(
      z.object({
        index: z.number(),
        messageId: z.string().nullable(),
        field: z.string().nullable(),
        reason: z.string(),
      }),
    ),
  }),
  z.object({
    date: z.string().nullable(),
    outcomes: z.array(
      z.object({
        userId: z.string(),
        email: z.string(),
        status: z.string(),
        moved: z.number(),
        due: z.number(),
        error: z.string().optional(),
      }),
    ),
  }),
]);
const syncDetailsSchema = z
  .union([
    filledSyncDetails,
    z.strictObject({}).openapi({ description: 'an operation that records no details' }),
  ])
  .openapi({
    description:
      'push / dry-run: failures, unmatched; read: objects, cursors; inbound: rejected; digest: outcomes',
  });

// Hono's JSON typing lets the `{}` member accept any object, so tsc checks the others against the
// engine's type here (a field the engine writes differently fails this line)
void (true satisfies Exclude<SyncDetails, Record<string, never>> extends z.output<typeof filledSyncDetails>
  ? true
  : false);

const syncLogSchema = z
  .object({
    id: z.number(),
    connectionId: z.string(),
    operation: z.string(),
    status: z.string(),
    startedAt: z.string(),
    finishedAt: z.string(),
    records: z.number(),
    succeeded: z.number(),
    failed: z.number(),
    unmatched: z.number(),
    calls: z.number(),
    message: z.string(),
    details: syncDetailsSchema,
  })
  .openapi('SyncLogEntry');

/** Secrets are never in an answer: only whether each is set. */
const connectionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(CONNECTION_KINDS),
    name: z.string(),
    enabled: z.boolean(),
    source: z.string(),
    // the kind's settings (src/core/integrations/connection-schema.ts), defaults filled in
    settings: z.union([
      hubspotSettingsSchema,
      salesforceSettingsSchema,
      slackSettingsSchema,
      segmentSettingsSchema,
      stripeSettingsSchema,
    ]),
    secrets: z.record(z.string(), z.enum(['set', 'missing'])),
    createdAt: z.string(),
    updatedAt: z.string(),
    lastPushAt: z.string().nullable(),
    lastReadAt: z.string().nullable(),
    budget: z.object({ day: z.string().nullable(), used: z.number(), limit: z.number().nullable() }),
    lastSync: syncLogSchema.nullable(),
  })
  .openapi('Connection');

const pushReportSchema = z
  .object({
    connectionId: z.string(),
    kind: z.string(),
    dryRun: z.boolean(),
    status: z.string(),
    message: z.string(),
    scored: z.number(),
    changed: z.number(),
    pushed: z.number(),
    failed: z.array(z.object({ accountId: z.string(), crmId: z.string(), error: z.string() })),
    unmatched: z.array(z.object({ accountId: z.string(), reason: z.string() })),
    createdFields: z.array(z.string()),
    calls: z.number(),
    planned: z.array(
      z.object({
        accountId: z.string(),
        crmId: z.string(),
        by: z.string(),
        properties: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
      }),
    ),
    syncLogId: z.number().nullable(),
  })
  .openapi('CrmPushReport');

const readReportSchema = z
  .object({
    connectionId: z.string(),
    kind: z.enum(['hubspot', 'salesforce']),
    dryRun: z.boolean(),
    status: z.enum(['ok', 'failed', 'budget-spent', 'rate-limited', 'dry-run']),
    message: z.string(),
    objects: z.object({ companies: readCounts, contacts: readCounts, deals: readCounts }),
    unknownOwners: z.array(
      z.object({
        ownerId: z.string(),
        email: z.string().nullable(),
        name: z.string().nullable(),
        records: z.array(z.string()),
      }),
    ),
    unmatched: z.array(z.object({ object: crmObject, crmId: z.string(), reason: z.string() })),
    ownersChanged: z.number(),
    contacts: z.number(),
    contracts: z.number(),
    planned: z.object({
      owners: z.array(z.object({ accountId: z.string(), owner: z.string() })),
      contracts: z.array(contractSchema),
      contacts: z.number(),
    }),
    cursors: z.object({
      companies: readCursor.optional(),
      contacts: readCursor.optional(),
      deals: readCursor.optional(),
    }),
    calls: z.number(),
    syncLogId: z.number().nullable(),
  })
  .openapi('CrmReadReport');

const idParam = z.object({
  id: z
    .string()
    .min(1)
    .max(80)
    .openapi({ param: { name: 'id', in: 'path' }, example: 'hubspot' }),
});

/** /v1/connections: CRM, Slack, Segment and Stripe connections (admins only), their sync log, a push on demand. */
export function connectionRoutes(ctx: EngineContext) {
  const app = createRouter();
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'get',
      path: '/',
      tags,
      summary: 'Connections with their last sync (secrets shown only as set / missing)',
      responses: { ...ok(z.object({ items: z.array(connectionSchema) })), ...errorResponses() },
    }),
    async (c) => c.json({ items: await listConnections(ctx) }, 200),
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'put',
      path: '/{id}',
      tags,
      summary: 'Create or replace a connection; secrets given are encrypted, secrets left out are kept',
      request: {
        params: idParam,
        body: jsonBody(
          z
            .object({
              kind: z.enum(CONNECTION_KINDS),
              name: z.string().max(200).optional(),
              enabled: z.boolean().optional(),
              settings: z.record(z.string(), z.unknown()).optional(),
              secrets: z.record(z.string(), z.string().max(4000)).optional(),
            })
            .strict(),
        ),
      },
      responses: { ...ok(connectionSchema), ...errorResponses(409) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const view = await saveConnection(
        ctx,
        { ...c.req.valid('json'), id },
        { source: 'api', actor: actorOf(principalOf(c)) },
      );
      return c.json(view, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'delete',
      path: '/{id}',
      tags,
      summary: 'Delete a connection and what it pushed (the sync log is kept)',
      request: { params: idParam },
      responses: { ...ok(z.object({ deleted: z.string() })), ...errorResponses(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await deleteConnection(ctx, id, actorOf(principalOf(c)));
      return c.json({ deleted: id }, 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'get',
      path: '/{id}/sync-log',
      tags,
      summary: 'Sync log of a connection, newest first',
      request: {
        params: idParam,
        query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
      },
      responses: { ...ok(z.object({ items: z.array(syncLogSchema) })), ...errorResponses(404) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      return c.json(
        { items: await listSyncLogView(ctx, { connectionId: id, limit: c.req.valid('query').limit }) },
        200,
      );
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/{id}/push',
      tags,
      summary: 'Push changed scores to the CRM now (or a dry run: what would change)',
      request: {
        params: idParam,
        body: jsonBody(
          z.object({ dryRun: z.boolean().default(false), all: z.boolean().default(false) }).strict(),
        ),
      },
      responses: { ...ok(pushReportSchema), ...errorResponses(404, 412) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      return c.json(await pushCrm(ctx, id, body), 200);
    },
  );
  app.openapi(
    createRoute({
      middleware: [access('admin')] as const,
      method: 'post',
      path: '/{id}/read',
      tags,
      summary:
        'Read owners, contacts and deals from the CRM now (incremental from the stored cursors; `full` reads everything again; a dry run writes nothing)',
      request: {
        params: idParam,
        body: jsonBody(
          z.object({ dryRun: z.boolean().default(false), full: z.boolean().default(false) }).strict(),
        ),
      },
      responses: { ...ok(readReportSchema), ...errorResponses(404, 412) },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      return c.json(await readCrm(ctx, id, body), 200);
    },
  );
  return app;
}
