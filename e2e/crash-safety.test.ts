// kill -9 during a burst of sign-ups and password changes loses no committed
// change: the built server, on SQLite (WAL, synchronous=FULL) and on
// PostgreSQL, is killed with SIGKILL while sign-ups and password changes are
// in flight, then started again on the same data. Every change whose reply
// had arrived is there: each acknowledged account logs in, each acknowledged
// new password works and the old one does not. A change still in flight at
// the kill either happened or did not, never half: its account has exactly
// one working password. (No browsers; the server runs on loopback, where the
// test PostgreSQL is.)
import { afterAll, describe, expect, it } from 'vitest';
import { postgresAvailable, postgresDatabase, type TestDatabase } from '../server/test/support/databases.js';
import { registerViaApi, type E2eUser } from './support/accounts.js';
import { startServer, type RunningServer } from './support/startServer.js';
import { waitFor } from './support/waitFor.js';

const withPostgres = await postgresAvailable();
if (!withPostgres) process.stderr.write('crash safety: PostgreSQL is not reachable; testing SQLite only\n');
const engines: ['sqlite' | 'postgres'][] = withPostgres ? [['sqlite'], ['postgres']] : [['sqlite']];

/** Each request from an address of its own (the server trusts the test as a proxy): no throttle gets in the way. */
let addresses = 0;
const address = () => {
  const n = ++addresses;
  return `198.18.${(n >> 8) & 255}.${n & 255}`;
};

const send = (server: RunningServer, path: string, body: unknown, cookie?: string) =>
  fetch(`${server.baseUrl}${path}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      Origin: server.baseUrl,
      'X-Forwarded-For': address(),
      ...(cookie ? { Cookie: cookie } : {}),
    },
    body: JSON.stringify(body),
  });

const passwordWorks = async (server: RunningServer, username: string, password: string) => {
  const response = await send(server, '/api/login', { username, password });
  if (response.status !== 200 && response.status !== 401)
    throw new Error(`login: ${response.status} ${await response.text()}`);
  return response.status === 200;
};

describe.each(engines)('kill -9 during a burst of sign-ups and password changes, on %s', (engine) => {
  let server: RunningServer | undefined;
  let database: TestDatabase | undefined;
  afterAll(async () => {
    await server?.stop();
    await database?.drop();
  });

  it('loses no acknowledged change, and half-done ones are all or nothing', async () => {
    database = engine === 'postgres' ? await postgresDatabase() : undefined;
    const url = database?.location.kind === 'postgres' ? database.location.url : undefined;
    server = await startServer(
      { PARLEY_TRUSTED_PROXIES: '127.0.0.1', PARLEY_LOG_LEVEL: 'warn', ...(url ? { PARLEY_DATABASE_URL: url } : {}) },
      { loopback: true },
    );
    const live = server;
    const changers: E2eUser[] = [];
    for (let i = 0; i < 12; i++) changers.push(await registerViaApi(live.baseUrl, address()));

    // The burst: sign-ups and password changes, eight at a time, until the kill.
    const signUps: E2eUser[] = [];
    const changes: { user: E2eUser; newPassword: string; acknowledged: boolean }[] = [];
    let killed = false;
    // Acknowledged: its reply arrived before the kill (a reply handled after it is not counted, to be safe).
    const signUp = async () => {
      const user = await registerViaApi(live.baseUrl, address()).catch(() => undefined); // cut off by the kill: in flight
      if (user && !killed) signUps.push(user);
    };
    const change = async (user: E2eUser, n: number) => {
      const entry = { user, newPassword: `new harbour lanterns ${n} glow`, acknowledged: false };
      changes.push(entry);
      const response = await send(
        live,
        '/api/password',
        { currentPassword: user.password, newPassword: entry.newPassword },
        user.cookie,
      ).catch(() => undefined);
      entry.acknowledged = response?.status === 200 && !killed;
    };
    // Sign-ups and password changes interleaved.
    const work = Array.from({ length: 40 }, (_, n) => {
      const user = changers[n / 3];
      return n % 3 === 0 && user ? () => change(user, n) : signUp;
    });
    const queue = [...work];
    let running = 0;
    const workers = Array.from({ length: 8 }, async () => {
      for (let next = queue.shift(); next && !killed; next = queue.shift()) {
        running++;
        await next();
        running--;
      }
    });
    // Mid-burst: some changes acknowledged, others in flight.
    await waitFor(
      async () => signUps.length + changes.filter((c) => c.acknowledged).length,
      (done) => done >= 10,
      60_000,
      20,
    );
    const inFlight = running;
    killed = true;
    await live.kill('SIGKILL');
    await Promise.all(workers);

    const startedAt = Date.now();
    await live.restart();
    const restartMs = Date.now() - startedAt;

    const ackedSignUps = signUps;
    const ackedChanges = changes.filter((c) => c.acknowledged);
    for (const account of ackedSignUps)
      expect(await passwordWorks(live, account.username, account.password), account.username).toBe(true);
    for (const { user, newPassword } of ackedChanges) {
      expect(await passwordWorks(live, user.username, newPassword), `${user.username}: new password`).toBe(true);
      expect(await passwordWorks(live, user.username, user.password), `${user.username}: old password`).toBe(false);
    }
    for (const { user, newPassword, acknowledged } of changes) {
      if (acknowledged) continue;
      const works = [
        await passwordWorks(live, user.username, newPassword),
        await passwordWorks(live, user.username, user.password),
      ];
      expect(works.filter(Boolean), `${user.username}: exactly one password works`).toHaveLength(1);
    }
    process.stdout.write(
      `${engine}: killed with ${ackedSignUps.length} sign-ups and ${ackedChanges.length} password changes acknowledged (${inFlight} in flight); back in ${restartMs} ms with all of them\n`,
    );
    expect(ackedSignUps.length + ackedChanges.length).toBeGreaterThanOrEqual(10);
  });
});
