// Accounts for browser tests, made through the real HTTP API with TOTP codes
// computed here as an authenticator app would.
import { generate } from 'otplib';

export type E2eUser = { username: string; password: string; cookie: string };

let counter = 0;

async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl, ...headers },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response;
}

/**
 * A new account through the API. `headers`: what a proxy in front of the
 * server adds (X-Forwarded-For), so many sign-ups need not share one address.
 */
export async function registerViaApi(baseUrl: string, headers: Record<string, string> = {}): Promise<E2eUser> {
  const username = `caller${process.pid}n${++counter}`;
  const password = 'violet tractor whispers under marmalade';
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
