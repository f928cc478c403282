// @ts-check
// PostgreSQL for the store tests: Debian's server, started, with a test role.
// Without root it cannot be installed or started; the tests then run against
// SQLite only and say so.
import { spawnSync } from 'node:child_process';
import { ensureDebianPackages } from './debian.mjs';
import { run } from './run.mjs';

export const testPostgresUrl = 'postgres://parley_test:parley_test@127.0.0.1:5432/postgres';

/** @param {string} sql */
function psql(sql) {
  return run('runuser', ['-u', 'postgres', '--', 'psql', '-v', 'ON_ERROR_STOP=1', '-tAc', sql], {
    what: 'psql',
    quiet: true,
  }).stdout.trim();
}

function clusters() {
  const result = spawnSync('pg_lsclusters', ['--no-header'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim().split('\n').filter(Boolean) : [];
}

export async function ensurePostgres() {
  if (process.getuid?.() !== 0) {
    return 'skipped: not root, so PostgreSQL cannot be installed or started; store tests will run on SQLite only';
  }
  ensureDebianPackages(['postgresql'], 'The PostgreSQL store tests');
  let list = clusters();
  if (list.length === 0) {
    run('pg_createcluster', ['15', 'main'], { what: 'pg_createcluster', quiet: true });
    list = clusters();
  }
  const [version, name, , status] = (list[0] ?? '').split(/\s+/);
  if (!version || !name) throw new Error('no PostgreSQL cluster found after installing postgresql');
  if (status !== 'online') run('pg_ctlcluster', [version, name, 'start'], { what: 'starting PostgreSQL', quiet: true });
  if (psql("select 1 from pg_roles where rolname = 'parley_test'") !== '1') {
    psql("create role parley_test login password 'parley_test' createdb");
  }
  return `running (cluster ${version}/${name})`;
}
