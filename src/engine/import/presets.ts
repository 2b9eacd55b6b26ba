import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { type Mapping, parseMapping } from '../../core/import/mapping.ts';
import { didYouMean } from '../../core/import/values.ts';

/** Mapping files shipped with Vigil for common exports (`vigil import --preset NAME`). */
export const PRESET_DIR = resolve(import.meta.dirname, '../../../presets');

export function listPresets(): string[] {
  if (!existsSync(PRESET_DIR)) return [];
  return readdirSync(PRESET_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** The preset's mapping (parsed and validated like any mapping file), or a clear error. */
export function loadPreset(name: string): Mapping {
  const names = listPresets();
  if (!names.includes(name)) {
    const near = didYouMean(name, names);
    throw new AppError(
      'BAD_INPUT',
      `unknown preset "${name}"${near ? `; did you mean "${near}"?` : ''} (presets: ${names.join(', ')})`,
    );
  }
  const path = join(PRESET_DIR, `${name}.yaml`);
  return parseMapping(readFileSync(path, 'utf8'), `presets/${name}.yaml`);
}
