// The account API end to end against a real server and SQLite file.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { announceIdentityKey } from './support/calls.js';
import { longPasswordPairs } from './support/longPasswords.js';
import { startTestServer } from './support/startTestServer.js';
import { post, registerUser, sessionCookieOf, totpCode, type TestUser } from './support/users.js';

describe('account API', () => {
  let server: ParleyServer;
  let baseUrl: string;
  let db: SQLite.Database;
  const get = (path: string, cookie: string) => fetch(`${baseUrl}${path}`, { headers: { Cookie: cookie } });
  const login = async (user: TestUser, second: { code?: string; recoveryCode?: string }) => {
    const first = await post(baseUrl, '/api/login', { username: user.username, password: user.password });
    expect(first.status).toBe(200);
    const { loginId } = (await first.json()) as { loginId: string };
    return post(baseUrl, '/api/login/verify', { loginId, ...second });
  };

  beforeAll(async () => {
    let dataDir: string;
    ({ server, baseUrl, dataDir } = await startTestServer());
    db = new SQLite(join(dataDir, 'parley.sqlite'), { readonly: true });
  });
  afterAll(async () => {
    db.close();
    await server.close();
  });

  it('registers only after the first TOTP code, and stores no plaintext secret', async () => {
    const started = await post(baseUrl, '/api/register', {
      username: 'Dana',
      password: 'violet tractor whispers under marmalade',
    });
    expect(started.status).toBe(200);
    const body = (await started.json()) as {
      enrolmentId: string;
      totpSecret: string;
      qrCodeSvg: string;
      otpauthUri: string;
    };
    expect(body.qrCodeSvg).toMatch(/^<svg/);
    expect(body.otpauthUri).toMatch(/^otpauth:\/\/totp\/Parley:dana\?/);
    expect(db.prepare('select count(*) as n from users').get()).toEqual({ n: 0 });

    const wrong = await post(baseUrl, '/api/register/confirm', { enrolmentId: body.enrolmentId, code: '000000' });
    expect(wrong.status).toBe(401);
    const confirmed = await post(baseUrl, '/api/register/confirm', {
      enrolmentId: body.enrolmentId,
      code: await totpCode(body.totpSecret),
    });
    expect(confirmed.status).toBe(200);
    expect(((await confirmed.json()) as { recoveryCodes: string[] }).recoveryCodes).toHaveLength(10);
    expect(sessionCookieOf(confirmed)).toMatch(/^parley_session=/);
    expect(confirmed.headers.getSetCookie()[0]).toMatch(/HttpOnly/);
    expect(confirmed.headers.getSetCookie()[0]).toMatch(/SameSite=Strict/);

    const row = db.prepare('select * from users where username = ?').get('dana') as Record<string, string>;
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.totp_secret_sealed).not.toContain(body.totpSecret);
    const sessionRow = db.prepare('select * from sessions').get() as Record<string, string>;
    expect(JSON.stringify(sessionRow)).not.toContain(sessionCookieOf(confirmed).split('.')[1]);
  });

  it('refuses weak passwords, taken usernames and malformed bodies, changing nothing', async () => {
    const weak = await post(baseUrl, '/api/register', { username: 'erin', password: 'password1234' });
    expect(weak.status).toBe(422);
    expect(await weak.json()).toMatchObject({ error: { code: 'weak_password' } });
    const taken = await post(baseUrl, '/api/register', {
      username: 'DANA',
      password: 'violet tractor whispers under marmalade',
    });
    expect(taken.status).toBe(409);
    const malformed = await fetch(`${baseUrl}/api/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: baseUrl },
      body: '{not json',
    });
    expect(malformed.status).toBe(400);
    const extra = await post(baseUrl, '/api/login', { username: 'x'.repeat(10_000), password: 'y' });
    expect(extra.status).toBe(400);
    const crossSite = await fetch(`${baseUrl}/api/register`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Origin: 'https://evil.example.org' },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    expect(db.prepare('select count(*) as n from users').get()).toEqual({ n: 1 });
  });

  it('logs in with password then TOTP, and refuses a code whose time step was already used', async () => {
    const user = await registerUser(baseUrl);
    // Enrolment accepted the code of the current step: that step is spent.
    const spent = await login(user, { code: await totpCode(user.totpSecret, user.registeredAt) });
    expect(spent.status).toBe(401);
    const next = await totpCode(user.totpSecret, user.registeredAt + 30_000);
    expect((await login(user, { code: next })).status).toBe(200);
    const replay = await login(user, { code: next });
    expect(replay.status).toBe(401);
    expect(await replay.json()).toEqual({
      error: { code: 'invalid_credentials', message: 'The username, password or code is not right.' },
    });
  });

  it('logs in only with the whole of the longest password allowed, not one that differs at its very end', async () => {
    const pair = longPasswordPairs.at(-1);
    if (!pair) throw new Error('no long password pair');
    const started = await post(baseUrl, '/api/register', { username: 'longpass', password: pair.right });
    expect(started.status).toBe(200);
    const { enrolmentId, totpSecret } = (await started.json()) as { enrolmentId: string; totpSecret: string };
    const registeredAt = Date.now();
    const confirmed = await post(baseUrl, '/api/register/confirm', {
      enrolmentId,
      code: await totpCode(totpSecret, registeredAt),
    });
    expect(confirmed.status).toBe(200);
    const attempt = (password: string) => post(baseUrl, '/api/login', { username: 'longpass', password });
    expect((await attempt(pair.nearlyRight)).status).toBe(401);
    expect((await attempt(pair.right)).status).toBe(200);
  });

  it('gives the same answer for an unknown username and a wrong password', async () => {
    const user = await registerUser(baseUrl);
    const unknown = await post(baseUrl, '/api/login', { username: 'nobody-here', password: 'whatever it is' });
    const wrong = await post(baseUrl, '/api/login', { username: user.username, password: 'whatever it is' });
    expect(unknown.status).toBe(wrong.status);
    expect(await unknown.json()).toEqual(await wrong.json());
  });

  it('accepts each recovery code once and tells the user, not the log', async () => {
    const user = await registerUser(baseUrl);
    const [code] = user.recoveryCodes;
    expect((await login(user, { recoveryCode: code })).status).toBe(200);
    const again = await login(user, { recoveryCode: code });
    expect(again.status).toBe(401);
    const account = (await (await get('/api/account', user.cookie)).json()) as {
      recoveryCodesLeft: number;
      events: { kind: string }[];
    };
    expect(account.recoveryCodesLeft).toBe(9);
    expect(account.events.map((e) => e.kind)).toContain('recovery_code_used');
  });

  it('throttles repeated failures for an account with a growing delay', async () => {
    const user = await registerUser(baseUrl);
    const statuses = [];
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (await post(baseUrl, '/api/login', { username: user.username, password: 'not the password' })).status,
      );
    }
    expect(statuses.slice(0, 4)).toEqual([401, 401, 401, 401]);
    expect(statuses).toContain(429);
    const blocked = await post(baseUrl, '/api/login', { username: user.username, password: user.password });
    expect(blocked.status).toBe(429); // even the right password waits out the back-off
  });

  it('lists sessions, revokes one, and revokes the others on a password change', async () => {
    const user = await registerUser(baseUrl);
    const second = await login(user, { recoveryCode: user.recoveryCodes[0] });
    const secondCookie = sessionCookieOf(second);
    const third = sessionCookieOf(await login(user, { recoveryCode: user.recoveryCodes[1] }));
    const listed = (await (await get('/api/account', user.cookie)).json()) as {
      sessions: { id: string; current: boolean }[];
    };
    expect(listed.sessions).toHaveLength(3);
    expect(listed.sessions.filter((s) => s.current)).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toMatch(/\d+\.\d+\.\d+\.\d+|Mozilla|user.?agent/i);

    const thirdId = third.split('=')[1]?.split('.')[0] ?? '';
    expect((await post(baseUrl, `/api/sessions/${thirdId}/revoke`, {}, user.cookie)).status).toBe(200);
    expect((await get('/api/account', third)).status).toBe(401);

    const changed = await post(
      baseUrl,
      '/api/password',
      { currentPassword: user.password, newPassword: 'granite lanterns drift past quiet owls' },
      user.cookie,
    );
    expect(changed.status).toBe(200);
    expect((await get('/api/account', secondCookie)).status).toBe(401);
    expect((await get('/api/account', user.cookie)).status).toBe(200);
  });

  it('expires idle and old sessions', async () => {
    const user = await registerUser(baseUrl);
    const id = user.cookie.split('=')[1]?.split('.')[0] ?? '';
    const writable = new SQLite(db.name);
    writable.prepare('update sessions set last_active_at = last_active_at - ? where id = ?').run(8 * 86400, id);
    writable.close();
    expect((await get('/api/account', user.cookie)).status).toBe(401);
    expect(db.prepare('select count(*) as n from sessions where id = ?').get(id)).toEqual({ n: 0 });
  });

  it('exports everything stored about the user, and deletes it all at once', async () => {
    const user = await registerUser(baseUrl);
    // Something of the user in every kind of row: a device key from a call, an account event.
    const identityKey = await announceIdentityKey(baseUrl, user.cookie);
    expect((await post(baseUrl, '/api/sessions/revoke-others', {}, user.cookie)).status).toBe(200);
    const link = (await (
      await post(baseUrl, '/api/links', { profile: 'sensitive', singleUse: true }, user.cookie)
    ).json()) as {
      id: string;
      secret: string;
    };
    const exported = (await (await get('/api/account/export', user.cookie)).json()) as Record<string, unknown>;
    expect(exported).toMatchObject({
      user: { username: user.username },
      recoveryCodeHashes: expect.any(Array),
      sessions: expect.any(Array),
      events: [{ kind: 'sessions_revoked' }],
      deviceIdentityKeys: [{ publicKey: identityKey }],
      meetingLinks: [{ id: link.id, profile: 'sensitive', singleUse: true }],
    });
    expect(JSON.stringify(exported)).not.toContain(user.totpSecret);
    // Nor the password hash, which would let anyone holding the file guess the password offline.
    const { password_hash: passwordHash } = db
      .prepare('select password_hash from users where username = ?')
      .get(user.username) as { password_hash: string };
    expect(JSON.stringify(exported)).not.toContain(passwordHash);
    expect(JSON.stringify(exported)).not.toContain('$argon2');
    expect((exported.user as { passwordHash: string }).passwordHash).toMatch(/left out/);

    // Every table that holds a user's rows, read from the live schema, so a new one cannot be forgotten;
    // each must hold some of this user's rows now, or the check after deletion would prove nothing.
    const userId = (exported.user as { id: string }).id;
    const holders = tablesHoldingUsers(db);
    expect(holders.map((h) => h.table)).toEqual(
      expect.arrayContaining([
        'users',
        'sessions',
        'recovery_codes',
        'account_events',
        'identity_keys',
        'meeting_links',
      ]),
    );
    const rowsOf = ({ table, column }: { table: string; column: string }) =>
      (db.prepare(`select count(*) as n from "${table}" where "${column}" = ?`).get(userId) as { n: number }).n;
    for (const holder of holders) expect(rowsOf(holder), `${holder.table} before deletion`).toBeGreaterThan(0);

    const refused = await post(baseUrl, '/api/account/delete', { password: 'wrong password here' }, user.cookie);
    expect(refused.status).toBe(401);
    const deleted = await post(baseUrl, '/api/account/delete', { password: user.password }, user.cookie);
    expect(deleted.status).toBe(200);
    for (const holder of holders) expect(rowsOf(holder), `${holder.table} after deletion`).toBe(0);
    expect((await get('/api/account', user.cookie)).status).toBe(401);
  });
});

/** Tables with a user's rows, and the column naming the user: users by id, others by a user_id or a reference to users. */
function tablesHoldingUsers(db: SQLite.Database): { table: string; column: string }[] {
  const tables = db
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .all() as { name: string }[];
  const holders = [{ table: 'users', column: 'id' }];
  for (const { name } of tables) {
    if (name === 'users') continue;
    const columns = (db.prepare('select name from pragma_table_info(?)').all(name) as { name: string }[]).map(
      (c) => c.name,
    );
    const references = db.prepare('select "from", "table" from pragma_foreign_key_list(?)').all(name) as {
      from: string;
      table: string;
    }[];
    const column =
      references.find((r) => r.table === 'users')?.from ?? (columns.includes('user_id') ? 'user_id' : undefined);
    if (column) holders.push({ table: name, column });
  }
  return holders;
}
