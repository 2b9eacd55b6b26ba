import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as common } from '@zxcvbn-ts/language-common';
import { dictionary as english, translations } from '@zxcvbn-ts/language-en';

/** zxcvbn scores 0–4; 3 is "safely unguessable: moderate protection from offline slow-hash attacks". */
export const MIN_PASSWORD_SCORE = 3;

let factory: ZxcvbnFactory | null = null;
const zxcvbn = () => {
  factory ??= new ZxcvbnFactory({
    dictionary: { ...common, ...english },
    graphs: adjacencyGraphs,
    translations,
  });
  return factory;
};

/**
 * A real strength check (zxcvbn: common and breached-style passwords, keyboard
 * patterns, repeats, sequences, dates, and the user's own id/name/email), not
 * a length rule: ten spaces, "password123" or "aaaaaaaaaa" are refused.
 * Returns null when the password is strong enough, else why not.
 */
export function passwordProblem(password: string, userInputs: string[] = []): string | null {
  if (password.trim() === '') return 'is blank';
  const r = zxcvbn().check(
    password.slice(0, 256),
    userInputs.filter((s) => s.length > 0),
  );
  if (r.score >= MIN_PASSWORD_SCORE) return null;
  const hint = [r.feedback.warning, ...r.feedback.suggestions].filter(Boolean).join(' ');
  return `is too easy to guess (strength ${r.score} of 4, needs ${MIN_PASSWORD_SCORE})${hint ? `: ${hint}` : ''}`;
}
