import { useState } from 'react';
import { Link } from 'wouter';
import { callAuth } from '../api/authClient.js';
import { Button } from '../ui/Button.js';
import { Card } from '../ui/Card.js';
import { ErrorMessage, Field, OneTimeCodeField, PasswordField, UsernameField } from '../ui/Field.js';
import { useSubmit } from '../ui/useSubmit.js';
import styles from './forms.module.css';

/** Password first, then a code from the authenticator app or a recovery code. */
export function LoginPage({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [loginId, setLoginId] = useState<string>();
  return loginId ? (
    <SecondFactor loginId={loginId} onDone={onLoggedIn} onRestart={() => setLoginId(undefined)} />
  ) : (
    <Password onDone={setLoginId} />
  );
}

function Password({ onDone }: { onDone: (loginId: string) => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () =>
    onDone((await callAuth('login', { username, password })).loginId),
  );
  return (
    <Card narrow>
      <form onSubmit={onSubmit} aria-labelledby="login-title">
        <h1 id="login-title" className={styles.title}>
          Log in to Parley
        </h1>
        <UsernameField value={username} onChange={setUsername} />
        <PasswordField
          label="Password"
          name="password"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <ErrorMessage error={error} />
        <Button type="submit" variant="primary" block disabled={busy}>
          Continue
        </Button>
        <p className={styles.aside}>
          New here? <Link href="/register">Create an account</Link>
        </p>
      </form>
    </Card>
  );
}

function SecondFactor({ loginId, onDone, onRestart }: { loginId: string; onDone: () => void; onRestart: () => void }) {
  const [useRecovery, setUseRecovery] = useState(false);
  const [value, setValue] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    await callAuth('secondFactor', useRecovery ? { loginId, recoveryCode: value } : { loginId, code: value });
    onDone();
  });
  return (
    <Card narrow>
      <form onSubmit={onSubmit} aria-labelledby="code-title">
        <h1 id="code-title" className={styles.title}>
          Two-factor login
        </h1>
        {useRecovery ? (
          <Field
            label="Recovery code"
            name="recoveryCode"
            autoComplete="off"
            required
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        ) : (
          <OneTimeCodeField label="The 6-digit code from your authenticator app" value={value} onChange={setValue} />
        )}
        <ErrorMessage error={error} />
        <Button type="submit" variant="primary" block disabled={busy}>
          Log in
        </Button>
        <p className={styles.links}>
          <Button variant="ghost" size="small" onClick={() => (setUseRecovery(!useRecovery), setValue(''))}>
            {useRecovery ? 'Use an authenticator code instead' : 'Use a recovery code instead'}
          </Button>
          <Button variant="ghost" size="small" onClick={onRestart}>
            Start over
          </Button>
        </p>
      </form>
    </Card>
  );
}
