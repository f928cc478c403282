// The account API under /api. Bodies are validated against @parley/shared's
// schemas; state-changing requests must come from our own origin (csrf) and
// carry a SameSite=Strict session cookie where a session is needed.
import type { IncomingMessage } from 'node:http';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { authApi } from '@parley/shared';
import type { Accounts } from '../../auth/Accounts.js';
import type { SessionRecord, Sessions } from '../../auth/sessions.js';
import { ClientError } from '../../errors.js';
import { clientKey as clientKeyOf } from '../clientAddress.js';
import { isSameOrigin, type Deployment } from '../sameOrigin.js';
import { respondWithError } from './errors.js';
import type { MeetingLinks } from '../../links/index.js';
import { mountLinkRoutes } from './linkRoutes.js';
import { parseBody } from './parseBody.js';
import { clearSessionCookie, sessionTokenFrom, setSessionCookie, type CookiePolicy } from './sessionCookie.js';

type Env = { Bindings: { incoming: IncomingMessage }; Variables: { session: SessionRecord } };

/** The refusals of a login step that count as a failed login (for /metrics). */
const loginFailureCodes = ['invalid_credentials', 'throttled', 'expired', 'busy'] as const;
type LoginFailureCode = (typeof loginFailureCodes)[number];
const isLoginFailure = (code: string): code is LoginFailureCode =>
  (loginFailureCodes as readonly string[]).includes(code);

/** Told about every refused login step: counts only, nothing about who. */
export type LoginFailureObserver = (step: 'password' | 'second_factor', reason: LoginFailureCode) => void;

export function authRoutes(
  accounts: Accounts,
  sessions: Sessions,
  deployment: Deployment,
  cookies: CookiePolicy,
  links: MeetingLinks,
  onLoginFailure: LoginFailureObserver = () => undefined,
) {
  /** The client's throttling key, in memory only: never stored, never logged. */
  const clientKey = (c: Context<Env>) => clientKeyOf(c.env.incoming, deployment.proxies);

  const app = new Hono<Env>().basePath('/api');
  app.onError(respondWithError);
  app.use(
    bodyLimit({
      maxSize: 16 * 1024,
      // The rest of the body is never read, so the connection cannot carry another request:
      // say so, or a client would send its next request down a connection about to close (found by fuzzing).
      onError: (c) => {
        c.header('Connection', 'close');
        return c.json({ error: { code: 'invalid_message', message: 'request too large' } }, 413);
      },
    }),
  );
  // Every state change must come from a page of ours: Origin is exactly our origin.
  app.use(async (c, next) => {
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD' && !isSameOrigin(c.env.incoming, deployment)) {
      return c.json({ error: { code: 'invalid_message', message: 'cross-site request refused' } }, 403);
    }
    await next();
  });
  app.use(async (c, next) => {
    await next();
    c.header('Cache-Control', 'no-store');
  });

  const startSession = async (c: Context<Env>, userId: string) => {
    const { token } = await sessions.create(userId);
    setSessionCookie(c, token, cookies);
  };

  app.post('/register', async (c) =>
    c.json(await accounts.startRegistration(await parseBody(c, authApi.register.request), clientKey(c))),
  );
  app.post('/register/confirm', async (c) => {
    const { userId, recoveryCodes } = await accounts.confirmEnrolment(
      await parseBody(c, authApi.confirmEnrolment.request),
    );
    await startSession(c, userId);
    return c.json({ recoveryCodes });
  });
  /** Counts a refused login step, then lets the error answer as usual. */
  const counted = async <T>(step: 'password' | 'second_factor', attempt: () => Promise<T>): Promise<T> => {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof ClientError && isLoginFailure(error.code)) onLoginFailure(step, error.code);
      throw error;
    }
  };

  app.post('/login', async (c) => {
    const request = await parseBody(c, authApi.login.request);
    return c.json(await counted('password', () => accounts.startLogin(request, clientKey(c))));
  });
  app.post('/login/verify', async (c) => {
    const request = await parseBody(c, authApi.secondFactor.request);
    const { userId } = await counted('second_factor', () => accounts.finishLogin(request, clientKey(c)));
    await startSession(c, userId);
    return c.json({});
  });

  // Everything below needs a live session.
  const authed = new Hono<Env>();
  authed.use(async (c, next) => {
    const token = sessionTokenFrom(c, cookies);
    const session = token ? await sessions.validate(token) : undefined;
    if (!session) {
      clearSessionCookie(c, cookies);
      throw new ClientError('unauthenticated', 'Please log in.');
    }
    c.set('session', session);
    await next();
  });
  authed.get('/account', async (c) => c.json(await accounts.account(c.var.session.userId, c.var.session.id)));
  authed.get('/account/export', async (c) => {
    c.header('Content-Disposition', 'attachment; filename="parley-account.json"');
    return c.json(await accounts.exportData(c.var.session.userId));
  });
  authed.post('/logout', async (c) => {
    await sessions.revoke(c.var.session.userId, c.var.session.id);
    clearSessionCookie(c, cookies);
    return c.json({});
  });
  authed.post('/sessions/:id/revoke', async (c) => {
    const revoked = await sessions.revoke(c.var.session.userId, c.req.param('id'));
    if (!revoked) throw new ClientError('not_found', 'No such session.');
    return c.json({});
  });
  authed.post('/sessions/revoke-others', async (c) => {
    await sessions.revokeAll(c.var.session.userId, c.var.session.id);
    await accounts.recordEvent(c.var.session.userId, 'sessions_revoked');
    return c.json({});
  });
  authed.post('/password', async (c) => {
    await accounts.changePassword(
      c.var.session.userId,
      c.var.session.id,
      await parseBody(c, authApi.changePassword.request),
    );
    return c.json({});
  });
  authed.post('/recovery-codes', async (c) => {
    const codes = await accounts.regenerateRecoveryCodes(
      c.var.session.userId,
      await parseBody(c, authApi.regenerateRecoveryCodes.request),
    );
    return c.json({ recoveryCodes: codes });
  });
  authed.post('/account/delete', async (c) => {
    await accounts.deleteAccount(c.var.session.userId, await parseBody(c, authApi.deleteAccount.request));
    clearSessionCookie(c, cookies);
    return c.json({});
  });
  mountLinkRoutes(authed, links);
  app.route('/', authed);
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such endpoint' } }, 404));
  return app;
}
