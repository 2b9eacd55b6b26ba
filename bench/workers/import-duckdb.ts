// Child process of bench/import.bench.ts: the reference. DuckDB loads the same usage CSVs and
// aggregates them into the same three daily rollups Vigil keeps, persisted in a DuckDB file.
import { statSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [dir, dbPath] = process.argv.slice(2) as [string, string];
const instance = await DuckDBInstance.create(dbPath);
const conn = await instance.connect();
const src = `read_csv('${dir}/usage*.csv', header = true, columns = {'id': 'VARCHAR', 'account_id': 'VARCHAR',
  'contact_id': 'VARCHAR', 'type': 'VARCHAR', 'time': 'TIMESTAMP', 'key': 'VARCHAR', 'count': 'BIGINT'})`;
const cpu0 = process.cpuUsage();
const t0 = performance.now();
await conn.run(`create table raw as select * from ${src}`);
await conn.run(`create table usage_daily as select account_id, cast(time as date) as day,
  sum(case when type = 'login' then count else 0 end) as logins, sum(count) as events,
  sum(case when type = 'integration_used' then count else 0 end) as integration_events
  from raw group by 1, 2`);
await conn.run(`create table feature_daily as select account_id,
  case type when 'feature_used' then key when 'integration_used' then 'integration:' || key else 'custom:' || key end as feature,
  cast(time as date) as day, sum(count) as count from raw where type <> 'login' group by 1, 2, 3`);
await conn.run(`create table user_daily as select account_id, contact_id, cast(time as date) as day, sum(count) as events
  from raw where contact_id is not null group by 1, 2, 3`);
const reader = await conn.runAndReadAll('select count(*) from raw');
const rows = Number(reader.getRows()[0]![0]);
await conn.run('drop table raw');
await conn.run('checkpoint');
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
conn.closeSync();
instance.closeSync();
process.stdout.write(
  `${JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, rows, maxRssBytes: process.resourceUsage().maxRSS * 1024, dbBytes: statSync(dbPath).size })}\n`,
);
