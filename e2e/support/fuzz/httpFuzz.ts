// Fuzzed HTTP at a running server: every route of the account API (and a few
// that do not exist) with random methods, bodies (arbitrary JSON, broken
// JSON, wrong content types, nearly right bodies), origins and cookies.
// Required: never a 5xx, and every /api error is a well-formed `{ error }`.
import fc from 'fast-check';
import { WireErrorSchema } from '@parley/shared';

export type HttpFuzzReport = { sent: number; statuses: Record<string, number>; failures: string[] };

/** The account API's body limit (server/src/http/api/authRoutes.ts). */
const bodyLimitBytes = 16 * 1024;

const routes = [
  '/api/register',
  '/api/register/confirm',
  '/api/login',
  '/api/login/verify',
  '/api/account',
  '/api/account/export',
  '/api/logout',
  '/api/sessions/revoke-others',
  '/api/password',
  '/api/recovery-codes',
  '/api/account/delete',
  '/healthz',
  '/',
  '/call',
  '/assets/missing.js',
  '/api/nothing-here',
  '/socket.io/?EIO=4&transport=polling',
];

const nearlyRight = fc.record(
  {
    username: fc.string({ maxLength: 80 }),
    password: fc.string({ maxLength: 300 }),
    currentPassword: fc.string({ maxLength: 80 }),
    newPassword: fc.string({ maxLength: 80 }),
    enrolmentId: fc.string({ minLength: 43, maxLength: 43 }),
    loginId: fc.string({ minLength: 43, maxLength: 43 }),
    code: fc.stringMatching(/^\d{6}$/),
    recoveryCode: fc.string({ maxLength: 20 }),
  },
  { requiredKeys: [] },
);

const body = fc.oneof(
  nearlyRight.map((value) => ({ type: 'application/json', text: JSON.stringify(value) })),
  fc.jsonValue({ maxDepth: 3 }).map((value) => ({ type: 'application/json', text: JSON.stringify(value) })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/json', text })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'text/plain', text })),
  fc
    .integer({ min: 100_000, max: 400_000 })
    .map((length) => ({ type: 'application/json', text: `{"username":"${'u'.repeat(length)}"}` })),
  fc.constant(undefined),
);

type HttpMessage = {
  path: string;
  method: string;
  body: { type: string; text: string } | undefined;
  origin: 'same' | 'other' | 'none';
  cookie: 'own' | 'junk' | 'none';
};

const httpMessage: fc.Arbitrary<HttpMessage> = fc.record({
  path: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...routes) },
    { weight: 1, arbitrary: fc.webPath().map((p) => `/api${p}`) },
    { weight: 1, arbitrary: fc.uuid().map((id) => `/api/sessions/${id}/revoke`) },
  ),
  method: fc.constantFrom('POST', 'POST', 'POST', 'GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
  body,
  origin: fc.constantFrom('same', 'same', 'same', 'other', 'none'),
  cookie: fc.constantFrom('own', 'own', 'junk', 'none'),
});

/** Sends `requests` fuzzed requests, `concurrency` at a time; `cookie` is a session of an account the run may ruin. */
export async function fuzzHttp(
  baseUrl: string,
  cookie: string,
  requests: number,
  seed: number,
  concurrency = 8,
): Promise<HttpFuzzReport> {
  const report: HttpFuzzReport = { sent: 0, statuses: {}, failures: [] };
  const send = async (message: HttpMessage) => {
    const headers: Record<string, string> = {};
    if (message.body) headers['Content-Type'] = message.body.type;
    if (message.origin !== 'none') headers.Origin = message.origin === 'same' ? baseUrl : 'https://evil.example';
    if (message.cookie !== 'none') headers.Cookie = message.cookie === 'own' ? cookie : 'parley_session=forged.token';
    const canHaveBody = message.method !== 'GET' && message.method !== 'HEAD';
    report.sent++;
    const where = `${message.method} ${message.path}`;
    let response: Response;
    try {
      response = await fetch(`${baseUrl}${message.path}`, {
        method: message.method,
        headers,
        ...(canHaveBody && message.body ? { body: message.body.text } : {}),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      // A body past the server's limit may be refused by closing the connection while it is being sent.
      if (canHaveBody && (message.body?.text.length ?? 0) > bodyLimitBytes) {
        report.statuses.closed = (report.statuses.closed ?? 0) + 1;
        return;
      }
      report.failures.push(`${where}: no response (${String(error)}: ${String((error as { cause?: unknown }).cause)})`);
      return;
    }
    const text = await response.text();
    report.statuses[response.status] = (report.statuses[response.status] ?? 0) + 1;
    if (response.status >= 500) report.failures.push(`${where}: ${response.status} ${text.slice(0, 200)}`);
    const isApi = message.path.startsWith('/api/');
    if (isApi && response.status >= 400 && message.method !== 'HEAD' && !isWireError(text))
      report.failures.push(`${where}: ${response.status} without a well-formed error: ${text.slice(0, 200)}`);
  };
  const batches = fc.sample(fc.array(httpMessage, { minLength: concurrency, maxLength: concurrency }), {
    numRuns: Math.ceil(requests / concurrency),
    seed,
  });
  for (const batch of batches) await Promise.all(batch.map(send));
  return report;
}

function isWireError(text: string): boolean {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    return WireErrorSchema.safeParse(parsed.error).success;
  } catch {
    return false;
  }
}
