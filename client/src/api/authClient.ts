// The account API from the browser. Requests are same-origin JSON; every
// response is checked against its schema in @parley/shared.
import { z } from 'zod';
import {
  AccountSchema,
  WireErrorSchema,
  authApi,
  type Account,
  type AuthEndpoint,
  type AuthRequest,
  type AuthResponse,
  type ErrorCode,
} from '@parley/shared';

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode | 'network',
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const paths: Record<AuthEndpoint, string> = {
  register: '/api/register',
  confirmEnrolment: '/api/register/confirm',
  login: '/api/login',
  secondFactor: '/api/login/verify',
  changePassword: '/api/password',
  regenerateRecoveryCodes: '/api/recovery-codes',
  deleteAccount: '/api/account/delete',
};

async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
    });
  } catch {
    throw new ApiError('network', 'Cannot reach the server. Check your connection.');
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) {
    const error = z.object({ error: WireErrorSchema }).safeParse(json);
    throw error.success
      ? new ApiError(error.data.error.code, error.data.error.message)
      : new ApiError('internal', `The server answered ${response.status}.`);
  }
  return json;
}

export async function callAuth<K extends AuthEndpoint>(endpoint: K, request: AuthRequest<K>): Promise<AuthResponse<K>> {
  const parsed = authApi[endpoint].response.safeParse(await send('POST', paths[endpoint], request));
  if (!parsed.success) throw new ApiError('internal', 'The server sent an unexpected answer.');
  return parsed.data as AuthResponse<K>;
}

/** The logged-in account, or undefined when there is no session. */
export async function fetchAccount(): Promise<Account | undefined> {
  try {
    const parsed = AccountSchema.safeParse(await send('GET', '/api/account'));
    if (!parsed.success) throw new ApiError('internal', 'The server sent an unexpected answer.');
    return parsed.data;
  } catch (error) {
    if (error instanceof ApiError && error.code === 'unauthenticated') return undefined;
    throw error;
  }
}

/** Any JSON endpoint, its answer checked against `schema`. */
export async function callApi<S extends z.ZodType>(
  method: 'GET' | 'POST',
  path: string,
  body: unknown,
  schema: S,
): Promise<z.infer<S>> {
  const parsed = schema.safeParse(await send(method, path, body));
  if (!parsed.success) throw new ApiError('internal', 'The server sent an unexpected answer.');
  return parsed.data;
}

export async function postAction(path: string): Promise<void> {
  await send('POST', path, {});
}
