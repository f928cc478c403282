// Accounts for browser tests, made through the real HTTP API with TOTP codes
// computed here as an authenticator app would.
import { generate } from 'otplib';
import type { TestPage } from './browsers.js';

export type E2eUser = { username: string; password: string; cookie: string };

let counter = 0;

async function post(baseUrl: string, path: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl, ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * A new account. `forwardedFor` poses as a proxy passing on a client's
 * address: a server that trusts the caller as a proxy (PARLEY_TRUSTED_PROXIES)
 * then counts each such sign-up against that address, so a benchmark can
 * make hundreds of accounts without meeting the per-address sign-up throttle.
 */
export async function registerViaApi(baseUrl: string, forwardedFor?: string): Promise<E2eUser> {
  const username = `caller${process.pid}n${++counter}`;
  const password = 'violet tractor whispers under marmalade';
  const headers: Record<string, string> = forwardedFor ? { 'X-Forwarded-For': forwardedFor } : {};
  const registered = (await (await post(baseUrl, '/api/register', { username, password }, headers)).json()) as {
    enrolmentId: string;
    totpSecret: string;
  };
  const confirmed = await post(
    baseUrl,
    '/api/register/confirm',
    { enrolmentId: registered.enrolmentId, code: await generate({ secret: registered.totpSecret }) },
    headers,
  );
  const cookie = confirmed.headers
    .getSetCookie()
    .find((c) => c.startsWith('parley_session='))
    ?.split(';')[0];
  if (!cookie) throw new Error('no session cookie after registration');
  return { username, password, cookie };
}

/** A user registered by the page itself (its own fetch, so the browser keeps the cookie as it would). */
export async function registerInPage(page: TestPage, baseUrl: string): Promise<InPageUser> {
  await page.goto(`${baseUrl}/`);
  const username = `caller${process.pid}p${++counter}`;
  const password = 'violet tractor whispers under marmalade';
  const registered = await inPage<{ enrolmentId: string; totpSecret: string }>(page, '/api/register', {
    username,
    password,
  });
  const registeredAt = Date.now();
  await inPage(page, '/api/register/confirm', {
    enrolmentId: registered.enrolmentId,
    code: await generate({ secret: registered.totpSecret, epoch: Math.floor(registeredAt / 1000) }),
  });
  return { username, password, totpSecret: registered.totpSecret, lastCodeAt: registeredAt };
}

/** Logs `user` in from the page (password, then a TOTP code of a time step not used before). */
export async function loginInPage(page: TestPage, baseUrl: string, user: InPageUser): Promise<void> {
  await page.goto(`${baseUrl}/`);
  const { loginId } = await inPage<{ loginId: string }>(page, '/api/login', {
    username: user.username,
    password: user.password,
  });
  const step = (at: number) => Math.floor(at / 30_000);
  while (step(Date.now()) === step(user.lastCodeAt)) await new Promise((resolve) => setTimeout(resolve, 1000));
  user.lastCodeAt = Date.now();
  await inPage(page, '/api/login/verify', {
    loginId,
    code: await generate({ secret: user.totpSecret, epoch: Math.floor(user.lastCodeAt / 1000) }),
  });
}

export type InPageUser = { username: string; password: string; totpSecret: string; lastCodeAt: number };

/** POSTs JSON from the page (same origin, its cookies); throws with the reply when refused. */
export async function inPage<T>(page: TestPage, path: string, body: unknown): Promise<T> {
  const reply = await page.evaluateWith(
    async ({ path, body }) => {
      const response = await fetch(path, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: response.status, text: await response.text() };
    },
    { path, body },
  );
  if (reply.status !== 200) throw new Error(`${path}: ${reply.status} ${reply.text}`);
  return JSON.parse(reply.text) as T;
}
