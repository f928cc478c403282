// npm run bench:auth — what argon2id costs here, and what a burst of
// concurrent logins does to latency and memory on a real server.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../auth/password.js';
import { loadConfig } from '../config/index.js';
import { ParleyServer } from '../ParleyServer.js';
import { generate } from 'otplib';

const password = 'violet tractor whispers under marmalade';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const ms = (n: number) => `${n.toFixed(1)} ms`;
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

async function post(baseUrl: string, path: string, body: unknown) {
  return fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: baseUrl },
    body: JSON.stringify(body),
  });
}

async function hashTimes(count: number): Promise<number[]> {
  const times = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    await hashPassword(`${password} ${i}`, 'login');
    times.push(performance.now() - start);
    process.stdout.write(`\rargon2id hashes: ${i + 1}/${count}`);
  }
  process.stdout.write('\n');
  return times.sort((a, b) => a - b);
}

async function burst(baseUrl: string, username: string, concurrency: number) {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);
  const started = performance.now();
  const results = await Promise.all(
    Array.from({ length: concurrency }, async () => {
      const start = performance.now();
      const response = await post(baseUrl, '/api/login', { username, password });
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - start };
    }),
  );
  clearInterval(sampler);
  const ok = results
    .filter((r) => r.status === 200)
    .map((r) => r.ms)
    .sort((a, b) => a - b);
  return {
    concurrency,
    ok: ok.length,
    busy: results.filter((r) => r.status === 503).length,
    other: results.filter((r) => r.status !== 200 && r.status !== 503).length,
    median: percentile(ok, 50),
    p95: percentile(ok, 95),
    max: ok.at(-1) ?? NaN,
    wall: performance.now() - started,
    peakRss,
  };
}

async function main() {
  process.stdout.write(`machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${mib(totalmem())}\n`);
  const hashes = await hashTimes(20);
  process.stdout.write(
    `argon2id (m=19 MiB, t=2, p=1): median ${ms(percentile(hashes, 50))}, p95 ${ms(percentile(hashes, 95))}\n\n`,
  );

  const clientDir = mkdtempSync(join(tmpdir(), 'parley-bench-client-'));
  writeFileSync(join(clientDir, 'index.html'), '<!doctype html>');
  const server = await ParleyServer.create(
    loadConfig({
      ...process.env,
      PARLEY_PORT: '0',
      PARLEY_MEDIA_WORKERS: '1',
      PARLEY_CLIENT_DIR: clientDir,
      PARLEY_DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-bench-')),
      PARLEY_LOG_LEVEL: 'warn',
    }),
  );
  try {
    const baseUrl = `http://127.0.0.1:${server.port}`;
    const username = 'benchuser';
    const registered = (await (await post(baseUrl, '/api/register', { username, password })).json()) as {
      enrolmentId: string;
      totpSecret: string;
    };
    await post(baseUrl, '/api/register/confirm', {
      enrolmentId: registered.enrolmentId,
      code: await generate({ secret: registered.totpSecret }),
    });
    // An unknown username must cost what a wrong password costs (no account probing by timing).
    // Interleaved, on fresh names, so neither side meets the per-account back-off.
    const timeLogin = async (name: string) => {
      const start = performance.now();
      await (await post(baseUrl, '/api/login', { username: name, password: 'definitely not it' })).arrayBuffer();
      return performance.now() - start;
    };
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 12; i++) {
      const known = `known${i}`;
      const enrolment = (await (await post(baseUrl, '/api/register', { username: known, password })).json()) as {
        enrolmentId: string;
        totpSecret: string;
      };
      await post(baseUrl, '/api/register/confirm', {
        enrolmentId: enrolment.enrolmentId,
        code: await generate({ secret: enrolment.totpSecret }),
      });
      unknown.push(await timeLogin(`unknown${i}`));
      wrong.push(await timeLogin(known));
    }
    unknown.sort((a, b) => a - b);
    wrong.sort((a, b) => a - b);
    process.stdout.write(
      `failed login, median of 12: unknown username ${ms(percentile(unknown, 50))}, wrong password ${ms(percentile(wrong, 50))}\n`,
    );
    const idleRss = process.memoryUsage().rss;
    process.stdout.write(`server RSS at rest: ${mib(idleRss)} (server and load generator share this process)\n`);
    process.stdout.write('concurrent logins | ok | "try again later" | median | p95 | max | wall | peak RSS\n');
    for (const concurrency of [1, 10, 100, 300]) {
      const r = await burst(baseUrl, username, concurrency);
      process.stdout.write(
        `${String(r.concurrency).padStart(17)} | ${r.ok} | ${r.busy} | ${ms(r.median)} | ${ms(r.p95)} | ${ms(r.max)} | ${ms(r.wall)} | ${mib(r.peakRss)}${r.other ? ` | ${r.other} other errors` : ''}\n`,
      );
    }
  } finally {
    await server.close();
  }
}

await main();
