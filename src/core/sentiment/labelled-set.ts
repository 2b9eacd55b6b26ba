import { AppError } from '../errors.ts';

/** Where the labelled set lives (relative to the repository root). */
export const LABELLED_SET_PATH = 'src/core/sentiment/training/labelled-texts.tsv';

export const TEXT_SOURCES = ['ticket', 'nps', 'csat', 'csm_note', 'churn_feedback', 'email_reply'] as const;
export type TextSource = (typeof TEXT_SOURCES)[number];

export type LabelledText = { label: 0 | 1; source: TextSource; text: string };

/** Parses the TSV (header `label source text`; label 1 = negative); errors name the line. */
export function parseLabelledTexts(tsv: string, name = LABELLED_SET_PATH): LabelledText[] {
  const lines = tsv.split('\n');
  const out: LabelledText[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.trim()) continue;
    const [label, source, text, ...rest] = line.split('\t');
    if (rest.length > 0 || text === undefined || !text.trim())
      throw new AppError('BAD_INPUT', `${name}:${i + 1}: expected three tab-separated fields`);
    if (label !== '0' && label !== '1')
      throw new AppError('BAD_INPUT', `${name}:${i + 1} label: expected 0 or 1`);
    if (!(TEXT_SOURCES as readonly string[]).includes(source as string))
      throw new AppError(
        'BAD_INPUT',
        `${name}:${i + 1} source: "${source}" is not one of ${TEXT_SOURCES.join(', ')}`,
      );
    out.push({ label: label === '1' ? 1 : 0, source: source as TextSource, text: text.trim() });
  }
  return out;
}
