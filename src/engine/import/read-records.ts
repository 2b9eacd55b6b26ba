import { createReadStream } from 'node:fs';
import Papa from 'papaparse';
import { AppError } from '../../core/errors.ts';
import { readWhitespace, sniffDelimiter } from './read-whitespace.ts';

/** A slice of a file: CSV rows as string arrays (with the header) or NDJSON lines. */
export type RecordBatch =
  | { format: 'csv'; header: string[]; rows: string[][]; lines: number[]; broken?: BrokenRow[] }
  | { format: 'ndjson'; rows: string[]; lines: number[] };

/** A row that could not be read as cells (an unclosed quote), refused with its line. */
export type BrokenRow = { line: number; reason: string; raw: string };

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
 * file's own (1 = header), counting blank lines and newlines inside quoted
 * fields. A file whose header names a column twice, or with a quote that is
 * never closed, is refused whole with the line (an unclosed quote would
 * otherwise swallow every following row into one cell).
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
  let line = 0;
  let failure: unknown = null;
  await new Promise<void>((resolve, reject) => {
    Papa.parse<string[]>(stream as unknown as File, {
      delimiter,
      // blank lines are dropped here, not by PapaParse, so line numbers stay the file's own
      skipEmptyLines: false,
      chunk: (results, parser) => {
        const rows: string[][] = [];
        const lines: number[] = [];
        const broken: BrokenRow[] = [];
        let data = results.data;
        let errors = results.errors;
        for (;;) {
          const unclosed = errors.find((e) => e.code === 'MissingQuotes');
          // an unclosed quote swallows the rest of the file into the last cell of its row
          const brokenAt = unclosed && typeof unclosed.row === 'number' ? unclosed.row : -1;
          let next: Papa.ParseResult<string[]> | null = null;
          for (let i = 0; i < data.length; i++) {
            line++;
            const row = data[i]!;
            if (i === brokenAt) {
              const swallowed = row[row.length - 1] ?? '';
              const nl = swallowed.indexOf('\n');
              const first = nl === -1 ? swallowed : swallowed.slice(0, nl);
              broken.push({
                line,
                reason:
                  'a quoted field opened on this line is never closed (unbalanced "); the row is refused and reading goes on at the next line',
                raw: `${row.slice(0, -1).join(delimiter)}${row.length > 1 ? delimiter : ''}"${first}`,
              });
              // read on from the next line: the rest of the file, parsed again
              next = Papa.parse<string[]>(nl === -1 ? '' : swallowed.slice(nl + 1), {
                delimiter,
                skipEmptyLines: false,
              });
              break;
            }
            const lineHere = line;
            for (let j = 0; j < row.length; j++) {
              const cell = row[j]!;
              if (cell.length > 0 && cell.indexOf('\n') !== -1) line += cell.split('\n').length - 1;
            }
            if (row.length === 1 && row[0] === '') continue; // a blank line
            if (!header) {
              header = row.map((h, k) => (k === 0 ? h.replace(/^\uFEFF/, '') : h).trim());
              checkDuplicateColumns(path, header, lineHere);
              continue;
            }
            rows.push(row);
            lines.push(lineHere);
          }
          if (!next) break;
          data = next.data;
          errors = next.errors;
        }
        if (!header) return;
        // PapaParse's pause stops its parser, not the file stream (which would go on filling
        // PapaParse's queue with the rest of the file): pause both, so memory stays at a chunk
        parser.pause();
        stream.pause();
        onBatch({ format: 'csv', header, rows, lines, broken }).then(
          () => {
            stream.resume();
            parser.resume();
          },
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
  if (failure) throw failure;
  if (!header) throw new AppError('BAD_INPUT', `${path}: the file is empty (no header line)`);
}

function checkDuplicateColumns(path: string, header: string[], line: number) {
  const seen = new Map<string, number>();
  for (const [i, h] of header.entries()) {
    const first = seen.get(h);
    if (first !== undefined && h !== '')
      throw new AppError(
        'BAD_INPUT',
        `${path}:${line}: column "${h}" appears twice in the header (columns ${first + 1} and ${i + 1}); which one holds the data is ambiguous`,
        { line, column: h },
      );
    seen.set(h, i);
  }
}

async function readNdjson(path: string, onBatch: (b: RecordBatch) => Promise<void>, options: ReadOptions) {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, encoding: options.encoding ?? 'utf8' });
  let rest = '';
  let line = 0;
  let first = true;
  for await (const chunk of stream as AsyncIterable<string>) {
    options.onBytes?.(Buffer.byteLength(chunk));
    // a byte-order mark belongs to the file, not to its first record
    const text = first ? chunk.replace(/^\uFEFF/, '') : chunk;
    first = false;
    const parts = (rest + text).split('\n');
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
