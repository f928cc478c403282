// Accounts for browser tests, made through the real HTTP API with TOTP codes
// computed here as an authenticator app would.
import { generate } from 'otplib';

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
