// Who is logged in, as the app shell needs to know it.
import type { Account } from '@parley/shared';
import { fetchAccount } from '../api/authClient.js';

export type Session =
  | { state: 'loading' }
  | { state: 'anonymous' }
  | { state: 'ready'; account: Account }
  | { state: 'error'; message: string };

export async function loadSession(): Promise<Session> {
  try {
    const account = await fetchAccount();
    return account ? { state: 'ready', account } : { state: 'anonymous' };
  } catch (error) {
    return { state: 'error', message: error instanceof Error ? error.message : 'Cannot reach the server.' };
  }
}

/** Where to go after logging in: the page that asked for it (same-origin paths only). */
export function returnTo(location: string): string {
  if (location !== '/login' && location !== '/register') return location;
  const next = new URLSearchParams(window.location.search).get('next');
  return next?.startsWith('/') && !next.startsWith('//') ? next : '/';
}
