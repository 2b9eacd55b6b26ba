// Child process of bench/import.bench.ts: imports a portfolio's usage files through a mapping, one
// variant per run (entities first, untimed), and prints JSON. Variants:
//   fast   - a plain rename mapping (the usage fast path reads cells by index)
//   plain  - renames plus a value map (the general mapped path, one object per row)
//   lookup - the general path plus a lookup join (account via the database) and computed columns
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { detectKind, parseMapping } from '../../src/core/import/mapping.ts';
import { contextForStore } from '../../src/engine/context.ts';
import { importFiles } from '../../src/engine/import/import-files.ts';
import { openStore } from '../../src/store/database.ts';

const [dir, dbPath, variant] = process.argv.slice(2) as [string, string, 'fast' | 'plain' | 'lookup'];
const MAPPINGS = {
  fast: `files:
  - match: "usage*.csv"
    kind: usage
    columns: { id: id, account_id: account_id, contact_id: contact_id, type: type, time: time, key: key, count: count }
`,
  plain: `files:
  - match: "usage*.csv"
    kind: usage
    columns: { id: id, account_id: account_id, contact_id: contact_id, type: type, time: time, key: key, count: count }
    values: { type: { signin: login } }
`,
  lookup: `files:
  - match: "usage*.csv"
    kind: usage
    columns:
      id: { concat: [id, account_id], separator: ":" }
      account_id: { lookup: "db:accounts", by: account_id, on: id, field: id }
      contact_id: { coalesce: [contact_id] }
      type: type
      time: { column: time, addDays: 0 }
      key: key
      count: { column: count, default: 1 }
    values: { type: { signin: login } }
`,
};
const store = await openStore({ url: dbPath });
const ctx = contextForStore(store);
const all = readdirSync(dir)
  .filter((f) => detectKind(basename(f)) !== null)
  .map((f) => join(dir, f));
const usage = all.filter((f) => /\/usage[^/]*\.csv$/.test(f));
await importFiles(ctx, { paths: all.filter((f) => /\/(accounts|contracts)[^/]*\.csv$/.test(f)) });
const mapping = parseMapping(MAPPINGS[variant], `${variant}.yaml`);
const t0 = performance.now();
const u = await importFiles(ctx, { paths: usage, mapping });
const ms = performance.now() - t0;
await store.close();
process.stdout.write(
  `${JSON.stringify({ ms, usageEvents: u.usageEvents, rejected: u.rejected, rows: u.rows })}\n`,
);
