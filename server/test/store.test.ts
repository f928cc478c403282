// The store on both engines: migrations, the privacy inventory, cascades and
// durability across a restart.
import { readFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { parseDataInventory } from '@parley/shared/privacy';
import { Sessions } from '../src/auth/sessions.js';
import { nowSeconds, openDatabase, type Store } from '../src/store/index.js';
import { runMaintenance } from '../src/store/maintenance.js';
import { postgresAvailable, postgresDatabase, sqliteDatabase, type TestDatabase } from './support/databases.js';

/** Tables and their columns as docs/data-inventory.md lists them (the parser the /privacy page is built with). */
function documentedSchema(): Record<string, string[]> {
  const text = readFileSync(new URL('../../docs/data-inventory.md', import.meta.url), 'utf8');
  const inventory = parseDataInventory(text);
  return Object.fromEntries(inventory.tables.map((table) => [table.name, table.columns.map((c) => c.name)]));
}

async function liveSchema(store: Store): Promise<Record<string, string[]>> {
  const tables = await store.db.introspection.getTables();
  return Object.fromEntries(tables.map((t) => [t.name, t.columns.map((c) => c.name)]));
}

const withPostgres = await postgresAvailable();
if (!withPostgres) {
  process.stderr.write(
    'store tests: PostgreSQL is not reachable (setup needs root to start it); testing SQLite only\n',
  );
}
const engines: [string, () => Promise<TestDatabase>][] = [['sqlite', async () => sqliteDatabase()]];
if (withPostgres) engines.push(['postgres', postgresDatabase]);

describe.each(engines)('store on %s', (_engine, create) => {
  const databases: TestDatabase[] = [];
  const open = async () => {
    const database = await create();
    databases.push(database);
    return database;
  };
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('has exactly the tables and columns docs/data-inventory.md lists', async () => {
    const store = await openDatabase((await open()).location);
    const live = await liveSchema(store);
    const documented = documentedSchema();
    expect(Object.keys(documented).length).toBeGreaterThan(0);
    const sorted = (schema: Record<string, string[]>) =>
      Object.fromEntries(
        Object.entries(schema)
          .map(([t, cols]) => [t, [...cols].sort()])
          .sort(),
      );
    expect(sorted(live)).toEqual(sorted(documented));
    await store.db.destroy();
  });

  it('keeps data across a restart and deletes a user’s rows with the user', async () => {
    const { location } = await open();
    const first = await openDatabase(location);
    const userId = randomUUID();
    await first.db
      .insertInto('users')
      .values({
        id: userId,
        username: `u${userId.slice(0, 8)}`,
        password_hash: 'h',
        totp_secret_sealed: 's',
        created_at: 1,
      })
      .execute();
    const sessions = new Sessions(first.db, { idleSeconds: 3600, absoluteSeconds: 86400 });
    const { token } = await sessions.create(userId);
    await first.db.destroy();

    const second = await openDatabase(location); // migrating again is a no-op
    const reopened = new Sessions(second.db, { idleSeconds: 3600, absoluteSeconds: 86400 });
    expect(await reopened.validate(token)).toMatchObject({ userId });
    expect(await reopened.validate(`${token}x`)).toBeUndefined();
    await second.db.deleteFrom('users').where('id', '=', userId).execute();
    expect(await second.db.selectFrom('sessions').selectAll().where('user_id', '=', userId).execute()).toEqual([]);
    await second.db.destroy();
  });

  it('revokes one session or all but the current one', async () => {
    const store = await openDatabase((await open()).location);
    const userId = randomUUID();
    await store.db
      .insertInto('users')
      .values({ id: userId, username: 'rev', password_hash: 'h', totp_secret_sealed: 's', created_at: 1 })
      .execute();
    const sessions = new Sessions(store.db, { idleSeconds: 3600, absoluteSeconds: 86400 });
    const [a, b, c] = [await sessions.create(userId), await sessions.create(userId), await sessions.create(userId)];
    expect(await sessions.revoke('someone-else', a.session.id)).toBe(false);
    expect(await sessions.revoke(userId, a.session.id)).toBe(true);
    expect(await sessions.validate(a.token)).toBeUndefined();
    expect(await sessions.revokeAll(userId, b.session.id)).toBe(1);
    expect(await sessions.validate(b.token)).toBeDefined();
    expect(await sessions.validate(c.token)).toBeUndefined();
    await store.db.destroy();
  });

  it('purges sessions that have been idle too long, not only those past their absolute end', async () => {
    const store = await openDatabase((await open()).location);
    const userId = randomUUID();
    await store.db
      .insertInto('users')
      .values({ id: userId, username: 'idle', password_hash: 'h', totp_secret_sealed: 's', created_at: 1 })
      .execute();
    let now = nowSeconds();
    const policy = { idleSeconds: 4 * 3600, absoluteSeconds: 30 * 86400 };
    const sessions = new Sessions(store.db, policy, () => now);
    const idle = await sessions.create(userId);
    const busy = await sessions.create(userId);
    const ended: string[] = [];
    sessions.on('ended', (ids) => ended.push(...ids));

    now += 3 * 3600;
    await sessions.recordActivity(busy.session.id); // a call keeps this one going
    now += 2 * 3600; // idle's last activity is now over 4 hours ago; busy's is not
    await runMaintenance(store.db, sessions);
    expect(ended).toEqual([idle.session.id]);
    expect(await sessions.validate(idle.token)).toBeUndefined();
    expect(await sessions.validate(busy.token)).toMatchObject({ id: busy.session.id });
    await store.db.destroy();
  });

  it('records activity at most once an hour per session, and never revives an idle-expired one', async () => {
    const store = await openDatabase((await open()).location);
    const userId = randomUUID();
    await store.db
      .insertInto('users')
      .values({ id: userId, username: 'act', password_hash: 'h', totp_secret_sealed: 's', created_at: 1 })
      .execute();
    let now = nowSeconds();
    const sessions = new Sessions(store.db, { idleSeconds: 4 * 3600, absoluteSeconds: 30 * 86400 }, () => now);
    const { session } = await sessions.create(userId);
    const lastActive = async () =>
      (await store.db.selectFrom('sessions').select('last_active_at').where('id', '=', session.id).executeTakeFirst())
        ?.last_active_at;
    const hour = (t: number) => t - (t % 3600);

    now += 2 * 3600;
    await sessions.recordActivity(session.id);
    expect(await lastActive()).toBe(hour(now));
    // Within the same hour nothing more is written: a marker set meanwhile stays.
    await store.db.updateTable('sessions').set({ last_active_at: 7 }).where('id', '=', session.id).execute();
    await sessions.recordActivity(session.id);
    expect(await lastActive()).toBe(7);

    now += 5 * 3600; // past the idle timeout since the last recorded activity
    await store.db
      .updateTable('sessions')
      .set({ last_active_at: hour(now) - 5 * 3600 })
      .where('id', '=', session.id)
      .execute();
    await sessions.recordActivity(session.id);
    expect(await lastActive()).toBe(hour(now) - 5 * 3600);
    await store.db.destroy();
  });
});
