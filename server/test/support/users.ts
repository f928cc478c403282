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

/** The session cookie a response sets, as `name=value`: parley_session, or __Host-parley_session over HTTPS. */
export function sessionCookieOf(response: Response): string {
  const header = response.headers.getSetCookie().find((c) => /^(__Host-)?parley_session=/.test(c));
  if (!header) throw new Error(`no session cookie in the response (status ${response.status})`);
  return header.split(';')[0] ?? '';
}

export async function totpCode(secret: string, at = Date.now()): Promise<string> {
  return generate({ secret, epoch: Math.floor(at / 1000) });
}

/**
 * A new person, signing up from an address of their own (as different people
 * do; a test server trusts 127.0.0.1 as a proxy), so that many test users do
 * not run into the per-address sign-up throttle.
 */
export async function registerUser(
  baseUrl: string,
  /** The page's origin (https://… for a server behind TLS) and any headers a proxy would add. */
  page: { origin?: string; headers?: Record<string, string> } = {},
): Promise<TestUser> {
  const n = ++counter;
  const username = `tester${process.pid}x${n}`;
  const password = `correct horse battery staple ${username}`.replace(username, 'zebra');
  const send = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Origin: page.origin ?? baseUrl,
        'X-Forwarded-For': `198.18.${(n >> 8) & 255}.${n & 255}`, // 198.18.0.0/15: set aside for tests (RFC 2544)
        ...page.headers,
      },
      body: JSON.stringify(body),
    });
  const registered = await send('/api/register', { username, password });
  if (!registered.ok) throw new Error(`register failed: ${registered.status} ${await registered.text()}`);
  const { enrolmentId, totpSecret } = (await registered.json()) as { enrolmentId: string; totpSecret: string };
  const registeredAt = Date.now();
  const confirmed = await send('/api/register/confirm', {
    enrolmentId,
    code: await totpCode(totpSecret, registeredAt),
  });
  if (!confirmed.ok) throw new Error(`confirm failed: ${confirmed.status} ${await confirmed.text()}`);
  const { recoveryCodes } = (await confirmed.json()) as { recoveryCodes: string[] };
  return { username, password, totpSecret, cookie: sessionCookieOf(confirmed), recoveryCodes, registeredAt };
}

/** The password step of a login; the body holds { loginId } when it succeeds. */
export function startLogin(baseUrl: string, username: string, password: string, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl, ...headers },
    body: JSON.stringify({ username, password }),
  });
}

/** A login id for `user`, after the right password. */
export async function loginIdFor(baseUrl: string, user: TestUser): Promise<string> {
  const response = await startLogin(baseUrl, user.username, user.password);
  if (!response.ok) throw new Error(`password step failed: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { loginId: string }).loginId;
}

/** Six-digit codes that are wrong for `secret` at any time step near now. */
export async function wrongCodes(secret: string, count: number): Promise<string[]> {
  const now = Date.now();
  const near = new Set(await Promise.all([-60, -30, 0, 30, 60, 90].map((s) => totpCode(secret, now + s * 1000))));
  const codes: string[] = [];
  for (let n = 100_000; codes.length < count; n += 7_919) {
    const code = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(code)) codes.push(code);
  }
  return codes;
}
