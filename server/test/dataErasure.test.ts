// A deleted account is gone from the disk, not only from query results:
// SQLite overwrites deleted content (secure_delete), and the deletion is
// checkpointed out of the write-ahead log, so neither the database file nor
// the WAL holds anything of the account afterwards.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { announceIdentityKey } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';
import { post, registerUser } from './support/users.js';

/** Every byte of the database's files on disk: the database itself, its WAL and the WAL index. */
function bytesOnDisk(file: string): Buffer {
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(existsSync).map((f) => readFileSync(f)));
}

describe('account deletion on SQLite', () => {
  let server: ParleyServer | undefined;
  let inspector: SQLite.Database | undefined;
  afterEach(async () => {
    inspector?.close();
    await server?.close();
  });

  it('leaves nothing of the account in the database file or its WAL', async () => {
    const started = await startTestServer();
    server = started.server;
    const user = await registerUser(started.baseUrl);
    const identityKey = await announceIdentityKey(started.baseUrl, user.cookie);
    const file = join(started.dataDir, 'parley.sqlite');
    inspector = new SQLite(file);
    const stored = inspector.prepare('select id, password_hash from users where username = ?').get(user.username) as {
      id: string;
      password_hash: string;
    };
    const traces = {
      username: user.username,
      userId: stored.id,
      passwordHash: stored.password_hash,
      sessionId: user.cookie.split('=')[1]?.split('.')[0] ?? '',
      identityKey,
    };
    // First everything is in the database file proper, so the check below can fail.
    inspector.pragma('wal_checkpoint(TRUNCATE)');
    const before = bytesOnDisk(file);
    for (const [what, trace] of Object.entries(traces)) expect(before.includes(trace), what).toBe(true);

    const deleted = await post(started.baseUrl, '/api/account/delete', { password: user.password }, user.cookie);
    expect(deleted.status).toBe(200);
    const after = bytesOnDisk(file);
    for (const [what, trace] of Object.entries(traces)) expect(after.includes(trace), what).toBe(false);
  });
});
