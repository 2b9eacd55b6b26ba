import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EngineContext } from '../context.ts';
import { importFiles } from '../import/import-files.ts';
import { evaluateAllPlaybooks } from '../playbooks/run-playbooks.ts';
import { backfillScores } from '../scoring/backfill-scores.ts';
import { recomputeScores } from '../scoring/recompute-scores.ts';
import { DEMO_DEFAULTS, generateDemo } from './generate-demo.ts';

export type LoadDemoReport = {
  accounts: number;
  usageEvents: number;
  events: number;
  scored: number;
  historyRows: number;
  ms: number;
};

/**
 * First start: generate a demo portfolio, import it, keep a year of monthly
 * score history and score today. `say` receives one line per step.
 */
export async function loadDemo(
  ctx: EngineContext,
  options: { accounts?: number; say?: (line: string) => void } = {},
): Promise<LoadDemoReport> {
  const t0 = performance.now();
  const say = options.say ?? (() => {});
  const dir = mkdtempSync(join(tmpdir(), 'vigil-demo-'));
  try {
    const accounts = options.accounts ?? DEMO_DEFAULTS.accounts;
    say(`generating a demo portfolio of ${accounts} accounts...`);
    const gen = await generateDemo({
      outDir: dir,
      accounts,
      endDate: ctx.clock.now().toISOString().slice(0, 10),
    });
    say(
      `importing ${gen.usageRows.toLocaleString('en-US')} usage events and ${gen.events.toLocaleString('en-US')} other events...`,
    );
    const imp = await importFiles(ctx, { paths: [dir] });
    const asOf = ctx.clock.now().toISOString().slice(0, 10);
    const from = new Date(Date.parse(asOf) - 365 * 86_400_000).toISOString().slice(0, 10);
    say('scoring a year of history...');
    const hist = await backfillScores(ctx, { from, to: asOf, stepDays: 30 });
    const now = await recomputeScores(ctx, { all: true });
    await ctx.store.dirty.clearAll();
    say('running the playbooks (tasks for at-risk and critical accounts)...');
    const plays = await evaluateAllPlaybooks(ctx);
    say(
      `  ${plays.tasksCreated} tasks created (${plays.suppressedTotal} suppressed by dedupe, cooldown or budget)`,
    );
    return {
      accounts,
      usageEvents: imp.usageEvents,
      events: gen.events,
      scored: now.scored,
      historyRows: hist.rows,
      ms: performance.now() - t0,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
