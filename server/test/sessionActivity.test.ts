// A session in use on a socket (a long call) is active even when no new
// request validates it: its signaling counts, coarsely. A session idle too
// long is purged by maintenance, and its sockets go with it.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import SQLite from 'better-sqlite3';
import { Server as SocketIoServer } from 'socket.io';
import { afterEach, describe, expect, it } from 'vitest';
import { Sessions } from '../src/auth/sessions.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadServerKey } from '../src/auth/serverKey.js';
import { bindSocketsToSessions, identify } from '../src/http/index.js';
import { linkSecrets, MeetingLinks } from '../src/links/index.js';
import type { ParleyServer } from '../src/ParleyServer.js';
import type { ParleyIo } from '../src/signaling/index.js';
import { nowSeconds, openDatabase } from '../src/store/index.js';
import { runMaintenance } from '../src/store/maintenance.js';
import { sqliteDatabase } from './support/databases.js';
import { connectSocket, rawRequest, startTestServer, type TestSocket } from './support/startTestServer.js';
import { registerUser } from './support/users.js';

describe('session activity on sockets', () => {
  let server: ParleyServer | undefined;
  let socket: TestSocket | undefined;
  let db: SQLite.Database | undefined;
  afterEach(async () => {
    socket?.close();
    db?.close();
    await server?.close();
  });

  it("counts a socket's signaling as activity of its session", async () => {
    const started = await startTestServer();
    server = started.server;
    const user = await registerUser(started.baseUrl);
    socket = await connectSocket(started.baseUrl, user.cookie);
    const sessionId = user.cookie.split('=')[1]?.split('.')[0] ?? '';
    db = new SQLite(join(started.dataDir, 'parley.sqlite'));
    const lastActive = () =>
      (db?.prepare('select last_active_at from sessions where id = ?').get(sessionId) as { last_active_at: number })
        .last_active_at;
    const hour = lastActive();
    // As if the person had been in a call for two hours without a new request.
    db.prepare('update sessions set last_active_at = ? where id = ?').run(hour - 7200, sessionId);

    expect(await rawRequest(socket, 'createRoom', {})).toMatchObject({ ok: true });
    for (let tries = 0; tries < 50 && lastActive() !== hour; tries++) await new Promise((r) => setTimeout(r, 20));
    expect(lastActive()).toBe(hour);
  });

  it("cuts the sockets of a session that maintenance finds idle too long, and keeps a busy one's", async () => {
    // The production pieces on a socket.io server of their own, with a clock the test moves.
    const store = await openDatabase(sqliteDatabase().location);
    let now = nowSeconds();
    const sessions = new Sessions(store.db, { idleSeconds: 4 * 3600, absoluteSeconds: 30 * 86400 }, () => now);
    const http = createServer();
    const io: ParleyIo = new SocketIoServer(http);
    const serverKey = await loadServerKey(mkdtempSync(join(tmpdir(), 'parley-key-')));
    io.use(
      identify({
        sessions,
        cookies: { https: false, maxAgeSeconds: 30 * 86400 },
        links: new MeetingLinks(store.db, linkSecrets(serverKey)),
        usernameOf: async () => 'caller',
        addressKeyOf: () => 'test',
      }),
    );
    bindSocketsToSessions(io, sessions);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const baseUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    try {
      const userId = randomUUID();
      await store.db
        .insertInto('users')
        .values({ id: userId, username: 'caller', password_hash: 'h', totp_secret_sealed: 's', created_at: 1 })
        .execute();
      const idle = await connectSocket(baseUrl, `parley_session=${(await sessions.create(userId)).token}`);
      const busy = await connectSocket(baseUrl, `parley_session=${(await sessions.create(userId)).token}`);
      const idleGone = new Promise((resolve) => idle.once('disconnect', resolve));

      now += 3 * 3600;
      // Any message on the socket is activity, even one this bare server has no handler for.
      (busy as unknown as { emit: (event: string) => void }).emit('anything');
      await new Promise((r) => setTimeout(r, 100));
      now += 2 * 3600;
      await runMaintenance(store.db, sessions);
      const stillThere = new Promise((resolve) => setTimeout(() => resolve('still connected'), 2000));
      expect(await Promise.race([idleGone, stillThere])).toBe('io server disconnect');
      expect(busy.connected).toBe(true);
      idle.close();
      busy.close();
    } finally {
      await io.close();
      await store.db.destroy();
    }
  });
});
