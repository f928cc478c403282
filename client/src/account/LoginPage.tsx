import { useState } from 'react';
import { Link } from 'wouter';
import { callAuth } from '../api/authClient.js';
import { ErrorMessage, Field, OneTimeCodeField, PasswordField, UsernameField } from '../ui/Field.js';
import { useSubmit } from '../ui/useSubmit.js';

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
    <form onSubmit={onSubmit} aria-labelledby="login-title">
      <h2 id="login-title">Log in</h2>
      <UsernameField value={username} onChange={setUsername} />
      <PasswordField
        label="Password"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Continue
      </button>
      <p>
        New here? <Link href="/register">Create an account</Link>
      </p>
    </form>
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
    <form onSubmit={onSubmit} aria-labelledby="code-title">
      <h2 id="code-title">Two-factor login</h2>
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
      <button type="submit" disabled={busy}>
        Log in
      </button>{' '}
      <button type="button" className="link" onClick={() => (setUseRecovery(!useRecovery), setValue(''))}>
        {useRecovery ? 'Use an authenticator code instead' : 'Use a recovery code instead'}
      </button>{' '}
      <button type="button" className="link" onClick={onRestart}>
        Start over
      </button>
    </form>
  );
}
