// The app shell: who is logged in decides which pages exist. The call page,
// and with it mediasoup-client, libsodium and the E2EE worker, loads only
// when a call starts (a separate chunk), so the login page stays small.
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import { postAction } from '../api/authClient.js';
import { LoginPage } from '../account/LoginPage.js';
import type { CallEntry } from '../call/CallRoute.js';
import { Notice } from '../ui/Card.js';
import { ToastProvider } from '../ui/Toasts.js';
import { TooltipProvider } from '../ui/Tooltip.js';
import { AppShell } from './AppShell.js';
import { loadSession, returnTo, type Session } from './session.js';

// Each page but login loads when first shown: the login page downloads only what it needs.
const CallRoute = lazy(() => import('../call/CallRoute.js'));
const RegisterPage = lazy(() => import('../account/RegisterPage.js').then((m) => ({ default: m.RegisterPage })));
const AccountPage = lazy(() => import('../account/AccountPage.js').then((m) => ({ default: m.AccountPage })));
const HomePage = lazy(() => import('../home/HomePage.js').then((m) => ({ default: m.HomePage })));
const PrivacyPage = lazy(() => import('../privacy/PrivacyPage.js').then((m) => ({ default: m.PrivacyPage })));

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
  const toLogin = () => void refresh().then(() => navigate('/login'));
  // A session that is already gone (revoked elsewhere) needs no logout: either way we are out here.
  const logOut = () =>
    void postAction('/api/logout')
      .catch(() => undefined)
      .then(toLogin);
  const account = session.state === 'ready' ? session.account : undefined;

  // The call takes the whole window (its own dark stage, no page header). A
  // meeting link works with an account and without one (a guest).
  const link = linkFromLocation(location);
  const call: CallEntry | undefined =
    link && session.state !== 'loading'
      ? { kind: 'link', ...link, guest: !account }
      : account && location === '/call'
        ? {
            kind: 'room',
            profile:
              new URLSearchParams(window.location.search).get('profile') === 'sensitive' ? 'sensitive' : 'standard',
          }
        : undefined;
  if (call) {
    return (
      <TooltipProvider delayDuration={400}>
        <Suspense fallback={<Loading />}>
          <CallRoute entry={call} />
        </Suspense>
      </TooltipProvider>
    );
  }
  return (
    <TooltipProvider delayDuration={400}>
      <ToastProvider>
        <AppShell account={account} onLogOut={logOut}>
          <Suspense fallback={<Loading />}>
            {session.state === 'loading' && <Loading />}
            {session.state === 'error' && (
              <Notice tone="danger" role="alert">
                {session.message}
              </Notice>
            )}
            {session.state === 'anonymous' && (
              <Switch>
                <Route path="/register">
                  <RegisterPage onRegistered={afterLogin} />
                </Route>
                <Route path="/login">
                  <LoginPage onLoggedIn={afterLogin} />
                </Route>
                <Route path="/privacy">
                  <PrivacyPage />
                </Route>
                <Route>
                  <Redirect to={`/login?next=${encodeURIComponent(location + window.location.search)}`} />
                </Route>
              </Switch>
            )}
            {account && (
              <Switch>
                <Route path="/">
                  <HomePage account={account} />
                </Route>
                <Route path="/account">
                  <AccountPage account={account} refresh={refresh} onLogOut={logOut} onDeleted={toLogin} />
                </Route>
                <Route path="/privacy">
                  <PrivacyPage />
                </Route>
                <Route>
                  <Redirect to="/" />
                </Route>
              </Switch>
            )}
          </Suspense>
        </AppShell>
      </ToastProvider>
    </TooltipProvider>
  );
}

/** A meeting link's id (path) and secret (fragment: never sent to the server in a request). */
function linkFromLocation(location: string): { linkId: string; secret: string } | undefined {
  const id = /^\/j\/([A-Za-z0-9_-]{22})$/.exec(location)?.[1];
  const secret = window.location.hash.slice(1);
  return id && /^[A-Za-z0-9_-]{43}$/.test(secret) ? { linkId: id, secret } : undefined;
}

function Loading() {
  return (
    <p role="status" style={{ padding: '2rem', textAlign: 'center' }}>
      Loading…
    </p>
  );
}
