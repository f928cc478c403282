// One query layer (Kysely) over two engines: SQLite in a file under the data
// directory (the embedded default) or PostgreSQL for larger deployments.
// Opening also migrates, so the schema always matches the code.
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, sql, SqliteDialect } from 'kysely';
import pg from 'pg';
import { createLogger, errorSummary } from '../logging/index.js';
import { migrationProvider } from './migrations/index.js';
import type { Database } from './schema.js';

const log = createLogger('store');

export type StoreLocation = { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

export type Store = {
  db: Kysely<Database>;
  engine: StoreLocation['kind'];
  /**
   * After deleting what must not stay on disk (an account): pushes the
   * deletion out of the engine's logs as far as the engine allows. SQLite has
   * already overwritten the rows (secure_delete); this checkpoints the WAL
   * into the database file and truncates it, so old page versions go too.
   * PostgreSQL keeps dead rows until autovacuum reuses their space, and has
   * no way to overwrite them sooner (docs/data-inventory.md says so).
   */
  flushDeleted: () => Promise<void>;
};

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
  return { db, engine: location.kind, flushDeleted: () => flushDeleted(db, location.kind) };
}

async function flushDeleted(db: Kysely<Database>, engine: StoreLocation['kind']): Promise<void> {
  if (engine !== 'sqlite') return; // see Store.flushDeleted
  const { rows } = await sql<{ busy: number }>`pragma wal_checkpoint(TRUNCATE)`.execute(db);
  // Busy: a reader held the WAL; the deleted rows leave it at the next checkpoint instead.
  if (rows[0]?.busy) log.warn('the WAL could not be truncated after a deletion; the next checkpoint will');
}

function dialectFor(location: StoreLocation) {
  if (location.kind === 'postgres') {
    // A database that does not answer a connection attempt in 5 s is reported
    // as unavailable (try again) instead of holding the request indefinitely.
    const pool = new pg.Pool({ connectionString: location.url, max: 10, connectionTimeoutMillis: 5000 });
    // An idle connection that the server drops (a restart, an administrator)
    // is replaced by the pool on next use; unheard, its error would end the process.
    pool.on('error', (error) => log.warn({ err: errorSummary(error) }, 'idle database connection lost'));
    // The pool listens only while a connection is idle: one that drops while a
    // request holds it (between or during queries) emits 'error' to nobody,
    // which would end the process. Its queries fail (the request gets "try
    // again") and the pool drops it when it comes back; here it is only noted.
    pool.on('connect', (client) =>
      client.on('error', (error) => log.warn({ err: errorSummary(error) }, 'database connection lost while in use')),
    );
    return new PostgresDialect({ pool });
  }
  const sqlite = new SQLite(location.file);
  // WAL: readers do not block the writer, and a crash loses no committed write.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Deleted content is overwritten with zeros, not just unlinked: a deleted
  // account must not stay readable in free pages of the file.
  sqlite.pragma('secure_delete = ON');
  return new SqliteDialect({ database: sqlite });
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const { error, results } = await new Migrator({ db, provider: migrationProvider }).migrateToLatest();
  for (const result of results ?? []) {
    if (result.status === 'Success') log.info({ migration: result.migrationName }, 'migrated');
  }
  if (error) throw error instanceof Error ? error : new Error('migration failed');
}
