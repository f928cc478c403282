// A client must not be able to fill the server's log: its mistakes are
// answered as client errors and logged once per socket and kind at most,
// without a stack. The server's real pino output is captured: pino itself is
// real, only its destination is swapped for an in-memory one.
import type * as Pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers } from './support/calls.js';
import { startTestServer } from './support/startTestServer.js';

const captured = vi.hoisted(() => ({ lines: [] as string[] }));

vi.mock('pino', async (importOriginal) => {
  const real = await importOriginal<typeof Pino>();
  const sink = { write: (line: string) => void captured.lines.push(line) };
  // The production default level, whatever the test environment says.
  const pino = Object.assign(
    (options: Parameters<typeof real.pino>[0]) => real.pino({ ...options, level: 'info' }, sink),
    real.pino,
  );
  return { ...real, pino, default: pino };
});

describe('log flooding', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request } = call;

  beforeAll(async () => {
    ({ server, baseUrl } = await startTestServer());
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  const dtlsParameters = { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: 'AB:CD' }] };
  const rtp = (mimeType: string, ssrc: number, encodings = [{ ssrc }]) => ({
    codecs: [{ mimeType, payloadType: 111, clockRate: 48000, channels: 2 }],
    encodings,
  });

  it('answers mistakes the media server refuses as client errors, logged once per socket and kind, without stacks', async () => {
    expect(captured.lines.join('')).toContain('listening'); // the capture works
    const sockets = [];
    for (let i = 0; i < 2; i++) {
      const { host } = await call.hostRoom();
      const transportId = String((await request(host, 'createTransport', { direction: 'send' })).data?.transportId);
      expect(await request(host, 'connectTransport', { transportId, dtlsParameters })).toMatchObject({ ok: true });
      const microphone = { transportId, kind: 'audio', source: 'microphone', rtpParameters: rtp('audio/opus', 3) };
      expect(await request(host, 'produce', microphone)).toMatchObject({ ok: true });
      sockets.push({ host, transportId, microphone });
    }
    captured.lines.length = 0;

    const codes = new Set<string>();
    for (let round = 0; round < 200; round++) {
      for (const { host, transportId, microphone } of sockets) {
        const replies = await Promise.all([
          request(host, 'connectTransport', { transportId, dtlsParameters }), // already connected
          request(host, 'produce', { ...microphone, rtpParameters: rtp('audio/PCMX', 4) }), // unsupported codec
          request(host, 'produce', { ...microphone, source: 'screen' }), // an SSRC already in use
          request(host, 'produce', { ...microphone, rtpParameters: rtp('audio/opus', 5, []) }), // no encodings
        ]);
        for (const reply of replies) codes.add(String(reply.error?.code));
      }
    }
    const output = captured.lines.join('');
    expect(output).not.toMatch(/"stack"|\n\s+at /);
    // At most one line per socket and kind of mistake.
    expect(captured.lines.length).toBeLessThanOrEqual(2 * 3);
    // Clear codes, never 'internal' (which would mean "the server failed").
    expect([...codes].sort()).toEqual(['invalid_message', 'limit_reached', 'media_error']);
  });
});
