import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import { AppError } from '../../core/errors.ts';
import { readWhitespace, sniffDelimiter } from './read-whitespace.ts';

/** A slice of a file: CSV rows as string arrays (with the header) or NDJSON lines. */
export type RecordBatch =
  | { format: 'csv'; header: string[]; rows: string[][]; lines: number[] }
  | { format: 'ndjson'; rows: string[]; lines: number[] };

export type ReadOptions = {
  /** One character, `auto` (sniffed from the header) or `whitespace` (space-padded / fixed-width). */
  delimiter?: string;
  /** `latin1` decodes ISO-8859-1; otherwise UTF-8 (invalid bytes become U+FFFD, which the importer rejects). */
  encoding?: 'utf8' | 'latin1';
  onBytes?: (bytes: number) => void;
};

/**
 * Streams a CSV (PapaParse; its fast mode applies when the file has no quotes)
 * or NDJSON file in batches, awaiting the consumer between batches so a file
 * larger than memory flows through with backpressure. Line numbers are the
 * file's own (1 = header), counting newlines inside quoted fields.
 */
export async function readRecordBatches(
  path: string,
  onBatch: (batch: RecordBatch) => Promise<void>,
  options: ReadOptions = {},
): Promise<void> {
  if (/\.(ndjson|jsonl)$/i.test(path)) return readNdjson(path, onBatch, options);
  const encoding = options.encoding ?? 'utf8';
  let delimiter = options.delimiter ?? ',';
  if (delimiter === 'auto') delimiter = sniffDelimiter(path, encoding);
  if (delimiter === 'tab') delimiter = '\t';
  if (delimiter === 'whitespace') {
    if (!(await readWhitespace(path, onBatch, { encoding, onBytes: options.onBytes })))
      throw new AppError('BAD_INPUT', `${path}: the file is empty (no header line)`);
    return;
  }
  const stream = createReadStream(path, { highWaterMark: 1 << 20, encoding });
  if (options.onBytes) stream.on('data', (c) => options.onBytes!(Buffer.byteLength(c as string, encoding)));
  let header: string[] | null = null;
  let line = 1;
  let failure: unknown = null;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter,
      skipEmptyLines: true,
      chunk: (results, parser) => {
        let rows = results.data;
        if (!header) {
          header = (rows[0] ?? []).map((h, i) => (i === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
          rows = rows.slice(1);
        }
        const lines = new Array<number>(rows.length);
        for (let i = 0; i < rows.length; i++) {
          line++;
          lines[i] = line;
          const row = rows[i]!;
          for (let j = 0; j < row.length; j++) {
            const cell = row[j]!;
            if (cell.length > 0 && cell.indexOf('\n') !== -1) line += cell.split('\n').length - 1;
          }
        }
        parser.pause();
        onBatch({ format: 'csv', header, rows, lines }).then(
          () => parser.resume(),
          (e) => {
            failure = e;
            parser.abort();
          },
        );
      },
      complete: () => (failure ? reject(failure) : resolve()),
      error: (e: Error) => reject(new AppError('BAD_INPUT', `${path}: cannot read CSV: ${e.message}`)),
    });
  });
  if (!header) throw new AppError('BAD_INPUT', `${path}: the file is empty (no header line)`);
}

async function readNdjson(path: string, onBatch: (b: RecordBatch) => Promise<void>, options: ReadOptions) {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, encoding: options.encoding ?? 'utf8' });
  let rest = '';
  let line = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    options.onBytes?.(Buffer.byteLength(chunk));
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    const rows: string[] = [];
    const lines: number[] = [];
    for (const p of parts) {
      line++;
      if (p.trim() === '') continue;
      rows.push(p);
      lines.push(line);
    }
    if (rows.length > 0) await onBatch({ format: 'ndjson', rows, lines });
  }
  if (rest.trim() !== '') await onBatch({ format: 'ndjson', rows: [rest], lines: [line + 1] });
}
