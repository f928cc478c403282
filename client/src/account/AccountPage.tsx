// The account page: what Parley stores about you, and control over it.
import { useState } from 'react';
import type { Account } from '@parley/shared';
import { Download, LogOut } from 'lucide-react';
import { callAuth, postAction } from '../api/authClient.js';
import { Button, buttonClass } from '../ui/Button.js';
import { Card } from '../ui/Card.js';
import { ErrorMessage, PasswordField } from '../ui/Field.js';
import { useSubmit } from '../ui/useSubmit.js';
import styles from './forms.module.css';
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

type Props = { account: Account; refresh: () => Promise<void>; onLogOut: () => void; onDeleted: () => void };

export function AccountPage({ account, refresh, onLogOut, onDeleted }: Props) {
  return (
    <div>
      <h1>Your account: {account.username}</h1>
      <p className={styles.muted}>
        Created {when(account.createdAt)}. {account.recoveryCodesLeft} recovery codes left.
      </p>
      <div className={styles.accountGrid}>
        <Card aria-labelledby="your-data-title">
          <h2 id="your-data-title">Your data</h2>
          <p>Everything Parley stores about you, as one file. Nothing about your calls is ever stored.</p>
          <p className={styles.actions}>
            <a className={buttonClass('secondary')} href="/api/account/export" download="parley-account.json">
              <Download aria-hidden="true" size={18} /> Download everything Parley stores about you
            </a>
            <a href="/privacy">What is stored and why</a>
          </p>
        </Card>
        <Sessions account={account} refresh={refresh} onLogOut={onLogOut} />
        <Card aria-labelledby="events-title">
          <h2 id="events-title">Security events</h2>
          <p className={styles.muted}>Kept 90 days, shown only to you.</p>
          {account.events.length === 0 ? (
            <p>None.</p>
          ) : (
            <ul className={styles.list}>
              {account.events.map((event, i) => (
                <li key={i}>
                  <span>{eventText[event.kind] ?? event.kind}</span>
                  <span className={styles.muted}>{when(event.at)}</span>
                </li>
              ))}
            </ul>
          )}
        </Card>
        <ChangePassword username={account.username} refresh={refresh} />
        <RegenerateCodes refresh={refresh} />
        <DeleteAccount onDeleted={onDeleted} />
      </div>
    </div>
  );
}

function Sessions({ account, refresh, onLogOut }: Omit<Props, 'onDeleted'>) {
  return (
    <Card aria-labelledby="sessions-title">
      <h2 id="sessions-title">Where you are logged in</h2>
      <p className={styles.muted}>Times are rounded to the hour. Parley does not record addresses or browsers.</p>
      <ul className={styles.list}>
        {account.sessions.map((session) => (
          <li key={session.id}>
            <span>
              Logged in {when(session.createdAt)}, last active {when(session.lastActiveAt)}
              {session.current && <strong> (this browser)</strong>}
            </span>
            {!session.current && (
              <Button size="small" onClick={() => void postAction(`/api/sessions/${session.id}/revoke`).then(refresh)}>
                Log out this session
              </Button>
            )}
          </li>
        ))}
      </ul>
      <p className={styles.actions}>
        <Button onClick={onLogOut}>
          <LogOut aria-hidden="true" size={18} /> Log out
        </Button>
        {account.sessions.length > 1 && (
          <Button onClick={() => void postAction('/api/sessions/revoke-others').then(refresh)}>
            Log out everywhere else
          </Button>
        )}
      </p>
    </Card>
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
    <Card>
      <form onSubmit={onSubmit} aria-labelledby="password-title">
        <h2 id="password-title">Change password</h2>
        <p className={styles.muted}>This logs out your other sessions.</p>
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
        <Button type="submit" variant="primary" disabled={busy || verdict?.ok === false}>
          Change password
        </Button>
      </form>
    </Card>
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
    <Card>
      <form onSubmit={onSubmit} aria-labelledby="codes-title">
        <h2 id="codes-title">New recovery codes</h2>
        <p className={styles.muted}>Makes ten new codes; the old ones stop working.</p>
        <PasswordField label="Password" autoComplete="current-password" value={password} onChange={setPassword} />
        <ErrorMessage error={error} />
        <Button type="submit" disabled={busy}>
          Make new recovery codes
        </Button>
        {codes && <RecoveryCodes codes={codes} />}
      </form>
    </Card>
  );
}

function DeleteAccount({ onDeleted }: { onDeleted: () => void }) {
  const [password, setPassword] = useState('');
  const { busy, error, onSubmit } = useSubmit(async () => {
    await callAuth('deleteAccount', { password });
    onDeleted();
  });
  return (
    <Card>
      <form onSubmit={onSubmit} aria-labelledby="delete-title">
        <h2 id="delete-title">Delete account</h2>
        <p className={styles.muted}>
          Deletes your account, sessions, recovery codes, events and device keys at once. This cannot be undone.
        </p>
        <PasswordField
          label="Password to confirm"
          autoComplete="current-password"
          value={password}
          onChange={setPassword}
        />
        <ErrorMessage error={error} />
        <Button type="submit" variant="danger" disabled={busy}>
          Delete my account
        </Button>
      </form>
    </Card>
  );
}
