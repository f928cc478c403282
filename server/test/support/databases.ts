// The stores the store tests run against: a fresh SQLite file always, and a
// fresh PostgreSQL database when the test server set up by scripts/setup is
// reachable (it needs root to install and start).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { StoreLocation } from '../../src/store/index.js';

const adminUrl = process.env.PARLEY_TEST_POSTGRES_URL ?? 'postgres://parley_test:parley_test@127.0.0.1:5432/postgres';

export type TestDatabase = { location: StoreLocation; drop: () => Promise<void> };

export function sqliteDatabase(): TestDatabase {
  return {
    location: { kind: 'sqlite', file: join(mkdtempSync(join(tmpdir(), 'parley-store-')), 'parley.sqlite') },
    drop: async () => undefined,
  };
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl, connectionTimeoutMillis: 2000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function postgresAvailable(): Promise<boolean> {
  try {
    await admin((client) => client.query('select 1'));
    return true;
  } catch {
    return false; // unreachable: reported by the caller, which then runs SQLite only
  }
}

export async function postgresDatabase(): Promise<TestDatabase> {
  const name = `parley_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  await admin((client) => client.query(`create database ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    location: { kind: 'postgres', url: url.toString() },
    drop: () => admin((client) => client.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

/**
 * Makes the database stall for queries on `table` (an exclusive lock in
 * another connection) until the returned function releases it: a slow moment
 * such as a backup or a migration, which an attacker may also wait for. Only
 * PostgreSQL can stall on its own: better-sqlite3 is synchronous, so SQLite
 * blocks the whole process instead, and `undefined` says so.
 */
export async function stallTable(location: StoreLocation, table: string): Promise<(() => Promise<void>) | undefined> {
  if (location.kind !== 'postgres') return undefined;
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  await client.query('begin');
  await client.query(`lock table ${table} in access exclusive mode`);
  return async () => {
    await client.query('commit');
    await client.end();
  };
}
