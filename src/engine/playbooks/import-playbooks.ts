import { AppError } from '../../core/errors.ts';
import { formatPlaybookErrors, parsePlaybooks } from '../../core/playbooks/parse-playbooks.ts';
import type { PlaybookVersion } from '../../store/resources/playbooks.ts';
import type { EngineContext } from '../context.ts';
import { loadPlaybooks } from './load-playbooks.ts';

export type ImportPlaybooksOptions = {
  actor?: string;
  source?: string;
  /** For PUT /v1/playbooks/:id: the document must be exactly this one playbook. */
  id?: string;
};
export type ImportPlaybooksReport = { created: string[]; updated: string[]; unchanged: string[] };

/**
 * Validates a YAML/JSON document and stores its playbooks (insert or new
 * version). All or nothing: one bad playbook rejects the document, with every
 * error's line and field in `details.errors`.
 */
export async function importPlaybooks(
  ctx: EngineContext,
  text: string,
  options: ImportPlaybooksOptions = {},
): Promise<ImportPlaybooksReport> {
  const existing = await loadPlaybooks(ctx);
  const parsed = parsePlaybooks(text, { knownIds: existing.map((p) => p.playbook.id) });
  if (!parsed.ok)
    throw new AppError(
      'BAD_INPUT',
      `invalid playbook document:\n${formatPlaybookErrors(parsed.errors, options.source ?? '')}`,
      { errors: parsed.errors },
    );
  if (options.id !== undefined && (parsed.playbooks.length !== 1 || parsed.playbooks[0]?.id !== options.id))
    throw new AppError('BAD_INPUT', `the document must hold exactly one playbook with id "${options.id}"`, {
      errors: [{ line: 1, column: 1, field: 'id', message: `expected id "${options.id}"` }],
    });
  const byId = new Map(existing.map((p) => [p.playbook.id, p]));
  const now = ctx.clock.now().toISOString();
  const actor = options.actor ?? 'cli';
  const report: ImportPlaybooksReport = { created: [], updated: [], unchanged: [] };
  const versions: PlaybookVersion[] = [];
  for (const p of parsed.playbooks) {
    const document = JSON.stringify(p);
    const old = byId.get(p.id);
    if (old && JSON.stringify(old.playbook) === document) {
      report.unchanged.push(p.id);
      continue;
    }
    const version = (old?.version ?? 0) + 1;
    versions.push({
      row: {
        id: p.id,
        name: p.name,
        document,
        version,
        enabled: p.enabled ? 1 : 0,
        source: 'user',
        updated_at: now,
      },
      audit: {
        at: now,
        actor,
        action: old ? 'playbook.update' : 'playbook.create',
        target: `playbook:${p.id}`,
        details: { version, previousVersion: old?.version ?? null },
      },
    });
    (old ? report.updated : report.created).push(p.id);
  }
  await ctx.store.playbooks.saveVersions(versions);
  return report;
}
