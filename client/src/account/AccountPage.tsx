// The account page: what Parley stores about you, and control over it.
import { useState } from 'react';
import type { Account } from '@parley/shared';
import { Link } from 'wouter';
import { callAuth, postAction } from '../api/authClient.js';
import { ErrorMessage, PasswordField } from '../ui/Field.js';
import { useSubmit } from '../ui/useSubmit.js';
import { RecoveryCodes } from './RecoveryCodes.js';
import { StrengthMeter, useStrength } from './StrengthMeter.js';

const when = (seconds: number) =>
  new Date(seconds * 1000).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const eventText: Record<string, string> = {
  recovery_code_used: 'A recovery code was used to log in',
  recovery_codes_regenerated: 'New recovery codes were made',
  password_changed: 'The password was changed',
  sessions_revoked: 'Other sessions were logged out',
};

type Props = { account: Account; refresh: () => Promise<void>; onLoggedOut: () => void };

export function AccountPage({ account, refresh, onLoggedOut }: Props) {
  return (
    <div className="account">
      <h2>Your account: {account.username}</h2>
      <p>
        <Link href="/call">Start a call</Link>
      </p>
      <p>
        Created {when(account.createdAt)}. {account.recoveryCodesLeft} recovery codes left.{' '}
        <a href="/api/account/export" download="parley-account.json">
          Download everything Parley stores about you
        </a>
      </p>
      <button type="button" onClick={() => void postAction('/api/logout').then(onLoggedOut)}>
        Log out
      </button>
      <Sessions account={account} refresh={refresh} />
      <section aria-labelledby="events-title">
        <h3 id="events-title">Security events (kept 90 days)</h3>
        {account.events.length === 0 ? (
          <p>None.</p>
        ) : (
          <ul>
            {account.events.map((event, i) => (
              <li key={i}>
                {eventText[event.kind] ?? event.kind} — {when(event.at)}
              </li>
            ))}
          </ul>
        )}
      </section>
      <ChangePassword username={account.username} refresh={refresh} />
      <RegenerateCodes refresh={refresh} />
      <DeleteAccount onDeleted={onLoggedOut} />
    </div>
  );
}

function Sessions({ account, refresh }: Omit<Props, 'onLoggedOut'>) {
  return (
    <section aria-labelledby="sessions-title">
      <h3 id="sessions-title">Where you are logged in</h3>
      <p>Times are rounded to the hour. Parley does not record addresses or browsers.</p>
      <ul>
        {account.sessions.map((session) => (
          <li key={session.id}>
            Logged in {when(session.createdAt)}, last active {when(session.lastActiveAt)}
            {session.current ? (
              ' (this browser)'
            ) : (
              <>
                {' '}
                <button
                  type="button"
                  onClick={() => void postAction(`/api/sessions/${session.id}/revoke`).then(refresh)}
                >
                  Log out this session
                </button>
              </>
            )}
          </li>
        ))}
      </ul>
      {account.sessions.length > 1 && (
        <button type="button" onClick={() => void postAction('/api/sessions/revoke-others').then(refresh)}>
          Log out everywhere else
        </button>
      )}
    </section>
  );
}

function ChangePassword({ username, refresh }: { username: string; refresh: () => Promise<void> }) {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const verdict = useStrength(newPassword, username);
  const { busy, error, onSubmit } = useSubmit(async () => {
    await callAuth('changePassword', { currentPassword, newPassword });
    setDone(true);
    setCurrent('');
    setNew('');
    await refresh();
  });
  return (
    <form onSubmit={onSubmit} aria-labelledby="password-title">
      <h3 id="password-title">Change password</h3>
      <p>This logs out your other sessions.</p>
      <PasswordField
        label="Current password"
        autoComplete="current-password"
        value={currentPassword}
        onChange={setCurrent}
      />
      <PasswordField
        label="New password"
        autoComplete="new-password"
        value={newPassword}
        onChange={setNew}
        hint={<StrengthMeter verdict={verdict} />}
      />
      <ErrorMessage error={error} />
      {done && <p role="status">Password changed.</p>}
      <button type="submit" disabled={busy || verdict?.ok === false}>
        Change password
      </button>
    </form>
  );
}

function RegenerateCodes({ refresh }: { refresh: () => Promise<void> }) {
  const [password, setPassword] = useState('');
  const [codes, setCodes] = useState<string[]>();
  const { busy, error, onSubmit } = useSubmit(async () => {
    setCodes((await callAuth('regenerateRecoveryCodes', { password })).recoveryCodes);
    setPassword('');
    await refresh();
  });
  return (
    <form onSubmit={onSubmit} aria-labelledby="codes-title">
      <h3 id="codes-title">New recovery codes</h3>
      <p>Makes ten new codes; the old ones stop working.</p>
      <PasswordField label="Password" autoComplete="current-password" value={password} onChange={setPassword} />
      <ErrorMessage error={error} />
      <button type="submit" disabled={busy}>
        Make new recovery codes
      </button>
      {codes && <RecoveryCodes codes={codes} />}
    </form>
  );
}

function DeleteAccount({ onDeleted }: { onDeleted: () => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    await callAuth('deleteAccount', { password });
    onDeleted();
  });
  return (
    <form onSubmit={onSubmit} aria-labelledby="delete-title">
      <h3 id="delete-title">Delete account</h3>
      <p>Deletes your account, sessions, recovery codes and events at once. This cannot be undone.</p>
      <PasswordField
        label="Password to confirm"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      <ErrorMessage error={error} />
      <button type="submit" className="danger" disabled={busy}>
        Delete my account
      </button>
    </form>
  );
}
