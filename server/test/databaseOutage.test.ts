// PostgreSQL goes away mid-call (every connection cut, new ones refused, as
// when it restarts or the network to it fails) and comes back, against a real
// server on a real PostgreSQL behind a TCP proxy the test controls. Meanwhile
// requests that need the database get a clear "try again" (503, `busy`),
// never an internal error, and the server stays up; the call in progress
// goes on (its signaling does not need the database). Once the database is
// back, everything works again without a restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, sleep } from './support/calls.js';
import { postgresAvailable, postgresDatabase, type TestDatabase } from './support/databases.js';
import { startTestServer } from './support/startTestServer.js';
import { TcpProxy } from './support/TcpProxy.js';
import { post, registerUser, startLogin } from './support/users.js';

const withPostgres = await postgresAvailable();
if (!withPostgres)
  process.stderr.write('database outage test: PostgreSQL is not reachable (setup needs root to start it)\n');

describe.runIf(withPostgres)('PostgreSQL going away and coming back', () => {
  let server: ParleyServer;
  let baseUrl = '';
  let database: TestDatabase;
  let proxy: TcpProxy;
  const call = callHelpers(() => baseUrl);

  beforeAll(async () => {
    database = await postgresDatabase();
    if (database.location.kind !== 'postgres') throw new Error('expected a PostgreSQL database');
    const target = new URL(database.location.url);
    proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await proxy.up();
    target.host = `127.0.0.1:${proxy.port}`;
    ({ server, baseUrl } = await startTestServer({ PARLEY_DATABASE_URL: target.toString() }));
  });
  afterAll(async () => {
    call.closeAll();
    await proxy.up().catch(() => undefined); // so the server can close its pool cleanly
    await server?.close();
    await proxy.down();
    await database?.drop();
  });

  const expectTryAgain = async (response: Response) => {
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      error: { code: 'busy', message: 'The database cannot be reached right now. Try again in a moment.' },
    });
  };

  it('answers "try again" meanwhile, keeps the call going, and recovers by itself', async () => {
    const known = await registerUser(baseUrl);
    const { host, roomId } = await call.hostRoom();
    const member = await call.admitted(roomId, host);
    expect(await call.request(member.guest, 'createTransport', { direction: 'send' })).toMatchObject({ ok: true });

    await proxy.down();
    const goneAt = Date.now();
    // Logging in, signing up and the account page need the database: "try again".
    await expectTryAgain(await startLogin(baseUrl, known.username, known.password));
    await expectTryAgain(
      await post(baseUrl, '/api/register', { username: 'Outage', password: 'glacier piano orbits' }),
    );
    await expectTryAgain(await fetch(`${baseUrl}/api/account`, { headers: { Cookie: known.cookie } }));
    // The call goes on: its sockets stay, and its requests are answered.
    expect(host.connected && member.guest.connected).toBe(true);
    expect(await call.request(member.guest, 'raiseHand', { raised: true })).toMatchObject({ ok: true });
    expect(await call.request(host, 'createTransport', { direction: 'recv' })).toMatchObject({ ok: true });
    expect(await call.request(host, 'relayE2ee', { boxes: [{ to: member.peerId, box: 'AAAA' }] })).toMatchObject({
      ok: true,
    });
    await sleep(500);
    expect(host.connected && member.guest.connected).toBe(true);
    const outageMs = Date.now() - goneAt;

    await proxy.up();
    const backAt = Date.now();
    // Back without a restart: the pool makes new connections as they are needed.
    const login = await startLogin(baseUrl, known.username, known.password);
    expect(login.status).toBe(200);
    expect((await fetch(`${baseUrl}/api/account`, { headers: { Cookie: known.cookie } })).status).toBe(200);
    await registerUser(baseUrl);
    process.stdout.write(
      `database away ${outageMs} ms: "try again" meanwhile; working again ${Date.now() - backAt} ms after it came back\n`,
    );
  });
});
