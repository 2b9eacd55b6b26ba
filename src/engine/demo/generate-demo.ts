import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  ACCOUNTS_HEADER,
  CATALOG_HEADER,
  CONTACTS_HEADER,
  CONTRACTS_HEADER,
  type DemoEvent,
  type GroundTruth,
  simulatePortfolio,
  USAGE_HEADER,
  USERS_HEADER,
} from '../../core/demo-sim/simulate-portfolio.ts';
import { AppError } from '../../core/errors.ts';

export const DEMO_DEFAULTS = { accounts: 300, months: 24, seed: 42, endDate: '2026-11-15' } as const;

export type GenerateDemoOptions = {
  outDir: string;
  accounts?: number;
  months?: number;
  seed?: number;
  endDate?: string;
  onProgress?: (done: number, total: number) => void;
};

export type GenerateDemoReport = {
  outDir: string;
  accounts: number;
  contracts: number;
  contacts: number;
  users: number;
  usageRows: number;
  events: number;
  churned: number;
  files: string[];
  bytes: number;
  ms: number;
};

/** Appends to a file through a 4 MB buffer: millions of small lines, few system calls. */
class BufferedFile {
  private parts: string[] = [];
  private size = 0;
  private readonly fd: number;
  bytes = 0;
  constructor(
    readonly path: string,
    header?: string,
  ) {
    this.fd = openSync(path, 'w');
    if (header) this.line(header);
  }
  line(s: string) {
    this.parts.push(s);
    this.size += s.length + 1;
    if (this.size > 4_000_000) this.flush();
  }
  flush() {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(`${this.parts.join('\n')}\n`);
    writeSync(this.fd, buf);
    this.bytes += buf.length;
    this.parts = [];
    this.size = 0;
  }
  close() {
    this.flush();
    closeSync(this.fd);
  }
}

/**
 * Writes a synthetic portfolio as importable files in Vigil's native layout
 * (accounts, users, catalog, contracts, contacts, usage-YYYY-MM.csv,
 * events-YYYY-MM.ndjson), plus `ground-truth.json` (not an import file): who
 * churned when and why, and each account's hidden health by month.
 */
export async function generateDemo(options: GenerateDemoOptions): Promise<GenerateDemoReport> {
  const t0 = performance.now();
  const accounts = options.accounts ?? DEMO_DEFAULTS.accounts;
  const months = options.months ?? DEMO_DEFAULTS.months;
  const seed = options.seed ?? DEMO_DEFAULTS.seed;
  const endDate = options.endDate ?? DEMO_DEFAULTS.endDate;
  if (!Number.isInteger(accounts) || accounts < 1)
    throw new AppError('BAD_INPUT', '--accounts must be a whole number ≥ 1');
  if (!Number.isInteger(months) || months < 1 || months > 120)
    throw new AppError('BAD_INPUT', '--months must be 1..120');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(endDate) || Number.isNaN(Date.parse(endDate)))
    throw new AppError('BAD_INPUT', '--end-date must be a date YYYY-MM-DD');
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const csvFile = (name: string, header: string[]) => new BufferedFile(join(outDir, name), header.join(','));
  const users = csvFile('users.csv', USERS_HEADER);
  const catalog = csvFile('catalog.csv', CATALOG_HEADER);
  const accountsFile = csvFile('accounts.csv', ACCOUNTS_HEADER);
  const contracts = csvFile('contracts.csv', CONTRACTS_HEADER);
  const contacts = csvFile('contacts.csv', CONTACTS_HEADER);
  const usage = new Map<string, BufferedFile>();
  const events = new Map<string, BufferedFile>();
  const truth: GroundTruth[] = [];
  const counts = { users: 0, contracts: 0, contacts: 0, events: 0, accounts: 0 };

  const result = simulatePortfolio(
    { accounts, months, seed, endDate },
    {
      user: (r) => {
        counts.users++;
        users.line(r.join(','));
      },
      catalog: (r) => catalog.line(r.join(',')),
      account: (r) => {
        counts.accounts++;
        accountsFile.line(r.join(','));
        if (counts.accounts % 100 === 0) options.onProgress?.(counts.accounts, accounts);
      },
      contract: (r) => {
        counts.contracts++;
        contracts.line(r.join(','));
      },
      contact: (r) => {
        counts.contacts++;
        contacts.line(r.join(','));
      },
      usage: (month, line) => {
        let f = usage.get(month);
        if (!f) {
          f = new BufferedFile(join(outDir, `usage-${month}.csv`), USAGE_HEADER.join(','));
          usage.set(month, f);
        }
        f.line(line);
      },
      event: (month, e: DemoEvent) => {
        let f = events.get(month);
        if (!f) {
          f = new BufferedFile(join(outDir, `events-${month}.ndjson`));
          events.set(month, f);
        }
        counts.events++;
        f.line(JSON.stringify(e));
      },
      truth: (t) => truth.push(t),
    },
  );
  options.onProgress?.(accounts, accounts);
  const all = [users, catalog, accountsFile, contracts, contacts, ...usage.values(), ...events.values()];
  for (const f of all) f.close();
  const truthPath = join(outDir, 'ground-truth.json');
  const truthText = JSON.stringify({ seed, accounts, months, endDate, accountsTruth: truth });
  writeFileSync(truthPath, truthText);
  return {
    outDir,
    accounts,
    contracts: counts.contracts,
    contacts: counts.contacts,
    users: counts.users,
    usageRows: result.usageRows,
    events: counts.events,
    churned: truth.filter((t) => t.churned).length,
    files: [...all.map((f) => f.path), truthPath],
    bytes: all.reduce((s, f) => s + f.bytes, 0) + truthText.length,
    ms: performance.now() - t0,
  };
}
