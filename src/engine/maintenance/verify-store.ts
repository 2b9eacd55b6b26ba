import { runConsistencyChecks } from '../../store/queries/maintenance/consistency-checks.ts';
import { ledgerMismatches } from '../../store/queries/usage-ledger.ts';
import type { EngineContext } from '../context.ts';

export type VerifyCheck = { name: string; ok: boolean; problems: number; examples: string[] };
export type VerifyReport = { ok: boolean; checks: VerifyCheck[]; ms: number };

/**
 * Cross-checks what the store holds: the daily rollups against each other
 * (an account-day's events = its logins + its feature/integration/custom
 * counts; user activity never exceeds it), rows that point at nothing,
 * current scores against score history, imports left running, and the
 * database's own integrity check where the store has one.
 */
export async function verifyStore(ctx: EngineContext): Promise<VerifyReport> {
  const t0 = performance.now();
  const checks: VerifyCheck[] = (await runConsistencyChecks(ctx.store)).map((c) => ({
    name: c.name,
    ok: c.examples.length === 0,
    problems: c.examples.length,
    examples: c.examples.slice(0, 5),
  }));
  // independent of the rollup arithmetic: each usage event id is in the ledger once, with its
  // count, so a double-counted import shows up here
  const ledger = await ledgerMismatches(ctx.store.db);
  if (ledger)
    checks.push({
      name: 'usage_daily events per account = the usage ledger (each event id once)',
      ok: ledger.length === 0,
      problems: ledger.length,
      examples: ledger.slice(0, 5).map((r) => r.example),
    });
  else
    checks.push({
      name: 'usage ledger check skipped: usage was stored before the ledger existed (migration 016)',
      ok: true,
      problems: 0,
      examples: [],
    });
  const integrity = ctx.store.capabilities.integrityCheck;
  if (integrity) {
    const bad = await integrity();
    checks.push({
      name: 'SQLite integrity_check',
      ok: bad.length === 0,
      problems: bad.length,
      examples: bad.slice(0, 5),
    });
  }
  return { ok: checks.every((c) => c.ok), checks, ms: performance.now() - t0 };
}
