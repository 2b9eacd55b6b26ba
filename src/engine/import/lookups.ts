import { basename } from 'node:path';
import { AppError } from '../../core/errors.ts';
import { mapRow, NOT_FOUND, passesWhere } from '../../core/import/map-row.ts';
import { type FileMapping, type Mapping, matchesGlob } from '../../core/import/mapping.ts';
import type { Store } from '../../store/database.ts';
import type { LookupTable } from '../../store/queries/lookup-rows.ts';
import { type RecordBatch, readRecordBatches } from './read-records.ts';

const camel = (s: string) => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** The value of a mapped row's field (snake_case mapping name → the row's camelCase key). */
function fieldOf(value: Record<string, unknown>, field: string): unknown {
  if (field.startsWith('properties.')) {
    let v: unknown = value.properties;
    for (const k of field.slice(11).split('.')) v = (v as Record<string, unknown> | undefined)?.[k];
    return v;
  }
  if (field.startsWith('traits.'))
    return (value.traits as Record<string, unknown> | undefined)?.[field.slice(7)];
  return value[camel(field)] ?? value[field];
}

/** Built lookup tables, by lookup, key field and value field. */
export type LookupTables = Map<string, Map<string, unknown>>;

/** A lookup's answer from built tables: the looked-up row's field, or `NOT_FOUND`. */
export function answerLookup(
  tables: LookupTables,
  spec: { lookup: string; on: string; field: string },
  key: string,
): unknown {
  const table = tables.get(`${spec.lookup}\u0001${spec.on}\u0001${spec.field}`);
  if (!table) return NOT_FOUND;
  return table.has(key) ? table.get(key) : NOT_FOUND;
}

/**
 * Lookups for one import, each built once (on first use) and then answered
 * from memory: another mapping entry's rows, read from the files that entry
 * matches in this import, or a table of the database.
 */
export class Lookups {
  private readonly built = new Map<string, Map<string, unknown>>();

  constructor(
    private readonly store: Store,
    private readonly mapping: Mapping,
    private readonly paths: string[],
    private readonly timeZone: string,
  ) {}

  /** Builds every lookup a file's mapping entry uses (before its rows stream). */
  async prepare(fm: FileMapping): Promise<void> {
    for (const [target, spec] of Object.entries(fm.columns)) {
      if (typeof spec === 'string' || spec.lookup === undefined) continue;
      await this.build(spec.lookup, spec.on ?? 'id', spec.field ?? target);
    }
  }

  /** Answers a lookup that `prepare` built (synchronous, per row). */
  readonly get = (spec: { lookup: string; on: string; field: string }, key: string): unknown =>
    answerLookup(this.built, spec, key);

  /** The tables `prepare` built (plain maps: they cross to a parse thread). */
  tables(): LookupTables {
    return this.built;
  }

  private async build(name: string, on: string, field: string) {
    const id = `${name}\u0001${on}\u0001${field}`;
    if (this.built.has(id)) return;
    if (name.startsWith('db:')) {
      const table = await this.store.imports.lookupColumn(name.slice(3) as LookupTable, on, field);
      if (!table)
        throw new AppError('BAD_INPUT', `lookup ${name}: cannot look up field "${field}" by "${on}"`);
      this.built.set(id, table);
      return;
    }
    const entry = this.mapping.files.find((f) => f.name === name)!;
    const files = this.paths.filter((p) => matchesGlob(entry.match, basename(p)));
    if (files.length === 0)
      throw new AppError(
        'BAD_INPUT',
        `lookup "${name}": no file in this import matches ${entry.match}; import it together with the files that look it up`,
      );
    const table = new Map<string, unknown>();
    const hashes = new Map<string, number>();
    for (const path of files) {
      await readRecordBatches(
        path,
        async (batch: RecordBatch) => {
          for (let i = 0; i < batch.rows.length; i++) {
            let record: Record<string, unknown>;
            if (batch.format === 'csv') {
              const cells = batch.rows[i]!;
              record = {};
              for (let j = 0; j < batch.header.length; j++) record[batch.header[j]!] = cells[j];
            } else {
              try {
                record = JSON.parse(batch.rows[i]!) as Record<string, unknown>;
              } catch {
                continue;
              }
            }
            if (!passesWhere(record, entry)) continue;
            // lookups of lookups are not followed: the looked-up entry reads its own columns
            const mapped = mapRow(record, entry.kind, entry, {
              timeZone: this.timeZone,
              decimal: this.mapping.decimal,
              hashes,
            });
            if (!mapped.ok) continue;
            const value = mapped.value as unknown as Record<string, unknown>;
            const k = fieldOf(value, on);
            const v = fieldOf(value, field);
            if (k !== undefined && k !== null && v !== undefined && v !== null) table.set(String(k), v);
          }
        },
        { delimiter: entry.delimiter, encoding: entry.encoding },
      );
    }
    this.built.set(id, table);
  }
}
