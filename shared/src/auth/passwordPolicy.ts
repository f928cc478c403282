// The password policy, after NIST SP 800-63B and OWASP ASVS: long enough, no
// composition rules, never a common or breached password, never the
// username, and hard to guess (zxcvbn score ≥ 3). The server enforces it;
// the registration page runs the same code for its live meter. Its own entry
// point (@parley/shared/password-policy): the dictionaries weigh ~1 MB, so
// the page loads them only when someone chooses a password.
import { ZxcvbnFactory, type ZxcvbnResult } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary as commonDictionary } from '@zxcvbn-ts/language-common';
import { dictionary as englishDictionary, translations } from '@zxcvbn-ts/language-en';

import { normalizePassword, passwordRules } from './passwordRules.js';

export { normalizePassword, passwordRules };

export type PasswordProblem = 'too_short' | 'too_long' | 'contains_username' | 'common' | 'too_guessable';

export type PasswordVerdict = {
  ok: boolean;
  /** zxcvbn score 0–4, for the strength meter. */
  score: number;
  problem: PasswordProblem | undefined;
  /** A sentence for the person choosing the password. */
  message: string;
  suggestions: string[];
};

let estimator: ZxcvbnFactory | undefined;
function zxcvbn(): ZxcvbnFactory {
  estimator ??= new ZxcvbnFactory({
    dictionary: { ...commonDictionary, ...englishDictionary },
    graphs: adjacencyGraphs,
    translations,
  });
  return estimator;
}

function isCommonPassword(result: ZxcvbnResult, length: number): boolean {
  return result.sequence.some(
    (match) =>
      match.pattern === 'dictionary' &&
      String(match.dictionaryName).startsWith('passwords') &&
      match.i === 0 &&
      match.j >= length - 1,
  );
}

export function checkPassword(rawPassword: string, username: string): PasswordVerdict {
  const password = normalizePassword(rawPassword);
  const length = [...password].length;
  const scored = password.slice(0, passwordRules.scoredPrefix);
  const result = zxcvbn().check(scored, [username]);
  const verdict = (problem: PasswordProblem | undefined, message: string): PasswordVerdict => ({
    ok: problem === undefined,
    score: problem === undefined ? result.score : Math.min(result.score, passwordRules.minScore - 1),
    problem,
    message,
    suggestions: result.feedback.suggestions,
  });

  if (length < passwordRules.minLength) {
    return verdict(
      'too_short',
      `Use at least ${passwordRules.minLength} characters (a few unrelated words work well).`,
    );
  }
  if (length > passwordRules.maxLength) {
    return verdict('too_long', `Use at most ${passwordRules.maxLength} characters.`);
  }
  const name = username.normalize('NFKC').toLowerCase();
  if (name.length > 0 && password.toLowerCase().includes(name)) {
    return verdict('contains_username', 'Your password must not contain your username.');
  }
  if (isCommonPassword(result, scored.length)) {
    return verdict('common', 'This password is on lists of common passwords that attackers try first.');
  }
  if (result.score < passwordRules.minScore) {
    return verdict('too_guessable', result.feedback.warning || 'This password is too easy to guess.');
  }
  return verdict(undefined, 'Strong password.');
}
