import type { Kysely } from 'kysely';
import * as m001 from './001-foundation.ts';
import * as m002 from './002-import.ts';
import * as m003 from './003-scoring.ts';
import * as m004 from './004-playbooks.ts';
import * as m005 from './005-auth.ts';
import * as m006 from './006-learning.ts';
import * as m007 from './007-dirty-priority.ts';
import * as m012 from './012-imports-open-contracts.ts';
import * as m013 from './013-scoring-lifecycle.ts';
import * as m015 from './015-integrations-connections.ts';
import * as m016 from './016-reliability-usage-ledger.ts';
import * as m017 from './017-perf-jobs.ts';
import * as m019 from './019-scoring-source-extents.ts';
import * as m022 from './022-saved-views.ts';
import * as m027 from './027-portfolio-list-index.ts';
import * as m028 from './028-ingest-pending-usage.ts';
import * as m029 from './029-crm-scheduled-reads.ts';
import type { DialectName } from './dialect-helpers.ts';

export type Migration = { name: string; up: (db: Kysely<unknown>, dialect: DialectName) => Promise<void> };

/**
 * Ordered, append-only. Never edit a migration that has shipped; add a new one.
 * Each later issue appends its own file here (e.g. 002-playbooks.ts).
 */
export const MIGRATIONS: Migration[] = [
  { name: '001-foundation', up: m001.up },
  { name: '002-import', up: m002.up },
  { name: '003-scoring', up: m003.up },
  { name: '004-playbooks', up: m004.up },
  { name: '005-auth', up: m005.up },
  { name: '006-learning', up: m006.up },
  { name: '007-dirty-priority', up: m007.up },
  { name: '012-imports-open-contracts', up: m012.up },
  { name: '013-scoring-lifecycle', up: m013.up },
  { name: '015-integrations-connections', up: m015.up },
  { name: '016-reliability-usage-ledger', up: m016.up },
  { name: '017-perf-jobs', up: m017.up },
  { name: '019-scoring-source-extents', up: m019.up },
  { name: '022-saved-views', up: m022.up },
  { name: '027-portfolio-list-index', up: m027.up },
  { name: '028-ingest-pending-usage', up: m028.up },
  { name: '029-crm-scheduled-reads', up: m029.up },
];
