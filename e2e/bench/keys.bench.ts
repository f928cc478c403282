// npm run bench:keys — how long a membership change takes to reach every key
// in a call of N people, on this machine: N headless participants (Node, the
// key agreement state machine, real libsodium boxes, real sockets) against
// the real signaling server (no media). Times a leave (until every remaining
// sender sends under a fresh key and every receiver holds it) and a join
// (until the newcomer holds every sender's current key and everyone holds the
// newcomer's), counts relayed boxes and bytes, and the server's CPU.
// Then the large-call case: 1,000 people of whom 10 send — a listener leaves,
// a listener joins, a listener starts speaking, a speaker leaves.
// All participants run in this one process, on the same 2 cores as the
// server: the figures include every client's work done one after another,
// which in a real call 100 machines do at once.
// Settings: BENCH_SIZES (10,25,50,100,200), BENCH_ROUNDS (3), BENCH_LISTENERS
// (1000; 0 skips the large call), BENCH_SENDERS (10).
import { afterAll, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../support/startServer.js';
import { makeAccounts } from './keys/accountPool.js';
import { type Change, KeyCall } from './keys/KeyCall.js';
import { anchors, keyReport } from './keys/keyReport.js';
import { environment } from './report/environment.js';
import { progress, writeReport } from './report/writeReport.js';

const parameters = {
  sizes: (process.env.BENCH_SIZES ?? '10,25,50,100,200').split(',').map(Number),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  listeners: Number(process.env.BENCH_LISTENERS ?? 1000),
  senders: Number(process.env.BENCH_SENDERS ?? 10),
  server: { PARLEY_MAX_CALL_SIZE: '1000', PARLEY_MEDIA_WORKERS: '1' },
};

let server: RunningServer | undefined;
const calls: KeyCall[] = [];
afterAll(async () => {
  for (const call of calls) call.close();
  await server?.stop();
});

const log = (message: string) => progress('keys', message);
const describeChange = (c: Change) =>
  `${c.kind} at ${c.participants} (${c.senders} sending): ${c.ms} ms, ${c.boxes} boxes, ${Math.round(c.wireBytes / 1024)} KiB, server CPU ${c.serverCpuMs} ms`;

it('times leaves and joins in calls of 10 to 200 senders, and in a call of 1,000 with 10 senders', async () => {
  const largest = Math.max(...parameters.sizes, parameters.listeners);
  server = await startServer({
    ...parameters.server,
    PARLEY_LOG_LEVEL: 'warn',
    // This process poses as the proxy of hundreds of people signing up (accountPool.ts).
    PARLEY_TRUSTED_PROXIES: '10.0.0.0/8',
  });
  log(`making ${largest + parameters.rounds + 5} accounts…`);
  const accounts = await makeAccounts(server.baseUrl, largest + parameters.rounds + 5, (n) => log(`${n} accounts`));

  const everyoneSends: Change[] = [];
  const call = await KeyCall.open(server, accounts);
  calls.push(call);
  for (const size of parameters.sizes) {
    await call.growTo(size, { sending: true });
    log(`${size} people in the call, everyone sending`);
    for (let round = 0; round < parameters.rounds; round++) {
      const leaver = call.members[1 + (round % (call.members.length - 1))];
      if (!leaver) break;
      for (const change of [await call.measureLeave(leaver), await call.measureJoin(true)]) {
        everyoneSends.push(change);
        log(describeChange(change));
      }
    }
  }
  call.close();
  calls.length = 0;

  const fewSend: Change[] = [];
  if (parameters.listeners > 0) {
    await new Promise((resolve) => setTimeout(resolve, 2000)); // the server closes the first call
    const large = await KeyCall.open(server, accounts);
    calls.push(large);
    await large.growTo(parameters.senders, { sending: true });
    for (let size = 100; large.members.length < parameters.listeners; size += 100) {
      await large.growTo(Math.min(size, parameters.listeners), { sending: false, batch: 20 });
      log(`${large.members.length} people in the large call`);
    }
    for (let round = 0; round < parameters.rounds; round++) {
      const listeners = large.members.filter((m) => !m.machine?.sending);
      const leaver = listeners.at(-1 - round);
      const speaker = listeners[round];
      if (!leaver || !speaker) break;
      const changes = [
        await large.measureLeave(leaver),
        await large.measureJoin(false),
        await large.measureStartSending(speaker),
      ];
      speaker.setSending(false);
      for (const change of changes) {
        fewSend.push(change);
        log(describeChange(change));
      }
    }
    const speaker = large.senders.find((m) => m !== large.host);
    if (speaker) {
      const change = await large.measureLeave(speaker);
      fewSend.push(change);
      log(describeChange(change));
    }
  }

  const failures = calls.flatMap((c) => c.failures).concat(call.failures);
  writeReport(keyReport({ parameters, environment: environment(), everyoneSends, fewSend, failures, anchors }));
  expect(everyoneSends.length).toBeGreaterThan(0);
  // Security, not speed: no leaver ever held a key that replaced theirs.
  expect([...everyoneSends, ...fewSend].filter((c) => c.leaverLocked === false)).toEqual([]);
}, 3_600_000);
