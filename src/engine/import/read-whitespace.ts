import { closeSync, createReadStream, openSync, readSync } from 'node:fs';
import type { RecordBatch } from './read-records.ts';

const SNIFF_BYTES = 64 * 1024;
const CANDIDATES = [',', ';', '\t', '|'] as const;

/**
 * The delimiter of a delimited text file, from its header line: the most
 * frequent of `,` `;` tab `|` (outside quotes), else `whitespace` when the
 * header's columns are separated by runs of spaces (a space-padded export),
 * else `,`.
 */
export function sniffDelimiter(path: string, encoding: BufferEncoding = 'utf8'): string {
  const fd = openSync(path, 'r');
  let text: string;
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
    text = buf.subarray(0, n).toString(encoding);
  } finally {
    closeSync(fd);
  }
  const header = (text.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '').replace(/"[^"]*"/g, '""');
  let best: string | null = null;
  let bestCount = 0;
  for (const c of CANDIDATES) {
    const count = header.split(c).length - 1;
    if (count > bestCount) {
      best = c;
      bestCount = count;
    }
  }
  if (best) return best;
  if (/\S\s+\S/.test(header.trim())) return 'whitespace';
  return ',';
}

/** Column spans [start, end) from a header's column starts (each column runs to the next one's start). */
function spansOf(headerLine: string): { names: string[]; starts: number[] } {
  const names: string[] = [];
  const starts: number[] = [];
  const re = /\S+/g;
  for (let m = re.exec(headerLine); m; m = re.exec(headerLine)) {
    names.push(m[0]);
    starts.push(m.index);
  }
  return { names, starts };
}

/**
 * Splits one space-padded line into cells. When splitting on runs of
 * whitespace gives the header's number of columns, that is the split; else
 * (blank cells in a fixed-width layout) the line is cut at the header's
 * column positions and each cell trimmed.
 */
export function splitPadded(line: string, starts: number[]): string[] {
  const trimmed = line.trim();
  const parts = trimmed === '' ? [] : trimmed.split(/\s+/);
  if (parts.length === starts.length) return parts;
  const cells: string[] = [];
  for (let i = 0; i < starts.length; i++)
    cells.push(line.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : undefined).trim());
  // text past the last column, or a cell split across a boundary, shows as a column-count mismatch
  if (parts.length > starts.length) cells.push(...parts.slice(starts.length));
  return cells;
}

/** Streams a whitespace/fixed-width file as CSV-shaped batches (header from the first line). */
export async function readWhitespace(
  path: string,
  onBatch: (batch: RecordBatch) => Promise<void>,
  options: { encoding?: BufferEncoding; onBytes?: (bytes: number) => void },
): Promise<boolean> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, encoding: options.encoding ?? 'utf8' });
  let rest = '';
  let line = 0;
  let header: string[] | null = null;
  let starts: number[] = [];
  const take = async (lines: string[]) => {
    const rows: string[][] = [];
    const numbers: number[] = [];
    for (const raw of lines) {
      line++;
      const l = raw.replace(/\r$/, '');
      if (!header) {
        const s = spansOf(l.replace(/^\uFEFF/, ''));
        if (s.names.length === 0) continue;
        header = s.names;
        starts = s.starts;
        continue;
      }
      if (l.trim() === '') continue;
      rows.push(splitPadded(l, starts));
      numbers.push(line);
    }
    if (header && rows.length > 0) await onBatch({ format: 'csv', header, rows, lines: numbers });
  };
  for await (const chunk of stream as AsyncIterable<string>) {
    options.onBytes?.(Buffer.byteLength(chunk, options.encoding ?? 'utf8'));
    const parts = (rest + chunk).split('\n');
    rest = parts.pop() ?? '';
    await take(parts);
  }
  if (rest !== '') await take([rest]);
  return header !== null;
}
