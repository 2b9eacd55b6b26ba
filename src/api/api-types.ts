/**
 * The API's response types, inferred from the route schemas (the same zod schemas that produce the
 * OpenAPI document), for the web client. The web imports types from this file only — type-only
 * imports, erased at build time, so no server code reaches the browser bundle (biome.jsonc enforces
 * that web/src imports nothing else from src/).
 */
import type { z } from '@hono/zod-openapi';
import type {
  accountDetailSchema,
  accountSummarySchema,
  scoreHistorySchema,
  scoreResultSchema,
  timelineSchema,
} from './routes/accounts.schemas.ts';
import type { meSchema } from './routes/auth.ts';
import type { bandMigrationSchema } from './routes/band-migration.schemas.ts';
import type { portfolioSummarySchema } from './routes/portfolio.ts';
import type {
  expansionOpportunitySchema,
  modelListItemSchema,
  playbookStatsSchema,
  storedPlaybookSchema,
  taskSchema,
} from './routes/response.schemas.ts';
import type { sourcesSchema } from './routes/sources.ts';
import type { taskQueueSchema } from './routes/tasks.ts';
import type { savedViewSchema } from './routes/views.ts';

export type AccountSummary = z.infer<typeof accountSummarySchema>;
export type AccountDetail = z.infer<typeof accountDetailSchema>;
export type ScoreResult = z.infer<typeof scoreResultSchema>;
export type ScoreHistory = z.infer<typeof scoreHistorySchema>;
export type TimelineItem = z.infer<typeof timelineSchema>['items'][number];
export type Me = z.infer<typeof meSchema>;
export type PortfolioSummary = z.infer<typeof portfolioSummarySchema>;
export type Task = z.infer<typeof taskSchema>;
export type StoredPlaybook = z.infer<typeof storedPlaybookSchema>;
export type PlaybookStats = z.infer<typeof playbookStatsSchema>;
export type ExpansionOpportunity = z.infer<typeof expansionOpportunitySchema>;
export type ModelListItem = z.infer<typeof modelListItemSchema>;
export type TaskQueue = z.infer<typeof taskQueueSchema>;
export type TaskQueueGroup = TaskQueue['groups'][number];
export type SavedView = z.infer<typeof savedViewSchema>;
export type BandMigration = z.infer<typeof bandMigrationSchema>;
export type DataSources = z.infer<typeof sourcesSchema>;
export type DataSource = DataSources['sources'][number];
