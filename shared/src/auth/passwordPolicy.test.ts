import { describe, expect, it } from 'vitest';
import { checkPassword, normalizePassword, passwordRules } from './passwordPolicy.js';
import { UsernameSchema } from './usernames.js';

describe('password policy', () => {
  it.each([
    ['short1!', 'too_short'],
    ['123456789012', 'common'],
    ['1q2w3e4r5t6y', 'common'],
    ['passwordpassword', 'too_guessable'],
    ['qwertyuiopasdf', 'too_guessable'],
    ['alice-was-here-2026', 'contains_username'],
    ['x'.repeat(passwordRules.maxLength + 1), 'too_long'],
  ])('rejects %s as %s', (password, problem) => {
    const verdict = checkPassword(password, 'alice');
    expect(verdict.ok).toBe(false);
    expect(verdict.problem).toBe(problem);
    expect(verdict.message.length).toBeGreaterThan(10);
  });

  it('accepts long unrelated words with no composition rules (no digits, no symbols needed)', () => {
    const verdict = checkPassword('violet tractor whispers under marmalade', 'alice');
    expect(verdict).toMatchObject({ ok: true, problem: undefined });
    expect(verdict.score).toBeGreaterThanOrEqual(3);
  });

  // That long passwords are also hashed whole is server/test/authUnits.test.ts's and accountsApi.test.ts's to prove.
  it('accepts passwords up to the maximum length', () => {
    const long = 'violet tractor whispers under marmalade '.repeat(8).slice(0, passwordRules.maxLength);
    expect(checkPassword(long, 'alice').ok).toBe(true);
  });

  it('normalises with NFKC, so compatibility forms of one password are the same', () => {
    expect(normalizePassword('ｐａｓｓ ｗｏｒｄ')).toBe('pass word');
    expect(normalizePassword('e\u0301')).toBe('é');
  });

  it('normalises usernames and refuses odd ones', () => {
    expect(UsernameSchema.parse('  Alice ')).toBe('alice');
    expect(UsernameSchema.safeParse('a').success).toBe(false);
    expect(UsernameSchema.safeParse('alice<script>').success).toBe(false);
  });
});
