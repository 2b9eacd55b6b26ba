import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { isCalendarDate } from '../../core/demo/calendar.ts';
import {
  DEMO_DEFAULTS,
  DEMO_MODES,
  type GenerateDemoReport,
  generateDemo,
} from '../../engine/demo/generate-demo.ts';
import { printJson } from '../with-context.ts';

const optionsSchema = z.object({
  out: z.string().min(1),
  accounts: z.coerce.number().int().min(1).max(1_000_000).default(DEMO_DEFAULTS.accounts),
  months: z.coerce.number().int().min(1).max(120).default(DEMO_DEFAULTS.months),
  seed: z.coerce.number().int().default(DEMO_DEFAULTS.seed),
  endDate: z.string().refine(isCalendarDate, 'expected a date YYYY-MM-DD').optional(),
  mode: z.enum(DEMO_MODES).default('contractual'),
  json: z.boolean().default(false),
});

const n = (x: number) => x.toLocaleString('en-US');

function printReport(r: GenerateDemoReport, out: string) {
  const s = r.ms / 1000;
  process.stdout.write(
    [
      `Demo portfolio written to ${r.outDir}`,
      `  accounts     ${n(r.accounts)} (${n(r.churned)} ${r.mode === 'noncontractual' ? 'lapsed by the end' : 'churned in the window'}), ${r.months} months to ${r.endDate}, seed ${r.seed}${r.mode === 'noncontractual' ? ', no contracts' : ''}`,
      `  users        ${n(r.users)}`,
      `  contracts    ${n(r.contracts)}`,
      `  contacts     ${n(r.contacts)}`,
      `  usage rows   ${n(r.usageRows)}`,
      `  events       ${n(r.events)}`,
      `  files        ${r.files.length} (${(r.bytes / 1e6).toFixed(1)} MB), ground truth in ${r.groundTruthFile}`,
      `  time         ${s.toFixed(1)} s (${n(Math.round((r.usageRows + r.events) / Math.max(s, 0.001)))} rows/s)`,
      `Import it with: vigil import ${out}`,
      '',
    ].join('\n'),
  );
}

export function register(program: Command) {
  const demo = program.command('demo').description('synthetic demo portfolio');
  demo
    .command('generate')
    .description(
      'write a realistic synthetic portfolio as importable files plus its ground truth (deterministic by seed)',
    )
    .requiredOption('--out <dir>', 'output folder')
    .option('--accounts <n>', `number of accounts (default ${DEMO_DEFAULTS.accounts})`)
    .option('--months <m>', `months of history (default ${DEMO_DEFAULTS.months})`)
    .option('--seed <s>', `random seed (default ${DEMO_DEFAULTS.seed})`)
    .option(
      '--end-date <date>',
      'last day of history (default: today, so scoring it today reads no fake silence)',
    )
    .option(
      '--mode <mode>',
      'contractual (B2B subscriptions, renewals) | noncontractual (customers who use and buy without contracts, and lapse; learn with `vigil train --label lapse`)',
      'contractual',
    )
    .option('--json', 'print the report as JSON')
    .action(async (raw: unknown) => {
      const opts = optionsSchema.parse(raw);
      const bar =
        process.stderr.isTTY && !opts.json
          ? new cliProgress.SingleBar(
              { format: 'generating [{bar}] {value}/{total} accounts', stream: process.stderr },
              cliProgress.Presets.shades_classic,
            )
          : null;
      bar?.start(opts.accounts, 0);
      try {
        const r = await generateDemo({
          outDir: opts.out,
          accounts: opts.accounts,
          months: opts.months,
          seed: opts.seed,
          endDate: opts.endDate,
          mode: opts.mode,
          onProgress: (d) => bar?.update(d),
        });
        bar?.stop();
        if (opts.json) printJson(r);
        else printReport(r, opts.out);
      } finally {
        bar?.stop();
      }
    });
}
