import { closeSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { addMonths, isCalendarDate, monthKey, monthStart, toDayNumber } from '../../core/demo/calendar.ts';
import { csvLine } from '../../core/demo/csv-line.ts';
import { DEMO_HEADERS } from '../../core/demo/demo-headers.ts';
import type { CsvCell, DemoEvent, DemoSink, DemoTruth } from '../../core/demo/demo-types.ts';
import { simulateAccount } from '../../core/demo/simulate-account.ts';
import { simulateNoncontractualAccount } from '../../core/demo/simulate-noncontractual.ts';
import { createDemoWorld } from '../../core/demo/simulate-portfolio.ts';
import { AppError } from '../../core/errors.ts';
import { detectKind } from '../../core/import/mapping.ts';

export const DEMO_DEFAULTS = { accounts: 300, months: 24, seed: 42 } as const;
/**
 * A fixed end date for reproducible benchmarks and tests. Without `endDate` the demo ends today, so
 * scoring it today never reads the days after its end as every account going silent.
 */
export const DEMO_REFERENCE_END_DATE = '2026-11-15';
/** `contractual`: B2B subscriptions with renewals; `noncontractual`: customers who use and buy without contracts, and lapse. */
export const DEMO_MODES = ['contractual', 'noncontractual'] as const;
export type DemoMode = (typeof DEMO_MODES)[number];
/** Not an import file (the importer only reads accounts*, users*, ... basenames). */
export const GROUND_TRUTH_FILE = 'ground-truth.json';

export type GenerateDemoOptions = {
  outDir: string;
  accounts?: number;
  months?: number;
  seed?: number;
  /** Last day of history (default: today, UTC). */
  endDate?: string;
  mode?: DemoMode;
  onProgress?: (done: number, total: number) => void;
};

export type GenerateDemoReport = {
  outDir: string;
  accounts: number;
  months: number;
  seed: number;
  endDate: string;
  mode: DemoMode;
  users: number;
  contracts: number;
  contacts: number;
  usageRows: number;
  events: number;
  churned: number;
  /** Every file written, import files first, ground truth last. */
  files: string[];
  groundTruthFile: string;
  bytes: number;
  ms: number;
};

/**
 * Appends text to a file through a fixed buffer: strings are copied in as
 * they come and die young, so millions of small lines cost few system calls
 * and little garbage collection.
 */
class BufferedFile {
  private static readonly SIZE = 1 << 18;
  private readonly buf = Buffer.allocUnsafe(BufferedFile.SIZE);
  private pos = 0;
  private readonly fd: number;
  bytes = 0;
  constructor(readonly path: string) {
    this.fd = openSync(path, 'w');
  }
  write(text: string) {
    // utf8 takes at most 3 bytes per UTF-16 unit
    if (text.length * 3 > BufferedFile.SIZE - this.pos) {
      this.flush();
      if (text.length * 3 > BufferedFile.SIZE) {
        const big = Buffer.from(text);
        this.writeAll(big, big.length);
        return;
      }
    }
    this.pos += this.buf.write(text, this.pos);
  }
  private writeAll(b: Buffer, n: number) {
    let off = 0;
    while (off < n) off += writeSync(this.fd, b, off, n - off);
    this.bytes += n;
  }
  flush() {
    if (this.pos === 0) return;
    this.writeAll(this.buf, this.pos);
    this.pos = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes a synthetic portfolio in Vigil's native import layout: users.csv,
 * catalog.csv, accounts.csv, contracts.csv, contacts.csv, one
 * usage-YYYY-MM.csv and one events-YYYY-MM.ndjson per month of the window,
 * plus ground-truth.json (who churned when and why, each account's hidden
 * health by month), which the importer ignores. Deterministic: the same
 * options give byte-identical files. Usage is streamed to disk account by
 * account, so memory stays flat at any size.
 */
export async function generateDemo(options: GenerateDemoOptions): Promise<GenerateDemoReport> {
  const t0 = performance.now();
  const accounts = options.accounts ?? DEMO_DEFAULTS.accounts;
  const months = options.months ?? DEMO_DEFAULTS.months;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const endDate = options.endDate ?? new Date().toISOString().slice(0, 10);
  const mode = options.mode ?? 'contractual';
  if (!DEMO_MODES.includes(mode))
    throw new AppError('BAD_INPUT', `mode must be one of ${DEMO_MODES.join(', ')} (got "${mode}")`);
  if (!Number.isInteger(accounts) || accounts < 1 || accounts > 1_000_000)
    throw new AppError('BAD_INPUT', `accounts must be a whole number from 1 to 1,000,000 (got ${accounts})`);
  if (!Number.isInteger(months) || months < 1 || months > 120)
    throw new AppError('BAD_INPUT', `months must be a whole number from 1 to 120 (got ${months})`);
  if (!Number.isInteger(seed)) throw new AppError('BAD_INPUT', `seed must be a whole number (got ${seed})`);
  if (!isCalendarDate(endDate))
    throw new AppError('BAD_INPUT', `end date must be a date YYYY-MM-DD (got "${endDate}")`);

  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const firstMonth = addMonths(monthStart(toDayNumber(endDate)), -(months - 1));
  const monthKeys = Array.from({ length: months }, (_, i) => monthKey(addMonths(firstMonth, i)));
  const names = [
    'users.csv',
    'catalog.csv',
    'accounts.csv',
    'contracts.csv',
    'contacts.csv',
    ...monthKeys.map((m) => `usage-${m}.csv`),
    ...monthKeys.map((m) => `events-${m}.ndjson`),
  ];
  // a folder holding other import files would mix portfolios on import: refuse rather than delete them
  if (existsSync(outDir)) {
    const foreign = readdirSync(outDir).filter((f) => detectKind(f) !== null && !names.includes(f));
    if (foreign.length > 0)
      throw new AppError(
        'BAD_INPUT',
        `${outDir} already holds other import files (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', ...' : ''}); choose an empty folder`,
        { files: foreign },
      );
  }

  const open = (name: string, header?: readonly string[]) => {
    const f = new BufferedFile(join(outDir, name));
    if (header) f.write(`${header.join(',')}\n`);
    return f;
  };
  const users = open('users.csv', DEMO_HEADERS.users);
  const catalog = open('catalog.csv', DEMO_HEADERS.catalog);
  const accountsFile = open('accounts.csv', DEMO_HEADERS.accounts);
  const contracts = open('contracts.csv', DEMO_HEADERS.contracts);
  const contacts = open('contacts.csv', DEMO_HEADERS.contacts);
  const usage = new Map(monthKeys.map((m) => [m, open(`usage-${m}.csv`, DEMO_HEADERS.usage)]));
  const events = new Map(monthKeys.map((m) => [m, open(`events-${m}.ndjson`)]));
  const all = [users, catalog, accountsFile, contracts, contacts, ...usage.values(), ...events.values()];
  const truth: string[] = [];
  const counts = { users: 0, contracts: 0, contacts: 0, usageRows: 0, events: 0, churned: 0 };
  const row = (f: BufferedFile, cells: CsvCell[]) => f.write(`${csvLine(cells)}\n`);

  const sink: DemoSink = {
    user: (r) => {
      counts.users++;
      row(users, r);
    },
    catalog: (r) => row(catalog, r),
    account: (r) => row(accountsFile, r),
    contract: (r) => {
      counts.contracts++;
      row(contracts, r);
    },
    contact: (r) => {
      counts.contacts++;
      row(contacts, r);
    },
    usage: (month, lines, rows) => {
      const f = usage.get(month);
      if (!f) throw new AppError('INTERNAL', `usage outside the window: ${month}`);
      counts.usageRows += rows;
      f.write(lines);
    },
    event: (month, e: DemoEvent) => {
      const f = events.get(month);
      if (!f) throw new AppError('INTERNAL', `event outside the window: ${month}`);
      counts.events++;
      f.write(`${JSON.stringify(e)}\n`);
    },
    truth: (t: DemoTruth) => {
      if (t.churned) counts.churned++;
      truth.push(JSON.stringify(t));
    },
  };

  try {
    const world = createDemoWorld({ accounts, months, seed, endDate }, sink);
    for (let i = 0; i < accounts; i++) {
      if (mode === 'noncontractual') simulateNoncontractualAccount(i, world, sink);
      else simulateAccount(i, world, sink);
      if ((i + 1) % 100 === 0 && i + 1 < accounts) {
        options.onProgress?.(i + 1, accounts);
        // let a progress bar draw and signals through
        await new Promise((r) => setImmediate(r));
      }
    }
  } finally {
    for (const f of all) f.close();
  }
  options.onProgress?.(accounts, accounts);
  const truthPath = join(outDir, GROUND_TRUTH_FILE);
  const truthText = `{"generator":"vigil demo","mode":"${mode}","seed":${seed},"accounts":${accounts},"months":${months},"endDate":"${endDate}","accountsTruth":[\n${truth.join(',\n')}\n]}\n`;
  writeFileSync(truthPath, truthText);
  return {
    outDir,
    accounts,
    months,
    seed,
    endDate,
    mode,
    users: counts.users,
    contracts: counts.contracts,
    contacts: counts.contacts,
    usageRows: counts.usageRows,
    events: counts.events,
    churned: counts.churned,
    files: [...all.map((f) => f.path), truthPath],
    groundTruthFile: truthPath,
    bytes: all.reduce((s, f) => s + f.bytes, 0) + Buffer.byteLength(truthText),
    ms: performance.now() - t0,
  };
}
