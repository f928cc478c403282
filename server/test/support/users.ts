// Registers real users through the HTTP API, as the browser does, computing
// TOTP codes the way an authenticator app would.
import { generate } from 'otplib';

export type TestUser = {
  username: string;
  password: string;
  totpSecret: string;
  cookie: string;
  recoveryCodes: string[];
  /** When enrolment accepted its code: that time step is spent. */
  registeredAt: number;
};

let counter = 0;

export async function post(baseUrl: string, path: string, body: unknown, cookie?: string): Promise<Response> {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl, ...(cookie ? { Cookie: cookie } : {}) },
    body: JSON.stringify(body),
  });
}

export function sessionCookieOf(response: Response): string {
  const header = response.headers.getSetCookie().find((c) => c.startsWith('parley_session='));
  if (!header) throw new Error(`no session cookie in the response (status ${response.status})`);
  return header.split(';')[0] ?? '';
}

export async function totpCode(secret: string, at = Date.now()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at / 1000) });
}

export async function registerUser(baseUrl: string, name?: string): Promise<TestUser> {
  const username = name ?? `tester${process.pid}x${++counter}`;
  const password = `correct horse battery staple ${username}`.replace(username, 'zebra');
  const registered = await post(baseUrl, '/api/register', { username, password });
  if (!registered.ok) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
  const { enrolmentId, totpSecret } = (await registered.json()) as { enrolmentId: string; totpSecret: string };
  const registeredAt = Date.now();
  const confirmed = await post(baseUrl, '/api/register/confirm', {
    enrolmentId,
    code: await totpCode(totpSecret, registeredAt),
  });
  if (!confirmed.ok) throw new Error(`confirm failed: ${confirmed.status} ${await confirmed.text()}`);
  const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
  return { username, password, totpSecret, cookie: sessionCookieOf(confirmed), recoveryCodes, registeredAt };
}
