import { useEffect, useState } from 'react';
import type { PasswordVerdict } from '@parley/shared/password-policy';

const labels = ['Very weak', 'Weak', 'Fair', 'Strong', 'Very strong'];

/** Live verdict of the shared password policy; its dictionaries load on first use. */
export function useStrength(password: string, username: string): PasswordVerdict | undefined {
  const key = `${username}\u0000${password}`;
  const [checked, setChecked] = useState<{ key: string; verdict: PasswordVerdict }>();
  useEffect(() => {
    if (!password) return;
    let current = true;
    void import('@parley/shared/password-policy').then(({ checkPassword }) => {
      if (current) setChecked({ key, verdict: checkPassword(password, username) });
    });
    return () => {
      current = false;
    };
  }, [key, password, username]);
  return password && checked?.key === key ? checked.verdict : undefined;
}

export function StrengthMeter({ verdict }: { verdict: PasswordVerdict | undefined }) {
  if (!verdict) return <span>At least 12 characters. A few unrelated words work well.</span>;
  return (
    <span aria-live="polite">
      <meter min={0} max={4} low={2} high={3} optimum={4} value={verdict.score} aria-label="Password strength" />{' '}
      <strong>{labels[verdict.score]}</strong>. {verdict.message}
      {!verdict.ok && verdict.suggestions.length > 0 && ` ${verdict.suggestions.join(' ')}`}
    </span>
  );
}
