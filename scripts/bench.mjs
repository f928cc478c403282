// npm run bench — every benchmark in sequence (bench:soak excepted: it runs
// for half an hour), then one self-contained HTML report of them all
// (bench-results/all-*.html). Numbers worth publishing need a quiet machine:
//   flock /tmp/parley-browser.lock flock -x /tmp/parley-cpu.lock npm run bench
// A benchmark that fails is reported and the others still run; the exit code
// says whether all of them passed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';

const since = new Date().toISOString();
const vitest = (file) => ['npx', ['vitest', 'run', '--project', 'bench', file]];
const steps = [
  ['frames', ...vitest('e2e/bench/frames.bench.ts')],
  ['call', ...vitest('e2e/bench/call.bench.ts')],
  ['call-basics', ...vitest('e2e/bench/callBasics.bench.ts')],
  ['keys', ...vitest('e2e/bench/keys.bench.ts')],
  ['sfu', ...vitest('e2e/bench/sfu.bench.ts')],
  ['load', ...vitest('e2e/bench/load.bench.ts')],
];
const failed = [];
for (const [name, command, args] of steps) {
  process.stdout.write(`\n[bench] ${name}\n`);
  if (spawnSync(command, args, { stdio: 'inherit' }).status !== 0) failed.push(name);
}
process.stdout.write('\n[bench] auth\n');
const auth = spawnSync('node', ['server/dist/bench/auth.js'], {
  encoding: 'utf8',
  stdio: ['ignore', 'pipe', 'inherit'],
});
process.stdout.write(auth.stdout ?? '');
if (auth.status === 0) {
  mkdirSync('bench-results', { recursive: true });
  writeFileSync(`bench-results/auth-${new Date().toISOString().replace(/[:.]/g, '-')}.txt`, auth.stdout);
} else failed.push('auth');
const [command, args] = vitest('e2e/bench/report.bench.ts');
if (spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, BENCH_SINCE: since } }).status !== 0)
  failed.push('report');
if (failed.length) process.stdout.write(`\n[bench] failed: ${failed.join(', ')}\n`);
process.exit(failed.length ? 1 : 0);
