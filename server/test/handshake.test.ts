// The socket.io handshake's refusals: the page gets a fixed code it
// understands, never an internal message.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { connectSocket, startTestServer } from './support/startTestServer.js';
import { registerUser } from './support/users.js';

/** The connect_error a handshake ends in: its message and any data sent with it. */
async function refusal(connecting: Promise<unknown>): Promise<{ message: string; data: unknown }> {
  try {
    await connecting;
  } catch (error) {
    const { message, data } = error as Error & { data?: unknown };
    return { message, data };
  }
  throw new Error('the handshake was accepted');
}

describe('socket handshake', () => {
  let server: ParleyServer | undefined;
  afterEach(() => server?.close());

  it('answers a failing session check with the code internal, and nothing of the failure', async () => {
    const started = await startTestServer();
    server = started.server;
    const { cookie } = await registerUser(started.baseUrl);
    // The database fails underneath the server: its error message names a table.
    const db = new SQLite(join(started.dataDir, 'parley.sqlite'));
    db.exec('drop table sessions');
    db.close();
    const refused = await refusal(connectSocket(started.baseUrl, cookie));
    expect(refused.message).toBe('internal');
    expect(JSON.stringify(refused)).not.toMatch(/sessions|table|sqlite/i);
  });

  it('answers a missing session with the code unauthenticated', async () => {
    const started = await startTestServer();
    server = started.server;
    expect(await refusal(connectSocket(started.baseUrl, ''))).toMatchObject({ message: 'unauthenticated' });
  });
});
