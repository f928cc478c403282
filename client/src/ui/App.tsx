// Routes and the session: who is logged in decides which pages exist.
import { useCallback, useEffect, useState } from 'react';
import type { Account } from '@parley/shared';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { fetchAccount } from '../api/authClient.js';
import { AccountPage } from '../account/AccountPage.js';
import { LoginPage } from '../account/LoginPage.js';
import { RegisterPage } from '../account/RegisterPage.js';
import { CallPage } from '../call/CallPage.js';

type Session =
  | { state: 'loading' }
  | { state: 'anonymous' }
  | { state: 'ready'; account: Account }
  | { state: 'error'; message: string };

export function App() {
  const [session, setSession] = useState<Session>({ state: 'loading' });
  const [location, navigate] = useLocation();
  const refresh = useCallback(() => loadSession().then(setSession), []);
  useEffect(() => {
    let live = true;
    void loadSession().then((loaded) => live && setSession(loaded));
    return () => {
      live = false;
    };
  }, []);

  const afterLogin = () => void refresh().then(() => navigate(returnTo(location)));

  return (
    <main>
      <header>
        <h1>Parley</h1>
      </header>
      {session.state === 'loading' && <p role="status">Loading…</p>}
      {session.state === 'error' && <p role="alert">{session.message}</p>}
      {session.state === 'anonymous' && (
        <Switch>
          <Route path="/register">
            <RegisterPage onRegistered={afterLogin} />
          </Route>
          <Route path="/login">
            <LoginPage onLoggedIn={afterLogin} />
          </Route>
          <Route>
            <Redirect to={`/login?next=${encodeURIComponent(location + window.location.search)}`} />
          </Route>
        </Switch>
      )}
      {session.state === 'ready' && (
        <Switch>
          <Route path="/call">
            <CallPage />
          </Route>
          <Route path="/account">
            <AccountPage
              account={session.account}
              refresh={refresh}
              onLoggedOut={() => void refresh().then(() => navigate('/login'))}
            />
          </Route>
          <Route>
            <Redirect to="/account" />
          </Route>
        </Switch>
      )}
    </main>
  );
}

async function loadSession(): Promise<Session> {
  try {
    const account = await fetchAccount();
    return account ? { state: 'ready', account } : { state: 'anonymous' };
  } catch (error) {
    return { state: 'error', message: error instanceof Error ? error.message : 'Cannot reach the server.' };
  }
}

/** Where to go after logging in: the page that asked for it (same-origin paths only). */
function returnTo(location: string): string {
  if (location !== '/login' && location !== '/register') return location;
  const next = new URLSearchParams(window.location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/account';
}
