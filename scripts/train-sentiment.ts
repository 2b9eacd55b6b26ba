/**
 * Trains the shipped sentiment classifier from src/core/sentiment/training/labelled-texts.tsv and
 * writes src/core/sentiment/sentiment-model.generated.ts. Run after changing the labelled set:
 *   node bin/run-ts.js scripts/train-sentiment.ts
 * Deterministic: the same set gives the same model (a test checks the shipped model is current).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LABELLED_SET_PATH, parseLabelledTexts } from '../src/core/sentiment/labelled-set.ts';
import { renderModelModule } from '../src/core/sentiment/render-model.ts';
import { trainNaiveBayes } from '../src/core/sentiment/naive-bayes.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rows = parseLabelledTexts(readFileSync(join(root, LABELLED_SET_PATH), 'utf8'));
const model = trainNaiveBayes(
  rows.map((r) => r.text),
  rows.map((r) => r.label),
);
const out = join(root, 'src/core/sentiment/sentiment-model.generated.ts');
writeFileSync(out, renderModelModule(model, rows.length));
// the project's formatter has the last word on layout (a test compares the model, not the bytes)
execFileSync(join(root, 'node_modules/.bin/biome'), ['format', '--write', out], { stdio: 'ignore' });
process.stdout.write(`wrote ${out}: ${Object.keys(model.weights).length} tokens from ${rows.length} labelled texts\n`);
