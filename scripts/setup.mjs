// @ts-check
// One idempotent set-up step shared by `npm start` and `npm test`.
//
// Plain JavaScript on purpose: it runs before any dependency (TypeScript
// included) is installed, on Node 20, which cannot strip types.
import { ensureNpmDependencies } from './setup/npm-dependencies.mjs';
import { ensureMediasoupWorker } from './setup/mediasoup-worker.mjs';
import { ensureBrowsers } from './setup/browsers.mjs';
import { ensurePostgres } from './setup/postgres.mjs';
import { ensureRedis } from './setup/redis.mjs';
import { ensureDocker } from './setup/docker.mjs';
import { runSteps } from './setup/progress.mjs';

const purpose = process.argv.find((arg) => arg.startsWith('--for='))?.slice('--for='.length) ?? 'test';
if (purpose !== 'start' && purpose !== 'test' && purpose !== 'deploy') {
  console.error(`setup: --for must be "start", "test" or "deploy", got "${purpose}"`);
  process.exit(2);
}

/** @type {Array<[string, () => Promise<string>]>} */
const steps = [
  ['npm dependencies', ensureNpmDependencies],
  ['mediasoup worker', ensureMediasoupWorker],
];
if (purpose === 'test')
  steps.push(['test browsers', ensureBrowsers], ['test PostgreSQL', ensurePostgres], ['test Redis', ensureRedis]);
// The deploy test is part of `npm test` (its e2e project) and runs alone with `npm run test:deploy`.
if (purpose === 'test' || purpose === 'deploy') steps.push(['Docker (deploy test)', ensureDocker]);
if (purpose === 'deploy') steps.push(['test browsers', ensureBrowsers]);

await runSteps(steps);
