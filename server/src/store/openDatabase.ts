// One query layer (Kysely) over two engines: SQLite in a file under the data
// directory (the embedded default) or PostgreSQL for larger deployments.
// Opening also migrates, so the schema always matches the code.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createLogger } from '../logging/index.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

const log = createLogger('store');

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type Store = { db: Kysely<Database>; engine: StoreLocation['kind'] };

/** The store a configuration names: PostgreSQL when a URL is given, else SQLite under dataDir. */
export function storeLocation(dataDir: string, databaseUrl: string | undefined): StoreLocation {
  return databaseUrl
    ? { kind: 'postgres', url: databaseUrl }
    : { kind: 'sqlite', file: join(dataDir, 'parley.sqlite') };
}

// PostgreSQL bigint comes back as a string by default; our values (Unix
// seconds, counters) are far below 2^53, so numbers are exact.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export async function openDatabase(location: StoreLocation): Promise<Store> {
  const db = new Kysely<Database>({ dialect: dialectFor(location) });
  try {
    await migrate(db);
  } catch (error) {
    await db.destroy();
    throw error;
  }
  return { db, engine: location.kind };
}

function dialectFor(location: StoreLocation) {
  if (location.kind === 'postgres') {
    const pool = new pg.Pool({ connectionString: location.url, max: 10 });
    // An idle connection that the server drops (a restart, an administrator)
    // is replaced by the pool on next use; unheard, its error would end the process.
    pool.on('error', (error) => log.warn({ err: error }, 'idle database connection lost'));
    return new PostgresDialect({ pool });
  }
  const sqlite = new SQLite(location.file);
  // WAL: readers do not block the writer, and a crash loses no committed write.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  return new SqliteDialect({ database: sqlite });
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') log.info({ migration: result.migrationName }, 'migrated');
  }
  if (error) throw error instanceof Error ? error : new Error('migration failed');
}
