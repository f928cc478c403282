// The chat relay against a real server and real sockets: sealed envelopes go
// at once to exactly the people they name, with the sender the server knows,
// to nobody who joins later, and within the per-file, per-sender and
// back-pressure limits. The content is opaque here (shared/src/chat tests it).
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEnvelope } from '@parley/shared';
import type { ParleyServer } from '../src/ParleyServer.js';
import { callHelpers, sleep } from './support/calls.js';
import { connectSocket, startTestServer } from './support/startTestServer.js';
import { TcpProxy } from './support/TcpProxy.js';

const sealed = (bytes: number) => randomBytes(bytes).toString('base64url');
let seq = 0;
const text = (to: string): ChatEnvelope => ({ v: 1, to, epoch: 0, seq: ++seq, kind: 'message', ct: sealed(60) });
const chunk = (to: string, id: string, index: number, last = false, bytes = 32 * 1024 + 16): ChatEnvelope => ({
  v: 1,
  to,
  epoch: 0,
  seq: ++seq,
  kind: 'chunk',
  file: { id, index, last },
  ct: sealed(bytes),
});
const fileId = () => randomBytes(16).toString('base64url');

describe('chat relay', () => {
  let server: ParleyServer;
  let baseUrl = '';
  const call = callHelpers(() => baseUrl);
  const { request, collect } = call;

  beforeAll(async () => {
    // A 1 MB file limit: 32 chunks.
    ({ server, baseUrl } = await startTestServer({ PARLEY_MAX_FILE_MB: '1' }));
  });
  afterAll(async () => {
    call.closeAll();
    await server.close();
  });

  it('relays to everyone or to one person only, from the sender the server knows, and keeps nothing for later', async () => {
    const { host, roomId, hostPeerId } = await call.hostRoom();
    const fern = await call.admitted(roomId, host);
    const ivo = await call.admitted(roomId, host);
    expect((fern.admission as unknown as { maxFileBytes: number }).maxFileBytes).toBe(1024 * 1024);
    const atFern = collect(fern.guest, 'chatRelayed');
    const atIvo = collect(ivo.guest, 'chatRelayed');
    const atHost = collect(host, 'chatRelayed');
    const toAll = text('*');
    const toFern = text(fern.peerId);
    expect(await request(host, 'relayChat', { envelope: toAll })).toEqual({ ok: true, data: { delivered: 2 } });
    expect(await request(host, 'relayChat', { envelope: toFern })).toEqual({ ok: true, data: { delivered: 1 } });
    // Not to oneself, not to someone who is not in the call; a malformed envelope changes nothing.
    for (const to of [hostPeerId, '00000000-0000-4000-8000-000000000000'])
      expect(await request(host, 'relayChat', { envelope: text(to) })).toMatchObject({ error: { code: 'not_found' } });
    expect(await request(host, 'relayChat', { envelope: { ...text('*'), v: 2 } })).toMatchObject({
      error: { code: 'invalid_message' },
    });
    const late = await call.admitted(roomId, host);
    const atLate = collect(late.guest, 'chatRelayed');
    await sleep(200);
    expect(atFern).toEqual([
      { from: hostPeerId, envelope: toAll },
      { from: hostPeerId, envelope: toFern },
    ]);
    expect(atIvo).toEqual([{ from: hostPeerId, envelope: toAll }]);
    expect(atHost).toEqual([]);
    expect(atLate).toEqual([]); // nothing is replayed to a newcomer
  });

  it('holds a file to the size limit, its chunks to their order, and a sender to a few files at once', async () => {
    const { host, roomId } = await call.hostRoom();
    const fern = await call.admitted(roomId, host);
    const id = fileId();
    const send = (envelope: ChatEnvelope) => request(host, 'relayChat', { envelope });
    expect(await send(chunk(fern.peerId, id, 1))).toMatchObject({ error: { code: 'invalid_message' } });
    for (let index = 0; index < 32; index++)
      expect(await send(chunk(fern.peerId, id, index))).toMatchObject({ ok: true });
    expect(await send(chunk(fern.peerId, id, 5))).toMatchObject({ error: { code: 'invalid_message' } });
    expect(await send(chunk(fern.peerId, id, 32))).toMatchObject({
      error: { code: 'limit_reached', message: 'at most 1 MB per file' },
    });
    // Three more unfinished files make four; a fifth is refused until one ends.
    for (let i = 0; i < 3; i++) expect(await send(chunk(fern.peerId, fileId(), 0))).toMatchObject({ ok: true });
    expect(await send(chunk(fern.peerId, fileId(), 0))).toMatchObject({ error: { code: 'limit_reached' } });
    expect(await send(chunk(fern.peerId, id, 31, true))).toMatchObject({ error: { code: 'invalid_message' } });
    const small = fileId();
    expect(await send(chunk(fern.peerId, small, 0, true, 100))).toMatchObject({ error: { code: 'limit_reached' } });
  });

  it('charges data by what it costs the server: each KiB times the people it goes to', async () => {
    const { host, roomId } = await call.hostRoom();
    // Ten recipients: every KiB to everyone costs ten, so 16 MiB sent is 160 MiB charged (8 MiB at once, 32 MiB/s):
    // the bucket runs dry after the first 19 chunks, however slowly a loaded machine answers.
    for (let i = 0; i < 10; i++) await call.admitted(roomId, host);
    const pending = [];
    for (let f = 0; f < 12; f++) {
      const id = fileId();
      for (let index = 0; index < 32; index++)
        pending.push(request(host, 'relayChat', { envelope: chunk('*', id, index, index === 31) }));
    }
    const replies = (await Promise.allSettled(pending)).flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const limited = replies.filter((reply) => reply.error?.message.includes('chat and file data'));
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]).toMatchObject({ error: { code: 'limit_reached' } });
    // Text has its own allowance: a person typing is not blocked by their file.
    expect(await request(host, 'relayChat', { envelope: text('*') })).toMatchObject({ ok: true });
  });

  it('refuses chunks with busy while a recipient is not reading, and relays again once it does', async () => {
    const { host, roomId } = await call.hostRoom();
    const proxy = new TcpProxy({ host: '127.0.0.1', port: server.port });
    await proxy.up();
    const { user } = await call.connectUser();
    const slow = await connectSocket(`http://127.0.0.1:${proxy.port}`, user.cookie);
    call.sockets.push(slow);
    const peerId = await call.knockWith(slow, roomId, host);
    expect(await request(host, 'admit', { peerId })).toMatchObject({ ok: true });
    await sleep(100);
    proxy.stall();
    let busy = false;
    const started = Date.now();
    // Bounded: 40 files of 1 MB; the kernel's loopback buffers fill long before.
    for (let f = 0; f < 40 && !busy; f++) {
      const id = fileId();
      for (let index = 0; index < 32 && !busy; index++) {
        const reply = await request(host, 'relayChat', { envelope: chunk(peerId, id, index, index === 31) });
        if (!reply.ok && reply.error?.code === 'limit_reached') {
          index--;
          await sleep(50);
        } else if (!reply.ok) {
          expect(reply.error?.code).toBe('busy');
          busy = true;
        }
      }
    }
    expect(busy).toBe(true);
    expect(Date.now() - started).toBeLessThan(20_000);
    // Text still goes (it is small and never held back); a chunk goes once the receiver reads again.
    expect(await request(host, 'relayChat', { envelope: text('*') })).toMatchObject({ ok: true });
    proxy.flow();
    let accepted = false;
    for (let i = 0; i < 100 && !accepted; i++) {
      await sleep(50);
      const reply = await request(host, 'relayChat', { envelope: chunk(peerId, fileId(), 0, true, 100) });
      accepted = reply.ok;
    }
    expect(accepted).toBe(true);
    slow.close();
    await proxy.down();
  });
});
