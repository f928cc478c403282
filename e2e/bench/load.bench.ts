// npm run bench:load — 500 signaling clients (real accounts, socket.io, no
// media) across 100 calls, in cycles: everyone connects; each call's host
// creates it and joins, the others knock and are let in; everyone opens a
// transport and announces E2EE keys; for a while each sends key boxes and
// raises a hand now and then; then everyone hangs up. Reported: request
// round trips (p50, p99) overall and per request, server CPU (server and
// media workers) and memory per cycle, and after every cycle what the server
// still holds (calls, people, transports, sockets, open descriptors): it must
// be nothing. `npm run bench:soak` runs the same cycles for 30 minutes.
// Settings: BENCH_CLIENTS (500), BENCH_ROOMS (100), BENCH_CYCLES (10),
// BENCH_HOLD_SECONDS (5), BENCH_SOAK_MINUTES (unset: run BENCH_CYCLES cycles).
import { afterAll, expect, it } from 'vitest';
import { registerViaApi } from '../support/accounts.js';
import { waitFor } from '../support/waitFor.js';
import { environment } from './report/environment.js';
import { round, summarize } from './report/stats.js';
import { progress, writeReport, type Table } from './report/writeReport.js';
import { Latencies, LoadClient } from './load/LoadClient.js';
import { startLoadServer, type LoadServer, type ServerMetrics } from './load/loadServer.js';

const parameters = {
  clients: Number(process.env.BENCH_CLIENTS ?? 500),
  rooms: Number(process.env.BENCH_ROOMS ?? 100),
  cycles: Number(process.env.BENCH_CYCLES ?? 10),
  holdSeconds: Number(process.env.BENCH_HOLD_SECONDS ?? 5),
  soakMinutes: process.env.BENCH_SOAK_MINUTES === undefined ? undefined : Number(process.env.BENCH_SOAK_MINUTES),
};

type Cycle = {
  cycle: number;
  seconds: number;
  requests: number;
  /** Round trips of this cycle's requests (ms). */
  p50: number;
  p99: number;
  /** Minutes since the first cycle started, at this one's end (the soak's time axis). */
  atMinutes: number;
  cpuPercent: number;
  after: ServerMetrics;
  /** How long after the last hang-up the server held nothing of the cycle any more. */
  drainedMs: number;
};

let server: LoadServer | undefined;
afterAll(async () => server?.stop());

const mb = (bytes: number) => round(bytes / 1024 / 1024, 1);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `task` over `items`, `width` at a time. */
async function inWaves<T>(items: T[], width: number, task: (item: T, index: number) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += width)
    await Promise.all(items.slice(i, i + width).map((item, j) => task(item, i + j)));
}

it('load: 500 clients in 100 calls, churning', async () => {
  const { clients: clientCount, rooms: roomCount } = parameters;
  const perRoom = Math.ceil(clientCount / roomCount);
  server = await startLoadServer();
  const live = server;
  progress('load', `registering ${clientCount} accounts (each from its own forwarded address)…`);
  const latencies = new Latencies();
  const clients: LoadClient[] = [];
  await inWaves(
    Array.from({ length: clientCount }, (_, i) => i),
    8, // the server lets 16 sign-ups wait for their hash, and turns more away as busy
    async (i) => {
      const forwardedFor = `198.18.${(i >> 8) & 255}.${i & 255}`; // 198.18.0.0/15: benchmark addresses (RFC 2544)
      const { cookie } = await registerViaApi(live.baseUrl, forwardedFor);
      clients[i] = new LoadClient(live.baseUrl, cookie, latencies);
    },
  );
  const calls = Array.from({ length: roomCount }, (_, r) => clients.slice(r * perRoom, (r + 1) * perRoom));
  const baseline = await live.metrics();
  progress('load', `baseline: ${JSON.stringify(baseline)}`);

  const cycles: Cycle[] = [];
  const firstStarted = performance.now();
  const deadline = parameters.soakMinutes === undefined ? undefined : Date.now() + parameters.soakMinutes * 60_000;
  for (let cycle = 1; deadline ? Date.now() < deadline : cycle <= parameters.cycles; cycle++) {
    const started = performance.now();
    const cpuBefore = live.cpuSeconds();
    const requestsBefore = latencies.all.length;
    await inWaves(clients, 50, (client) => client.connect());
    await Promise.all(
      calls.map(async ([host, ...guests]) => {
        if (!host) return;
        const { roomId } = await host.request('createRoom', { profile: 'standard' });
        host.peerId = String((await host.request('join', { roomId, displayName: 'Host' })).peerId);
        for (const guest of guests) {
          const admitted = guest.next('admitted');
          const knock = await guest.request('join', { roomId, displayName: 'Guest' });
          await host.request('admit', { peerId: knock.peerId });
          guest.peerId = String(((await admitted) as { peerId: string }).peerId);
        }
      }),
    );
    await Promise.all(clients.map((client) => client.settleIn()));
    const holdUntil = performance.now() + parameters.holdSeconds * 1000;
    for (let turn = 0; performance.now() < holdUntil; turn++) {
      await Promise.all(
        calls.flatMap((members) =>
          members.map((member) =>
            member.chatter(
              members.filter((other) => other !== member).map((other) => other.peerId),
              turn,
            ),
          ),
        ),
      );
      await sleep(500);
    }
    for (const client of clients) client.leave();
    const leftAt = performance.now();
    const after = await waitFor(
      () => live.metrics(),
      (m) => m.rooms === 0 && m.peers === 0 && m.transports === 0 && m.sockets === 0,
      20_000,
      50,
    );
    const seconds = (performance.now() - started) / 1000;
    const roundTrips = summarize(latencies.all.slice(requestsBefore));
    const result: Cycle = {
      cycle,
      seconds: round(seconds, 1),
      requests: latencies.all.length - requestsBefore,
      p50: round(roundTrips.median),
      p99: round(roundTrips.p99),
      atMinutes: round((performance.now() - firstStarted) / 60_000, 1),
      cpuPercent: round(((live.cpuSeconds() - cpuBefore) / seconds) * 100, 1),
      after,
      drainedMs: Math.round(performance.now() - leftAt),
    };
    cycles.push(result);
    progress(
      'load',
      `cycle ${cycle}: ${result.requests} requests in ${result.seconds} s, server CPU ${result.cpuPercent} % (of one core), RSS ${mb(after.rssBytes)} MB, heap ${mb(after.heapUsedBytes)} MB; left behind: ${after.rooms} calls, ${after.peers} people, ${after.transports} transports, ${after.sockets} sockets; ${after.openFds} descriptors (baseline ${baseline.openFds})`,
    );
  }

  const overall = summarize(latencies.all);
  const perRequest: Table = {
    title: 'Request round trips (ms)',
    columns: ['request', 'count', 'p50', 'p99', 'max'],
    rows: [...latencies.byRequest].map(([name, values]) => {
      const { median, p99 } = summarize(values);
      return [name, values.length, round(median), round(p99), round(Math.max(...values))];
    }),
  };
  const perCycle: Table = {
    title: 'Cycles: what the server used, and what it still held after everyone hung up',
    columns: [
      'cycle',
      's',
      'requests',
      'p50 ms',
      'p99 ms',
      'CPU %',
      'RSS MB',
      'heap MB',
      'calls',
      'people',
      'transports',
      'sockets',
      'fds',
      'drained ms',
    ],
    rows: cycles.map((c) => [
      c.cycle,
      c.seconds,
      c.requests,
      c.p50,
      c.p99,
      c.cpuPercent,
      mb(c.after.rssBytes),
      mb(c.after.heapUsedBytes),
      c.after.rooms,
      c.after.peers,
      c.after.transports,
      c.after.sockets,
      c.after.openFds,
      c.drainedMs,
    ]),
  };
  const last = cycles.at(-1);
  const failures = [...latencies.failures].map(([what, count]) => `${what} ×${count}`);
  // A soak's charts run over time; a load run's over its cycles.
  const labels = cycles.map((c) => (parameters.soakMinutes === undefined ? `cycle ${c.cycle}` : `${c.atMinutes} min`));
  writeReport({
    name: parameters.soakMinutes === undefined ? 'load' : 'soak',
    summary: [
      `${clientCount} clients in ${roomCount} calls, ${cycles.length} cycles: ${latencies.all.length} requests, round trip p50 ${round(overall.median)} ms, p99 ${round(overall.p99)} ms.`,
      `Server (with its media workers) CPU per cycle: ${cycles.map((c) => c.cpuPercent).join(', ')} % of one core.`,
      `Heap after a full collection: ${mb(baseline.heapUsedBytes)} MB before, ${last ? mb(last.after.heapUsedBytes) : '–'} MB after the last cycle; RSS ${mb(baseline.rssBytes)} → ${last ? mb(last.after.rssBytes) : '–'} MB.`,
      `Left behind after the last cycle: ${last?.after.rooms} calls, ${last?.after.peers} people, ${last?.after.transports} transports, ${last?.after.sockets} sockets; ${last?.after.openFds} open descriptors (${baseline.openFds} before).`,
      `Refused requests: ${failures.length === 0 ? 'none' : failures.join(', ')}.`,
    ],
    parameters,
    environment: environment(),
    tables: [perRequest, perCycle],
    charts: [
      {
        title: 'Round trips per cycle',
        unit: 'ms',
        labels,
        series: [
          { name: 'p50', values: cycles.map((c) => c.p50) },
          { name: 'p99', values: cycles.map((c) => c.p99) },
        ],
      },
      {
        title: 'Server CPU per cycle',
        unit: '% of one core',
        labels,
        series: [{ name: 'CPU', values: cycles.map((c) => c.cpuPercent) }],
      },
      {
        title: 'Server memory after each cycle',
        unit: 'MB',
        labels,
        series: [
          { name: 'RSS', values: cycles.map((c) => mb(c.after.rssBytes)) },
          { name: 'heap after GC', values: cycles.map((c) => mb(c.after.heapUsedBytes)) },
        ],
      },
    ],
    data: { baseline, cycles, latencies: Object.fromEntries(latencies.byRequest) },
  });

  expect(failures).toEqual([]);
  for (const c of cycles) {
    expect(c.after, `cycle ${c.cycle}`).toMatchObject({
      rooms: 0,
      peers: 0,
      transports: 0,
      producers: 0,
      consumers: 0,
      sockets: 0,
    });
    expect(c.after.openFds, `cycle ${c.cycle}: open descriptors`).toBeLessThanOrEqual(baseline.openFds + 2);
  }
});
