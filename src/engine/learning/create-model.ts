import { z } from 'zod';
import { AppError } from '../../core/errors.ts';
import { insertModelRow } from '../../store/queries/learning/model-rows.ts';
import type { EngineContext } from '../context.ts';
import { resolveModel } from './resolve-model.ts';
import { type HealthModel, SCORING, type ScoringPort } from './scoring-port.ts';

export type CreateModelOptions = {
  /**
   * A whole model document (has `categories` and `signals`), or changes to the base model: `custom`
   * signals (added, or replacing one with the same id), `signals` weights/thresholds, `categories`,
   * `bands`, `name`, `description`.
   */
  document: Record<string, unknown>;
  /** Version the changes apply to (default: the active model). */
  base?: number;
  name?: string;
  by?: string;
  scoring?: ScoringPort;
};

export type CreateModelReport = {
  version: number;
  status: 'proposed';
  name: string;
  baseVersion: number | null;
  customSignals: string[];
  /** Things that parse but will not do what one probably wants (e.g. a custom signal in a zero-weight category). */
  warnings: string[];
};

const changesSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    custom: z.array(z.record(z.string(), z.unknown())).optional(),
    signals: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    categories: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    bands: z.record(z.string(), z.unknown()).optional(),
  })
  .passthrough();

/**
 * Stores a new model version as `proposed` (nothing changes until `vigil model approve`): a whole
 * document, or the base model with custom signals (traits, event counts, recency) and other
 * changes merged in. Validated by the model schema; errors name the field.
 */
export async function createModel(
  ctx: EngineContext,
  options: CreateModelOptions,
): Promise<CreateModelReport> {
  const scoring = options.scoring ?? SCORING;
  const input = options.document;
  const whole = 'categories' in input && 'signals' in input && options.base === undefined;
  let document: HealthModel;
  let baseVersion: number | null = null;
  const parse = (doc: unknown) => {
    try {
      return scoring.parseModel(doc);
    } catch (e) {
      if (e instanceof z.ZodError)
        throw new AppError(
          'BAD_INPUT',
          `invalid model: ${e.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ')}`,
        );
      throw e;
    }
  };
  if (whole) document = parse(input);
  else {
    const changes = changesSchema.safeParse(input);
    if (!changes.success)
      throw new AppError(
        'BAD_INPUT',
        `invalid model changes: ${changes.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const base = await resolveModel(ctx, options.base, scoring);
    baseVersion = base.version;
    const c = changes.data;
    const added = (c.custom ?? []) as HealthModel['custom'];
    const ids = new Set(added.map((x) => (x as { id?: string }).id));
    document = parse({
      ...base.document,
      ...c,
      categories: { ...base.document.categories, ...(c.categories ?? {}) },
      signals: Object.fromEntries(
        Object.entries({ ...base.document.signals, ...(c.signals ?? {}) }).map(([id, v]) => [
          id,
          { ...(base.document.signals[id] ?? {}), ...v },
        ]),
      ),
      custom: [...base.document.custom.filter((x) => !ids.has(x.id)), ...added],
      bands: { ...base.document.bands, ...(c.bands ?? {}) },
    });
  }
  const name = options.name ?? document.name;
  const seen = new Set<string>();
  const warnings: string[] = [];
  for (const s of document.custom) {
    if (seen.has(s.id) || s.id in document.signals)
      throw new AppError('BAD_INPUT', `custom signal id "${s.id}" is used twice`);
    seen.add(s.id);
    if (s.weight > 0 && !(document.categories[s.category]?.weight ?? 0))
      warnings.push(
        `custom signal ${s.id} is in category "${s.category}", whose weight is 0: it is shown but does not move the score until the category has a weight`,
      );
    if (!('trait' in s.source && s.categories) && !s.thresholds)
      warnings.push(`custom signal ${s.id} has no thresholds: its value is shown but never scored`);
  }
  const version = await insertModelRow(ctx.store, {
    name,
    status: 'proposed',
    document: { ...document, name },
    createdAt: ctx.clock.now().toISOString(),
    createdBy: options.by ?? null,
    notes:
      baseVersion === null ? 'created from a document' : `created from model ${baseVersion} with changes`,
    backtest: null,
  });
  return {
    version,
    status: 'proposed',
    name,
    baseVersion,
    customSignals: document.custom.map((s) => s.id),
    warnings,
  };
}
