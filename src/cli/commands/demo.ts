import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { z } from 'zod';
import { DEMO_DEFAULTS, generateDemo } from '../../engine/demo/generate-demo.ts';
import { printJson } from '../with-context.ts';

const optionsSchema = z.object({
  out: z.string().min(1),
  accounts: z.coerce.number().int().positive().default(DEMO_DEFAULTS.accounts),
  months: z.coerce.number().int().min(1).max(120).default(DEMO_DEFAULTS.months),
  seed: z.coerce.number().int().default(DEMO_DEFAULTS.seed),
  endDate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD')
    .default(DEMO_DEFAULTS.endDate),
  json: z.boolean().default(false),
});

export function register(program: Command) {
  const demo = program.command('demo').description('synthetic demo portfolio');
  demo
    .command('generate')
    .description('write a realistic synthetic portfolio as importable files (deterministic by seed)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--accounts <n>', `number of accounts (default ${DEMO_DEFAULTS.accounts})`)
    .option('--months <m>', `months of history (default ${DEMO_DEFAULTS.months})`)
    .option('--seed <s>', `random seed (default ${DEMO_DEFAULTS.seed})`)
    .option('--end-date <date>', `last day of history (default ${DEMO_DEFAULTS.endDate})`)
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
      const r = await generateDemo({
        outDir: opts.out,
        accounts: opts.accounts,
        months: opts.months,
        seed: opts.seed,
        endDate: opts.endDate,
        onProgress: (d) => bar?.update(d),
      });
      bar?.stop();
      if (opts.json) {
        printJson(r);
        return;
      }
      process.stdout.write(
        `Wrote ${r.accounts.toLocaleString('en-US')} accounts, ${r.contracts.toLocaleString('en-US')} contracts, ${r.contacts.toLocaleString('en-US')} contacts, ${r.usageRows.toLocaleString('en-US')} usage events, ${r.events.toLocaleString('en-US')} other events (${r.churned} accounts churned) to ${r.outDir} in ${(r.ms / 1000).toFixed(1)} s (${(r.bytes / 1e6).toFixed(0)} MB)\nImport it with: vigil import ${opts.out}\n`,
      );
    });
}
